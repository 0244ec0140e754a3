import { z } from 'zod';

/**
 * The four steps of the manual procedure, in the order a rollout runs them. Each step is
 * idempotent: it observes the switch, acts only when the observation says it must, then
 * verifies.
 */
export const STEP_NAMES = [
  'configure-mgmt',
  'start-docker',
  'deploy-container',
  'verify-nat',
] as const;

export type StepName = (typeof STEP_NAMES)[number];

export const StepNameSchema = z.enum(STEP_NAMES);

/** A port published by the container: `docker run -p <host>:<container>`. */
export const PortMappingSchema = z
  .object({
    host: z.number().int().min(1).max(65535),
    container: z.number().int().min(1).max(65535),
  })
  .strict();

export type PortMapping = z.infer<typeof PortMappingSchema>;

// Docker's own grammar for container names and (simplified) image references. Anything
// outside it would be interpolated into a shell command on the switch, so it is refused.
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const IMAGE_REFERENCE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;

/** Largest page a rollout copies into the container, in bytes of UTF-8. */
export const MAX_PAGE_CONTENT_BYTES = 64 * 1024;

/** What the deploy and verify steps deploy and check. Defaults follow the manual procedure. */
export const DeploymentParamsSchema = z
  .object({
    image: z
      .string()
      .regex(IMAGE_REFERENCE, 'must be a Docker image reference such as nginx or nginx:1.25')
      .default('nginx'),
    containerName: z
      .string()
      .regex(CONTAINER_NAME, 'must be a Docker container name: letters, digits, _ . - (at most 63)')
      .default('web'),
    ports: z
      .array(PortMappingSchema)
      .min(1)
      .max(8)
      .refine(
        (ports) => new Set(ports.map((p) => p.host)).size === ports.length,
        'host ports must be unique',
      )
      .default([{ host: 30080, container: 80 }]),
    /** Written to the container's `index.html`; absent leaves the image's own page. */
    pageContent: z
      .string()
      .refine(
        (s) => Buffer.byteLength(s, 'utf8') <= MAX_PAGE_CONTENT_BYTES,
        `must be at most ${MAX_PAGE_CONTENT_BYTES} bytes`,
      )
      .optional(),
    /** Sets `chkconfig --add docker` so the daemon comes back after a reload. */
    persistDocker: z.boolean().default(true),
  })
  .strict();

export type DeploymentParams = z.infer<typeof DeploymentParamsSchema>;

export const DEFAULT_DEPLOYMENT_PARAMS: DeploymentParams = DeploymentParamsSchema.parse({});

/** One command sent to the switch and what it answered (prompt and echo stripped). */
export interface TranscriptEntry {
  command: string;
  output: string;
  durationMs: number;
}

export type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'planned';

/** Facts a step establishes about the switch; each step documents its own keys. */
export type StepFacts = Record<string, string | number | boolean | null>;

export interface StepError {
  code: string;
  message: string;
  retryable: boolean;
  /** What the operator should do next. */
  hint: string;
}

export interface StepResult {
  step: StepName;
  status: StepStatus;
  /** True when the step had to change the switch; false when it found it already right. */
  changed: boolean;
  facts: StepFacts;
  /** Commands that changed (or, in a dry run, would change) the switch, in order. */
  commands: string[];
  transcript: TranscriptEntry[];
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: StepError | null;
}
