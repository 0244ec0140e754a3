import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { STEP_NAMES } from '@switchyard/contracts';
import { startTestApi, type TestApi } from './api-harness';

describe('jobs, rollouts and webhooks routes', () => {
  let api: TestApi;
  let auth: { Authorization: string };

  before(async () => {
    api = await startTestApi('api-routes');
    auth = { Authorization: `Bearer ${api.token}` };
  });

  after(async () => {
    await api.close();
  });

  it('POST /v1/jobs answers 202 with the JobView and hands the parsed input to the job service', async () => {
    const res = await request(api.server)
      .post('/v1/jobs')
      .set(auth)
      .send({ switchId: 'sw-1', step: 'start-docker', dryRun: true });

    assert.equal(res.status, 202);
    assert.equal(res.body.switchId, 'sw-1');
    assert.deepEqual(res.body.steps, ['start-docker']);
    assert.equal(api.jobs.submitted.length, 1);
    // Defaults were applied by the schema before the service saw the input.
    assert.equal(api.jobs.submitted[0].params.image, 'nginx');

    const got = await request(api.server).get(`/v1/jobs/${res.body.id}`).set(auth).expect(200);
    assert.equal(got.body.id, res.body.id);
    await request(api.server).get('/v1/jobs/999').set(auth).expect(404);
  });

  it('POST /v1/rollouts answers 202 with the rollout, its id first-class', async () => {
    const res = await request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .send({ switchIds: ['sw-1', 'sw-2'], dryRun: true });

    assert.equal(res.status, 202);
    assert.equal(typeof res.body.id, 'string');
    assert.equal(res.body.state, 'running');
    assert.deepEqual(res.body.steps, [...STEP_NAMES]);
    assert.equal(res.body.counts.total, 2);
    assert.deepEqual(api.rollouts.created.at(-1)?.switchIds, ['sw-1', 'sw-2']);

    const got = await request(api.server).get(`/v1/rollouts/${res.body.id}`).set(auth).expect(200);
    assert.equal(got.body.id, res.body.id);
    const list = await request(api.server)
      .get('/v1/rollouts')
      .query({ limit: 1 })
      .set(auth)
      .expect(200);
    assert.deepEqual(
      list.body.map((r: { id: string }) => r.id),
      [res.body.id],
    );
  });

  it('pauses, resumes and cancels, and answers 409 when the state forbids the action', async () => {
    const { body: rollout } = await request(api.server)
      .post('/v1/rollouts')
      .set(auth)
      .send({ tags: ['lab'] })
      .expect(202);
    const base = `/v1/rollouts/${rollout.id}`;

    assert.equal(
      (await request(api.server).post(`${base}/pause`).set(auth).expect(200)).body.state,
      'paused',
    );
    assert.equal(
      (await request(api.server).post(`${base}/resume`).set(auth).expect(200)).body.state,
      'running',
    );
    assert.equal(
      (await request(api.server).post(`${base}/cancel`).set(auth).expect(200)).body.state,
      'cancelled',
    );

    const conflict = await request(api.server).post(`${base}/resume`).set(auth);
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error, 'Conflict');
    assert.match(conflict.body.message, /cancelled/);
  });

  it('answers 404 for actions on an unknown rollout', async () => {
    for (const action of ['pause', 'resume', 'cancel']) {
      const res = await request(api.server).post(`/v1/rollouts/unknown/${action}`).set(auth);
      assert.equal(res.status, 404);
      assert.match(res.body.message, /no rollout/);
    }
    await request(api.server).get('/v1/rollouts/unknown').set(auth).expect(404);
    await request(api.server).get('/v1/rollouts/unknown/events').set(auth).expect(404);
  });

  it('returns the webhook secret on creation only', async () => {
    const created = await request(api.server)
      .post('/v1/webhooks')
      .set(auth)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['rollout.completed'] });

    assert.equal(created.status, 201);
    assert.equal(created.body.secret, api.webhooks.secretsIssued.at(-1));
    const id = created.body.id as string;

    const listed = await request(api.server).get('/v1/webhooks').set(auth).expect(200);
    const got = await request(api.server).get(`/v1/webhooks/${id}`).set(auth).expect(200);
    const patched = await request(api.server)
      .patch(`/v1/webhooks/${id}`)
      .set(auth)
      .send({ active: false, description: 'paused' })
      .expect(200);
    for (const body of [listed.text, got.text, patched.text])
      assert.ok(!body.includes(created.body.secret));
    assert.equal(patched.body.active, false);
    assert.equal(patched.body.description, 'paused');
  });

  it('lists deliveries, redelivers one, and removes the webhook', async () => {
    const { body: hook } = await request(api.server)
      .post('/v1/webhooks')
      .set(auth)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['*'] })
      .expect(201);
    api.webhooks.deliveryLog.set(hook.id, [
      {
        id: 'd-1',
        webhookId: hook.id,
        eventId: '1-0',
        eventType: 'job.completed',
        status: 'dead',
        attempts: [],
        createdAt: new Date().toISOString(),
        nextAttemptAt: null,
      },
    ]);

    const deliveries = await request(api.server)
      .get(`/v1/webhooks/${hook.id}/deliveries`)
      .set(auth)
      .expect(200);
    assert.deepEqual(
      deliveries.body.map((d: { id: string }) => d.id),
      ['d-1'],
    );
    const again = await request(api.server)
      .post(`/v1/webhooks/${hook.id}/deliveries/d-1/redeliver`)
      .set(auth)
      .expect(202);
    assert.equal(again.body.id, 'd-1');
    assert.equal(again.body.status, 'pending');
    await request(api.server)
      .post(`/v1/webhooks/${hook.id}/deliveries/d-2/redeliver`)
      .set(auth)
      .expect(404);

    await request(api.server).delete(`/v1/webhooks/${hook.id}`).set(auth).expect(204);
    await request(api.server).get(`/v1/webhooks/${hook.id}`).set(auth).expect(404);
    await request(api.server).get(`/v1/webhooks/${hook.id}/deliveries`).set(auth).expect(404);
    await request(api.server).delete(`/v1/webhooks/${hook.id}`).set(auth).expect(404);
  });
});
