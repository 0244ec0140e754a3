import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import { JOB_NAMES, QUEUE_NAMES, type RunStepsJobData } from '@switchyard/contracts';
import { EventLog } from '@switchyard/events';
import { SwitchRepository, type CredentialStore } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import {
  createRolloutServices,
  ROLLOUT_SWEEP_INTERVAL_MS,
  watchRedisConnection,
} from '@switchyard/rollouts';
import type { SessionPool } from '@switchyard/ssh-pool';
import type { StepContext, StepHandler } from '@switchyard/steps';
import { startWebhookDelivery } from '@switchyard/webhooks';
import {
  JOB_LOCK_MS,
  SHUTDOWN_GRACE_MS,
  STALLED_CHECK_INTERVAL_MS,
  SWITCH_LOCK_RENEW_MS,
  SWITCH_LOCK_TTL_MS,
} from './constants';
import { defaultHttpGet, defaultSessionPool, defaultStepHandlers } from './default-deps';
import { buildJobHandlerRegistry, buildStepHandlerMap, type JobHandler } from './job-handlers';
import { checkRedisAtStartup } from './redis-check';
import { backoffStrategy, RunStepsProcessor } from './run-steps.processor';
import { StepRunner } from './step-runner';
import { SwitchLocks } from './switch-lock';

export interface WorkerDeps {
  logger: Logger;
  credentials: CredentialStore;
  /** Default: the real handlers from @switchyard/steps. */
  stepHandlers?: StepHandler[];
  /** Default: the real SSH pool from @switchyard/ssh-pool. The worker closes only a pool it built. */
  sessionPool?: SessionPool;
  /** Default: createHttpChecker(config.switchNetworks) from @switchyard/steps. */
  httpGet?: StepContext['httpGet'];
  /** Jobs run at once by this worker. Default: config.workerConcurrency. */
  concurrency?: number;
  /** Shorter locks for tests that kill workers; every value in ms. Defaults: constants.ts. */
  timings?: Partial<WorkerTimings>;
}

export interface WorkerTimings {
  jobLockMs: number;
  stalledCheckMs: number;
  switchLockTtlMs: number;
  switchLockRenewMs: number;
}

