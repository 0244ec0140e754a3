import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WEBHOOK_HEADERS } from '@switchyard/contracts';
import { verifyWebhookSignature } from '@switchyard/webhooks';
import {
  startReceiver,
  startWebhookTestEnv,
  waitForRequests,
  type Receiver,
  type ReceivedRequest,
  type WebhookTestEnv,
} from './harness';

const TEN_MINUTES_MS = 10 * 60_000;

function verify(
  secret: string,
  request: ReceivedRequest,
  overrides: { timestampHeader?: string; now?: Date } = {},
) {
  return verifyWebhookSignature({
    secret,
    body: request.body,
    timestampHeader: overrides.timestampHeader ?? request.headers[WEBHOOK_HEADERS.timestamp],
    signatureHeader: request.headers[WEBHOOK_HEADERS.signature],
    now: overrides.now ?? request.receivedAt,
  });
}

describe('webhook signatures on real deliveries', () => {
  let env: WebhookTestEnv;
  let receiver: Receiver;
  let flaky: Receiver;
  let secret: string;
  let flakySecret: string;

  before(async () => {
    env = await startWebhookTestEnv();
    receiver = await startReceiver();
    // Fails the first attempt of each delivery, accepts the retry.
    flaky = await startReceiver((_request, index) => (index % 2 === 0 ? 500 : 200));
    ({ secret } = await env.webhooks.create({ url: receiver.url, events: ['job.completed'] }));
    ({ secret: flakySecret } = await env.webhooks.create({
      url: flaky.url,
      events: ['job.failed'],
    }));
    await env.startDelivery();
  });

  after(async () => {
    await env.close();
    await receiver.close();
    await flaky.close();
  });

  it('W1: signs the exact bytes sent, so {"b":1,"a":"é","n":1.0} verifies against the raw body', async () => {
    const data = '{"b":1,"a":"é","n":1.0}';
    // Written as raw text: the producer's number form 1.0 must survive to the receiver.
    const eventJson = `{"type":"job.completed","rolloutId":null,"jobId":"job-w1","switchId":"sw-1","step":null,"data":${data},"at":"${new Date().toISOString()}"}`;
    const eventId = await env.redis.redis.xadd(
      `${env.config.prefix}:events`,
      '*',
      'event',
      eventJson,
    );

    await waitForRequests(receiver, 1);
    const [request] = receiver.requests;
    assert.ok(
      request.body.includes(Buffer.from(`"data":${data}`, 'utf8')),
      request.body.toString('utf8'),
    );
    assert.equal(request.headers['content-length'], String(request.body.length));
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers[WEBHOOK_HEADERS.event], 'job.completed');
    assert.equal(JSON.parse(request.body.toString('utf8')).id, eventId);
    assert.deepEqual(verify(secret, request), { ok: true });
    // Re-serialising the parsed body changes the bytes (1.0 becomes 1), and fails verification.
    const reserialised = Buffer.from(
      JSON.stringify(JSON.parse(request.body.toString('utf8'))),
      'utf8',
    );
    assert.deepEqual(verify(secret, { ...request, body: reserialised }), {
      ok: false,
      reason: 'signature-mismatch',
    });
  });

  it('W1: an event appended through the event log verifies byte for byte too', async () => {
    const eventId = await env.append('job.completed', { changed: false, note: 'naïve ✓' });

    await waitForRequests(receiver, 2);
    const request = receiver.requests[1];
    const sent = JSON.parse(request.body.toString('utf8'));
    assert.equal(sent.id, eventId);
    assert.equal(sent.data.note, 'naïve ✓');
    assert.deepEqual(verify(secret, request), { ok: true });
  });

  it('W2: a delivery replayed 10 minutes later, or with an edited timestamp, is rejected', async () => {
    const request = receiver.requests[0];
    const replayedAt = new Date(request.receivedAt.getTime() + TEN_MINUTES_MS);
    assert.deepEqual(verify(secret, request, { now: replayedAt }), {
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });

    // The attacker refreshes the timestamp to pass the window: the signature no longer matches.
    const freshTimestamp = String(Math.floor(replayedAt.getTime() / 1000));
    assert.deepEqual(
      verify(secret, request, { now: replayedAt, timestampHeader: freshTimestamp }),
      {
        ok: false,
        reason: 'signature-mismatch',
      },
    );
  });

  it('W2: a fresh retry carries a fresh, valid signature and is accepted', async () => {
    await env.append('job.failed', { code: 'COMMAND_TIMEOUT', message: 'timed out' });

    await waitForRequests(flaky, 2);
    const [first, retry] = flaky.requests;
    assert.equal(
      retry.headers[WEBHOOK_HEADERS.deliveryId],
      first.headers[WEBHOOK_HEADERS.deliveryId],
    );
    assert.ok(retry.body.equals(first.body));
    assert.deepEqual(verify(flakySecret, first), { ok: true });
    assert.deepEqual(verify(flakySecret, retry), { ok: true });
    assert.ok(
      Number(retry.headers[WEBHOOK_HEADERS.timestamp]) >=
        Number(first.headers[WEBHOOK_HEADERS.timestamp]),
    );
    // Each webhook has its own secret.
    assert.deepEqual(verify(secret, retry), { ok: false, reason: 'signature-mismatch' });
  });
});
