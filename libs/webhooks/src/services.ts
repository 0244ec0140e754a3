import type { Webhook, WebhookCreated, WebhookDelivery, WebhookInput, WebhookPatch } from '@switchyard/contracts';

/** A webhook URL that the address policy refuses: HTTP 400 at registration. */
export class WebhookTargetError extends Error {
  override readonly name = 'WebhookTargetError';
}

/** What the API needs of webhooks. Implemented in this library; the API only calls it. */
export interface WebhookApi {
  /** The only call whose answer carries the signing secret. */
  create(input: WebhookInput): Promise<WebhookCreated>;
  list(): Promise<Webhook[]>;
  get(id: string): Promise<Webhook | null>;
  update(id: string, patch: WebhookPatch): Promise<Webhook | null>;
  delete(id: string): Promise<boolean>;
  deliveries(webhookId: string, limit?: number): Promise<WebhookDelivery[] | null>;
  /** Sends the delivery again with the same id and body, as a new series of attempts. */
  redeliver(webhookId: string, deliveryId: string): Promise<WebhookDelivery | null>;
}
