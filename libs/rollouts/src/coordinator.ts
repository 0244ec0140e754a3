import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import {
  ERROR_CATALOGUE,
  JOB_NAMES,
  type RolloutState,
  type RunStepsJobData,
} from '@switchyard/contracts';
import type { EventLog } from '@switchyard/events';
import type { Logger } from '@switchyard/logging';
import { ROLLOUT_LOCK_POLL_MS, ROLLOUT_LOCK_TTL_MS, ROLLOUT_LOCK_WAIT_MS } from './constants';
import { loadJob, switchStateOf } from './job-status';
import { planAdvance } from './plan';
import { rolloutJobId, runStepsJobOptions, type SwitchRunsQueue } from './queue';
import { RedisLock } from './redis-lock';
import {
  countSwitches,
  IN_FLIGHT_STATES,
  isFinalRolloutState,
  type RolloutRecord,
  type RolloutStore,
} from './rollout-record';
import { RolloutStateError } from './services';

export interface RolloutCoordinatorDeps {
  redis: Redis;
  store: RolloutStore;
  queue: SwitchRunsQueue;
  events: EventLog;
  logger: Logger;
}

/**
 * Moves rollouts forward. `advance` is idempotent and safe to call from anywhere at any
 * time: the API after each action, the worker after each job ends, and every worker's
 * sweeper. It reads each switch's true state from its BullMQ job, never from events.
 */
export class RolloutCoordinator {
  private readonly log: Logger;

  constructor(private readonly deps: RolloutCoordinatorDeps) {
    this.log = deps.logger.child({ component: 'RolloutCoordinator' });
  }

  /**
   * Runs one advance now, or, when another caller holds the rollout's lock, leaves a note
   * that makes the holder run another pass before it lets go. Never waits for the lock.
   */
  async advance(rolloutId: string): Promise<void> {
    const lock = this.lockFor(rolloutId);
    const againKey = this.deps.store.key('rollout-advance-again', rolloutId);

    for (;;) {
      let token = await lock.tryAcquire();
      if (!token) {
        await this.deps.redis.set(againKey, '1', 'PX', ROLLOUT_LOCK_TTL_MS);
        // The holder may have let go between our attempt and the note; try once more.
        token = await lock.tryAcquire();
        if (!token) return;
      }

      try {
        do {
          await this.deps.redis.del(againKey);
          await this.advanceLocked(rolloutId);
        } while ((await this.deps.redis.exists(againKey)) === 1);
      } finally {
        await lock.release(token);
      }

      // A note left after our last check but before the release would otherwise be lost.
      if ((await this.deps.redis.exists(againKey)) === 0) return;
    }
  }

  /** Advances every rollout that has not reached a final state; the worker's sweeper. */
  async advanceActive(): Promise<number> {
    const ids = await this.deps.store.activeIds();
    for (const id of ids) {
      try {
        await this.advance(id);
      } catch (err) {
        this.log.warn(
          { err, rolloutId: id },
          'advancing the rollout failed; the next sweep tries again',
        );
      }
    }
    return ids.length;
  }

  /** True once the rollout was cancelled: a running job stops at its next step boundary. */
  isCancelled(rolloutId: string): Promise<boolean> {
    return this.deps.store.isCancelled(rolloutId);
  }

  /**
   * Changes a rollout under its lock (pause, resume, cancel), waiting for a running advance
   * to finish, then advances it. Returns null when the rollout does not exist.
   */
  async act(
    rolloutId: string,
    action: 'pause' | 'resume' | 'cancel',
  ): Promise<RolloutRecord | null> {
    const lock = this.lockFor(rolloutId);
    const token = await this.waitForLock(lock, rolloutId);
    let record: RolloutRecord | null;

    try {
      record = await this.deps.store.get(rolloutId);
      if (!record) return null;
      if (isFinalRolloutState(record.state)) {
        throw new RolloutStateError(
          `rollout ${rolloutId} has already ended (${record.state}); it cannot be ${pastTense(action)}`,
        );
      }

      if (record.cancelRequested && action !== 'cancel') {
        // Its running steps are ending; pausing or resuming it would change nothing.
        throw new RolloutStateError(
          `rollout ${rolloutId} is being cancelled; it cannot be ${pastTense(action)}`,
        );
      }

      const from = record.state;
      if (action === 'pause' && record.state === 'running' && !record.cancelRequested)
        record.state = 'paused';
      if (action === 'resume' && record.state === 'paused' && !record.cancelRequested)
        record.state = 'running';
      if (action === 'cancel' && !record.cancelRequested) {
        record.cancelRequested = true;
        record.reason = 'cancelled on request';
        await this.deps.store.markCancelled(rolloutId);
      }
      record.updatedAt = new Date().toISOString();
      await this.deps.store.save(record);
      if (record.state !== from) await this.emitStateChange(record, from, `${action} requested`);
    } finally {
      await lock.release(token);
    }

    await this.advance(rolloutId);
    return this.deps.store.get(rolloutId);
  }

