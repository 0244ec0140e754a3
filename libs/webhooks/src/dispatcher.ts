import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOB_NAMES, type DeliverWebhookJobData } from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';
import { deliveryJobOptions } from './delivery-worker';
import type { WebhookRecord, WebhookStore } from './store';

/** The consumer group of the dispatchers on the event stream; one entry goes to one of them. */
export const DISPATCHER_GROUP = 'webhook-dispatcher';

/** How long one blocking read waits before it checks whether the dispatcher was stopped, in ms. */
const READ_BLOCK_MS = 2_000;

/** Stream entries read at once. */
const READ_BATCH_SIZE = 100;

/** Pause after a failed read (Redis restarting, say) before reading again, in ms. */
const READ_ERROR_PAUSE_MS = 1_000;

/**
 * Entries another dispatcher read but did not acknowledge for this long are taken over at
 * start, in ms: that dispatcher most likely crashed between reading and enqueueing.
 */
export const STALE_ENTRY_MIN_IDLE_MS = 60_000;

export interface DispatcherOptions {
  /** Runs the commands; its own connection since the blocking read would hold it. */
  redis: Redis;
  /** Runs the blocking reads only; disconnected to stop. */
  reader: Redis;
  streamKey: string;
  store: WebhookStore;
  queue: Queue<DeliverWebhookJobData>;
  logger: Logger;
  /** Attempts of each delivery series. */
  attempts: number;
  /** See STALE_ENTRY_MIN_IDLE_MS. */
  staleEntryMinIdleMs: number;
}

type StreamEntry = [id: string, fields: string[] | null];

/**
 * Turns events into deliveries: reads the event stream through a consumer group and, for each
 * event and each active webhook subscribed to its type, stores a delivery and enqueues its job.
 * An entry is acknowledged only once its jobs are enqueued; delivery and job ids derive from
 * (webhook, event), so an entry dispatched twice after a crash still yields one delivery.
 */
