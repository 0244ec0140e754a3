import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { SwitchRepository } from '@switchyard/inventory';
import { startTestApi, type TestApi } from './api-harness';

const FINGERPRINT = `SHA256:${'A'.repeat(43)}`;

describe('switches', () => {
  let api: TestApi;
  let auth: { Authorization: string };
  let repository: SwitchRepository;

  before(async () => {
    api = await startTestApi('api-switches');
    auth = { Authorization: `Bearer ${api.token}` };
    repository = new SwitchRepository(api.redis.redis, api.redis.prefix);
  });

  after(async () => {
    await api.close();
  });

  it('registers a switch with defaults applied, stores it and returns 201', async () => {
    const res = await request(api.server)
      .post('/v1/switches')
      .set(auth)
      .send({
        name: 'n9k_lab.dc1-01',
        host: '127.0.0.21',
        credentialRef: 'lab',
        tags: ['lab', 'dc1', 'lab'],
      });

    assert.equal(res.status, 201);
    assert.equal(res.body.name, 'n9k_lab.dc1-01');
    assert.equal(res.body.port, 22);
    assert.deepEqual(res.body.tags, ['dc1', 'lab']);
    assert.equal(res.body.hostKey, null);
    assert.deepEqual(await repository.get(res.body.id), res.body);
  });

  it('accepts a 32-character name, the NX-OS limit (BUGS S1)', async () => {
    const name = `n9k-${'x'.repeat(28)}`;
    const res = await request(api.server)
      .post('/v1/switches')
      .set(auth)
      .send({ name, host: '127.0.0.22', credentialRef: 'lab' });

    assert.equal(res.status, 201);
    assert.equal(res.body.name.length, 32);
  });

  it('answers 409 when the name is taken, whatever its case, and stores nothing more', async () => {
    const before = (await repository.list()).length;
    const res = await request(api.server)
      .post('/v1/switches')
      .set(auth)
      .send({ name: 'N9K_LAB.DC1-01', host: '127.0.0.23', credentialRef: 'lab' });

    assert.equal(res.status, 409);
    assert.equal(res.body.error, 'Conflict');
    assert.match(res.body.message, /already registered/);
    assert.equal((await repository.list()).length, before);
  });

  it('lists switches in registration order and filters by tag', async () => {
    await request(api.server)
      .post('/v1/switches')
      .set(auth)
      .send({ name: 'edge-1', host: '127.0.0.24', credentialRef: 'lab', tags: ['edge'] })
      .expect(201);

    const all = await request(api.server).get('/v1/switches').set(auth).expect(200);
    const edge = await request(api.server)
      .get('/v1/switches')
      .query({ tag: 'edge' })
      .set(auth)
      .expect(200);
    const none = await request(api.server)
      .get('/v1/switches')
      .query({ tag: 'nowhere' })
      .set(auth)
      .expect(200);

    assert.deepEqual(
      all.body.map((s: { name: string }) => s.name),
      ['n9k_lab.dc1-01', `n9k-${'x'.repeat(28)}`, 'edge-1'],
    );
    assert.deepEqual(
      edge.body.map((s: { name: string }) => s.name),
      ['edge-1'],
    );
    assert.deepEqual(none.body, []);
  });

  it('gets, changes, re-pins and removes a switch', async () => {
    const created = await request(api.server)
      .post('/v1/switches')
      .set(auth)
      .send({ name: 'crud-1', host: '127.0.0.25', credentialRef: 'lab', tags: ['a'] })
      .expect(201);
    const id = created.body.id as string;

    const got = await request(api.server).get(`/v1/switches/${id}`).set(auth).expect(200);
    assert.deepEqual(got.body, created.body);

    const patched = await request(api.server)
      .patch(`/v1/switches/${id}`)
      .set(auth)
      .send({ port: 2222, tags: ['b'], hostKeyFingerprint: FINGERPRINT })
      .expect(200);
    assert.equal(patched.body.port, 2222);
    assert.deepEqual(patched.body.tags, ['b']);
    assert.equal(patched.body.hostKey.fingerprint, FINGERPRINT);
    assert.equal(patched.body.hostKey.source, 'registered');
    assert.deepEqual(
      (await repository.findByTags(['a'])).map((s) => s.id),
      [],
    );

    const unpinned = await request(api.server)
      .patch(`/v1/switches/${id}`)
      .set(auth)
      .send({ hostKeyFingerprint: null })
      .expect(200);
    assert.equal(unpinned.body.hostKey, null);

    await request(api.server).delete(`/v1/switches/${id}`).set(auth).expect(204);
    assert.equal(await repository.get(id), null);
    await request(api.server).get(`/v1/switches/${id}`).set(auth).expect(404);

    // The name is free again once the switch is gone.
    await request(api.server)
      .post('/v1/switches')
      .set(auth)
      .send({ name: 'crud-1', host: '127.0.0.25', credentialRef: 'lab' })
      .expect(201);
  });

  it('answers 404 JSON for unknown ids on every switch route', async () => {
    for (const req of [
      request(api.server).get('/v1/switches/unknown-id'),
      request(api.server).patch('/v1/switches/unknown-id').send({ port: 23 }),
      request(api.server).delete('/v1/switches/unknown-id'),
    ]) {
      const res = await req.set(auth);
      assert.equal(res.status, 404);
      assert.deepEqual(res.body, {
        statusCode: 404,
        error: 'Not Found',
        message: 'no switch with id "unknown-id"',
      });
    }
  });

  it('answers 404 JSON for a route that does not exist', async () => {
    const res = await request(api.server).get('/v1/nothing-here').set(auth);

    assert.equal(res.status, 404);
    assert.equal(res.body.statusCode, 404);
    assert.equal(res.body.error, 'Not Found');
  });

  it('echoes a request id, generated or given', async () => {
    const generated = await request(api.server).get('/v1/switches').set(auth).expect(200);
    const given = await request(api.server)
      .get('/v1/switches')
      .set(auth)
      .set('X-Request-Id', 'trace-123')
      .expect(200);

    assert.match(generated.headers['x-request-id'], /^[0-9a-f-]{36}$/);
    assert.equal(given.headers['x-request-id'], 'trace-123');
    assert.ok(api.logs.lines.some((line) => JSON.parse(line).requestId === 'trace-123'));
  });
});
