import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { WEBHOOK_HEADERS } from '@switchyard/contracts';
import { DISPATCHER_GROUP, deliveryIdFor } from '@switchyard/webhooks';
import {
  startReceiver,
  startWebhookTestEnv,
  waitForRequests,
  type Receiver,
  type WebhookTestEnv,
} from './harness';

describe('webhook deliveries', () => {
  let env: WebhookTestEnv;
  let receiver: Receiver;

  beforeEach(async () => {
    env = await startWebhookTestEnv();
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await receiver.close();
    await env.close();
  });

  it('lists deliveries newest first with their attempts', async () => {
    const webhook = await env.webhooks.create({ url: receiver.url, events: ['step.started'] });
    await env.startDelivery();

    const first = await env.append('step.started', { attempt: 1 });
    await env.waitDelivery(webhook.id, 'the first delivery', (d) => d[0]?.status === 'succeeded');
    const second = await env.append('step.started', { attempt: 2 });
    const listed = await env.waitDelivery(
      webhook.id,
      'both deliveries',
      (d) => d.length === 2 && d.every((x) => x.status === 'succeeded'),
    );

    assert.deepEqual(
      listed.map((d) => d.eventId),
      [second, first],
    );
    assert.deepEqual(
      listed.map((d) => d.id),
      [deliveryIdFor(webhook.id, second), deliveryIdFor(webhook.id, first)],
    );
    for (const delivery of listed) {
      assert.equal(delivery.webhookId, webhook.id);
      assert.equal(delivery.eventType, 'step.started');
      assert.deepEqual(
        delivery.attempts.map((a) => a.responseCode),
        [200],
      );
      assert.equal(delivery.nextAttemptAt, null);
    }
    assert.equal((await env.webhooks.deliveries(webhook.id, 1))?.length, 1);
    assert.equal(await env.webhooks.deliveries('wh_missing'), null);
  });

  it('redelivers with the same delivery id and body as a new series of attempts', async () => {
    const webhook = await env.webhooks.create({ url: receiver.url, events: ['*'] });
    await env.startDelivery();
    await env.append('job.completed', { changed: true });
    const [delivered] = await env.waitDelivery(
      webhook.id,
      'the delivery',
      (d) => d[0]?.status === 'succeeded',
    );

    const restarted = await env.webhooks.redeliver(webhook.id, delivered.id);
    assert.equal(restarted?.id, delivered.id);
    assert.equal(restarted?.status, 'pending');

    await waitForRequests(receiver, 2);
    const [original, again] = receiver.requests;
    assert.equal(
      again.headers[WEBHOOK_HEADERS.deliveryId],
      original.headers[WEBHOOK_HEADERS.deliveryId],
    );
    assert.ok(again.body.equals(original.body));
    const [after] = await env.waitDelivery(
      webhook.id,
      'the redelivery to succeed',
      (d) => d[0]?.attempts.length === 2 && d[0].status === 'succeeded',
    );
    assert.equal(after.id, delivered.id);
    // The new series ran under a job of its own, beside the first one.
    const jobs = await Promise.all([
      env.queue.getJob(delivered.id),
      env.queue.getJob(`${delivered.id}-2`),
    ]);
    assert.deepEqual(
      jobs.map((job) => job?.data),
      [
        { webhookId: webhook.id, deliveryId: delivered.id },
        { webhookId: webhook.id, deliveryId: delivered.id },
      ],
    );

    assert.equal(await env.webhooks.redeliver(webhook.id, 'dlv_missing'), null);
    const other = await env.webhooks.create({ url: receiver.url, events: ['job.failed'] });
    assert.equal(
      await env.webhooks.redeliver(other.id, delivered.id),
      null,
      'a delivery of another webhook',
    );
  });

  it('delivers only subscribed event types to active webhooks', async () => {
    const catchAll = await env.webhooks.create({ url: receiver.url, events: ['*'] });
    const failures = await env.webhooks.create({
      url: receiver.url,
      events: ['job.failed', 'step.failed'],
    });
    const paused = await env.webhooks.create({ url: receiver.url, events: ['*'] });
    await env.webhooks.update(paused.id, { active: false });
    await env.startDelivery();

    await env.append('job.completed', { changed: true });
    await env.append('job.failed', { code: 'AUTH_FAILED', message: 'denied' });
    await env.waitDispatched();
    await env.waitQueueIdle();

    assert.equal((await env.webhooks.deliveries(catchAll.id))?.length, 2);
    assert.deepEqual(
      (await env.webhooks.deliveries(failures.id))?.map((d) => d.eventType),
      ['job.failed'],
    );
    assert.deepEqual(await env.webhooks.deliveries(paused.id), []);
    assert.equal(receiver.requests.length, 3);
  });

  it('does not deliver an event twice when it is dispatched again after a crash', async () => {
    const webhook = await env.webhooks.create({ url: receiver.url, events: ['*'] });
    await env.startDelivery();
    await env.append('job.completed', { changed: true });
    await env.append('job.completed', { changed: false });
    await env.waitDelivery(
      webhook.id,
      'both deliveries',
      (d) => d.length === 2 && d.every((x) => x.status === 'succeeded'),
    );
    await env.stopDelivery();

    // Rewinding the group makes every event new again, as if nothing had been acknowledged.
    await env.redis.redis.xgroup('SETID', `${env.config.prefix}:events`, DISPATCHER_GROUP, '0');
    await env.startDelivery();
    await env.waitDispatched();
    await env.waitQueueIdle();

    const deliveries = (await env.webhooks.deliveries(webhook.id))!;
    assert.equal(deliveries.length, 2);
    assert.ok(deliveries.every((d) => d.attempts.length === 1));
    assert.equal(receiver.requests.length, 2);
  });

  it('takes over events another dispatcher read but never acknowledged', async () => {
    const webhook = await env.webhooks.create({ url: receiver.url, events: ['*'] });
    await env.startDelivery();
    await env.stopDelivery();

    // A dispatcher that reads an event and dies before enqueueing anything.
    const eventId = await env.append('rollout.completed', {
      state: 'succeeded',
      counts: {},
      reason: null,
    });
    await env.redis.redis.xreadgroup(
      'GROUP',
      DISPATCHER_GROUP,
      'crashed-dispatcher',
      'COUNT',
      10,
      'STREAMS',
      `${env.config.prefix}:events`,
      '>',
    );
    await env.startDelivery({ staleEntryMinIdleMs: 0 });

    const [delivery] = await env.waitDelivery(
      webhook.id,
      'the taken-over event to be delivered',
      (d) => d[0]?.status === 'succeeded',
    );
    assert.equal(delivery.eventId, eventId);
    await env.waitDispatched();
  });

  it('deletes a webhook with its deliveries', async () => {
    const webhook = await env.webhooks.create({
      url: receiver.url,
      events: ['*'],
      description: 'ops',
    });
    await env.startDelivery();
    await env.append('job.completed', { changed: true });
    await env.waitDelivery(webhook.id, 'the delivery', (d) => d[0]?.status === 'succeeded');

    assert.equal(await env.webhooks.delete(webhook.id), true);
    assert.equal(await env.webhooks.delete(webhook.id), false);
    assert.equal(await env.webhooks.get(webhook.id), null);
    assert.equal(await env.webhooks.deliveries(webhook.id), null);
    const leftovers = await env.redis.redis.keys(`${env.config.prefix}:webhooks:*`);
    assert.deepEqual(leftovers, []);
  });

  it('updates description, events and active flag', async () => {
    const webhook = await env.webhooks.create({
      url: receiver.url,
      events: ['job.failed'],
      description: 'ops',
    });
    const updated = await env.webhooks.update(webhook.id, {
      events: ['*'],
      description: null,
      active: false,
    });

    assert.deepEqual(updated && [updated.events, updated.description, updated.active], [
      ['*'],
      null,
      false,
    ]);
    assert.equal(updated?.createdAt, webhook.createdAt);
    assert.deepEqual(await env.webhooks.get(webhook.id), updated);
    assert.equal(await env.webhooks.update('wh_missing', { active: true }), null);
  });
});