export class WebhookDispatcher {
  private readonly consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly logger: Logger;
  private stopping = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly options: DispatcherOptions) {
    this.logger = options.logger.child({ component: 'WebhookDispatcher' });
  }

  async start(): Promise<void> {
    await this.ensureGroup();
    await this.claimStaleEntries();
    this.loop = this.readLoop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.options.reader.disconnect();
    await this.loop;
  }

  private async ensureGroup(): Promise<void> {
    const { redis, streamKey } = this.options;
    try {
      // '$': events appended before the first start are history, not news to deliver.
      await redis.xgroup('CREATE', streamKey, DISPATCHER_GROUP, '$', 'MKSTREAM');
    } catch (err) {
      if (redisErrorCode(err) !== 'BUSYGROUP') throw err;
    }
  }

  private async claimStaleEntries(): Promise<void> {
    const { redis, streamKey, staleEntryMinIdleMs } = this.options;
    let cursor = '0-0';
    do {
      const [next, entries] = (await redis.xautoclaim(
        streamKey,
        DISPATCHER_GROUP,
        this.consumer,
        staleEntryMinIdleMs,
        cursor,
        'COUNT',
        READ_BATCH_SIZE,
      )) as [string, StreamEntry[], ...unknown[]];
      if (entries.length > 0) {
        this.logger.info(
          { entries: entries.length },
          'taking over events another dispatcher left unacknowledged',
        );
        await this.dispatch(entries);
      }
      cursor = next;
    } while (cursor !== '0-0');
  }

  private async readLoop(): Promise<void> {
    const { reader, streamKey } = this.options;
    // '>' reads new entries; '0' re-reads this consumer's own unacknowledged ones after a
    // failed dispatch, until none is left.
    let position = '>';
    while (!this.stopping) {
      let reply: [string, StreamEntry[]][] | null;
      try {
        reply = (await reader.xreadgroup(
          'GROUP',
          DISPATCHER_GROUP,
          this.consumer,
          'COUNT',
          READ_BATCH_SIZE,
          'BLOCK',
          READ_BLOCK_MS,
          'STREAMS',
          streamKey,
          position,
        )) as typeof reply;
      } catch (err) {
        if (this.stopping) return;
        if (redisErrorCode(err) === 'NOGROUP') {
          // The stream was deleted (and the group with it); start over from new events.
          await this.ensureGroup().catch(() => undefined);
          continue;
        }
        this.logger.error({ err }, 'reading the event stream failed; reading again shortly');
        await sleep(READ_ERROR_PAUSE_MS);
        continue;
      }

      const entries = (reply ?? []).flatMap(([, streamEntries]) => streamEntries);
      if (position === '0' && entries.length === 0) position = '>';
      try {
        await this.dispatch(entries);
      } catch (err) {
        this.logger.error(
          { err },
          'dispatching events failed; they stay pending and are read again',
        );
        position = '0';
        await sleep(READ_ERROR_PAUSE_MS);
      }
    }
  }

  private async dispatch(entries: StreamEntry[]): Promise<void> {
    const { redis, streamKey, store } = this.options;
    if (entries.length === 0) return;
    const webhooks = (await store.listWebhooks()).filter((w) => w.active);

    for (const [eventId, fields] of entries) {
      const event = parseEntry(fields);
      if (!event) {
        this.logger.warn({ eventId }, 'skipping an event stream entry that is not an event');
      } else {
        const subscribed = webhooks.filter(
          (w) => w.events.includes('*') || w.events.includes(event.type),
        );
        for (const webhook of subscribed)
          await this.enqueueDelivery(webhook, eventId, event.type, event.body);
      }
      await redis.xack(streamKey, DISPATCHER_GROUP, eventId);
    }
  }

  private async enqueueDelivery(
    webhook: WebhookRecord,
    eventId: string,
    eventType: string,
    rawEvent: string,
  ): Promise<void> {
    const { store, queue, attempts } = this.options;
    const deliveryId = deliveryIdFor(webhook.id, eventId);
    const created = await store.createDelivery({
      id: deliveryId,
      webhookId: webhook.id,
      eventId,
      eventType,
      body: eventBody(eventId, rawEvent),
      createdAt: new Date().toISOString(),
      jobId: deliveryId,
    });

    if (!created) {
      // Dispatched before; enqueue again only if the crash came between storing and enqueueing.
      // (Adding a job whose id exists is a no-op in BullMQ.)
      const existing = await store.getDelivery(deliveryId);
      const untouched =
        existing?.status === 'pending' &&
        existing.jobId === deliveryId &&
        (await store.attemptCount(deliveryId)) === 0;
      if (!untouched) return;
    }

    await queue.add(
      JOB_NAMES.deliverWebhook,
      { webhookId: webhook.id, deliveryId },
      deliveryJobOptions(deliveryId, attempts),
    );
  }
}

/** The delivery id of one event for one webhook: the same however often it is dispatched. */
export function deliveryIdFor(webhookId: string, eventId: string): string {
  return `dlv_${createHash('sha256').update(`${webhookId}\n${eventId}`).digest('hex').slice(0, 32)}`;
}

/**
 * The body sent to receivers: the event JSON as stored, with its id added in front. Spliced
 * rather than parsed and serialised again, so that the producer's bytes (number forms such
 * as 1.0, escapes, non-ASCII text) reach the receiver exactly as written.
 */
export function eventBody(eventId: string, rawEvent: string): string {
  const inner = rawEvent.trim().slice(1).trimStart();
  const id = `"id":${JSON.stringify(eventId)}`;
  return inner.startsWith('}') ? `{${id}}` : `{${id},${inner}`;
}

function parseEntry(fields: string[] | null): { type: string; body: string } | null {
  // A pending entry trimmed from the stream meanwhile comes back without fields.
  if (!fields) return null;
  const index = fields.indexOf('event');
  const raw = index >= 0 && index % 2 === 0 ? fields[index + 1] : undefined;
  if (raw === undefined) return null;

  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const { type } = parsed as { type?: unknown };
  // An event already carrying an id would get it twice; such entries are not the log's.
  if (typeof type !== 'string' || 'id' in parsed) return null;

  return { type, body: raw };
}

/** The error code a Redis error reply starts with (BUSYGROUP, NOGROUP...). */
function redisErrorCode(err: unknown): string | undefined {
  return err instanceof Error ? err.message.split(' ', 1)[0] : undefined;
}
