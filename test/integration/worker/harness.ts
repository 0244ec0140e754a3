import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { Queue } from 'bullmq';
import { loadConfig, type SwitchyardConfig } from '@switchyard/config';
import { QUEUE_NAMES, STEP_NAMES, type StepName, type Switch } from '@switchyard/contracts';
import { CredentialStore, SwitchRepository } from '@switchyard/inventory';
import { createRootLogger, type Logger } from '@switchyard/logging';
import { createRolloutServices, type RolloutServices } from '@switchyard/rollouts';
import type { StepContext, StepHandler, StepOutcome } from '@switchyard/steps';
import {
  startWorker,
  type RunningWorker,
  type WorkerTimings,
} from '../../../apps/worker/src/worker';
import { createTestRedis, type TestRedis } from '../../support/redis';
import { FakeSessionPool } from './fake-session-pool';

export { FakeSessionPool } from './fake-session-pool';

/** What a fake step does, given the step, the switch it runs on and the context. */
export type FakeBehaviour = (
  step: StepName,
  switchName: string,
  context: StepContext,
) => Promise<StepOutcome> | StepOutcome;

export const SUCCEED: FakeBehaviour = (step, _name, context) => ({
  changed: !context.dryRun,
  facts: { step },
  commands: [`fake ${step}`],
  transcript: [],
});

/** Locks short enough that a test can wait out a killed worker. */
export const SHORT_TIMINGS: WorkerTimings = {
  jobLockMs: 2_000,
  stalledCheckMs: 1_000,
  switchLockTtlMs: 2_000,
  switchLockRenewMs: 500,
};

/** Step handlers that do what `behaviour` says and never touch a switch. */
export function fakeStepHandlers(behaviour: FakeBehaviour): StepHandler[] {
  return STEP_NAMES.map((name) => ({
    name,
    commandTimeoutMs: 1_000,
    run: (context: StepContext) => Promise.resolve(behaviour(name, context.switchName, context)),
  }));
}

export interface Harness {
  testRedis: TestRedis;
  config: SwitchyardConfig;
  logger: Logger;
  services: RolloutServices;
  switches: SwitchRepository;
  pool: FakeSessionPool;
  queue: Queue;
  worker: RunningWorker | null;
  startWorker(concurrency?: number, timings?: Partial<WorkerTimings>): Promise<RunningWorker>;
  registerSwitches(names: string[], tags?: string[]): Promise<Switch[]>;
  close(): Promise<void>;
}

/** A fresh Redis prefix, the rollout services and (on demand) a worker with fake steps. */
export async function createHarness(
  behaviour: FakeBehaviour,
  options: { label?: string } = {},
): Promise<Harness> {
  const testRedis = await createTestRedis(options.label ?? 'worker');
  const config = loadConfig({
    REDIS_URL: testRedis.url,
    SWITCHYARD_PREFIX: testRedis.prefix,
    LOG_LEVEL: 'silent',
  });
  const logger = createRootLogger({ level: 'silent' });
  const services = await createRolloutServices({ config, logger });
  const switches = new SwitchRepository(testRedis.redis, testRedis.prefix);
  const pool = new FakeSessionPool();
  // Connection options rather than a client: the queue then owns its connection and closes it.
  const queue = new Queue(QUEUE_NAMES.switchRuns, {
    connection: { url: testRedis.url },
    prefix: testRedis.prefix,
  });
  const credentials = CredentialStore.fromEntries({
    lab: { username: 'admin', password: 'not-a-real-password' },
  });

  let registeredCount = 0;
  const harness: Harness = {
    testRedis,
    config,
    logger,
    services,
    switches,
    pool,
    queue,
    worker: null,
    async startWorker(concurrency = 10, timings) {
      harness.worker = await startWorker(config, {
        logger,
        credentials,
        stepHandlers: fakeStepHandlers(behaviour),
        sessionPool: pool,
        concurrency,
        timings,
      });
      return harness.worker;
    },
    async registerSwitches(names, tags = []) {
      const created: Switch[] = [];
      for (const name of names) {
        // Each switch gets an address of its own across calls: the inventory refuses two
        // records for one address and port.
        const i = registeredCount++;
        created.push(
          await switches.create({
            name,
            host: `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
            port: 22,
            credentialRef: 'lab',
            tags,
            legacyAlgorithms: false,
          }),
        );
      }
      return created;
    },
    async close() {
      await harness.worker?.close({ graceMs: 5_000 });
      await services.close();
      await queue.close();
      await testRedis.cleanup();
    },
  };
  return harness;
}

/** Resolves when `open()` is called: lets a test hold fake steps mid-run. */
export class Gate {
  private opened = false;
  private waiters: (() => void)[] = [];

  wait(): Promise<void> {
    if (this.opened) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  open(): void {
    this.opened = true;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

/**
 * Starts a worker from `fixtures/<fixture>.ts` in a child process on the harness's Redis
 * and prefix, for tests that kill or freeze a worker. Its stdout carries its signals.
 */
export function spawnFixtureWorker(
  harness: Harness,
  fixture: string,
  env: Record<string, string> = {},
): ChildProcessByStdio<null, Readable, null> {
  return spawn(
    process.execPath,
    ['-r', '@swc-node/register', `test/integration/worker/fixtures/${fixture}.ts`],
    {
      env: {
        PATH: process.env.PATH,
        TEST_REDIS_URL: harness.testRedis.url,
        TEST_PREFIX: harness.testRedis.prefix,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
}
