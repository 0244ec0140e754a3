import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import {
  JOB_NAMES,
  QUEUE_NAMES,
  type DeliverWebhookJobData,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
  type WebhookInput,
  type WebhookPatch,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';
import { DeliveryProcessor, deliveryBackoffStrategy, deliveryJobOptions } from './delivery-worker';
import { STALE_ENTRY_MIN_IDLE_MS, WebhookDispatcher } from './dispatcher';
import { WebhookSecretKeyMissingError } from './errors';
import {
  DEFAULT_RETRY_SCHEDULE,
  DELIVERY_ATTEMPT_TIMEOUT_MS,
  type RetrySchedule,
} from './retry-schedule';
import { deriveWebhookSecret, newSecretSalt } from './signing';
import { WebhookStore, toWebhookView, type WebhookRecord } from './store';
import { checkWebhookTarget, type ResolveHost } from './target-policy';

export { WebhookSecretKeyMissingError, WebhookTargetError } from './errors';

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

/** Deliveries answered by `deliveries()` when the caller names no limit. */
export const DEFAULT_DELIVERY_LIST_LIMIT = 50;

/** Concurrent delivery attempts per worker process: enough that slow receivers wait alone. */
export const DELIVERY_CONCURRENCY = 50;

export interface WebhookServicesOptions {
  config: SwitchyardConfig;
  logger: Logger;
  /** Retry schedule of redeliveries (only `attempts` is read here). Default: DEFAULT_RETRY_SCHEDULE. */
  retry?: Partial<RetrySchedule>;
  /** Host resolution for the address policy. Default: dns.lookup with all addresses. */
  resolveHost?: ResolveHost;
}

/** Opens the webhook services the API calls; `close()` releases the Redis connection. */
export async function createWebhookServices(
  options: WebhookServicesOptions,
): Promise<{ webhooks: WebhookApi; close(): Promise<void> }> {
  const { config } = options;
  const redis = new Redis(config.redisUrl, { lazyConnect: true });
  await redis.connect();
  const queue = new Queue<DeliverWebhookJobData>(QUEUE_NAMES.webhookDeliveries, {
    connection: redis,
    prefix: config.prefix,
  });
  const schedule = { ...DEFAULT_RETRY_SCHEDULE, ...options.retry };
  const webhooks = new WebhookService(
    config,
    new WebhookStore(redis, config.prefix),
    queue,
    schedule,
    options.resolveHost,
  );

  return {
    webhooks,
    async close() {
      await queue.close();
      await redis.quit();
    },
  };
}

export interface WebhookDeliveryOptions {
  config: SwitchyardConfig;
  logger: Logger;
  /** Deadline of one attempt, connect to response headers, in ms. Default 10 000. */
  attemptTimeoutMs?: number;
  /** Attempts and backoff of each delivery series. Default: DEFAULT_RETRY_SCHEDULE. */
  retry?: Partial<RetrySchedule>;
  /** Concurrent attempts in this process. Default 50. */
  concurrency?: number;
  /** Unacknowledged events idle this long are taken over at start, in ms. Default 60 000. */
  staleEntryMinIdleMs?: number;
}

/**
 * Starts, inside the worker process, the dispatcher (events to deliveries) and the delivery
 * worker (attempts, signed, retried with backoff). `close()` stops both and waits for the
 * attempts in flight.
 */
export async function startWebhookDelivery(
  options: WebhookDeliveryOptions,
): Promise<{ close(): Promise<void> }> {
  const { config, logger } = options;
  const schedule = { ...DEFAULT_RETRY_SCHEDULE, ...options.retry };
  if (!config.secretKey) {
    logger.warn('SWITCHYARD_SECRET_KEY is not set: webhook deliveries will fail until it is');
  }

  // BullMQ workers need maxRetriesPerRequest: null; the blocking stream read has a connection of its own.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  await redis.connect();
  const reader = redis.duplicate();
  const store = new WebhookStore(redis, config.prefix);
  const queue = new Queue<DeliverWebhookJobData>(QUEUE_NAMES.webhookDeliveries, {
    connection: redis,
    prefix: config.prefix,
  });

  const processor = new DeliveryProcessor({
    config,
    store,
    logger,
    schedule,
    attemptTimeoutMs: options.attemptTimeoutMs ?? DELIVERY_ATTEMPT_TIMEOUT_MS,
  });
  const worker = new Worker<DeliverWebhookJobData>(
    QUEUE_NAMES.webhookDeliveries,
    async (job) => {
      if (job.name !== JOB_NAMES.deliverWebhook) {
        throw new Error(
          `no handler for job "${job.name}" on queue ${QUEUE_NAMES.webhookDeliveries}`,
        );
      }
      await processor.process(job);
    },
    {
      connection: redis,
      prefix: config.prefix,
      concurrency: options.concurrency ?? DELIVERY_CONCURRENCY,
      settings: { backoffStrategy: deliveryBackoffStrategy },
    },
  );
  worker.on('error', (err) => logger.error({ err }, 'webhook delivery worker error'));

  const dispatcher = new WebhookDispatcher({
    redis,
    reader,
    streamKey: `${config.prefix}:events`,
    store,
    queue,
    logger,
    attempts: schedule.attempts,
    staleEntryMinIdleMs: options.staleEntryMinIdleMs ?? STALE_ENTRY_MIN_IDLE_MS,
  });
  const closeDeliveryParts = async () => {
    await worker.close();
    await queue.close();
    reader.disconnect();
    await redis.quit();
  };
  try {
    await dispatcher.start();
  } catch (err) {
    await closeDeliveryParts();
    throw err;
  }

  return {
    async close() {
      await dispatcher.stop();
      await closeDeliveryParts();
    },
  };
}

/** Characters of randomness in a webhook id. */
const WEBHOOK_ID_BYTES = 12;

class WebhookService implements WebhookApi {
  constructor(
    private readonly config: SwitchyardConfig,
    private readonly store: WebhookStore,
    private readonly queue: Queue<DeliverWebhookJobData>,
    private readonly schedule: RetrySchedule,
    private readonly resolveHost?: ResolveHost,
  ) {}

  async create(input: WebhookInput): Promise<WebhookCreated> {
    const { secretKey } = this.config;
    if (!secretKey) throw new WebhookSecretKeyMissingError();
    await checkWebhookTarget(input.url, this.config.webhookAllow, this.resolveHost);

    const now = new Date().toISOString();
    const record: WebhookRecord = {
      id: `wh_${randomBytes(WEBHOOK_ID_BYTES).toString('base64url')}`,
      url: input.url,
      events: [...new Set(input.events)],
      description: input.description ?? null,
      active: true,
      salt: newSecretSalt(),
      createdAt: now,
      updatedAt: now,
    };
    await this.store.saveWebhook(record);

    return {
      ...toWebhookView(record),
      secret: deriveWebhookSecret(secretKey, record.id, record.salt),
    };
  }

  async list(): Promise<Webhook[]> {
    return (await this.store.listWebhooks()).map(toWebhookView);
  }

  async get(id: string): Promise<Webhook | null> {
    const record = await this.store.getWebhook(id);
    return record ? toWebhookView(record) : null;
  }

  async update(id: string, patch: WebhookPatch): Promise<Webhook | null> {
    const record = await this.store.getWebhook(id);
    if (!record) return null;
    if (patch.url !== undefined)
      await checkWebhookTarget(patch.url, this.config.webhookAllow, this.resolveHost);

    const updated: WebhookRecord = {
      ...record,
      url: patch.url ?? record.url,
      events: patch.events ? [...new Set(patch.events)] : record.events,
      description: patch.description === undefined ? record.description : patch.description,
      active: patch.active ?? record.active,
      updatedAt: new Date().toISOString(),
    };
    await this.store.saveWebhook(updated);
    return toWebhookView(updated);
  }

  async delete(id: string): Promise<boolean> {
    return this.store.deleteWebhook(id);
  }

  async deliveries(
    webhookId: string,
    limit = DEFAULT_DELIVERY_LIST_LIMIT,
  ): Promise<WebhookDelivery[] | null> {
    if (!(await this.store.getWebhook(webhookId))) return null;
    return this.store.listDeliveries(webhookId, limit);
  }

  async redeliver(webhookId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    if (!(await this.store.getWebhook(webhookId))) return null;
    const delivery = await this.store.getDelivery(deliveryId);
    if (!delivery || delivery.webhookId !== webhookId) return null;

    const jobId = await this.store.startNewSeries(deliveryId);
    if (!jobId) return null;
    await this.queue.add(
      JOB_NAMES.deliverWebhook,
      { webhookId, deliveryId },
      deliveryJobOptions(jobId, this.schedule.attempts),
    );

    const restarted = await this.store.getDelivery(deliveryId);
    return restarted ? this.store.deliveryView(restarted) : null;
  }
}
