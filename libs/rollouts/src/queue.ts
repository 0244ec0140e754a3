import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  JOB_NAMES,
  QUEUE_NAMES,
  type RunStepsJobData,
  type RunStepsJobResult,
} from '@switchyard/contracts';
import {
  COMPLETED_JOB_RETENTION_S,
  FAILED_JOB_RETENTION_S,
  MAX_RETAINED_JOBS,
  RETRY_BACKOFF_BASE_MS,
  RETRY_BACKOFF_CAP_MS,
  RETRY_BACKOFF_TYPE,
  RUN_STEPS_ATTEMPTS,
} from './constants';

export type SwitchRunsQueue = Queue<RunStepsJobData, RunStepsJobResult, typeof JOB_NAMES.runSteps>;

/** The producer side of `switch-runs`. BullMQ keys live under the Switchyard prefix. */
export function openSwitchRunsQueue(connection: Redis, prefix: string): SwitchRunsQueue {
  return new Queue<RunStepsJobData, RunStepsJobResult, typeof JOB_NAMES.runSteps>(
    QUEUE_NAMES.switchRuns,
    {
      connection,
      prefix,
    },
  );
}

/**
 * The job id of a rollout's run on one switch. Deterministic, so a second advance that
 * tries to start the same switch finds the job already there instead of adding another.
 * BullMQ refuses `:` in custom ids, hence the dot.
 */
export function rolloutJobId(rolloutId: string, switchId: string): string {
  return `${rolloutId}.${switchId}`;
}

export function runStepsJobOptions(jobId: string): JobsOptions {
  return {
    jobId,
    attempts: RUN_STEPS_ATTEMPTS,
    backoff: { type: RETRY_BACKOFF_TYPE },
    removeOnComplete: { age: COMPLETED_JOB_RETENTION_S, count: MAX_RETAINED_JOBS },
    removeOnFail: { age: FAILED_JOB_RETENTION_S, count: MAX_RETAINED_JOBS },
  };
}

/**
 * Delay before retry number `attemptsMade` (1 for the first retry): exponential from the
 * base, capped, with up to half taken off at random so retries of many switches that failed
 * together (a flapping management network) do not hit the network again in step.
 */
export function jitteredBackoffMs(
  attemptsMade: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attemptsMade - 1);
  const ceiling = Math.min(RETRY_BACKOFF_CAP_MS, RETRY_BACKOFF_BASE_MS * 2 ** exponent);
  return Math.round(ceiling * (1 - random() / 2));
}
