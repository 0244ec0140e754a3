import assert from 'node:assert/strict';
import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { NewEvent } from '@switchyard/contracts';
import { EventLog } from '@switchyard/events';
import { EventStreamService } from '../../../apps/api/src/events/event-stream.service';
import { waitFor } from '../../support/wait';
import { startTestApi, type TestApi } from './api-harness';

interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

/** A minimal EventSource: collects the frames of one text/event-stream response. */
class SseClient {
  readonly frames: SseFrame[] = [];
  /** Comment lines (heartbeats), without the leading colon. */
  readonly comments: string[] = [];
  response!: IncomingMessage;
  private buffer = '';
  private req!: ClientRequest;

  static open(url: string, headers: Record<string, string>): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      client.req = get(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
        client.response = res;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.push(chunk));
        resolve(client);
      });
      client.req.on('error', reject);
    });
  }

  /** Frames that carry an event (not the retry hint or heartbeats). */
  get events(): { id: string; type: string; data: Record<string, unknown> }[] {
    return this.frames
      .filter((f) => f.id !== undefined)
      .map((f) => ({ id: f.id!, type: f.event!, data: JSON.parse(f.data!) }));
  }

  async waitForEvents(count: number): Promise<void> {
    await waitFor(
      {
        what: `${count} events on the stream`,
        check: () => (this.events.length >= count ? true : undefined),
        pending: () => `${this.events.length} received`,
      },
      { timeoutMs: 15_000 },
    );
  }

  close(): void {
    this.req.destroy();
  }

  private push(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const frame: SseFrame = {};
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) this.comments.push(line.slice(1).trim());
        if (colon <= 0) continue;
        const field = line.slice(0, colon) as keyof SseFrame;
        if (field === 'id' || field === 'event' || field === 'data')
          frame[field] = line.slice(colon + 1).trimStart();
      }
      this.frames.push(frame);
    }
  }
}

function stepStarted(rolloutId: string | null, attempt = 1): NewEvent {
  return {
    type: 'step.started',
    rolloutId,
    jobId: 'job-1',
    switchId: 'sw-1',
    step: 'start-docker',
    data: { attempt },
  };
}

/** Short, so the heartbeat test need not wait the production 15 s. */
const HEARTBEAT_MS = 100;

describe('server-sent events', () => {
  let api: TestApi;
  let auth: { Authorization: string };
  let eventLog: EventLog;
  let baseUrl: string;
  const clients: SseClient[] = [];

  async function connect(path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = await SseClient.open(`${baseUrl}${path}`, { ...auth, ...headers });
    clients.push(client);
    return client;
  }

  before(async () => {
    api = await startTestApi('api-sse', { sseHeartbeatMs: HEARTBEAT_MS });
    auth = { Authorization: `Bearer ${api.token}` };
    eventLog = new EventLog(api.redis.redis, api.redis.prefix);
    await api.app.listen(0, '127.0.0.1');
    const address = api.app.getHttpServer().address() as { port: number };
    baseUrl = `http://127.0.0.1:${address.port}`;
  });

  after(async () => {
    for (const client of clients) client.close();
    await api.close();
  });

  it('sends what was missed after Last-Event-ID, then follows new events', async () => {
    const first = await eventLog.append(stepStarted(null, 1));
    const missed = [
      await eventLog.append(stepStarted(null, 2)),
      await eventLog.append({
        ...stepStarted(null),
        type: 'job.completed',
        data: { changed: true },
      }),
    ];

    const client = await connect('/v1/events', { 'Last-Event-ID': first.id });
    assert.equal(client.response.statusCode, 200);
    assert.match(String(client.response.headers['content-type']), /^text\/event-stream/);
    await client.waitForEvents(2);
    const live = await eventLog.append(stepStarted(null, 3));
    await client.waitForEvents(3);

    assert.deepEqual(
      client.events.map((e) => e.id),
      [...missed, live].map((e) => e.id),
    );
    assert.deepEqual(
      client.events.map((e) => e.type),
      ['step.started', 'job.completed', 'step.started'],
    );
    assert.deepEqual(client.events[0].data, missed[0] as unknown as Record<string, unknown>);
  });

  it('takes the position from ?lastEventId= for clients that cannot set headers', async () => {
    const from = await eventLog.append(stepStarted(null, 10));
    const next = await eventLog.append(stepStarted(null, 11));

    const client = await connect(`/v1/events?lastEventId=${from.id}`);
    await client.waitForEvents(1);

    assert.equal(client.events[0].id, next.id);
  });

  it('answers 400 to a Last-Event-ID that is no stream id, rather than opening a dead stream', async () => {
    for (const id of ['99999999999999999999-0', 'abc', '1-2-3']) {
      const response = await fetch(`${baseUrl}/v1/events`, {
        headers: { ...auth, 'Last-Event-ID': id },
      });
      assert.equal(response.status, 400, id);
      assert.match(await response.text(), /Last-Event-ID/);
    }
  });

  it('without Last-Event-ID, sends only events appended after the stream opened', async () => {
    const old = await eventLog.append(stepStarted(null, 20));
    const client = await connect('/v1/events');

    // The follower starts at the newest event when it first reads; keep appending until
    // the stream shows one, then check that nothing older came through.
    await waitFor(
      {
        what: 'a live event on a stream opened without Last-Event-ID',
        check: async () => {
          if (client.events.length > 0) return true;
          await eventLog.append(stepStarted(null, 21));
          return undefined;
        },
      },
      { pollMs: 100, timeoutMs: 15_000 },
    );

    assert.ok(!client.events.some((e) => e.id === old.id));
    assert.ok(client.events.every((e) => (e.data.data as { attempt: number }).attempt === 21));
  });

  it("streams only the rollout's events on /v1/rollouts/:id/events, paging through others on replay", async () => {
    const { body: rollout } = await request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .send({ tags: ['lab'] })
      .expect(202);
    const start = await eventLog.append(stepStarted('other-rollout'));
    // More events of another rollout than one replay page holds.
    for (let i = 0; i < 1_100; i += 1) await eventLog.append(stepStarted('other-rollout', i));
    const mine = await eventLog.append(stepStarted(rollout.id, 1));

    const client = await connect(`/v1/rollouts/${rollout.id}/events`, {
      'Last-Event-ID': start.id,
    });
    await client.waitForEvents(1);
    await eventLog.append(stepStarted('other-rollout'));
    const mineLive = await eventLog.append(stepStarted(rollout.id, 2));
    await client.waitForEvents(2);

    assert.deepEqual(
      client.events.map((e) => e.id),
      [mine.id, mineLive.id],
    );
    assert.ok(client.events.every((e) => e.data.rolloutId === rollout.id));
  });

  it('sends heartbeat comments while no event arrives', async () => {
    const client = await connect('/v1/events');

    await waitFor({
      what: 'two heartbeat comments',
      check: () => (client.comments.length >= 2 ? true : undefined),
    });

    assert.deepEqual(client.comments.slice(0, 2), ['heartbeat', 'heartbeat']);
    assert.equal(client.events.length, 0);
  });

  it('stops following when the client disconnects', async () => {
    const streams = api.app.get(EventStreamService);
    const client = await connect('/v1/events', { 'Last-Event-ID': '0-0' });
    await waitFor({
      what: 'the stream to be registered',
      check: () => (streams.openStreams > 0 ? true : undefined),
    });

    for (const c of clients) c.close();

    await waitFor({
      what: 'every stream to stop following',
      check: () => (streams.openStreams === 0 ? true : undefined),
      pending: () => `${streams.openStreams} still open`,
    });
    assert.equal(client.response.destroyed, true);
  });
});
