/**
 * Every duration, count and retention of the switch-runs queue and the rollout engine, in
 * one place. The API and the worker both read these, so they cannot disagree.
 */

/** Tries of one run-steps job before it fails for good (transient errors only). */
export const RUN_STEPS_ATTEMPTS = 5;

/** First retry delay; each later one doubles, up to the cap. Jitter takes 0-50 % off. */
export const RETRY_BACKOFF_BASE_MS = 1_000;
export const RETRY_BACKOFF_CAP_MS = 60_000;

/** Name of the custom backoff strategy the worker registers (exponential with jitter). */
export const RETRY_BACKOFF_TYPE = 'jittered-exponential';

/**
 * The per-switch lock: held while a job runs on a switch, so one switch never runs two jobs
 * at once. Renewed well before it expires; a worker that dies frees it after the TTL.
 */
export const SWITCH_LOCK_TTL_MS = 30_000;
export const SWITCH_LOCK_RENEW_MS = 10_000;

/** A job whose switch is busy goes back to delayed for this long, plus up to as much again of jitter. */
export const SWITCH_BUSY_DELAY_MS = 200;

/** The per-rollout lock around one advance; far longer than an advance takes. */
export const ROLLOUT_LOCK_TTL_MS = 15_000;

/** How long an API action (pause, resume, cancel) waits for a running advance to finish. */
export const ROLLOUT_LOCK_WAIT_MS = 10_000;
export const ROLLOUT_LOCK_POLL_MS = 25;

/** Every worker advances every active rollout this often, so a crash loses no progress. */
export const ROLLOUT_SWEEP_INTERVAL_MS = 2_000;

/**
 * Finished jobs kept for the job and rollout views. Rollout results outlive them in the
 * rollout record (state and error); the step details go with the job.
 */
export const COMPLETED_JOB_RETENTION_S = 7 * 24 * 3_600;
export const FAILED_JOB_RETENTION_S = 30 * 24 * 3_600;
export const MAX_RETAINED_JOBS = 100_000;
