import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { loadConfig } from '@switchyard/config';
import { DEFAULT_DEPLOYMENT_PARAMS } from '@switchyard/contracts';
import { CredentialStore, SwitchRepository } from '@switchyard/inventory';
import { createRootLogger } from '@switchyard/logging';
import { createRolloutServices, type RolloutServices } from '@switchyard/rollouts';
import { startWorker, type RunningWorker } from '../../../apps/worker/src/worker';
import { waitFor } from '../../support/wait';
import { FakeSessionPool } from './fake-session-pool';
import { fakeStepHandlers, Gate, SUCCEED } from './harness';

/** How long Redis stays down: long enough for every connection to notice. */
const OUTAGE_MS = 3_000;

async function freeLoopbackPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

describe('a Redis restart while jobs are active (BUGS B2)', () => {
  let dir = '';
  let port = 0;
  let redisProcess: ChildProcess | null = null;

  // A private Redis, persisted to an append-only file so a restart keeps the queue.
  const startRedis = async () => {
    redisProcess = spawn(
      'redis-server',
      [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
      ],
      {
        stdio: 'ignore',
      },
    );
    await waitFor({
      what: 'the private Redis to answer',
      check: async () => {
        const probe = new Redis(port, '127.0.0.1', {
          lazyConnect: true,
          retryStrategy: () => null,
          maxRetriesPerRequest: 0,
        });
        probe.on('error', () => undefined);
        const ok = await probe
          .connect()
          .then(() => probe.ping())
          .then(
            () => true,
            () => undefined,
          );
        probe.disconnect();
        return ok;
      },
    });
  };
  const stopRedis = async () => {
    const proc = redisProcess;
    redisProcess = null;
    if (!proc || proc.exitCode !== null) return;
    proc.kill('SIGTERM');
    await once(proc, 'exit');
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sy-redis-'));
    port = await freeLoopbackPort();
    await startRedis();
  });
  after(async () => {
    await stopRedis();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the active job and takes new ones after Redis comes back, without a worker restart', async () => {
    const gate = new Gate();
    const started: string[] = [];
    const config = loadConfig({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      SWITCHYARD_PREFIX: 'b2',
      LOG_LEVEL: 'silent',
    });
    const logger = createRootLogger({ level: 'silent' });
    const setup = new Redis(config.redisUrl);
    const switches = new SwitchRepository(setup, config.prefix);
    const first = await switches.create({
      name: 'sw-1',
      host: '127.0.0.2',
      port: 22,
      credentialRef: 'lab',
      tags: [],
      legacyAlgorithms: false,
    });
    const second = await switches.create({
      name: 'sw-2',
      host: '127.0.0.3',
      port: 22,
      credentialRef: 'lab',
      tags: [],
      legacyAlgorithms: false,
    });
    setup.disconnect();

    let worker: RunningWorker | null = null;
    let services: RolloutServices | null = null;
    try {
      worker = await startWorker(config, {
        logger,
        credentials: CredentialStore.fromEntries({
          lab: { username: 'admin', password: 'not-a-real-password' },
        }),
        sessionPool: new FakeSessionPool(),
        concurrency: 2,
        stepHandlers: fakeStepHandlers(async (step, name, context) => {
          started.push(name);
          if (name === 'sw-1') await gate.wait();
          return SUCCEED(step, name, context);
        }),
      });
      services = await createRolloutServices({ config, logger });
      const active = await services.jobs.submit({
        switchId: first.id,
        step: 'start-docker',
        params: DEFAULT_DEPLOYMENT_PARAMS,
        dryRun: false,
      });
      await waitFor({
        what: 'the first job to start',
        check: () => (started.includes('sw-1') ? true : undefined),
      });

      await stopRedis();
      await sleep(OUTAGE_MS); // the outage itself, not a wait for a condition
      gate.open();
      await startRedis();

      const view = await waitFor({
        what: 'the active job to complete after the restart',
        check: async () => {
          const v = await services!.jobs.get(active.id);
          return v?.state === 'completed' ? v : undefined;
        },
      });
      assert.equal(view.result[0].status, 'succeeded');

      const later = await services.jobs.submit({
        switchId: second.id,
        step: 'start-docker',
        params: DEFAULT_DEPLOYMENT_PARAMS,
        dryRun: false,
      });
      const laterView = await waitFor({
        what: 'a job added after the restart to complete',
        check: async () => {
          const v = await services!.jobs.get(later.id);
          return v?.state === 'completed' ? v : undefined;
        },
      });
      assert.equal(laterView.attempts, 1);
    } finally {
      await worker?.close({ graceMs: 5_000 });
      await services?.close();
    }
  });
});
