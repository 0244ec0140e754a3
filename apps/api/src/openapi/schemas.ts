import { z } from 'zod';
import {
  DeploymentParamsSchema,
  EVENT_TYPES,
  JobInputSchema,
  RolloutInputSchema,
  RolloutStrategySchema,
  StepNameSchema,
  SwitchInputSchema,
  SwitchPatchSchema,
  WebhookInputSchema,
  WebhookPatchSchema,
  type JobView,
  type RolloutView,
  type Switch,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
} from '@switchyard/contracts';

// Response shapes for the OpenAPI document. Each is checked against its contract type at
// compile time (`satisfies`), so the document cannot drift from what the API returns.

const Timestamp = z.iso.datetime();
const ErrorSummarySchema = z.object({ code: z.string(), message: z.string(), hint: z.string() });

const HostKeyPinSchema = z.object({
  fingerprint: z.string(),
  source: z.enum(['registered', 'first-use']),
  pinnedAt: Timestamp,
});

const SwitchSchema = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  port: z.number().int(),
  credentialRef: z.string(),
  tags: z.array(z.string()),
  legacyAlgorithms: z.boolean(),
  hostKey: HostKeyPinSchema.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}) satisfies z.ZodType<Switch>;

const StepResultSchema = z.object({
  step: StepNameSchema,
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped', 'planned']),
  changed: z.boolean(),
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  commands: z.array(z.string()),
  transcript: z.array(
    z.object({ command: z.string(), output: z.string(), durationMs: z.number() }),
  ),
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  durationMs: z.number().nullable(),
  error: z
    .object({ code: z.string(), message: z.string(), retryable: z.boolean(), hint: z.string() })
    .nullable(),
});

const JobViewSchema = z.object({
  id: z.string(),
  switchId: z.string(),
  rolloutId: z.string().nullable(),
  steps: z.array(StepNameSchema),
  dryRun: z.boolean(),
  state: z.enum(['waiting', 'delayed', 'active', 'completed', 'failed', 'unknown']),
  attempts: z.number().int(),
  result: z.array(StepResultSchema),
  error: ErrorSummarySchema.nullable(),
  createdAt: Timestamp,
  finishedAt: Timestamp.nullable(),
}) satisfies z.ZodType<JobView>;

const RolloutCountsSchema = z.object({
  total: z.number().int(),
  pending: z.number().int(),
  queued: z.number().int(),
  running: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  cancelled: z.number().int(),
});

const RolloutViewSchema = z.object({
  id: z.string(),
  state: z.enum(['running', 'paused', 'succeeded', 'failed', 'cancelled']),
  dryRun: z.boolean(),
  steps: z.array(StepNameSchema),
  params: DeploymentParamsSchema,
  strategy: RolloutStrategySchema,
  counts: RolloutCountsSchema,
  reason: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  switches: z.array(
    z.object({
      switchId: z.string(),
      switchName: z.string(),
      wave: z.number().int(),
      state: z.enum([
        'pending',
        'queued',
        'running',
        'succeeded',
        'failed',
        'skipped',
        'cancelled',
      ]),
      jobId: z.string().nullable(),
      attempts: z.number().int(),
      steps: z.array(StepResultSchema),
      error: ErrorSummarySchema.nullable(),
    }),
  ),
}) satisfies z.ZodType<RolloutView>;

const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  active: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}) satisfies z.ZodType<Webhook>;

const WebhookCreatedSchema = WebhookSchema.extend({
  secret: z
    .string()
    .describe(
      'The signing secret. Shown in this response only; a replay (Idempotency-Key) leaves it out.',
    ),
}) satisfies z.ZodType<WebhookCreated>;

const WebhookDeliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'retrying', 'succeeded', 'dead']),
  attempts: z.array(
    z.object({
      at: Timestamp,
      responseCode: z.number().int().nullable(),
      latencyMs: z.number(),
      error: z.string().nullable(),
    }),
  ),
  createdAt: Timestamp,
  nextAttemptAt: Timestamp.nullable(),
}) satisfies z.ZodType<WebhookDelivery>;

const ApiErrorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  message: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  code: z.string().optional(),
});

const HealthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  redis: z.enum(['ok', 'unreachable']),
});

const EventSchema = z.object({
  id: z
    .string()
    .describe('Stream position; the SSE id and the value to send back as Last-Event-ID.'),
  at: Timestamp,
  type: z.enum(EVENT_TYPES),
  rolloutId: z.string().nullable(),
  jobId: z.string().nullable(),
  switchId: z.string().nullable(),
  step: StepNameSchema.nullable(),
  data: z.record(z.string(), z.unknown()),
});

/** Request bodies (documented as the client sends them: defaults make fields optional). */
const INPUT_SCHEMAS = {
  SwitchInput: SwitchInputSchema,
  SwitchPatch: SwitchPatchSchema,
  JobInput: JobInputSchema,
  RolloutInput: RolloutInputSchema,
  WebhookInput: WebhookInputSchema,
  WebhookPatch: WebhookPatchSchema,
} as const;

const OUTPUT_SCHEMAS = {
  Switch: SwitchSchema,
  JobView: JobViewSchema,
  RolloutView: RolloutViewSchema,
  Webhook: WebhookSchema,
  WebhookCreated: WebhookCreatedSchema,
  WebhookDelivery: WebhookDeliverySchema,
  ApiError: ApiErrorSchema,
  Health: HealthSchema,
  Event: EventSchema,
} as const;

export type SchemaName = keyof typeof INPUT_SCHEMAS | keyof typeof OUTPUT_SCHEMAS;

/** A reference to one of the document's component schemas. */
export function schemaRef(name: SchemaName): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** Every component schema, as OpenAPI 3.0 JSON Schema generated from the zod schemas. */
export function componentSchemas(): Record<string, Record<string, unknown>> {
  const convert = (schema: z.ZodType, io: 'input' | 'output') =>
    z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<
      string,
      unknown
    >;

  return {
    ...Object.fromEntries(
      Object.entries(INPUT_SCHEMAS).map(([name, schema]) => [name, convert(schema, 'input')]),
    ),
    ...Object.fromEntries(
      Object.entries(OUTPUT_SCHEMAS).map(([name, schema]) => [name, convert(schema, 'output')]),
    ),
  };
}
