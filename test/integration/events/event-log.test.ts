import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { NewEvent, SwitchyardEvent } from '@switchyard/contracts';
import { EventLog, readerConnectionName } from '@switchyard/events';
import { createTestRedis, type TestRedis } from '../../support/redis';
import { waitFor } from '../../support/wait';

function started(rolloutId: string, attempt: number): NewEvent {
  return {
    type: 'step.started',
    rolloutId,
    jobId: null,
    switchId: null,
    step: 'configure-mgmt',
    data: { attempt },
  };
}

/** Connections the log's shared reader holds open right now. */
async function readerConnections(redis: TestRedis, log: EventLog): Promise<number> {
  const name = readerConnectionName(log.streamKey);
  const clients = String(await redis.redis.client('LIST')).split('\n');
  return clients.filter((line) => line.includes(` name=${name} `)).length;
}

describe('following the event log', () => {
  let redis: TestRedis;
  let log: EventLog;

  beforeEach(async () => {
    redis = await createTestRedis('events');
    log = new EventLog(redis.redis, redis.prefix);
  });

  afterEach(async () => {
    await redis.cleanup();
  });

  it('serves many followers over one shared Redis connection, each in order without gaps', async () => {
    const stop = new AbortController();
    const seen: SwitchyardEvent[][] = [];
    const followers = Array.from({ length: 20 }, (_, i) => {
      const events: SwitchyardEvent[] = [];
      seen.push(events);
      return (async () => {
        for await (const event of log.follow(
          null,
          { rolloutId: i % 2 === 0 ? 'even' : 'odd' },
          stop.signal,
        )) {
          events.push(event);
        }
      })();
    });
    // Events appended while followers are still subscribing must reach them too.
    const appended: SwitchyardEvent[] = [];
    for (let n = 0; n < 50; n++)
      appended.push(await log.append(started(n % 2 === 0 ? 'even' : 'odd', n)));

    let during: number;
    try {
      await waitFor({
        what: 'every follower to see its 25 events',
        check: () => (seen.every((events) => events.length >= 25) ? true : undefined),
        pending: () => seen.map((events) => events.length).join(','),
      });
      during = await readerConnections(redis, log);
    } finally {
      stop.abort();
      await Promise.all(followers);
    }

    assert.equal(during, 1, 'one reader connection for 20 followers');
    for (const [i, events] of seen.entries()) {
      const rollout = i % 2 === 0 ? 'even' : 'odd';
      assert.deepEqual(
        events.map((e) => e.id),
        appended
          .filter((e) => e.rolloutId === rollout)
          .map((e) => e.id)
          .filter((id) => events.some((e) => e.id === id)),
      );
      assert.ok(events.every((e) => e.rolloutId === rollout));
    }
  });

  it('sends everything after a given id, then new events, to a follower that resumes', async () => {
    const first = await log.append(started('r', 1));
    const missed = await log.append(started('r', 2));
    const stop = new AbortController();
    const events: SwitchyardEvent[] = [];
    const follower = (async () => {
      for await (const event of log.follow(first.id, {}, stop.signal)) events.push(event);
    })();

    const live = await log.append(started('r', 3));
    await waitFor({ what: 'two events', check: () => (events.length >= 2 ? true : undefined) });
    stop.abort();
    await follower;

    assert.deepEqual(
      events.map((e) => e.id),
      [missed.id, live.id],
    );
  });

  it('closes the shared reader when the last follower leaves, and opens it again for the next', async () => {
    const first = new AbortController();
    const firstRun = (async () => {
      for await (const _ of log.follow(null, {}, first.signal)) void _;
    })();
    await waitFor({
      what: 'the reader to connect',
      check: async () => ((await readerConnections(redis, log)) === 1 ? true : undefined),
    });
    first.abort();
    await firstRun;
    await waitFor(
      {
        what: 'the reader to close',
        check: async () => ((await readerConnections(redis, log)) === 0 ? true : undefined),
      },
      { timeoutMs: 10_000 },
    );

    const second = new AbortController();
    const got: SwitchyardEvent[] = [];
    const secondRun = (async () => {
      for await (const event of log.follow(null, {}, second.signal)) got.push(event);
    })();
    await waitFor({
      what: 'the reader to connect again',
      check: async () => ((await readerConnections(redis, log)) === 1 ? true : undefined),
    });
    const appended = await log.append(started('r', 9));
    await waitFor({
      what: 'the new follower to see the event',
      check: () => (got.length > 0 ? true : undefined),
    });
    second.abort();
    await secondRun;

    assert.equal(got[0].id, appended.id);
  });
});
