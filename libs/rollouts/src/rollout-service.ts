import { randomUUID } from 'node:crypto';
import type { RolloutInput, RolloutView, Switch } from '@switchyard/contracts';
import type { EventLog } from '@switchyard/events';
import type { SwitchRepository } from '@switchyard/inventory';
import type { RolloutCoordinator } from './coordinator';
import { assignWaves } from './plan';
import type { SwitchRunsQueue } from './queue';
import type { RolloutRecord, RolloutStore } from './rollout-record';
import { TargetResolutionError, type RolloutApi } from './services';
import { toRolloutView } from './views';

const DEFAULT_LIST_LIMIT = 50;

export interface RolloutServiceDeps {
  store: RolloutStore;
  queue: SwitchRunsQueue;
  switches: SwitchRepository;
  coordinator: RolloutCoordinator;
  events: EventLog;
}

export class RolloutService implements RolloutApi {
  constructor(private readonly deps: RolloutServiceDeps) {}

  /** Resolves the targets first: a request naming an unknown switch enqueues nothing. */
  async create(input: RolloutInput): Promise<RolloutView> {
    const targets = await this.resolveTargets(input);
    if (input.strategy.canary > targets.length) {
      // A canary larger than the fleet is a mistake in the request, not a strategy.
      throw new TargetResolutionError('the canary must be smaller than the fleet', {
        'strategy.canary': `is ${input.strategy.canary} but the rollout targets ${targets.length} switch(es); use fewer, or 0 for no canary`,
      });
    }
    const waves = assignWaves(targets.length, input.strategy);
    const now = new Date().toISOString();

    const record: RolloutRecord = {
      id: randomUUID(),
      state: 'running',
      cancelRequested: false,
      dryRun: input.dryRun,
      steps: input.steps,
      params: input.params,
      strategy: input.strategy,
      reason: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      switches: targets.map((target, i) => ({
        switchId: target.id,
        switchName: target.name,
        wave: waves[i],
        state: 'pending',
        jobId: null,
        attempts: 0,
        error: null,
      })),
    };

    await this.deps.store.insert(record);
    await this.deps.events
      .append({
        type: 'rollout.state-changed',
        rolloutId: record.id,
        jobId: null,
        switchId: null,
        step: null,
        data: { from: null, to: 'running', reason: null },
      })
      .catch(() => undefined);
    await this.deps.coordinator.advance(record.id);
    return this.view(record.id);
  }

  async get(id: string): Promise<RolloutView | null> {
    const record = await this.deps.store.get(id);
    return record ? toRolloutView(this.deps.queue, record) : null;
  }

  /**
   * Newest first, as last recorded by the coordinator (at most one sweep behind) and without
   * step details: reading every job of every listed rollout would cost too much. `get` is live.
   */
  async list(limit = DEFAULT_LIST_LIMIT): Promise<RolloutView[]> {
    const ids = await this.deps.store.listIds(limit);
    const records = await Promise.all(ids.map((id) => this.deps.store.get(id)));
    return Promise.all(
      records
        .filter((r): r is RolloutRecord => r !== null)
        .map((r) => toRolloutView(this.deps.queue, r, { withJobs: false })),
    );
  }

  async pause(id: string): Promise<RolloutView | null> {
    return (await this.deps.coordinator.act(id, 'pause')) ? this.view(id) : null;
  }

  async resume(id: string): Promise<RolloutView | null> {
    return (await this.deps.coordinator.act(id, 'resume')) ? this.view(id) : null;
  }

  async cancel(id: string): Promise<RolloutView | null> {
    return (await this.deps.coordinator.act(id, 'cancel')) ? this.view(id) : null;
  }

  private async view(id: string): Promise<RolloutView> {
    const view = await this.get(id);
    if (!view) throw new Error(`rollout ${id} vanished while it was being read`);
    return view;
  }

  private async resolveTargets(input: RolloutInput): Promise<Switch[]> {
    if (input.tags) {
      const found = await this.deps.switches.findByTags(input.tags);
      if (found.length === 0) {
        throw new TargetResolutionError('no switch carries all of the given tags', {
          tags: `no registered switch carries all of: ${input.tags.join(', ')}`,
        });
      }
      return found;
    }

    const ids = input.switchIds ?? [];
    const byId = await this.deps.switches.getMany(ids);
    const unknown: Record<string, string> = {};
    ids.forEach((id, i) => {
      if (!byId.has(id)) unknown[`switchIds.${i}`] = `no switch with id "${id}"`;
    });
    if (Object.keys(unknown).length > 0) {
      throw new TargetResolutionError(
        `${Object.keys(unknown).length} of the switchIds are not registered`,
        unknown,
      );
    }

    // A switch named twice runs once, at its first position.
    return [...new Set(ids)].map((id) => byId.get(id) as Switch);
  }
}
