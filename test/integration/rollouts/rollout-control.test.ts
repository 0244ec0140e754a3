import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { RolloutInputSchema, type RolloutView } from '@switchyard/contracts';
import { RolloutStateError, type RolloutRecord } from '@switchyard/rollouts';
import { waitFor } from '../../support/wait';
import { createHarness, Gate, SUCCEED, type Harness } from '../worker/harness';

async function waitForRollout(
  harness: Harness,
  id: string,
  what: string,
  done: (view: RolloutView) => boolean,
): Promise<RolloutView> {
  let last: RolloutView | null = null;
  return waitFor({
    what,
    check: async () => {
      last = await harness.services.rollouts.get(id);
      return last && done(last) ? last : undefined;
    },
    pending: () => (last ? `${last.state} ${JSON.stringify(last.counts)}` : 'not found'),
  });
}

/** The stored record, as the coordinator last wrote it (views overlay live job states). */
async function readRecord(harness: Harness, id: string): Promise<RolloutRecord> {
  const json = await harness.testRedis.redis.get(`${harness.testRedis.prefix}:rollout:${id}`);
  assert.ok(json, `no record for rollout ${id}`);
  return JSON.parse(json) as RolloutRecord;
}

describe('rollout pause, resume and cancel', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('starts nothing new while paused, lets the running switch finish, and continues on resume', async () => {
    const gate = new Gate();
    const started: string[] = [];
    harness = await createHarness(
      async (step, name, context) => {
        if (step === 'configure-mgmt') started.push(name);
        if (name === 'sw-1') await gate.wait();
        return SUCCEED(step, name, context);
      },
      { label: 'pause' },
    );
    const targets = await harness.registerSwitches(['sw-1', 'sw-2', 'sw-3']);
    await harness.startWorker();
    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({
        switchIds: targets.map((t) => t.id),
        strategy: { concurrency: 1 },
      }),
    );
    await waitFor({
      what: 'sw-1 to start',
      check: () => (started.includes('sw-1') ? true : undefined),
    });

    const paused = await harness.services.rollouts.pause(created.id);
    assert.equal(paused?.state, 'paused');
    gate.open();

    // Once the coordinator has recorded sw-1's end, a running rollout would have started sw-2.
    const record = await waitFor({
      what: 'the coordinator to record the end of sw-1',
      check: async () => {
        const r = await readRecord(harness as Harness, created.id);
        return r.switches[0].state === 'succeeded' ? r : undefined;
      },
    });
    assert.equal(record.state, 'paused');
    assert.deepEqual(
      record.switches.map((s) => s.state),
      ['succeeded', 'pending', 'pending'],
    );
    assert.deepEqual(started, ['sw-1']);

    const resumed = await harness.services.rollouts.resume(created.id);
    assert.equal(resumed?.state, 'running');
    const ended = await waitForRollout(
      harness,
      created.id,
      'the resumed rollout to end',
      (v) => v.state === 'succeeded',
    );
    assert.deepEqual(
      ended.switches.map((s) => s.state),
      ['succeeded', 'succeeded', 'succeeded'],
    );
    assert.deepEqual(started, ['sw-1', 'sw-2', 'sw-3']);
  });

  it('cancels: running switches stop at the next step boundary, the rest never start', async () => {
    const gate = new Gate();
    const inSecondStep = new Set<string>();
    const ranAfterCancel: string[] = [];
    harness = await createHarness(
      async (step, name, context) => {
        if (step === 'start-docker') {
          inSecondStep.add(name);
          await gate.wait();
        }
        if (step === 'deploy-container' || step === 'verify-nat')
          ranAfterCancel.push(`${name}:${step}`);
        return SUCCEED(step, name, context);
      },
      { label: 'cancel' },
    );
    const targets = await harness.registerSwitches(['sw-1', 'sw-2', 'sw-3', 'sw-4', 'sw-5']);
    await harness.startWorker();
    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({
        switchIds: targets.map((t) => t.id),
        strategy: { concurrency: 2 },
      }),
    );
    await waitFor({
      what: 'two switches to reach start-docker',
      check: () => (inSecondStep.size === 2 ? true : undefined),
    });

    const cancelling = await harness.services.rollouts.cancel(created.id);
    assert.equal(cancelling?.reason, 'cancelled on request');
    // While the cancel drains, pause and resume are refused rather than silently ignored.
    await assert.rejects(harness.services.rollouts.pause(created.id), RolloutStateError);
    await assert.rejects(harness.services.rollouts.resume(created.id), RolloutStateError);
    gate.open();

    const ended = await waitForRollout(
      harness,
      created.id,
      'the cancelled rollout to end',
      (v) => v.state === 'cancelled',
    );
    assert.deepEqual(ranAfterCancel, [], 'no step starts after the cancel');
    assert.ok(ended.switches.every((s) => s.state === 'cancelled'));
    for (const run of ended.switches.filter((s) => inSecondStep.has(s.switchName))) {
      assert.deepEqual(
        run.steps.map((s) => s.status),
        ['succeeded', 'succeeded', 'skipped', 'skipped'],
        'the running step ended cleanly',
      );
      assert.equal(run.error?.code, 'CANCELLED');
    }
    assert.ok(
      ended.switches.filter((s) => !inSecondStep.has(s.switchName)).every((s) => s.jobId === null),
    );

    await assert.rejects(harness.services.rollouts.resume(created.id), RolloutStateError);
  });

  it('answers null for a rollout that does not exist', async () => {
    harness = await createHarness(SUCCEED, { label: 'missing' });
    assert.equal(await harness.services.rollouts.get('nope'), null);
    assert.equal(await harness.services.rollouts.pause('nope'), null);
    assert.equal(await harness.services.rollouts.cancel('nope'), null);
  });
});
