import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { startTestApi, type TestApi } from './api-harness';

/** One request per route of the API, with a plausible body where it takes one. */
const V1_ROUTES: [method: 'get' | 'post' | 'patch' | 'delete', path: string][] = [
  ['post', '/v1/switches'],
  ['get', '/v1/switches'],
  ['get', '/v1/switches/some-id'],
  ['patch', '/v1/switches/some-id'],
  ['delete', '/v1/switches/some-id'],
  ['post', '/v1/jobs'],
  ['get', '/v1/jobs/1'],
  ['post', '/v1/rollouts'],
  ['get', '/v1/rollouts'],
  ['get', '/v1/rollouts/some-id'],
  ['post', '/v1/rollouts/some-id/pause'],
  ['post', '/v1/rollouts/some-id/resume'],
  ['post', '/v1/rollouts/some-id/cancel'],
  ['get', '/v1/rollouts/some-id/events'],
  ['get', '/v1/events'],
  ['post', '/v1/webhooks'],
  ['get', '/v1/webhooks'],
  ['get', '/v1/webhooks/some-id'],
  ['patch', '/v1/webhooks/some-id'],
  ['delete', '/v1/webhooks/some-id'],
  ['get', '/v1/webhooks/some-id/deliveries'],
  ['post', '/v1/webhooks/some-id/deliveries/d1/redeliver'],
];

describe('bearer authentication', () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi('api-auth');
  });

  after(async () => {
    await api.close();
  });

  for (const [method, path] of V1_ROUTES) {
    it(`refuses ${method.toUpperCase()} ${path} without a token, with WWW-Authenticate: Bearer`, async () => {
      const res = await request(api.server)[method](path).send({ name: 'sw1' });

      assert.equal(res.status, 401);
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.equal(res.body.statusCode, 401);
      assert.equal(res.body.error, 'Unauthorized');
    });
  }

  it('refuses an unknown token', async () => {
    const res = await request(api.server)
      .get('/v1/switches')
      .set('Authorization', `Bearer ${api.token}x`);

    assert.equal(res.status, 401);
    assert.equal(res.body.message, 'invalid bearer token');
  });

  it('refuses a token sent with another scheme', async () => {
    const res = await request(api.server)
      .get('/v1/switches')
      .set('Authorization', `Basic ${api.token}`);

    assert.equal(res.status, 401);
  });

  it('refuses a token that is a prefix of the real one', async () => {
    const res = await request(api.server)
      .get('/v1/switches')
      .set('Authorization', `Bearer ${api.token.slice(0, -1)}`);

    assert.equal(res.status, 401);
  });

  it('accepts the configured token', async () => {
    const res = await request(api.server)
      .get('/v1/switches')
      .set('Authorization', `Bearer ${api.token}`);

    assert.equal(res.status, 200);
    assert.deepEqual(res.body, []);
  });

  it('refuses before validating, so an anonymous caller learns nothing about bodies', async () => {
    const res = await request(api.server).post('/v1/switches').send({ bogus: true });

    assert.equal(res.status, 401);
    assert.equal(res.body.errors, undefined);
  });

  it('serves /healthz without a token and reports Redis reachable', async () => {
    const res = await request(api.server).get('/healthz');

    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok', redis: 'ok' });
  });
});
