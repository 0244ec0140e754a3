import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { waitFor } from '../../support/wait';
import { keysUnder, startTestApi, UNKNOWN_SWITCH_ID, type TestApi } from './api-harness';

const DAY_SECONDS = 24 * 60 * 60;

describe('Idempotency-Key', () => {
  let api: TestApi;
  let auth: { Authorization: string };

  before(async () => {
    api = await startTestApi('api-idem');
    auth = { Authorization: `Bearer ${api.token}` };
  });

  after(async () => {
    await api.close();
  });

  it('answers a repeated request with the first answer and enqueues once', async () => {
    const body = { switchIds: ['sw-1', 'sw-2'], dryRun: true };
    const first = await request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .set('Idempotency-Key', 'rollout-a')
      .send(body);
    const second = await request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .set('Idempotency-Key', 'rollout-a')
      .send(body);
    // Same JSON, other key order and spacing: the same request.
    const third = await request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .set('Idempotency-Key', 'rollout-a')
      .set('Content-Type', 'application/json')
      .send('{ "dryRun": true,  "switchIds": ["sw-1", "sw-2"] }');

    assert.equal(first.status, 202);
    assert.equal(first.headers['idempotent-replayed'], undefined);
    for (const replay of [second, third]) {
      assert.equal(replay.status, 202);
      assert.deepEqual(replay.body, first.body);
      assert.equal(replay.headers['idempotent-replayed'], 'true');
    }
    assert.equal(api.rollouts.created.length, 1);
  });

  it('answers 409 when the key comes back with another body, and enqueues nothing', async () => {
    await request(api.server)
      .post('/v1/jobs')
      .set(auth)
      .set('Idempotency-Key', 'job-b')
      .send({ switchId: 'sw-1', step: 'start-docker' })
      .expect(202);
    const submitted = api.jobs.submitted.length;

    const res = await request(api.server)
      .post('/v1/jobs')
      .set(auth)
      .set('Idempotency-Key', 'job-b')
      .send({ switchId: 'sw-2', step: 'start-docker' });

    assert.equal(res.status, 409);
    assert.match(res.body.message, /different request/);
    assert.equal(api.jobs.submitted.length, submitted);
  });

  it('answers 409 when the key comes back on another route', async () => {
    await request(api.server)
      .post('/v1/jobs')
      .set(auth)
      .set('Idempotency-Key', 'key-c')
      .send({ switchId: 'sw-1', step: 'verify-nat' })
      .expect(202);

    const res = await request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .set('Idempotency-Key', 'key-c')
      .send({ switchId: 'sw-1', step: 'verify-nat' });

    assert.equal(res.status, 409);
  });

  it('answers 409 while the first request with the key is still running, then replays it', async () => {
    const release = api.rollouts.hold();
    const body = { tags: ['slow'] };
    const first = request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .set('Idempotency-Key', 'slow-d')
      .send(body)
      .then((res) => res);

    await waitFor({
      what: 'the first request to claim its key',
      check: async () => ((await hasInFlightClaim(api)) ? true : undefined),
    });
    const during = await request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .set('Idempotency-Key', 'slow-d')
      .send(body);
    release();
    const done = await first;
    const after = await request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .set('Idempotency-Key', 'slow-d')
      .send(body);

    assert.equal(during.status, 409);
    assert.equal(during.headers['retry-after'], '1');
    assert.match(during.body.message, /still being processed/);
    assert.equal(done.status, 202);
    assert.equal(after.status, 202);
    assert.deepEqual(after.body, done.body);
    assert.equal(api.rollouts.created.filter((r) => r.tags?.[0] === 'slow').length, 1);
  });

  it('frees the key when the request fails, so a corrected retry runs', async () => {
    const refused = await request(api.server)
      .post('/v1/jobs')
      .set(auth)
      .set('Idempotency-Key', 'fix-e')
      .send({ switchId: UNKNOWN_SWITCH_ID, step: 'start-docker' });
    const corrected = await request(api.server)
      .post('/v1/jobs')
      .set(auth)
      .set('Idempotency-Key', 'fix-e')
      .send({ switchId: 'sw-3', step: 'start-docker' });

    assert.equal(refused.status, 400);
    assert.equal(corrected.status, 202);
    assert.equal(corrected.headers['idempotent-replayed'], undefined);
  });

  it('scopes keys by principal: another token may use the same key', async () => {
    const mine = await request(api.server)
      .post('/v1/jobs')
      .set(auth)
      .set('Idempotency-Key', 'shared-f')
      .send({ switchId: 'sw-4', step: 'start-docker' });
    const theirs = await request(api.server)
      .post('/v1/jobs')
      .set('Authorization', `Bearer ${api.otherToken}`)
      .set('Idempotency-Key', 'shared-f')
      .send({ switchId: 'sw-5', step: 'start-docker' });

    assert.equal(mine.status, 202);
    assert.equal(theirs.status, 202);
    assert.equal(theirs.body.switchId, 'sw-5');
  });

  it('stores keys under the prefix as SHA-256 digests, for 24 h, without the request body', async () => {
    const key = 'stored-g';
    await request(api.server)
      .post('/v1/jobs')
      .set(auth)
      .set('Idempotency-Key', key)
      .send({ switchId: 'sw-body-marker', step: 'start-docker' })
      .expect(202);

    const digest = createHash('sha256').update(key).digest('hex');
    const [redisKey] = (await keysUnder(api.redis, 'idempotency:*')).filter((k) =>
      k.endsWith(digest),
    );
    assert.ok(redisKey, 'a record keyed by the digest of the key');
    assert.ok(!redisKey.includes(key));
    const ttl = await api.redis.redis.ttl(redisKey);
    assert.ok(ttl > DAY_SECONDS - 60 && ttl <= DAY_SECONDS, `ttl ${ttl}`);
    const record = JSON.parse((await api.redis.redis.get(redisKey))!);
    assert.match(record.fingerprint, /^[0-9a-f]{64}$/);
    assert.equal(record.state, 'done');
    assert.equal(record.response.status, 202);
  });

  it('never stores a webhook secret: a replay answers without it and says so', async () => {
    const body = { url: 'http://127.0.0.1:9/hook', events: ['*'] };
    const first = await request(api.server)
      .post('/v1/webhooks')
      .set(auth)
      .set('Idempotency-Key', 'hook-h')
      .send(body);
    const replay = await request(api.server)
      .post('/v1/webhooks')
      .set(auth)
      .set('Idempotency-Key', 'hook-h')
      .send(body);

    assert.equal(first.status, 201);
    assert.equal(typeof first.body.secret, 'string');
    assert.equal(replay.status, 201);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.headers['idempotency-withheld'], 'secret');
    assert.equal(replay.body.secret, undefined);
    assert.equal(replay.body.id, first.body.id);
    assert.equal(api.webhooks.hooks.size, 1);

    for (const redisKey of await keysUnder(api.redis)) {
      const type = await api.redis.redis.type(redisKey);
      if (type === 'string')
        assert.ok(
          !(await api.redis.redis.get(redisKey))!.includes(first.body.secret),
          `secret in ${redisKey}`,
        );
    }
  });
});

async function hasInFlightClaim(api: TestApi): Promise<boolean> {
  for (const key of await keysUnder(api.redis, 'idempotency:*')) {
    const json = await api.redis.redis.get(key);
    if (json && JSON.parse(json).state === 'in-flight') return true;
  }
  return false;
}
