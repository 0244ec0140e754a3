import type { Redis } from 'ioredis';
import type { NewEvent, SwitchyardEvent } from '@switchyard/contracts';

/** Events kept in the log; older ones are trimmed (approximately, as Redis does it cheaply). */
export const EVENT_LOG_MAX_LENGTH = 200_000;

/** How long one blocking read waits before it checks whether the follower was stopped, in ms. */
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

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.streamKey = `${prefix}:events`;
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
   * Yields events after `afterId` as they are appended, until the signal aborts. Uses its
   * own connection, since a blocking read holds the connection it runs on.
   */
  async *follow(
    afterId: string | null,
    filter: EventFilter,
    signal: AbortSignal,
  ): AsyncGenerator<SwitchyardEvent> {
    const reader = this.redis.duplicate();
    let cursor = afterId ?? (await this.lastId()) ?? '0-0';
    const onAbort = () => reader.disconnect();
    signal.addEventListener('abort', onAbort, { once: true });

    try {
      while (!signal.aborted) {
        let reply: [string, [string, string[]][]][] | null;
        try {
          reply = (await reader.xread(
            'COUNT',
            500,
            'BLOCK',
            FOLLOW_BLOCK_MS,
            'STREAMS',
            this.streamKey,
            cursor,
          )) as typeof reply;
        } catch (err) {
          if (signal.aborted) return;
          throw err;
        }
        for (const [, entries] of reply ?? []) {
          for (const entry of entries) {
            cursor = entry[0];
            const event = toEvent(entry);
            if (matches(event, filter)) yield event;
          }
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      reader.disconnect();
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
