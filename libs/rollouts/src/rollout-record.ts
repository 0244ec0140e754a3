import type { Redis } from 'ioredis';
import type {
  DeploymentParams,
  RolloutCounts,
  RolloutState,
  RolloutStrategy,
  StepName,
  SwitchRunState,
} from '@switchyard/contracts';
import type { JobError } from './job-status';

export interface RolloutSwitchEntry {
  switchId: string;
  /** Names cannot change after registration, so the one seen at creation stays right. */
  switchName: string;
  wave: number;
  state: SwitchRunState;
  jobId: string | null;
  attempts: number;
  error: JobError | null;
}

/** What Redis holds for a rollout: `<prefix>:rollout:<id>`, one JSON document. */
export interface RolloutRecord {
  id: string;
  state: RolloutState;
  /** Set by cancel: nothing new starts, and the rollout ends `cancelled` once in-flight runs end. */
  cancelRequested: boolean;
  dryRun: boolean;
  steps: StepName[];
  params: DeploymentParams;
  strategy: RolloutStrategy;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  switches: RolloutSwitchEntry[];
}

export const IN_FLIGHT_STATES: readonly SwitchRunState[] = ['queued', 'running'];
export const ENDED_SWITCH_STATES: readonly SwitchRunState[] = [
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
];

export function isFinalRolloutState(state: RolloutState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

export function countSwitches(entries: readonly { state: SwitchRunState }[]): RolloutCounts {
  const counts: RolloutCounts = {
    total: entries.length,
    pending: 0,
    queued: 0,
    running: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    cancelled: 0,
  };
  for (const entry of entries) counts[entry.state] += 1;
  return counts;
}

/**
 * Rollout records, the creation-order index (`<prefix>:rollouts`, a sorted set) and the set
 * of rollouts not yet final (`<prefix>:rollouts:active`) that the sweeper advances.
 */
export class RolloutStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async get(id: string): Promise<RolloutRecord | null> {
    const json = await this.redis.get(this.recordKey(id));
    return json ? (JSON.parse(json) as RolloutRecord) : null;
  }

  async insert(record: RolloutRecord): Promise<void> {
    await this.redis
      .multi()
      .set(this.recordKey(record.id), JSON.stringify(record))
      .zadd(this.key('rollouts'), Date.parse(record.createdAt), record.id)
      .sadd(this.key('rollouts', 'active'), record.id)
      .exec();
  }

  /** Only the holder of the rollout's lock writes, so a plain SET is safe. */
  async save(record: RolloutRecord): Promise<void> {
    const tx = this.redis.multi().set(this.recordKey(record.id), JSON.stringify(record));
    if (isFinalRolloutState(record.state)) tx.srem(this.key('rollouts', 'active'), record.id);
    await tx.exec();
  }

  /** Newest first. */
  async listIds(limit: number): Promise<string[]> {
    return this.redis.zrevrange(this.key('rollouts'), 0, limit - 1);
  }

  async activeIds(): Promise<string[]> {
    return this.redis.smembers(this.key('rollouts', 'active'));
  }

  /** A cheap flag the worker reads between steps. */
  async markCancelled(id: string): Promise<void> {
    await this.redis.set(this.key('rollout-cancelled', id), '1');
  }

  async isCancelled(id: string): Promise<boolean> {
    return (await this.redis.exists(this.key('rollout-cancelled', id))) === 1;
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  private recordKey(id: string): string {
    return this.key('rollout', id);
  }
}
