import { z } from 'zod';
import { EVENT_TYPES } from './events';

export const WebhookInputSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    /** Event types to send; `*` for all. */
    events: z.array(z.union([z.enum(EVENT_TYPES), z.literal('*')])).min(1),
    description: z.string().max(500).optional(),
  })
  .strict();

export type WebhookInput = z.infer<typeof WebhookInputSchema>;

export const WebhookPatchSchema = z
  .object({
    url: WebhookInputSchema.shape.url.optional(),
    events: WebhookInputSchema.shape.events.optional(),
    description: z.string().max(500).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();

export type WebhookPatch = z.infer<typeof WebhookPatchSchema>;

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Returned once, by `POST /v1/webhooks`: the only response that carries the secret. */
export interface WebhookCreated extends Webhook {
  secret: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'dead';

export interface DeliveryAttempt {
  at: string;
  responseCode: number | null;
  latencyMs: number;
  error: string | null;
}

export interface WebhookDelivery {
  /** Stays the same on every attempt, so receivers can de-duplicate. */
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: DeliveryAttempt[];
  createdAt: string;
  nextAttemptAt: string | null;
}

/** Header names of a delivery. */
export const WEBHOOK_HEADERS = {
  deliveryId: 'switchyard-delivery-id',
  timestamp: 'switchyard-timestamp',
  signature: 'switchyard-signature',
  event: 'switchyard-event',
} as const;
