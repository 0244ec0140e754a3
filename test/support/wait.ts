import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** How often the probe runs, in ms. Default 50. */
  pollMs?: number;
  /** Give up when the probe's progress value has not changed for this long, in ms. */
  stallMs?: number;
  /** Give up after this long whatever happens, in ms. Default 30 000. */
  timeoutMs?: number;
}

export interface Probe<T> {
  /** What the test waits for, for the error message. */
  what: string;
  /** Returns the value when done, or undefined while not yet. */
  check(): Promise<T | undefined> | T | undefined;
  /** Describes what is still pending, for the error message and stall detection. */
  pending?(): Promise<string> | string;
}

/**
 * Polls until the probe is satisfied. Fails with what is still pending when the hard
 * timeout passes, or when `pending()` reports the same thing for `stallMs`.
 */
export async function waitFor<T>(probe: Probe<T>, options: WaitOptions = {}): Promise<T> {
  const pollMs = options.pollMs ?? 50;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  let lastPending = '';
  let lastChange = Date.now();

  for (;;) {
    const value = await probe.check();
    if (value !== undefined) return value;

    const pending = probe.pending ? await probe.pending() : '';
    if (pending !== lastPending) {
      lastPending = pending;
      lastChange = Date.now();
    }
    const waited = Date.now() - started;
    if (waited > timeoutMs) {
      throw new Error(
        `timed out after ${waited} ms waiting for ${probe.what}; still pending: ${pending || 'unknown'}`,
      );
    }
    if (options.stallMs !== undefined && Date.now() - lastChange > options.stallMs) {
      throw new Error(
        `no progress for ${options.stallMs} ms waiting for ${probe.what}; still pending: ${pending}`,
      );
    }
    await sleep(pollMs);
  }
}