export interface RunningWorker {
  /**
   * Stops taking jobs, lets running ones finish for up to `graceMs` (default
   * SHUTDOWN_GRACE_MS), then closes every connection.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Job names the switch-runs queue carries; each needs exactly one handler. */
const SWITCH_RUNS_JOB_NAMES = [JOB_NAMES.runSteps] as const;

/**
 * Starts consuming `switch-runs`: one run-steps job at a time per switch, up to
 * `concurrency` at once overall, and advances rollouts as their jobs end (plus a sweep every
 * ROLLOUT_SWEEP_INTERVAL_MS, so a crash between a job's end and its advance loses nothing).
 */
export async function startWorker(
  config: SwitchyardConfig,
  deps: WorkerDeps,
): Promise<RunningWorker> {
  const log = deps.logger.child({ component: 'Worker' });
  const timings: WorkerTimings = {
    jobLockMs: JOB_LOCK_MS,
    stalledCheckMs: STALLED_CHECK_INTERVAL_MS,
    switchLockTtlMs: SWITCH_LOCK_TTL_MS,
    switchLockRenewMs: SWITCH_LOCK_RENEW_MS,
    ...deps.timings,
  };
  await checkRedisAtStartup(config.redisUrl);
  const stepHandlers = buildStepHandlerMap(deps.stepHandlers ?? defaultStepHandlers());

  // BullMQ requires maxRetriesPerRequest: null on worker connections, so commands wait out
  // a Redis restart instead of failing (BUGS.md B2).
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  watchRedisConnection(redis, log, 'worker commands');
  const switches = new SwitchRepository(redis, config.prefix);
  const ownsPool = !deps.sessionPool;
  let sessions: SessionPool;
  try {
    sessions =
      deps.sessionPool ??
      defaultSessionPool(
        config,
        deps.logger,
        switches,
        deps.concurrency ?? config.workerConcurrency,
      );
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const workerConnection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  watchRedisConnection(workerConnection, log, 'switch-runs consumer');
  const services = await createRolloutServices({ config, logger: deps.logger });

  const runner = new StepRunner({
    handlers: stepHandlers,
    sessions,
    credentials: deps.credentials,
    events: new EventLog(redis, config.prefix),
    httpGet: deps.httpGet ?? defaultHttpGet(config),
  });
  const processor = new RunStepsProcessor({
    runner,
    switchLocks: new SwitchLocks(
      redis,
      config.prefix,
      timings.switchLockTtlMs,
      timings.switchLockRenewMs,
    ),
    switches,
    coordinator: services.coordinator,
    logger: deps.logger,
  });
  const handlers = buildJobHandlerRegistry(QUEUE_NAMES.switchRuns, SWITCH_RUNS_JOB_NAMES, [
    processor as JobHandler,
  ]);

  const worker = new Worker<RunStepsJobData>(
    QUEUE_NAMES.switchRuns,
    async (job: Job, token: string | undefined, signal?: AbortSignal) => {
      const handler = handlers.get(job.name);
      // Start-up checked every name the queue should carry; this is a job nobody should add.
      if (!handler) throw new UnrecoverableError(`INTERNAL: no handler for job "${job.name}"`);
      return handler.handle(job, token, signal);
    },
    {
      connection: workerConnection,
      prefix: config.prefix,
      concurrency: deps.concurrency ?? config.workerConcurrency,
      settings: { backoffStrategy },
      lockDuration: timings.jobLockMs,
      stalledInterval: timings.stalledCheckMs,
    },
  );

  const advanceAfter = (job: Job<RunStepsJobData> | undefined) => {
    const rolloutId = job?.data.rolloutId;
    if (!rolloutId) return;
    services.coordinator.advance(rolloutId).catch((err: unknown) => {
      log.warn({ err, rolloutId }, 'advancing the rollout failed; the sweeper tries again');
    });
  };
  worker.on('completed', (job) => advanceAfter(job));
  worker.on('failed', (job) => advanceAfter(job));
  worker.on('error', (err: NodeJS.ErrnoException) => {
    // Socket errors (ECONNREFUSED, ...) are logged once per outage by watchRedisConnection.
    if (typeof err.code === 'string' && err.code.startsWith('E'))
      log.debug({ err }, 'worker connection error');
    else log.error({ err }, 'worker error');
  });

  let sweeping: Promise<unknown> | null = null;
  const sweeper = setInterval(() => {
    if (sweeping) return;
    sweeping = services.coordinator
      .advanceActive()
      .catch((err: unknown) => log.warn({ err }, 'rollout sweep failed'))
      .finally(() => (sweeping = null));
  }, ROLLOUT_SWEEP_INTERVAL_MS);

  // Webhook deliveries run beside the switch work in every worker: the dispatcher's consumer
  // group shares the events among workers, and signing needs the master key.
  const webhookDelivery = config.secretKey
    ? await startWebhookDelivery({ config, logger: deps.logger })
    : null;
  if (!webhookDelivery) {
    log.warn('SWITCHYARD_SECRET_KEY is not set: this worker delivers no webhooks');
  }

  await worker.waitUntilReady();
  log.info(
    { queue: QUEUE_NAMES.switchRuns, concurrency: deps.concurrency ?? config.workerConcurrency },
    'worker started',
  );

  return {
    async close(options = {}) {
      const graceMs = options.graceMs ?? SHUTDOWN_GRACE_MS;
      clearInterval(sweeper);

      const finished = worker.close().then(() => true);
      const inTime = await Promise.race([finished, sleep(graceMs).then(() => false)]);
      if (!inTime) {
        log.warn(
          { graceMs },
          'running jobs did not finish in the grace period; stopping anyway (they will be retried)',
        );
        await worker.close(true);
      }

      await sweeping;
      await webhookDelivery?.close();
      if (ownsPool) await sessions.closeAll();
      await services.close();
      redis.disconnect();
      workerConnection.disconnect();
      log.info('worker stopped');
    },
  };
}