  private async advanceLocked(rolloutId: string): Promise<void> {
    const record = await this.deps.store.get(rolloutId);
    if (!record || isFinalRolloutState(record.state)) return;

    const from = record.state;
    const before = JSON.stringify(record);
    await this.refreshFromJobs(record);
    const plan = planAdvance(record);

    if (plan.toStart.length > 0) {
      const jobs = plan.toStart.map((entry) => {
        const jobId = rolloutJobId(record.id, entry.switchId);
        const data: RunStepsJobData = {
          switchId: entry.switchId,
          rolloutId: record.id,
          steps: record.steps,
          params: record.params,
          dryRun: record.dryRun,
        };
        return { name: JOB_NAMES.runSteps, data, opts: runStepsJobOptions(jobId) };
      });
      // Deterministic job ids: if an earlier advance added a job and died before saving,
      // adding it again finds the existing job.
      await this.deps.queue.addBulk(jobs);
      for (const entry of plan.toStart) {
        entry.state = 'queued';
        entry.jobId = rolloutJobId(record.id, entry.switchId);
      }
    }

    const now = new Date().toISOString();
    if (plan.nextState) {
      record.state = plan.nextState;
      if (isFinalRolloutState(plan.nextState)) record.finishedAt = now;
    }
    // Most sweeps find nothing new; they leave the record (and its updatedAt) alone.
    if (JSON.stringify(record) === before) return;
    record.updatedAt = now;
    await this.deps.store.save(record);

    if (record.state !== from) {
      await this.emitStateChange(record, from, record.reason);
      if (isFinalRolloutState(record.state)) {
        await this.emit({
          type: 'rollout.completed',
          rolloutId: record.id,
          jobId: null,
          switchId: null,
          step: null,
          data: {
            state: record.state,
            counts: countSwitches(record.switches),
            reason: record.reason,
          },
        });
        this.log.info({ rolloutId, state: record.state, reason: record.reason }, 'rollout ended');
      }
    }
  }

  /** Brings every in-flight entry up to its job's true state. */
  private async refreshFromJobs(record: RolloutRecord): Promise<void> {
    const inFlight = record.switches.filter((e) => IN_FLIGHT_STATES.includes(e.state) && e.jobId);

    await Promise.all(
      inFlight.map(async (entry) => {
        const loaded = await loadJob(this.deps.queue, entry.jobId as string);
        if (!loaded) {
          entry.state = 'failed';
          entry.error = {
            code: 'INTERNAL',
            message: `job ${entry.jobId} no longer exists; its result is unknown`,
            hint: ERROR_CATALOGUE.INTERNAL.hint,
          };
          return;
        }

        const { job, observed } = loaded;
        if (
          record.cancelRequested &&
          observed.attempts === 0 &&
          (observed.state === 'waiting' || observed.state === 'delayed')
        ) {
          // Not started yet: take it off the queue. A worker that picked it up meanwhile
          // holds its lock, the removal fails, and the worker sees the cancel flag instead.
          const removed = await job.remove().then(
            () => true,
            () => false,
          );
          if (removed) {
            entry.state = 'cancelled';
            entry.error = {
              code: 'CANCELLED',
              message: 'the rollout was cancelled before this switch started',
              hint: ERROR_CATALOGUE.CANCELLED.hint,
            };
            return;
          }
        }

        entry.state = switchStateOf(observed);
        entry.attempts = observed.attempts;
        entry.error = observed.error;
      }),
    );
  }

  private async emitStateChange(
    record: RolloutRecord,
    from: RolloutState,
    reason: string | null,
  ): Promise<void> {
    await this.emit({
      type: 'rollout.state-changed',
      rolloutId: record.id,
      jobId: null,
      switchId: null,
      step: null,
      data: { from, to: record.state, reason },
    });
  }

  /** Events only speed status up; failing to append one must not stop a rollout. */
  private async emit(event: Parameters<EventLog['append']>[0]): Promise<void> {
    try {
      await this.deps.events.append(event);
    } catch (err) {
      this.log.warn(
        { err, type: event.type, rolloutId: event.rolloutId },
        'could not append an event',
      );
    }
  }

  private async waitForLock(lock: RedisLock, rolloutId: string): Promise<string> {
    const deadline = Date.now() + ROLLOUT_LOCK_WAIT_MS;
    for (;;) {
      const token = await lock.tryAcquire();
      if (token) return token;
      if (Date.now() > deadline) {
        throw new Error(
          `rollout ${rolloutId} stayed locked for ${ROLLOUT_LOCK_WAIT_MS} ms; try again`,
        );
      }
      await sleep(ROLLOUT_LOCK_POLL_MS);
    }
  }

  private lockFor(rolloutId: string): RedisLock {
    return new RedisLock(
      this.deps.redis,
      this.deps.store.key('rollout-lock', rolloutId),
      ROLLOUT_LOCK_TTL_MS,
    );
  }
}

function pastTense(action: 'pause' | 'resume' | 'cancel'): string {
  return { pause: 'paused', resume: 'resumed', cancel: 'cancelled' }[action];
}
