import type { Job } from 'bullmq';
import {
  ERROR_CATALOGUE,
  type ErrorCode,
  type JobState,
  type RunStepsJobData,
  type RunStepsJobProgress,
  type StepResult,
  type SwitchRunState,
} from '@switchyard/contracts';

export interface JobError {
  code: string;
  message: string;
  /** What the operator should do next, from the error catalogue. */
  hint: string;
}

/** What a run-steps job really is right now, read from BullMQ (never from events). */
export interface ObservedJob {
  id: string;
  data: RunStepsJobData;
  state: JobState;
  attempts: number;
  steps: StepResult[];
  error: JobError | null;
  createdAt: string;
  finishedAt: string | null;
}

type RunStepsJob = Job<RunStepsJobData, RunStepsJobProgress | undefined>;

/** Where jobs are read from: the switch-runs queue. */
export interface JobSource {
  getJobState(jobId: string): Promise<string>;
  getJob(jobId: string): Promise<RunStepsJob | undefined>;
}

/**
 * Reads a job consistently. The state is read before the job's fields: a job that finishes
 * in between shows its finished fields (finishedOn, return value), which then decide; read
 * the other way round, a job could show `completed` with the fields of its last attempt.
 */
export async function loadJob(
  source: JobSource,
  jobId: string,
): Promise<{ job: RunStepsJob; observed: ObservedJob } | null> {
  const stateBefore = await source.getJobState(jobId);
  const job = await source.getJob(jobId);
  if (!job) return null;
  return { job, observed: observeJob(job, stateBefore) };
}

export function observeJob(job: RunStepsJob, stateReadBefore: string): ObservedJob {
  const finished = job.finishedOn !== undefined && job.finishedOn !== null;
  const state = finished
    ? job.returnvalue !== null && job.returnvalue !== undefined
      ? 'completed'
      : 'failed'
    : toJobState(stateReadBefore);
  const steps = readSteps(state === 'completed' ? job.returnvalue : job.progress);

  return {
    id: job.id as string,
    data: job.data,
    state,
    attempts: countAttempts(job, state),
    steps,
    error: state === 'completed' ? null : readError(steps, job.failedReason),
    createdAt: new Date(job.timestamp).toISOString(),
    finishedAt: finished ? new Date(job.finishedOn as number).toISOString() : null,
  };
}

/** A rollout's view of its switch, from the job's true state. */
export function switchStateOf(observed: ObservedJob): SwitchRunState {
  switch (observed.state) {
    case 'completed':
      return 'succeeded';
    case 'failed':
      return observed.error?.code === 'CANCELLED' ? 'cancelled' : 'failed';
    case 'active':
      return 'running';
    case 'delayed':
      // A delayed job that already ran is waiting for its retry.
      return observed.attempts > 0 ? 'running' : 'queued';
    default:
      return 'queued';
  }
}

function toJobState(state: string): JobState {
  switch (state) {
    case 'completed':
    case 'failed':
    case 'active':
    case 'delayed':
    case 'waiting':
      return state;
    case 'prioritized':
    case 'waiting-children':
      return 'waiting';
    default:
      return 'unknown';
  }
}

/** BullMQ counts a finished attempt in attemptsMade; the one running now is not counted yet. */
function countAttempts(job: RunStepsJob, state: JobState): number {
  return job.attemptsMade + (state === 'active' ? 1 : 0);
}

function readSteps(value: unknown): StepResult[] {
  if (typeof value !== 'object' || value === null) return [];
  const steps = (value as Partial<RunStepsJobProgress>).steps;
  return Array.isArray(steps) ? steps : [];
}

/**
 * The step that failed (or was stopped) carries the error code the runner recorded. A job that failed outside the
 * runner (stalled too often, a crash) only has BullMQ's reason, whose `CODE: ` prefix the
 * worker writes; anything else is INTERNAL.
 */
function readError(steps: StepResult[], failedReason: string | undefined): JobError | null {
  const failed = [...steps].reverse().find((s) => s.error !== null);
  if (failed?.error) return withHint(failed.error.code, failed.error.message);
  if (!failedReason) return null;

  const match = /^([A-Z_]+): (.*)$/s.exec(failedReason);
  if (match && match[1] in ERROR_CATALOGUE) return withHint(match[1], match[2]);
  return withHint('INTERNAL', failedReason);
}

function withHint(code: string, message: string): JobError {
  const known =
    code in ERROR_CATALOGUE ? ERROR_CATALOGUE[code as ErrorCode] : ERROR_CATALOGUE.INTERNAL;
  return { code, message, hint: known.hint };
}
