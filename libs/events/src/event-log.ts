import type { Redis } from 'ioredis';
import type { NewEvent, SwitchyardEvent } from '@switchyard/contracts';

/** Events kept in the log; older ones are trimmed (approximately, as Redis does it cheaply). */
export const EVENT_LOG_MAX_LENGTH = 200_000;

/** How long one blocking read waits before it checks whether anybody still follows, in ms. */
const FOLLOW_BLOCK_MS = 2_000;

export interface EventFilter {
  rolloutId?: string;
}

/**
 * The event log: one Redis stream. The stream entry id is the event id, so a client that
 * reconnects with `Last-Event-ID` reads exactly what it missed. Events speed status up;
 * the state itself lives in the jobs and rollouts.
 */
export class EventLog {
  readonly streamKey: string;

  private readonly tail: EventTail;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.streamKey = `${prefix}:events`;
    this.tail = new EventTail(redis, this.streamKey, () => this.lastId());
  }

  async append(event: NewEvent): Promise<SwitchyardEvent> {
    const at = new Date().toISOString();
    const id = await this.redis.xadd(
      this.streamKey,
      'MAXLEN',
      '~',
      EVENT_LOG_MAX_LENGTH,
      '*',
      'event',
      JSON.stringify({ ...event, at }),
    );
    return { ...event, at, id: id as string };
  }

  /** Events after `afterId` (exclusive; null for the oldest kept), oldest first. */
  async readAfter(
    afterId: string | null,
    filter: EventFilter = {},
    limit = 1_000,
  ): Promise<SwitchyardEvent[]> {
    const start = afterId ? `(${afterId}` : '-';
    const entries = await this.redis.xrange(this.streamKey, start, '+', 'COUNT', limit);
    return entries.map(toEvent).filter((e) => matches(e, filter));
  }

  /** The id of the newest event, or null when the log is empty. */
  async lastId(): Promise<string | null> {
    const [entry] = await this.redis.xrevrange(this.streamKey, '+', '-', 'COUNT', 1);
    return entry ? entry[0] : null;
  }

  /**
   * Yields events after `afterId` (null: from now) as they are appended, until the signal
   * aborts. Every follower of this EventLog shares one blocking reader, so a thousand open
   * event streams cost one Redis connection, not a thousand. A follower that falls more than
   * MAX_BUFFERED_EVENTS behind fails, so its client reconnects with Last-Event-ID.
   */
  async *follow(
    afterId: string | null,
    filter: EventFilter,
    signal: AbortSignal,
  ): AsyncGenerator<SwitchyardEvent> {
    // The position is fixed first, then the subscription, then the catch-up read: whatever
    // is appended meanwhile is in the catch-up read or in the subscription's buffer (or in
    // both; the cursor drops repeats).
    let cursor = afterId ?? (await this.lastId()) ?? '0-0';
    const subscription = await this.tail.subscribe();
    try {
      for (;;) {
        const page = await this.readAfter(cursor, {}, CATCH_UP_PAGE_SIZE);
        for (const event of page) {
          if (signal.aborted) return;
          cursor = event.id;
          if (matches(event, filter)) yield event;
        }
        if (page.length < CATCH_UP_PAGE_SIZE) break;
      }

      for await (const event of subscription.events(signal)) {
        if (compareEventIds(event.id, cursor) <= 0) continue;
        cursor = event.id;
        if (matches(event, filter)) yield event;
      }
    } finally {
      subscription.close();
    }
  }
}

/** Events one follower may have waiting before it is cut off as too slow. */
export const MAX_BUFFERED_EVENTS = 10_000;

const CATCH_UP_PAGE_SIZE = 1_000;

/** The Redis client name of the shared reader of a stream, for operators and tests. */
export function readerConnectionName(streamKey: string): string {
  return `${streamKey}:reader`.replace(/[^A-Za-z0-9:_-]/g, '_');
}

/** Orders two stream ids (`<ms>-<seq>`) as Redis does. */
export function compareEventIds(a: string, b: string): number {
  const [aMs, aSeq] = a.split('-').map(BigInt);
  const [bMs, bSeq] = b.split('-').map(BigInt);
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/** One follower's queue of events from the shared reader. */
class TailSubscription {
  private readonly queue: SwitchyardEvent[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(private readonly onClose: (subscription: TailSubscription) => void) {}

  push(event: SwitchyardEvent): void {
    if (this.queue.length >= MAX_BUFFERED_EVENTS) {
      this.fail(new Error(`the follower fell ${MAX_BUFFERED_EVENTS} events behind; reconnect`));
      return;
    }
    this.queue.push(event);
    this.wake?.();
  }

  fail(err: Error): void {
    this.failure ??= err;
    this.wake?.();
  }

  async *events(signal: AbortSignal): AsyncGenerator<SwitchyardEvent> {
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        if (this.failure) throw this.failure;
        const next = this.queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  close(): void {
    this.onClose(this);
  }
}

/**
 * The one blocking reader of the stream in this process. It runs while anybody follows and
 * closes its connection when the last follower leaves.
 */
class EventTail {
  private readonly subscribers = new Set<TailSubscription>();
  private starting: Promise<void> | null = null;
  private cursor = '0-0';

  constructor(
    private readonly redis: Redis,
    private readonly streamKey: string,
    private readonly lastId: () => Promise<string | null>,
  ) {}

  async subscribe(): Promise<TailSubscription> {
    const subscription = new TailSubscription((s) => this.subscribers.delete(s));
    this.subscribers.add(subscription);
    this.starting ??= this.start();
    await this.starting;
    return subscription;
  }

  private async start(): Promise<void> {
    // The reader's position is fixed before any follower catches up, so nothing appended
    // after a follower's catch-up read can fall between the two.
    this.cursor = (await this.lastId()) ?? '0-0';
    // A blocking read holds its connection, so the reader has one of its own.
    const reader = this.redis.duplicate({ connectionName: readerConnectionName(this.streamKey) });
    void this.run(reader);
  }

  private async run(reader: Redis): Promise<void> {
    for (;;) {
      if (this.subscribers.size === 0) {
        this.starting = null;
        reader.disconnect();
        return;
      }
      let reply: [string, [string, string[]][]][] | null;
      try {
        reply = (await reader.xread(
          'COUNT',
          500,
          'BLOCK',
          FOLLOW_BLOCK_MS,
          'STREAMS',
          this.streamKey,
          this.cursor,
        )) as typeof reply;
      } catch (err) {
        // Every follower ends; its client reconnects with Last-Event-ID and misses nothing.
        for (const subscription of this.subscribers) subscription.fail(err as Error);
        this.subscribers.clear();
        this.starting = null;
        reader.disconnect();
        return;
      }
      for (const [, entries] of reply ?? []) {
        for (const entry of entries) {
          this.cursor = entry[0];
          const event = toEvent(entry);
          for (const subscription of this.subscribers) subscription.push(event);
        }
      }
    }
  }
}

function toEvent([id, fields]: [string, string[]]): SwitchyardEvent {
  const json = fields[fields.indexOf('event') + 1];
  return { ...(JSON.parse(json) as Omit<SwitchyardEvent, 'id'>), id } as SwitchyardEvent;
}

function matches(event: SwitchyardEvent, filter: EventFilter): boolean {
  return filter.rolloutId === undefined || event.rolloutId === filter.rolloutId;
}
