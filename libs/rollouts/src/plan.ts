import { ERROR_CATALOGUE, type RolloutState, type RolloutStrategy } from '@switchyard/contracts';
import {
  ENDED_SWITCH_STATES,
  IN_FLIGHT_STATES,
  type RolloutRecord,
  type RolloutSwitchEntry,
} from './rollout-record';

/**
 * Wave of each target, in target order: wave 0 is the first `canary` switches (when
 * canary > 0), then waves of `waveSize`; without a wave size the rest is one wave.
 */
export function assignWaves(targetCount: number, strategy: RolloutStrategy): number[] {
  const canary = Math.min(strategy.canary, targetCount);
  const firstAfterCanary = canary > 0 ? 1 : 0;

  return Array.from({ length: targetCount }, (_, i) => {
    if (i < canary) return 0;
    if (strategy.waveSize === undefined) return firstAfterCanary;
    return firstAfterCanary + Math.floor((i - canary) / strategy.waveSize);
  });
}

export interface AdvancePlan {
  /** Entries to enqueue now; the caller enqueues them and marks them queued. */
  toStart: RolloutSwitchEntry[];
  /** The state the rollout moves to, when it changes. */
  nextState: RolloutState | null;
}

/**
 * Decides what happens next, given switch states already read from the jobs. Mutates the
 * record's pending entries (skipped, cancelled) and its reason; never touches in-flight ones,
 * which always run to their end.
 */
export function planAdvance(record: RolloutRecord): AdvancePlan {
  const none: AdvancePlan = { toStart: [], nextState: null };
  if (record.state === 'succeeded' || record.state === 'failed' || record.state === 'cancelled')
    return none;

  const entries = record.switches;
  const pending = () => entries.filter((e) => e.state === 'pending');

  if (record.cancelRequested) {
    for (const entry of pending()) {
      entry.state = 'cancelled';
      entry.error = {
        code: 'CANCELLED',
        message: 'the rollout was cancelled before this switch started',
        hint: ERROR_CATALOGUE.CANCELLED.hint,
      };
    }
  } else {
    skipWhenCanaryFailed(record);
    skipWhenBudgetExceeded(record);
  }

  const inFlight = entries.filter((e) => IN_FLIGHT_STATES.includes(e.state)).length;
  if (pending().length === 0 && inFlight === 0)
    return { toStart: [], nextState: finalState(record) };
  if (record.state !== 'running' || record.cancelRequested) return none;

  return { toStart: nextToStart(record, inFlight), nextState: null };
}

function skipWhenCanaryFailed(record: RolloutRecord): void {
  if (record.strategy.canary === 0) return;

  const canaryFailed = record.switches.some(
    (e) => e.wave === 0 && ENDED_SWITCH_STATES.includes(e.state) && e.state !== 'succeeded',
  );
  if (!canaryFailed) return;

  const skipped = skipPending(record, 'the canary wave did not succeed');
  if (skipped > 0)
    record.reason = `canary wave failed: ${skipped} switches not started were skipped`;
}

/** Over budget means strictly more than maxFailurePercentage of all targets failed. */
function skipWhenBudgetExceeded(record: RolloutRecord): void {
  const total = record.switches.length;
  const failed = record.switches.filter((e) => e.state === 'failed').length;
  const failedPercentage = (failed / total) * 100;
  if (failedPercentage <= record.strategy.maxFailurePercentage) return;

  const skipped = skipPending(record, 'the failure budget was exceeded');
  if (skipped > 0) {
    record.reason =
      `failure budget exceeded: ${failed} of ${total} switches failed ` +
      `(${failedPercentage.toFixed(1)}% > ${record.strategy.maxFailurePercentage}%); ${skipped} switches not started were skipped`;
  }
}

function skipPending(record: RolloutRecord, why: string): number {
  let skipped = 0;
  for (const entry of record.switches) {
    if (entry.state !== 'pending') continue;
    entry.state = 'skipped';
    entry.error = {
      code: 'SKIPPED',
      message: `not started: ${why}`,
      hint: ERROR_CATALOGUE.SKIPPED.hint,
    };
    skipped += 1;
  }
  return skipped;
}

/** The lowest wave with pending switches starts once every earlier wave has ended. */
function nextToStart(record: RolloutRecord, inFlight: number): RolloutSwitchEntry[] {
  const pending = record.switches.filter((e) => e.state === 'pending');
  if (pending.length === 0) return [];

  const wave = Math.min(...pending.map((e) => e.wave));
  const earlierStillOpen = record.switches.some(
    (e) => e.wave < wave && !ENDED_SWITCH_STATES.includes(e.state),
  );
  if (earlierStillOpen) return [];

  const slots = Math.max(0, record.strategy.concurrency - inFlight);
  return pending.filter((e) => e.wave === wave).slice(0, slots);
}

/**
 * A rollout succeeds only when every switch succeeded. Any failed or skipped switch makes it
 * `failed`: the failure budget decides whether the rest keeps going, not the verdict.
 */
function finalState(record: RolloutRecord): RolloutState {
  if (record.cancelRequested) return 'cancelled';

  const failed = record.switches.filter((e) => e.state === 'failed').length;
  const notRun = record.switches.filter(
    (e) => e.state === 'skipped' || e.state === 'cancelled',
  ).length;
  if (failed === 0 && notRun === 0) return 'succeeded';

  record.reason ??= `${failed} of ${record.switches.length} switches failed`;
  return 'failed';
}
