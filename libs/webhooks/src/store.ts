import type { Redis } from 'ioredis';
import type {
  DeliveryAttempt,
  DeliveryStatus,
  Webhook,
  WebhookDelivery,
} from '@switchyard/contracts';

/** Deliveries kept per webhook for the listing; older ones are removed as new ones arrive. */
export const DELIVERIES_KEPT_PER_WEBHOOK = 1_000;

/** A webhook as stored. The salt stays inside this library: `toWebhookView` drops it. */
export interface WebhookRecord {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  /** Derives the signing secret together with the master key; not a secret by itself. */
  salt: string;
  createdAt: string;
  updatedAt: string;
}

/** A delivery as stored: the contract's view plus the body and the current job. */
export interface DeliveryRecord {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  /** The exact bytes every attempt sends, serialised once at dispatch. */
  body: string;
  status: DeliveryStatus;
  createdAt: string;
  nextAttemptAt: string | null;
  /** The BullMQ job of the current series; jobs of earlier series stop when they see another. */
  jobId: string;
  /** How many series were started: 1 at dispatch, one more per redelivery. */
  series: number;
}

export type NewDelivery = Omit<DeliveryRecord, 'status' | 'nextAttemptAt' | 'series'>;

/** Creates the delivery unless it exists; 1 when created, 0 when it already existed. */
const CREATE_DELIVERY_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[3])
return 1`;

/** Writes the outcome only while the job is still the delivery's current one. */
const RECORD_OUTCOME_SCRIPT = `
if redis.call('HGET', KEYS[1], 'jobId') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'nextAttemptAt', ARGV[3])
return 1`;

/**
 * Starts a new series: the next series number, its job id and a fresh status. Answers the
 * job id, or nil when the delivery is gone. BullMQ refuses ':' in custom ids, hence the dash.
 */
const START_SERIES_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return nil end
local series = redis.call('HINCRBY', KEYS[1], 'series', 1)
local jobId = ARGV[1] .. '-' .. series
redis.call('HSET', KEYS[1], 'jobId', jobId, 'status', 'pending', 'nextAttemptAt', '')
return jobId`;

