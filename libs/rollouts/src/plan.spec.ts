import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RolloutStrategySchema, type SwitchRunState } from '@switchyard/contracts';
import { assignWaves, planAdvance } from './plan';
import { jitteredBackoffMs } from './queue';
import type { RolloutRecord } from './rollout-record';
import { RETRY_BACKOFF_BASE_MS, RETRY_BACKOFF_CAP_MS } from './constants';

function record(states: SwitchRunState[], strategy: object = {}, waves?: number[]): RolloutRecord {
  const parsed = RolloutStrategySchema.parse(strategy);
  const assigned = waves ?? assignWaves(states.length, parsed);
  return {
    id: 'r1',
    state: 'running',
    cancelRequested: false,
    dryRun: false,
    steps: ['start-docker'],
    params: {
      image: 'nginx',
      containerName: 'web',
      ports: [{ host: 30080, container: 80 }],
      persistDocker: true,
    },
    strategy: parsed,
    reason: null,
    createdAt: '',
    updatedAt: '',
    finishedAt: null,
    switches: states.map((state, i) => ({
      switchId: `s${i}`,
      switchName: `sw-${i}`,
      wave: assigned[i],
      state,
      jobId: null,
      attempts: 0,
      error: null,
    })),
  };
}

describe('assignWaves', () => {
  it('puts the canary in wave 0 and the rest in waves of waveSize', () => {
    assert.deepEqual(
      assignWaves(7, RolloutStrategySchema.parse({ canary: 2, waveSize: 2 })),
      [0, 0, 1, 1, 2, 2, 3],
    );
  });

  it('puts everything in one wave without canary or wave size', () => {
    assert.deepEqual(assignWaves(3, RolloutStrategySchema.parse({})), [0, 0, 0]);
  });

  it('puts the rest in one wave after the canary when there is no wave size', () => {
    assert.deepEqual(assignWaves(4, RolloutStrategySchema.parse({ canary: 1 })), [0, 1, 1, 1]);
  });
});

describe('planAdvance', () => {
  it('starts at most `concurrency` switches of the first wave', () => {
    const r = record(['pending', 'pending', 'pending', 'pending'], { concurrency: 3, waveSize: 2 });
    assert.deepEqual(
      planAdvance(r).toStart.map((e) => e.switchId),
      ['s0', 's1'],
    );
  });

  it('holds the next wave while a switch of the previous one is in flight', () => {
    const r = record(['succeeded', 'running', 'pending', 'pending'], { waveSize: 2 });
    assert.deepEqual(planAdvance(r).toStart, []);
  });

  it('skips what has not started once failures exceed the budget, and ends failed when nothing runs', () => {
    const r = record(['failed', 'succeeded', 'pending', 'pending'], { maxFailurePercentage: 20 });
    const plan = planAdvance(r);
    assert.deepEqual(
      r.switches.map((e) => e.state),
      ['failed', 'succeeded', 'skipped', 'skipped'],
    );
    assert.equal(plan.nextState, 'failed');
    assert.match(
      r.reason ?? '',
      /failure budget exceeded: 1 of 4 switches failed \(25\.0% > 20%\)/,
    );
  });

  it('keeps going while failures stay within the budget', () => {
    const r = record(['failed', 'pending', 'pending', 'pending'], {
      maxFailurePercentage: 25,
      concurrency: 10,
    });
    assert.equal(planAdvance(r).toStart.length, 3);
  });

  it('ends failed, not succeeded, when a switch failed within the budget', () => {
    const r = record(['failed', 'succeeded', 'succeeded', 'succeeded'], {
      maxFailurePercentage: 50,
    });
    assert.equal(planAdvance(r).nextState, 'failed');
  });

  it('ends succeeded when every switch succeeded', () => {
    assert.equal(planAdvance(record(['succeeded', 'succeeded'])).nextState, 'succeeded');
  });

  it('starts nothing while paused', () => {
    const r = record(['pending', 'pending']);
    r.state = 'paused';
    assert.deepEqual(planAdvance(r), { toStart: [], nextState: null });
  });

  it('cancels what has not started and ends cancelled only after in-flight switches end', () => {
    const r = record(['running', 'pending']);
    r.cancelRequested = true;
    assert.deepEqual(planAdvance(r), { toStart: [], nextState: null });
    assert.equal(r.switches[1].state, 'cancelled');

    r.switches[0].state = 'succeeded';
    assert.equal(planAdvance(r).nextState, 'cancelled');
  });
});

describe('jitteredBackoffMs', () => {
  it('doubles from the base, takes at most half off, and stops at the cap', () => {
    assert.equal(
      jitteredBackoffMs(1, () => 0),
      RETRY_BACKOFF_BASE_MS,
    );
    assert.equal(
      jitteredBackoffMs(1, () => 1),
      RETRY_BACKOFF_BASE_MS / 2,
    );
    assert.equal(
      jitteredBackoffMs(3, () => 0),
      RETRY_BACKOFF_BASE_MS * 4,
    );
    assert.equal(
      jitteredBackoffMs(30, () => 0),
      RETRY_BACKOFF_CAP_MS,
    );
  });
});
