/**
 * Durations of the worker process itself. Queue-wide ones (attempts, backoff, locks,
 * sweep, retention) live in @switchyard/rollouts, shared with the API.
 */
export {
  RETRY_BACKOFF_BASE_MS,
  RETRY_BACKOFF_CAP_MS,
  ROLLOUT_SWEEP_INTERVAL_MS,
  RUN_STEPS_ATTEMPTS,
  SWITCH_BUSY_DELAY_MS,
  SWITCH_LOCK_RENEW_MS,
  SWITCH_LOCK_TTL_MS,
} from '@switchyard/rollouts';

/** How long start-up waits for Redis to answer before it gives up with a clear message. */
export const REDIS_STARTUP_TIMEOUT_MS = 5_000;

/** On SIGINT/SIGTERM, running jobs get this long to finish before the worker stops anyway. */
export const SHUTDOWN_GRACE_MS = 60_000;

/**
 * BullMQ's lock on a running job, renewed at half this while the worker's event loop runs; a
 * worker that dies (or blocks its loop longer than this) loses the job to the stalled check.
 */
export const JOB_LOCK_MS = 30_000;

/** How often BullMQ looks for jobs whose worker died, to run them again. */
export const STALLED_CHECK_INTERVAL_MS = 30_000;
