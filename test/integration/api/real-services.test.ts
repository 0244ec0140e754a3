import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadConfig } from '@switchyard/config';
import { createRootLogger } from '@switchyard/logging';
import { createApi } from '../../../apps/api/src/api';
import { createTestRedis, type TestRedis } from '../../support/redis';
import { keysUnder, LogCapture } from './api-harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The run-steps jobs BullMQ holds under the prefix (one hash per job, keyed by its UUID id). */
async function enqueuedJobs(redis: TestRedis): Promise<string[]> {
  return (await keysUnder(redis, 'switch-runs:*'))
    .map((key) => key.split(':').at(-1)!)
    .filter((id) => UUID.test(id));
}

describe('API on the real rollout, job and webhook services', () => {
  let redis: TestRedis;
  let app: INestApplication;
  let auth: { Authorization: string };
  let switchId: string;
  const logs = new LogCapture();

  before(async () => {
    redis = await createTestRedis('api-real');
    const token = randomBytes(24).toString('base64url');
    const config = loadConfig({
      REDIS_URL: redis.url,
      SWITCHYARD_PREFIX: redis.prefix,
      SWITCHYARD_API_TOKENS: token,
      SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64url'),
      SWITCHYARD_WEBHOOK_ALLOW: '127.0.0.1/32',
    });
    app = await createApi(config, {
      logger: createRootLogger({ level: 'debug', destination: logs }),
    });
    auth = { Authorization: `Bearer ${token}` };

    const created = await request(app.getHttpServer())
      .post('/v1/switches')
      .set(auth)
      .send({ name: 'real-1', host: '127.0.0.40', credentialRef: 'lab', tags: ['real'] })
      .expect(201);
    switchId = created.body.id;
  });

  after(async () => {
    await app.close();
    await redis.cleanup();
  });

  it('enqueues one job for a repeated POST /v1/jobs with one Idempotency-Key', async () => {
    const body = { switchId, step: 'start-docker', dryRun: true };
    const first = await request(app.getHttpServer())
      .post('/v1/jobs')
      .set(auth)
      .set('Idempotency-Key', 'real-job-1')
      .send(body);
    const second = await request(app.getHttpServer())
      .post('/v1/jobs')
      .set(auth)
      .set('Idempotency-Key', 'real-job-1')
      .send(body);

    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(second.body.id, first.body.id);
    assert.deepEqual(await enqueuedJobs(redis), [first.body.id]);

    const got = await request(app.getHttpServer())
      .get(`/v1/jobs/${first.body.id}`)
      .set(auth)
      .expect(200);
    assert.equal(got.body.switchId, switchId);
    assert.deepEqual(got.body.steps, ['start-docker']);
  });

  it('answers 400 naming switchId for an unknown switch, and enqueues nothing', async () => {
    const before = await enqueuedJobs(redis);
    const res = await request(app.getHttpServer())
      .post('/v1/jobs')
      .set(auth)
      .send({ switchId: 'no-such-switch', step: 'start-docker' });

    assert.equal(res.status, 400);
    assert.deepEqual(
      res.body.errors.map((e: { path: string }) => e.path),
      ['switchId'],
    );
    assert.deepEqual(await enqueuedJobs(redis), before);
  });

  it('answers 400 naming the unknown switch of a rollout', async () => {
    const res = await request(app.getHttpServer())
      .post('/v1/rollouts')
      .set(auth)
      .send({ switchIds: [switchId, 'missing-switch'] });

    assert.equal(res.status, 400);
    assert.ok(
      res.body.errors.some((e: { path: string }) => e.path.startsWith('switchIds')),
      JSON.stringify(res.body),
    );
  });

  it('starts, reads and cancels a rollout, and refuses to resume it with 409', async () => {
    const started = await request(app.getHttpServer())
      .post('/v1/rollouts')
      .set(auth)
      .send({ tags: ['real'], dryRun: true });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body.counts.total, 1);

    const got = await request(app.getHttpServer())
      .get(`/v1/rollouts/${started.body.id}`)
      .set(auth)
      .expect(200);
    assert.equal(got.body.id, started.body.id);
    const cancelled = await request(app.getHttpServer())
      .post(`/v1/rollouts/${started.body.id}/cancel`)
      .set(auth);
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));

    const resumed = await request(app.getHttpServer())
      .post(`/v1/rollouts/${started.body.id}/resume`)
      .set(auth);
    assert.equal(resumed.status, 409, JSON.stringify(resumed.body));
  });

  it('creates a webhook with its secret once, and refuses a target outside the allow-list', async () => {
    const created = await request(app.getHttpServer())
      .post('/v1/webhooks')
      .set(auth)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['rollout.completed'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(typeof created.body.secret, 'string');

    const got = await request(app.getHttpServer())
      .get(`/v1/webhooks/${created.body.id}`)
      .set(auth)
      .expect(200);
    assert.equal(got.body.secret, undefined);
    assert.ok(!got.text.includes(created.body.secret));
    assert.ok(!logs.text.includes(created.body.secret));

    const refused = await request(app.getHttpServer())
      .post('/v1/webhooks')
      .set(auth)
      .send({ url: 'http://127.0.0.2:9/hook', events: ['*'] });
    assert.equal(refused.status, 400);
    assert.deepEqual(
      refused.body.errors.map((e: { path: string }) => e.path),
      ['url'],
    );
  });
});