/** Webhooks and their deliveries in Redis, every key under `<prefix>:webhooks:`. */
export class WebhookStore {
  private readonly base: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.base = `${prefix}:webhooks`;
  }

  async saveWebhook(record: WebhookRecord): Promise<void> {
    await this.redis
      .multi()
      .set(this.webhookKey(record.id), JSON.stringify(record))
      .zadd(this.indexKey(), Date.parse(record.createdAt), record.id)
      .exec();
  }

  async getWebhook(id: string): Promise<WebhookRecord | null> {
    const json = await this.redis.get(this.webhookKey(id));
    return json ? (JSON.parse(json) as WebhookRecord) : null;
  }

  /** Every webhook, oldest first. */
  async listWebhooks(): Promise<WebhookRecord[]> {
    const ids = await this.redis.zrange(this.indexKey(), 0, -1);
    if (ids.length === 0) return [];

    const values = await this.redis.mget(ids.map((id) => this.webhookKey(id)));
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WebhookRecord);
  }

  /** Removes the webhook and its deliveries; false when there was none. */
  async deleteWebhook(id: string): Promise<boolean> {
    const deliveryIds = await this.redis.zrange(this.deliveriesKey(id), 0, -1);
    const [[, removed]] = (await this.redis
      .multi()
      .unlink(this.webhookKey(id))
      .zrem(this.indexKey(), id)
      .unlink(this.deliveriesKey(id))
      .exec()) as [Error | null, number][];
    await this.unlinkDeliveries(deliveryIds);
    return removed === 1;
  }

  /** Stores a new delivery with status `pending`; false when it already existed. */
  async createDelivery(delivery: NewDelivery): Promise<boolean> {
    const fields: Record<string, string> = {
      id: delivery.id,
      webhookId: delivery.webhookId,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      body: delivery.body,
      status: 'pending',
      createdAt: delivery.createdAt,
      nextAttemptAt: '',
      jobId: delivery.jobId,
      series: '1',
    };
    // ARGV[1] is the listing score; ARGV[2..] the hash fields, starting with 'id', <id>.
    const created = (await this.redis.eval(
      CREATE_DELIVERY_SCRIPT,
      2,
      this.deliveryKey(delivery.id),
      this.deliveriesKey(delivery.webhookId),
      Date.parse(delivery.createdAt),
      ...Object.entries(fields).flat(),
    )) as number;

    if (created === 1) await this.trimDeliveries(delivery.webhookId);
    return created === 1;
  }

  async getDelivery(id: string): Promise<DeliveryRecord | null> {
    const hash = await this.redis.hgetall(this.deliveryKey(id));
    return hash.id ? toDeliveryRecord(hash) : null;
  }

  async attemptCount(deliveryId: string): Promise<number> {
    return this.redis.llen(this.attemptsKey(deliveryId));
  }

  /** The webhook's deliveries, newest first, with their attempts. */
  async listDeliveries(webhookId: string, limit: number): Promise<WebhookDelivery[]> {
    const ids = await this.redis.zrevrange(this.deliveriesKey(webhookId), 0, limit - 1);
    if (ids.length === 0) return [];

    const pipeline = this.redis.pipeline();
    for (const id of ids)
      pipeline.hgetall(this.deliveryKey(id)).lrange(this.attemptsKey(id), 0, -1);
    const replies = (await pipeline.exec()) ?? [];

    const deliveries: WebhookDelivery[] = [];
    for (let i = 0; i < ids.length; i++) {
      const hash = replies[2 * i][1] as Record<string, string>;
      const attempts = replies[2 * i + 1][1] as string[];
      if (hash.id)
        deliveries.push(toDeliveryView(toDeliveryRecord(hash), attempts.map(parseAttempt)));
    }
    return deliveries;
  }

  async deliveryView(record: DeliveryRecord): Promise<WebhookDelivery> {
    const attempts = await this.redis.lrange(this.attemptsKey(record.id), 0, -1);
    return toDeliveryView(record, attempts.map(parseAttempt));
  }

  async appendAttempt(deliveryId: string, attempt: DeliveryAttempt): Promise<void> {
    await this.redis.rpush(this.attemptsKey(deliveryId), JSON.stringify(attempt));
  }

  /** Sets status and next attempt, unless another series took the delivery over meanwhile. */
  async recordOutcome(
    deliveryId: string,
    jobId: string,
    status: DeliveryStatus,
    nextAttemptAt: string | null,
  ): Promise<boolean> {
    const written = await this.redis.eval(
      RECORD_OUTCOME_SCRIPT,
      1,
      this.deliveryKey(deliveryId),
      jobId,
      status,
      nextAttemptAt ?? '',
    );
    return written === 1;
  }

  /** Starts a new series of attempts; returns the job id it must run under (null: gone). */
  async startNewSeries(deliveryId: string): Promise<string | null> {
    const jobId = await this.redis.eval(
      START_SERIES_SCRIPT,
      1,
      this.deliveryKey(deliveryId),
      deliveryId,
    );
    return (jobId as string | null) ?? null;
  }

  private async trimDeliveries(webhookId: string): Promise<void> {
    const excess =
      (await this.redis.zcard(this.deliveriesKey(webhookId))) - DELIVERIES_KEPT_PER_WEBHOOK;
    if (excess <= 0) return;

    const popped = await this.redis.zpopmin(this.deliveriesKey(webhookId), excess);
    // ZPOPMIN answers member, score, member, score...
    await this.unlinkDeliveries(popped.filter((_, i) => i % 2 === 0));
  }

  private async unlinkDeliveries(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.unlink(...ids.flatMap((id) => [this.deliveryKey(id), this.attemptsKey(id)]));
  }

  private indexKey(): string {
    return `${this.base}:index`;
  }

  private webhookKey(id: string): string {
    return `${this.base}:${id}`;
  }

  private deliveriesKey(webhookId: string): string {
    return `${this.base}:${webhookId}:deliveries`;
  }

  private deliveryKey(deliveryId: string): string {
    return `${this.base}:delivery:${deliveryId}`;
  }

  private attemptsKey(deliveryId: string): string {
    return `${this.base}:delivery:${deliveryId}:attempts`;
  }
}

export function toWebhookView(record: WebhookRecord): Webhook {
  return {
    id: record.id,
    url: record.url,
    events: record.events,
    description: record.description,
    active: record.active,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function toDeliveryRecord(hash: Record<string, string>): DeliveryRecord {
  return {
    id: hash.id,
    webhookId: hash.webhookId,
    eventId: hash.eventId,
    eventType: hash.eventType,
    body: hash.body,
    status: hash.status as DeliveryStatus,
    createdAt: hash.createdAt,
    nextAttemptAt: hash.nextAttemptAt || null,
    jobId: hash.jobId,
    series: Number(hash.series),
  };
}

function toDeliveryView(record: DeliveryRecord, attempts: DeliveryAttempt[]): WebhookDelivery {
  return {
    id: record.id,
    webhookId: record.webhookId,
    eventId: record.eventId,
    eventType: record.eventType,
    status: record.status,
    attempts,
    createdAt: record.createdAt,
    nextAttemptAt: record.nextAttemptAt,
  };
}

function parseAttempt(json: string): DeliveryAttempt {
  return JSON.parse(json) as DeliveryAttempt;
}
