/** How long one delivery attempt may take, from connecting to the response headers, in ms. */
export const DELIVERY_ATTEMPT_TIMEOUT_MS = 10_000;

/** Attempts of one delivery series before it is dead-lettered (the first one included). */
export const DELIVERY_MAX_ATTEMPTS = 15;

/** The ceiling of the wait before the first retry, in ms; doubled on each further retry. */
export const DELIVERY_RETRY_BASE_DELAY_MS = 10_000;

/** The ceiling never grows past this, in ms: one hour. */
export const DELIVERY_RETRY_MAX_DELAY_MS = 60 * 60_000;

export interface RetrySchedule {
  /** Attempts of one series, the first one included. Default 15. */
  attempts: number;
  /** Ceiling of the first retry's wait, in ms. Default 10 000. */
  baseDelayMs: number;
  /** Largest ceiling, in ms. Default 3 600 000 (one hour). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  attempts: DELIVERY_MAX_ATTEMPTS,
  baseDelayMs: DELIVERY_RETRY_BASE_DELAY_MS,
  maxDelayMs: DELIVERY_RETRY_MAX_DELAY_MS,
};

/**
 * The wait after failed attempt number `failedAttempt` (1 for the first), in ms: exponential
 * backoff with full jitter, a random point between zero and min(max, base * 2^(n-1)), so
 * that receivers coming back from an outage are not hit by every retry at once.
 */
export function retryDelayMs(
  failedAttempt: number,
  schedule: RetrySchedule,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.floor(random() * ceiling);
}
