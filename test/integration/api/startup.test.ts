import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import type { Redis } from 'ioredis';
import { loadConfig } from '@switchyard/config';
import { createRootLogger } from '@switchyard/logging';
import { createApi } from '../../../apps/api/src/api';
import { REDIS } from '../../../apps/api/src/api-runtime';
import { RedisUnavailableError } from '../../../apps/api/src/redis';
import { LogCapture, startTestApi, type TestApi } from './api-harness';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('start-up and health', () => {
  let api: TestApi;

  before(async () => {
    api = await startTestApi('api-health');
  });

  after(async () => {
    await api.close();
  });

  it('refuses to start when Redis is unreachable, with a message naming where it looked', async () => {
    const port = await closedPort();
    const config = loadConfig({
      REDIS_URL: `redis://:not-shown@127.0.0.1:${port}`,
      SWITCHYARD_API_TOKENS: randomBytes(24).toString('base64url'),
    });
    const logger = createRootLogger({ level: 'silent', destination: new LogCapture() });

    await assert.rejects(
      createApi(config, { logger, rollouts: api.rollouts, jobs: api.jobs, webhooks: api.webhooks }),
      (err: unknown) => {
        assert.ok(err instanceof RedisUnavailableError);
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        assert.match(err.message, /REDIS_URL/);
        assert.ok(!err.message.includes('not-shown'), 'the Redis password is not shown');
        return true;
      },
    );
  });

  it('answers /healthz with 503 once its Redis connection is gone', async () => {
    await request(api.server).get('/healthz').expect(200);

    api.app.get<Redis>(REDIS).disconnect();
    const res = await request(api.server).get('/healthz');

    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { status: 'unavailable', redis: 'unreachable' });
  });
});
