import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { loadConfig } from '@switchyard/config';
import { CredentialStore } from '@switchyard/inventory';
import { createRootLogger } from '@switchyard/logging';
import { startWorker } from '../../../apps/worker/src/worker';
import { FakeSessionPool } from './fake-session-pool';
import { fakeStepHandlers, SUCCEED } from './harness';

const logger = createRootLogger({ level: 'silent' });
const credentials = CredentialStore.fromEntries({});

describe('worker start-up', () => {
  it('refuses a Redis that does not answer, saying which and what to check', async () => {
    // Port 1 on loopback: nothing listens there.
    const config = loadConfig({
      REDIS_URL: 'redis://:hunter2hunter2@127.0.0.1:1',
      LOG_LEVEL: 'silent',
    });
    await assert.rejects(
      startWorker(config, {
        logger,
        credentials,
        stepHandlers: fakeStepHandlers(SUCCEED),
        sessionPool: new FakeSessionPool(),
      }),
      (err: Error) => {
        assert.match(err.message, /cannot use Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
        assert.match(err.message, /ECONNREFUSED/);
        assert.match(err.message, /Check REDIS_URL/);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
  });

  it('refuses to start with a step missing a handler', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const handlers = fakeStepHandlers(SUCCEED).filter((h) => h.name !== 'verify-nat');
    await assert.rejects(
      startWorker(config, {
        logger,
        credentials,
        stepHandlers: handlers,
        sessionPool: new FakeSessionPool(),
      }),
      /step "verify-nat" has no handler/,
    );
  });

  it('refuses to start the process without a credentials file', () => {
    const run = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/worker/src/main.ts'],
      {
        env: { PATH: process.env.PATH, LOG_LEVEL: 'silent' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr, /SWITCHYARD_CREDENTIALS: set it to the JSON or YAML file/);
  });
});
