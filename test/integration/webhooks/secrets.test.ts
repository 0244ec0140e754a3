import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { startReceiver, startWebhookTestEnv, type Receiver, type WebhookTestEnv } from './harness';

describe('webhook secrets', () => {
  let env: WebhookTestEnv;
  let receiver: Receiver;
  let secret: string;
  let webhookId: string;

  before(async () => {
    env = await startWebhookTestEnv();
    // One failed attempt per delivery, so retries and their logs are covered too.
    receiver = await startReceiver((_request, index) => (index === 0 ? 500 : 200));
    const created = await env.webhooks.create({
      url: receiver.url,
      events: ['*'],
      description: 'audit',
    });
    ({ secret, id: webhookId } = created);
    await env.startDelivery();

    await env.append('job.completed', { changed: true });
    await env.append('job.failed', { code: 'AUTH_FAILED', message: 'denied' });
    const delivered = await env.waitDelivery(
      webhookId,
      'both deliveries',
      (d) => d.length === 2 && d.every((x) => x.status === 'succeeded'),
    );
    await env.webhooks.redeliver(webhookId, delivered[0].id);
    await env.waitDelivery(
      webhookId,
      'the redelivery',
      (d) => d[0].attempts.length >= 2 && d[0].status === 'succeeded',
    );
    await env.waitQueueIdle();
  });

  after(async () => {
    await receiver.close();
    await env.close();
  });

  it('hands the secret out once, at creation, and derives it rather than storing it', async () => {
    assert.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const views = [
      await env.webhooks.get(webhookId),
      ...(await env.webhooks.list()),
      await env.webhooks.update(webhookId, { description: 'audit 2' }),
    ];
    for (const view of views) {
      assert.ok(view);
      assert.equal('secret' in view, false);
      assert.equal('salt' in view, false);
    }
  });

  it('keeps the secret out of every Redis key and value under the prefix', async () => {
    const dump = await dumpPrefix(env.redis.redis, env.config.prefix);
    assert.ok(dump.length > 1_000, 'the dump holds the webhook, deliveries and jobs');
    assert.ok(dump.includes(webhookId), 'the dump holds the webhook');
    assert.equal(dump.includes(secret), false);
    assert.equal(dump.includes(secret.slice('whsec_'.length)), false);
    assert.equal(dump.includes(env.config.secretKey!), false, 'nor the master key');
  });

  it('puts nothing but the webhook and delivery ids in the job payloads', async () => {
    const jobs = await env.queue.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active']);
    assert.ok(jobs.length >= 3, `${jobs.length} jobs`);
    for (const job of jobs)
      assert.deepEqual(Object.keys(job.data).sort(), ['deliveryId', 'webhookId']);
  });

  it('writes the secret to no log line', () => {
    assert.ok(
      env.logLines.some((line) => line.includes('webhook delivered')),
      'deliveries were logged',
    );
    assert.ok(
      env.logLines.some((line) => line.includes('retrying')),
      'the retry was logged',
    );
    assert.equal(
      env.logLines.some((line) => line.includes(secret)),
      false,
    );
  });
});

/** Every key under the prefix with its value, as one string. */
async function dumpPrefix(redis: Redis, prefix: string): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    for (const key of keys) parts.push(key, await dumpValue(redis, key));
    cursor = next;
  } while (cursor !== '0');
  return parts.join('\n');
}

async function dumpValue(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrange(key, 0, -1, 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}
