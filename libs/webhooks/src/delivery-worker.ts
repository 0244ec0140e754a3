import { UnrecoverableError, type Job, type JobsOptions } from 'bullmq';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  WEBHOOK_HEADERS,
  type DeliverWebhookJobData,
  type DeliveryAttempt,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';
import { WebhookTargetError } from './errors';
import { retryDelayMs, type RetrySchedule } from './retry-schedule';
import { sendWebhookAttempt, type AttemptOutcome } from './sender';
import { deriveWebhookSecret, signWebhookPayload } from './signing';
import type { DeliveryRecord, WebhookRecord, WebhookStore } from './store';
import { checkWebhookTarget } from './target-policy';

/** The backoff type of delivery jobs; the worker's strategy answers the delay the attempt chose. */
export const DELIVERY_BACKOFF_TYPE = 'webhook-delivery';

/** Finished jobs are kept a while for inspection; the delivery records are the history. */
const COMPLETED_JOB_RETENTION_SECONDS = 24 * 60 * 60;
const FAILED_JOB_RETENTION_SECONDS = 7 * 24 * 60 * 60;

const USER_AGENT = 'Switchyard-Webhooks/1';

/** Options of every delivery job: one series of attempts of one delivery. */
export function deliveryJobOptions(jobId: string, attempts: number): JobsOptions {
  return {
    jobId,
    attempts,
    backoff: { type: DELIVERY_BACKOFF_TYPE },
    removeOnComplete: { age: COMPLETED_JOB_RETENTION_SECONDS },
    removeOnFail: { age: FAILED_JOB_RETENTION_SECONDS },
  };
}

/** A failed attempt that will be retried; carries the wait the delivery record announced. */
export class DeliveryAttemptFailed extends Error {
  override readonly name = 'DeliveryAttemptFailed';

  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
  }
}

/**
 * BullMQ backoff strategy of delivery jobs. The attempt itself draws the delay (so that the
 * delivery record can show when the next attempt comes) and hands it over on its error.
 */
export function deliveryBackoffStrategy(attemptsMade: number, _type?: string, err?: Error): number {
  if (err instanceof DeliveryAttemptFailed) return err.retryDelayMs;
  // Not an attempt's verdict (Redis trouble, say): try again soon.
  return Math.min(60_000, 1_000 * 2 ** attemptsMade);
}

export interface DeliveryProcessorOptions {
  config: SwitchyardConfig;
  store: WebhookStore;
  logger: Logger;
  schedule: RetrySchedule;
  attemptTimeoutMs: number;
}

/** Runs one attempt of a delivery job and records it. */
export class DeliveryProcessor {
  private readonly logger: Logger;

  constructor(private readonly options: DeliveryProcessorOptions) {
    this.logger = options.logger.child({ component: 'WebhookDelivery' });
  }

  async process(job: Job<DeliverWebhookJobData>): Promise<void> {
    const { store } = this.options;
    const { webhookId, deliveryId } = job.data;
    const delivery = await store.getDelivery(deliveryId);
    // A redelivery started a newer series, or the webhook was deleted with its deliveries.
    if (!delivery || delivery.jobId !== job.id) return;
    const webhook = await store.getWebhook(webhookId);
    if (!webhook) return;

    const attemptNumber = job.attemptsMade + 1;
    const log = this.logger.child({
      webhookId,
      deliveryId,
      eventType: delivery.eventType,
      attempt: attemptNumber,
    });
    if (!webhook.active) {
      // Deactivating stops deliveries, retries included; a redelivery after reactivating resumes.
      await store.recordOutcome(deliveryId, delivery.jobId, 'dead', null);
      log.info('webhook inactive; delivery stopped');
      return;
    }

    const at = new Date();
    const outcome = await this.attempt(webhook, delivery);
    const attempt: DeliveryAttempt = { at: at.toISOString(), ...outcome };
    await store.appendAttempt(deliveryId, attempt);

    if (outcome.error === null) {
      await store.recordOutcome(deliveryId, delivery.jobId, 'succeeded', null);
      log.info(
        { responseCode: outcome.responseCode, latencyMs: outcome.latencyMs },
        'webhook delivered',
      );
      return;
    }

    if (attemptNumber >= (job.opts.attempts ?? 1)) {
      const current = await store.recordOutcome(deliveryId, delivery.jobId, 'dead', null);
      log.warn(
        { responseCode: outcome.responseCode, error: outcome.error },
        'webhook delivery dead after its last attempt',
      );
      if (current) throw new UnrecoverableError(`last attempt failed: ${outcome.error}`);
      return;
    }

    const delayMs = retryDelayMs(attemptNumber, this.options.schedule);
    const nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    const current = await store.recordOutcome(
      deliveryId,
      delivery.jobId,
      'retrying',
      nextAttemptAt,
    );
    log.info(
      { responseCode: outcome.responseCode, error: outcome.error, nextAttemptAt },
      'webhook attempt failed; retrying',
    );
    if (current) throw new DeliveryAttemptFailed(outcome.error, delayMs);
  }

  private async attempt(webhook: WebhookRecord, delivery: DeliveryRecord): Promise<AttemptOutcome> {
    const { config, attemptTimeoutMs } = this.options;
    if (!config.secretKey) {
      return {
        responseCode: null,
        latencyMs: 0,
        error: 'SWITCHYARD_SECRET_KEY is not set on the worker, so nothing can be signed',
      };
    }

    // Checked again at every attempt: the name may resolve elsewhere than at registration.
    let target;
    try {
      target = await checkWebhookTarget(webhook.url, config.webhookAllow);
    } catch (err) {
      if (!(err instanceof WebhookTargetError)) throw err;
      return {
        responseCode: null,
        latencyMs: 0,
        error: `refused by the address policy: ${err.message}`,
      };
    }

    const secret = deriveWebhookSecret(config.secretKey, webhook.id, webhook.salt);
    const body = Buffer.from(delivery.body, 'utf8');
    // Fresh on every attempt, so a retry hours later still passes the receiver's window.
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      [WEBHOOK_HEADERS.deliveryId]: delivery.id,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.event]: delivery.eventType,
      [WEBHOOK_HEADERS.signature]: signWebhookPayload({ secret, timestamp, body }),
      'user-agent': USER_AGENT,
    };

    return sendWebhookAttempt({ target, body, headers, timeoutMs: attemptTimeoutMs });
  }
}
