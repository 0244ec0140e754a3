import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { WebhookSecretKeyMissingError, WebhookTargetError } from '@switchyard/webhooks';
import { startReceiver, startWebhookTestEnv, type WebhookTestEnv } from './harness';

describe('webhook address policy', () => {
  const opened: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(thing: T): T => {
    opened.push(thing);
    return thing;
  };

  afterEach(async () => {
    for (const thing of opened.splice(0).reverse()) await thing.close();
  });

  it('refuses metadata and link-local targets at registration even when allow-listed', async () => {
    const env = track(
      await startWebhookTestEnv({
        env: {
          SWITCHYARD_WEBHOOK_ALLOW: '127.0.0.0/8,169.254.0.0/16,100.64.0.0/10,fd00::/8,fe80::/10',
        },
      }),
    );

    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://169.254.10.10/hook',
      'http://100.100.100.200/hook',
      'http://[fd00:ec2::254]/hook',
      'http://[fe80::1]/hook',
      'http://[::ffff:169.254.169.254]/hook',
    ]) {
      await assert.rejects(env.webhooks.create({ url, events: ['*'] }), WebhookTargetError, url);
    }
    assert.deepEqual(await env.webhooks.list(), []);
  });

  it('refuses loopback targets unless the allow-list covers them, at creation and on update', async () => {
    const receiver = track(await startReceiver());
    const closed = track(await startWebhookTestEnv({ env: { SWITCHYARD_WEBHOOK_ALLOW: '' } }));
    const port = new URL(receiver.url).port;

    await assert.rejects(
      closed.webhooks.create({ url: receiver.url, events: ['*'] }),
      /127\.0\.0\.1.*SWITCHYARD_WEBHOOK_ALLOW/,
    );
    await assert.rejects(
      closed.webhooks.create({ url: `http://localhost:${port}/hook`, events: ['*'] }),
      WebhookTargetError,
    );
    await assert.rejects(
      closed.webhooks.create({ url: 'http://10.0.0.1/hook', events: ['*'] }),
      WebhookTargetError,
    );

    const open = track(await startWebhookTestEnv());
    const webhook = await open.webhooks.create({ url: receiver.url, events: ['*'] });
    await assert.rejects(
      open.webhooks.update(webhook.id, { url: 'http://169.254.169.254/' }),
      WebhookTargetError,
    );
    assert.equal((await open.webhooks.get(webhook.id))?.url, receiver.url);
  });

  it('checks the address again at delivery time and sends nothing when it is refused', async () => {
    const receiver = track(await startReceiver());
    // Registered while loopback was allowed; the worker runs with an allow-list that no longer has it.
    const env = track(await startWebhookTestEnv());
    const webhook = await env.webhooks.create({ url: receiver.url, events: ['job.completed'] });
    await env.startDelivery({ env: { SWITCHYARD_WEBHOOK_ALLOW: '' } });

    await env.append('job.completed', { changed: true });
    const [dead] = await env.waitDelivery(
      webhook.id,
      'the delivery to be dead',
      (d) => d[0]?.status === 'dead',
    );

    assert.ok(
      dead.attempts.every(
        (a) => a.responseCode === null && /refused by the address policy/.test(a.error ?? ''),
      ),
    );
    assert.equal(receiver.requests.length, 0);
  });

  it('does not follow a redirect: a 302 is a failed attempt', async () => {
    const elsewhere = track(await startReceiver());
    const redirecting = track(
      await startReceiver(() => (res) => res.writeHead(302, { location: elsewhere.url }).end()),
    );
    const env = track(await startWebhookTestEnv());
    const webhook = await env.webhooks.create({ url: redirecting.url, events: ['job.completed'] });
    await env.startDelivery();

    await env.append('job.completed', { changed: true });
    const [dead] = await env.waitDelivery(
      webhook.id,
      'the delivery to be dead',
      (d) => d[0]?.status === 'dead',
    );

    assert.ok(dead.attempts.every((a) => a.responseCode === 302));
    assert.match(dead.attempts[0].error ?? '', /redirects are not followed/);
    assert.equal(redirecting.requests.length, dead.attempts.length);
    assert.equal(elsewhere.requests.length, 0);
  });

  it('refuses to create webhooks without a master key', async () => {
    const env: WebhookTestEnv = track(await startWebhookTestEnv({ withoutSecretKey: true }));
    await assert.rejects(
      env.webhooks.create({ url: 'http://127.0.0.1:9/hook', events: ['*'] }),
      WebhookSecretKeyMissingError,
    );
    assert.deepEqual(await env.webhooks.list(), []);
  });
});
