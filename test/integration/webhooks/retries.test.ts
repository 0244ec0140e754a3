import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { WEBHOOK_HEADERS } from '@switchyard/contracts';
import { waitFor } from '../../support/wait';
import {
  answerAfter,
  FAST_RETRY,
  startReceiver,
  startWebhookTestEnv,
  waitForRequests,
  type Receiver,
  type WebhookTestEnv,
} from './harness';

/** The sleeping receiver of W4: far longer than any per-attempt deadline. */
const RECEIVER_SLEEP_MS = 60_000;

/** The per-attempt deadline of the sleeper test, in ms (production: 10 s). */
const SLEEPER_TEST_TIMEOUT_MS = 6_000;

describe('webhook retries (W4)', () => {
  let env: WebhookTestEnv;
  const receivers: Receiver[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const started = await startReceiver(...args);
    receivers.push(started);
    return started;
  };

  beforeEach(async () => {
    env = await startWebhookTestEnv();
  });

  afterEach(async () => {
    // Receivers first: closing the worker waits for attempts still held open by a receiver.
    await Promise.all(receivers.splice(0).map((r) => r.close()));
    await env.close();
  });

  it('retries a 500 with the same delivery id and the same body, then records the success', async () => {
    const flaky = await receiver((_request, index) => (index === 0 ? 500 : 200));
    const webhook = await env.webhooks.create({ url: flaky.url, events: ['*'] });
    await env.startDelivery();

    await env.append('job.completed', { changed: true });
    const [delivery] = await env.waitDelivery(
      webhook.id,
      'the delivery to succeed',
      (d) => d[0]?.status === 'succeeded',
    );

    assert.equal(flaky.requests.length, 2);
    const [first, retry] = flaky.requests;
    assert.equal(first.headers[WEBHOOK_HEADERS.deliveryId], delivery.id);
    assert.equal(retry.headers[WEBHOOK_HEADERS.deliveryId], delivery.id);
    assert.ok(retry.body.equals(first.body), 'the retry sends the same bytes');
    assert.deepEqual(
      delivery.attempts.map((a) => a.responseCode),
      [500, 200],
    );
    assert.match(delivery.attempts[0].error ?? '', /500/);
    assert.equal(delivery.attempts[1].error, null);
    assert.ok(delivery.attempts.every((a) => a.latencyMs >= 0 && !Number.isNaN(Date.parse(a.at))));
    assert.equal(delivery.nextAttemptAt, null);
  });

  it('shows the next attempt time while a delivery is retrying', async () => {
    let answer = 503;
    const down = await receiver(() => answer);
    const webhook = await env.webhooks.create({ url: down.url, events: ['job.failed'] });
    // A long first backoff, so the retrying state can be observed.
    await env.startDelivery({ retry: { ...FAST_RETRY, baseDelayMs: 4_000, maxDelayMs: 4_000 } });

    await env.append('job.failed', { code: 'AUTH_FAILED', message: 'denied' });
    const [retrying] = await env.waitDelivery(
      webhook.id,
      'an attempt to fail',
      (d) => d[0]?.status === 'retrying',
    );

    assert.equal(retrying.status, 'retrying');
    assert.ok(retrying.nextAttemptAt, 'nextAttemptAt is set');
    assert.ok(Date.parse(retrying.nextAttemptAt) >= Date.parse(retrying.attempts.at(-1)!.at));
    answer = 200;
    await env.waitDelivery(webhook.id, 'the retry to succeed', (d) => d[0]?.status === 'succeeded');
  });

  it('dead-letters a delivery after its last attempt and still lists it', async () => {
    const broken = await receiver(() => 500);
    const webhook = await env.webhooks.create({ url: broken.url, events: ['job.completed'] });
    await env.startDelivery();

    await env.append('job.completed', { changed: false });
    const [dead] = await env.waitDelivery(
      webhook.id,
      'the delivery to be dead',
      (d) => d[0]?.status === 'dead',
    );

    assert.equal(dead.attempts.length, FAST_RETRY.attempts);
    assert.equal(broken.requests.length, FAST_RETRY.attempts);
    assert.equal(dead.nextAttemptAt, null);
    assert.equal(
      new Set(broken.requests.map((r) => r.headers[WEBHOOK_HEADERS.deliveryId])).size,
      1,
    );
  });

  it('stops retrying once the webhook is deactivated', async () => {
    const broken = await receiver(() => 500);
    const webhook = await env.webhooks.create({ url: broken.url, events: ['*'] });
    await env.startDelivery({ retry: { ...FAST_RETRY, baseDelayMs: 2_000, maxDelayMs: 2_000 } });

    await env.append('job.completed', { changed: true });
    await env.waitDelivery(webhook.id, 'a failed attempt', (d) => d[0]?.status === 'retrying');
    await env.webhooks.update(webhook.id, { active: false });
    const [stopped] = await env.waitDelivery(
      webhook.id,
      'the delivery to stop',
      (d) => d[0]?.status === 'dead',
    );
    await env.waitQueueIdle();

    assert.ok(stopped.attempts.length < FAST_RETRY.attempts, `${stopped.attempts.length} attempts`);
    assert.equal(broken.requests.length, stopped.attempts.length);
    assert.equal(stopped.nextAttemptAt, null);
  });

  it('cuts a receiver that sleeps 60 s off at the per-attempt deadline while others get their deliveries', async () => {
    const sleeper = await receiver(() => answerAfter(RECEIVER_SLEEP_MS));
    const fast = await receiver(() => 200);
    const slowHook = await env.webhooks.create({ url: sleeper.url, events: ['*'] });
    const fastHook = await env.webhooks.create({ url: fast.url, events: ['*'] });
    // Generous against a busy machine: the fast deliveries must all land within one deadline.
    await env.startDelivery({ attemptTimeoutMs: SLEEPER_TEST_TIMEOUT_MS });

    const eventCount = 5;
    for (let i = 0; i < eventCount; i++) await env.append('step.started', { attempt: i + 1 });

    await waitForRequests(fast, eventCount);
    // Every delivery to the fast receiver arrived while the sleeper still held its requests.
    assert.ok(sleeper.open() > 0, 'the sleeping receiver still holds requests');
    const fastDeliveries = await env.waitDelivery(
      fastHook.id,
      'fast deliveries',
      (d) => d.length === eventCount && d.every((x) => x.status === 'succeeded'),
    );
    assert.equal(fastDeliveries.length, eventCount);

    // The sleeper sees the same delivery again: the first attempt was cut off and retried.
    const repeated = await waitFor({
      what: 'the sleeper to receive a delivery a second time',
      check: () => repeatedDeliveryId(sleeper),
      pending: () => `${sleeper.requests.length} request(s) at the sleeper`,
    });
    const [retried] = (await env.webhooks.deliveries(slowHook.id))!.filter(
      (d) => d.id === repeated,
    );
    const [timedOut] = retried.attempts;
    assert.equal(timedOut.responseCode, null);
    assert.match(
      timedOut.error ?? '',
      new RegExp(`timed out: no response within ${SLEEPER_TEST_TIMEOUT_MS} ms`),
    );
    assert.ok(
      timedOut.latencyMs >= SLEEPER_TEST_TIMEOUT_MS - 50,
      `latency ${timedOut.latencyMs} ms`,
    );
  });
});

function repeatedDeliveryId(receiver: Receiver): string | undefined {
  const seen = new Set<string>();
  for (const request of receiver.requests) {
    const id = String(request.headers[WEBHOOK_HEADERS.deliveryId]);
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}
