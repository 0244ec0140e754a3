import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { keysUnder, startTestApi, type TestApi } from './api-harness';

describe('secrets stay out of logs, Redis and responses', () => {
  let api: TestApi;
  let secret: string;
  const responses: string[] = [];

  before(async () => {
    api = await startTestApi('api-secrets');
    const auth = { Authorization: `Bearer ${api.token}` };

    const created = await request(api.server)
      .post('/v1/webhooks')
      .set(auth)
      .set('Idempotency-Key', 'hook-1')
      .send({ url: 'http://127.0.0.1:9/h', events: ['*'] })
      .expect(201);
    secret = created.body.secret;
    const replay = await request(api.server)
      .post('/v1/webhooks')
      .set(auth)
      .set('Idempotency-Key', 'hook-1')
      .send({ url: 'http://127.0.0.1:9/h', events: ['*'] })
      .expect(201);
    responses.push(replay.text);
    responses.push((await request(api.server).get('/v1/webhooks').set(auth).expect(200)).text);
    responses.push(
      (await request(api.server).get(`/v1/webhooks/${created.body.id}`).set(auth).expect(200)).text,
    );
    responses.push(
      (
        await request(api.server)
          .patch(`/v1/webhooks/${created.body.id}`)
          .set(auth)
          .send({ description: 'x' })
          .expect(200)
      ).text,
    );
    await request(api.server)
      .post('/v1/switches')
      .set(auth)
      .send({ name: 'sw-secret', host: '127.0.0.30', credentialRef: 'lab' })
      .expect(201);
    await request(api.server)
      .get('/v1/switches')
      .set('Authorization', `Bearer ${api.otherToken}`)
      .expect(200);
    // A wrong token close to the real one must not be logged either.
    await request(api.server)
      .get('/v1/switches')
      .set('Authorization', `Bearer ${api.token}-wrong`)
      .expect(401);
    await request(api.server)
      .post('/v1/switches')
      .set(auth)
      .send({ name: 'sw-2', host: '127.0.0.31', credentialRef: 'lab', password: 'hunter2-secret' })
      .expect(400);
  });

  after(async () => {
    await api.close();
  });

  it('logs requests, each with its request id and principal, through per-class loggers', () => {
    const entries = api.logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const access = entries.filter((e) => e.component === 'HttpAccess');

    assert.ok(access.length >= 8);
    for (const entry of access) assert.match(String(entry.requestId), /^[0-9a-f-]{36}$/);
    assert.ok(access.some((e) => String(e.principal).startsWith('token-')));
    assert.ok(
      entries.some(
        (e) => e.component === 'WebhooksController' && e.msg === 'webhook created' && e.requestId,
      ),
    );
    assert.ok(
      entries.some((e) => e.component === 'SwitchesController' && e.msg === 'switch registered'),
    );
  });

  it('never logs a bearer token, the Authorization header, a webhook secret or a refused password', () => {
    const text = api.logs.text;

    assert.ok(text.length > 0);
    for (const value of [api.token, api.otherToken, secret, 'hunter2-secret'])
      assert.ok(!text.includes(value), 'a secret reached the log');
    assert.ok(!/authorization/i.test(text), 'the Authorization header reached the log');
  });

  it('answers the webhook secret only on creation', () => {
    for (const body of responses) assert.ok(!body.includes(secret));
  });

  it('stores no token and no webhook secret in Redis', async () => {
    for (const key of await keysUnder(api.redis)) {
      const type = await api.redis.redis.type(key);
      const dump =
        type === 'string'
          ? await api.redis.redis.get(key)
          : JSON.stringify(await api.redis.redis.hgetall(key).catch(() => ({})));
      for (const value of [api.token, api.otherToken, secret])
        assert.ok(!(dump ?? '').includes(value), `a secret in ${key}`);
      assert.ok(!key.includes(api.token));
    }
  });
});
