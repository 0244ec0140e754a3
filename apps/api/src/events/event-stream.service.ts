import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import type { SwitchyardEvent } from '@switchyard/contracts';
import type { EventFilter, EventLog } from '@switchyard/events';
import type { Logger } from '@switchyard/logging';
import { EVENT_LOG, LOGGER, SSE_HEARTBEAT_INTERVAL } from '../api-runtime';
import { requestLogger } from '../http/request-context';

/** A comment line is sent this often so proxies and clients see the stream is alive, in ms. */
export const SSE_HEARTBEAT_MS = 15_000;

/** Events read per page while replaying what a reconnecting client missed. */
const REPLAY_PAGE_SIZE = 1_000;

/** How long a browser waits before reconnecting after the stream drops, in ms (SSE `retry:`). */
const CLIENT_RETRY_MS = 3_000;

/**
 * Streams the event log as server-sent events. A client that reconnects with
 * `Last-Event-ID` first gets what it missed (read from the log), then new events as they
 * are appended. Events are hints; clients read state from the state endpoints.
 */
@Injectable()
export class EventStreamService implements BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly open = new Set<AbortController>();

  constructor(
    @Inject(EVENT_LOG) private readonly events: EventLog,
    @Inject(LOGGER) logger: Logger,
    @Inject(SSE_HEARTBEAT_INTERVAL) private readonly heartbeatMs: number,
  ) {
    this.logger = logger.child({ component: 'EventStreamService' });
  }

  /** Streams currently open. */
  get openStreams(): number {
    return this.open.size;
  }

  async stream(
    req: HttpRequest,
    res: HttpResponse,
    filter: EventFilter,
    lastEventId: string | null,
  ): Promise<void> {
    const log = requestLogger(this.logger, req).child({ rolloutId: filter.rolloutId ?? null });
    const stop = new AbortController();
    this.open.add(stop);
    const onClose = () => stop.abort();
    res.once('close', onClose);

    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // Tells nginx-style proxies not to buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    res.write(`retry: ${CLIENT_RETRY_MS}\n\n`);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.heartbeatMs);
    log.debug({ lastEventId }, 'event stream opened');

    try {
      let cursor = lastEventId;
      if (lastEventId !== null) {
        cursor = await this.replay(res, lastEventId, filter, stop.signal);
      }
      for await (const event of this.events.follow(cursor, filter, stop.signal)) {
        await send(res, event);
      }
    } catch (err) {
      if (!stop.signal.aborted) log.warn({ err }, 'event stream ended by an error');
    } finally {
      clearInterval(heartbeat);
      res.off('close', onClose);
      this.open.delete(stop);
      stop.abort();
      res.end();
      log.debug('event stream closed');
    }
  }

  /** Sends the events after `afterId`, page by page; returns the id to follow from. */
  private async replay(
    res: HttpResponse,
    afterId: string,
    filter: EventFilter,
    signal: AbortSignal,
  ): Promise<string> {
    let cursor = afterId;
    for (;;) {
      // Read unfiltered so the cursor advances past events of other rollouts too.
      const page = await this.events.readAfter(cursor, {}, REPLAY_PAGE_SIZE);
      for (const event of page) {
        if (signal.aborted) return cursor;
        if (filter.rolloutId === undefined || event.rolloutId === filter.rolloutId)
          await send(res, event);
        cursor = event.id;
      }
      if (page.length < REPLAY_PAGE_SIZE) return cursor;
    }
  }

  /** Ends every open stream, so the HTTP server can close. */
  beforeApplicationShutdown(): void {
    for (const stop of this.open) stop.abort();
  }
}

async function send(res: HttpResponse, event: SwitchyardEvent): Promise<void> {
  // A client that has gone will neither read this nor ever drain: nothing to wait for.
  if (res.destroyed || res.writableEnded) return;
  const frame = `id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
  if (!res.write(frame)) {
    // The client reads slower than events arrive: wait for its buffer to drain.
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
}
