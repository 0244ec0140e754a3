import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import request from 'supertest';
import { keysUnder, startTestApi, UNKNOWN_SWITCH_ID, type TestApi } from './api-harness';

interface FieldError {
  path: string;
  message: string;
}

function assertBadRequest(res: request.Response, expectedPaths: string[]): void {
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.statusCode, 400);
  assert.equal(res.body.error, 'Bad Request');
  assert.equal(typeof res.body.message, 'string');
  const paths = (res.body.errors as FieldError[]).map((e) => e.path).sort();
  assert.deepEqual(paths, [...expectedPaths].sort());
  for (const error of res.body.errors as FieldError[])
    assert.ok(error.message.length > 0, `no message for ${error.path}`);
}

describe('request validation', () => {
  let api: TestApi;
  let auth: { Authorization: string };

  before(async () => {
    api = await startTestApi('api-validation');
    auth = { Authorization: `Bearer ${api.token}` };
  });

  after(async () => {
    await api.close();
  });

  afterEach(async () => {
    // Nothing refused may have been stored (no key at all under the prefix, not even an
    // idempotency claim) or enqueued.
    assert.deepEqual(await keysUnder(api.redis), []);
    assert.equal(api.jobs.submitted.length, 0);
    assert.equal(api.rollouts.created.length, 0);
    assert.equal(api.webhooks.hooks.size, 0);
  });

  describe('POST /v1/switches', () => {
    it('names each bad field of a switch', async () => {
      const res = await request(api.server)
        .post('/v1/switches')
        .set(auth)
        .send({
          name: '-leading-dash',
          host: 'not a host!',
          port: 70000,
          credentialRef: '',
          tags: ['ok', 'bad tag'],
          hostKeyFingerprint: 'MD5:aa',
          legacyAlgorithms: 'yes',
        });

      assertBadRequest(res, [
        'name',
        'host',
        'port',
        'credentialRef',
        'tags.1',
        'hostKeyFingerprint',
        'legacyAlgorithms',
      ]);
    });

    it('refuses a 33-character name, the NX-OS hostname limit being 32 (BUGS S1)', async () => {
      const res = await request(api.server)
        .post('/v1/switches')
        .set(auth)
        .send({ name: 'a'.repeat(33), host: '127.0.0.2', credentialRef: 'lab' });

      assertBadRequest(res, ['name']);
      assert.match(res.body.errors[0].message, /32/);
    });

    it('names missing required fields', async () => {
      const res = await request(api.server).post('/v1/switches').set(auth).send({});

      assertBadRequest(res, ['name', 'host', 'credentialRef']);
    });

    it('refuses unknown fields, one entry per field', async () => {
      const res = await request(api.server).post('/v1/switches').set(auth).send({
        name: 'sw1',
        host: '127.0.0.2',
        credentialRef: 'lab',
        password: 'hunter2',
        vendor: 'cisco',
      });

      assertBadRequest(res, ['password', 'vendor']);
    });

    it('refuses an address literal outside SWITCHYARD_SWITCH_NETWORKS', async () => {
      const res = await request(api.server)
        .post('/v1/switches')
        .set(auth)
        .send({ name: 'sw1', host: '192.0.2.10', credentialRef: 'lab' });

      assertBadRequest(res, ['host']);
    });

    it('refuses malformed JSON with a 400 in the same shape', async () => {
      const res = await request(api.server)
        .post('/v1/switches')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send('{"name": "sw1",');

      assert.equal(res.status, 400);
      assert.equal(res.body.error, 'Bad Request');
      assert.equal(res.body.message, 'malformed JSON body');
      assert.ok(!JSON.stringify(res.body).includes('sw1'), 'the body is not echoed');
    });

    it('refuses a body that is not JSON at all', async () => {
      const res = await request(api.server)
        .post('/v1/switches')
        .set(auth)
        .set('Content-Type', 'text/plain')
        .send('name=sw1');

      assertBadRequest(res, ['']);
      assert.match(res.body.message, /application\/json/);
    });

    it('refuses a body over the size limit with 413', async () => {
      const body = JSON.stringify({
        name: 'sw1',
        host: '127.0.0.2',
        credentialRef: 'lab',
        padding: 'x'.repeat(1_100_000),
      });
      const res = await request(api.server)
        .post('/v1/switches')
        .set(auth)
        .set('Content-Type', 'application/json')
        .send(body);

      assert.equal(res.status, 413);
      assert.equal(res.body.statusCode, 413);
    });
  });

  describe('PATCH /v1/switches/:id', () => {
    it('names each bad field and refuses fields that cannot change', async () => {
      const res = await request(api.server)
        .patch('/v1/switches/some-id')
        .set(auth)
        .send({ port: 0, name: 'renamed', tags: 'lab' });

      assertBadRequest(res, ['port', 'name', 'tags']);
    });

    it('refuses an id outside the id grammar', async () => {
      const res = await request(api.server)
        .get(`/v1/switches/${encodeURIComponent('a b*')}`)
        .set(auth);

      assertBadRequest(res, ['id']);
    });
  });

  describe('GET /v1/switches', () => {
    it('refuses a malformed tag filter and unknown query parameters', async () => {
      const res = await request(api.server)
        .get('/v1/switches')
        .query({ tag: 'bad tag', sort: 'name' })
        .set(auth);

      assertBadRequest(res, ['tag', 'sort']);
    });
  });

  describe('POST /v1/jobs', () => {
    it('names each bad field, nested ones by their path', async () => {
      const res = await request(api.server)
        .post('/v1/jobs')
        .set(auth)
        .send({
          switchId: '',
          step: 'reboot',
          params: { image: 'Bad Image!', ports: [{ host: 0, container: 80 }] },
          dryRun: 1,
        });

      assertBadRequest(res, ['switchId', 'step', 'params.image', 'params.ports.0.host', 'dryRun']);
    });

    it('answers 400 naming the switch when the job service cannot resolve it', async () => {
      const res = await request(api.server)
        .post('/v1/jobs')
        .set(auth)
        .send({ switchId: UNKNOWN_SWITCH_ID, step: 'start-docker' });

      assertBadRequest(res, ['switchId']);
    });
  });

  describe('POST /v1/rollouts', () => {
    it('names each bad field of the strategy and params', async () => {
      const res = await request(api.server)
        .post('/v1/rollouts')
        .set(auth)
        .send({
          tags: ['lab'],
          strategy: { concurrency: 0, maxFailurePercentage: 101, surprise: true },
          params: { containerName: '$(reboot)' },
        });

      assertBadRequest(res, [
        'strategy.concurrency',
        'strategy.maxFailurePercentage',
        'strategy.surprise',
        'params.containerName',
      ]);
    });

    it('requires exactly one of switchIds or tags', async () => {
      const res = await request(api.server)
        .post('/v1/rollouts')
        .set(auth)
        .send({ switchIds: ['a'], tags: ['lab'] });

      assertBadRequest(res, ['switchIds']);
    });

    it('refuses steps out of the procedure order', async () => {
      const res = await request(api.server)
        .post('/v1/rollouts')
        .set(auth)
        .send({ tags: ['lab'], steps: ['verify-nat', 'configure-mgmt'] });

      assertBadRequest(res, ['steps']);
    });

    it('answers TargetResolutionError with 400 and its fields', async () => {
      const res = await request(api.server)
        .post('/v1/rollouts')
        .set(auth)
        .send({ switchIds: ['known-1', UNKNOWN_SWITCH_ID] });

      assertBadRequest(res, ['switchIds.1']);
    });

    it('refuses a malformed ?limit on the list', async () => {
      const res = await request(api.server).get('/v1/rollouts').query({ limit: 'lots' }).set(auth);

      assertBadRequest(res, ['limit']);
    });
  });

  describe('POST /v1/webhooks', () => {
    it('names each bad field', async () => {
      const res = await request(api.server)
        .post('/v1/webhooks')
        .set(auth)
        .send({ url: 'ftp://127.0.0.1/x', events: ['rollout.exploded'], secret: 'mine' });

      assertBadRequest(res, ['url', 'events.0', 'secret']);
    });

    it('answers a URL refused by the address policy with 400 on url', async () => {
      const res = await request(api.server)
        .post('/v1/webhooks')
        .set(auth)
        .send({ url: 'https://blocked.invalid/hook', events: ['*'] });

      assertBadRequest(res, ['url']);
    });

    it('names each bad field of a patch', async () => {
      const res = await request(api.server)
        .patch('/v1/webhooks/some-id')
        .set(auth)
        .send({ active: 'no', events: [] });

      assertBadRequest(res, ['active', 'events']);
    });
  });

  describe('Idempotency-Key and Last-Event-ID', () => {
    it('refuses an Idempotency-Key that is not printable ASCII', async () => {
      const res = await request(api.server)
        .post('/v1/jobs')
        .set(auth)
        .set('Idempotency-Key', 'a'.repeat(256))
        .send({ switchId: 'x', step: 'start-docker' });

      assertBadRequest(res, ['Idempotency-Key']);
    });

    it('refuses a Last-Event-ID that is not an event id', async () => {
      const res = await request(api.server)
        .get('/v1/events')
        .set(auth)
        .set('Last-Event-ID', 'yesterday');

      assertBadRequest(res, ['Last-Event-ID']);
    });
  });
});
