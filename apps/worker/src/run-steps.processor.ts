import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import {
  JOB_NAMES,
  SwitchyardError,
  type RunStepsJobData,
  type RunStepsJobProgress,
  type RunStepsJobResult,
} from '@switchyard/contracts';
import type { SwitchRepository } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import {
  jitteredBackoffMs,
  RUN_STEPS_ATTEMPTS,
  type RolloutCoordinator,
} from '@switchyard/rollouts';
import { SWITCH_BUSY_DELAY_MS } from './constants';
import type { JobHandler } from './job-handlers';
import { StepRunFailure, type StepRunner } from './step-runner';
import type { SwitchLocks } from './switch-lock';

/** A retryable failure as BullMQ sees it: the backoff strategy reads `retryDelayMs`. */
export class RetryableJobError extends Error {
  override readonly name = 'RetryableJobError';

  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
  }
}

export interface RunStepsProcessorDeps {
  runner: StepRunner;
  switchLocks: SwitchLocks;
  switches: Pick<SwitchRepository, 'get'>;
  coordinator: Pick<RolloutCoordinator, 'isCancelled'>;
  logger: Logger;
}

/**
 * The run-steps job at the queue boundary: unpacks the job, takes the switch's lock (or puts
 * the job back to wait, which costs no attempt), binds the log fields and hands over to the
 * StepRunner. Turns non-retryable failures into UnrecoverableError.
 */
export class RunStepsProcessor implements JobHandler {
  readonly jobName = JOB_NAMES.runSteps;

  constructor(private readonly deps: RunStepsProcessorDeps) {}

  async handle(
    job: Job<RunStepsJobData, RunStepsJobResult>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RunStepsJobResult> {
    const { data } = job;
    const target = await this.deps.switches.get(data.switchId);
    const log = this.deps.logger.child({
      jobId: job.id,
      switch: target?.name ?? data.switchId,
      rolloutId: data.rolloutId,
    });

    const hold = await this.deps.switchLocks.tryHold(data.switchId, () => {
      log.warn('the switch lock was lost; stopping at the next command');
    });
    if (!hold) {
      log.debug('switch busy with another run; job delayed');
      // Another run holds this switch. Wait a little without spending an attempt; jitter
      // keeps many jobs for one busy switch from all coming back at the same instant.
      await job.moveToDelayed(Date.now() + SWITCH_BUSY_DELAY_MS * (1 + Math.random()), token);
      throw new DelayedError();
    }

    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? RUN_STEPS_ATTEMPTS;
    const retryDelayMs = jitteredBackoffMs(attempt);
    const startedAt = Date.now();
    log.info({ attempt, steps: data.steps, dryRun: data.dryRun }, 'job started');

    try {
      const result = await this.deps.runner.run({
        jobId: job.id as string,
        data,
        target,
        attempt,
        maxAttempts,
        retryDelayMs,
        log,
        signal: signal ?? new AbortController().signal,
        reportProgress: (progress: RunStepsJobProgress) => job.updateProgress(progress),
        checkBetweenSteps: async () => {
          if (hold.lost)
            return new SwitchyardError('LOCK_LOST', 'the switch lock expired or was taken over');
          if (data.rolloutId && (await this.deps.coordinator.isCancelled(data.rolloutId))) {
            return new SwitchyardError(
              'CANCELLED',
              'the rollout was cancelled; the remaining steps were not run',
            );
          }
          return null;
        },
        checkBeforeCommand: () => {
          if (hold.lost)
            throw new SwitchyardError('LOCK_LOST', 'the switch lock expired or was taken over');
        },
      });
      log.info({ durationMs: Date.now() - startedAt }, 'job finished');
      return result;
    } catch (err) {
      if (!(err instanceof StepRunFailure)) throw err;
      // The code leads the message: BullMQ keeps only the message as failedReason.
      const message = `${err.code}: ${err.message}`;
      if (!err.retryable) throw new UnrecoverableError(message);
      throw new RetryableJobError(message, retryDelayMs);
    } finally {
      await hold.release();
    }
  }
}

/**
 * The worker's backoff strategy: the delay the processor already announced in its
 * step.retrying event when there is one, else exponential with jitter.
 */
export function backoffStrategy(attemptsMade: number, _type?: string, err?: Error): number {
  if (err instanceof RetryableJobError) return err.retryDelayMs;
  return jitteredBackoffMs(attemptsMade);
}
