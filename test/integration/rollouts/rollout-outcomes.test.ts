import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { RolloutInputSchema, SwitchyardError, type RolloutView } from '@switchyard/contracts';
import { TargetResolutionError } from '@switchyard/rollouts';
import { waitFor } from '../../support/wait';
import { createHarness, SUCCEED, type FakeBehaviour, type Harness } from '../worker/harness';

const FINAL = ['succeeded', 'failed', 'cancelled'];

async function waitForEnd(harness: Harness, id: string, timeoutMs = 30_000): Promise<RolloutView> {
  let last: RolloutView | null = null;
  return waitFor(
    {
      what: `rollout ${id} to reach a final state`,
      check: async () => {
        last = await harness.services.rollouts.get(id);
        return last && FINAL.includes(last.state) ? last : undefined;
      },
      pending: () => (last ? `${last.state} ${JSON.stringify(last.counts)}` : 'not found'),
    },
    { timeoutMs },
  );
}

/** Fails every step on the named switches with a permanent error. */
function failingOn(names: string[]): FakeBehaviour {
  return (step, switchName, context) => {
    if (names.includes(switchName))
      throw new SwitchyardError('AUTH_FAILED', `login refused on ${switchName}`);
    return SUCCEED(step, switchName, context);
  };
}

describe('rollout outcomes', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });
  after(() => undefined);

  it('ends failed within its own run when the second of three switches fails for good (BUGS B4)', async () => {
    harness = await createHarness(failingOn(['sw-2']), { label: 'b4' });
    const targets = await harness.registerSwitches(['sw-1', 'sw-2', 'sw-3']);
    await harness.startWorker();

    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({ switchIds: targets.map((t) => t.id) }),
    );
    const ended = await waitForEnd(harness, created.id);

    assert.equal(ended.state, 'failed');
    assert.notEqual(ended.finishedAt, null);
    assert.deepEqual(
      ended.switches.map((s) => [s.switchName, s.state]),
      [
        ['sw-1', 'succeeded'],
        ['sw-2', 'failed'],
        ['sw-3', 'succeeded'],
      ],
    );
    const failed = ended.switches[1];
    assert.equal(failed.error?.code, 'AUTH_FAILED');
    assert.equal(failed.attempts, 1, 'a permanent error is not retried');
    assert.equal(failed.steps[0].status, 'failed');
    assert.equal(ended.switches[0].steps.length, 4);
    assert.ok(ended.switches[0].steps.every((s) => s.status === 'succeeded'));
    assert.deepEqual(
      { succeeded: ended.counts.succeeded, failed: ended.counts.failed },
      { succeeded: 2, failed: 1 },
    );

    const [listed] = await harness.services.rollouts.list();
    assert.equal(listed.id, created.id);
    assert.equal(listed.state, 'failed');
    assert.deepEqual(
      listed.switches.map((s) => s.state),
      ['succeeded', 'failed', 'succeeded'],
    );
  });

  it('runs canary, then waves in order, and ends failed with 27 succeeded and 3 failed inside a 20% budget', async () => {
    const order: { name: string; event: 'start' | 'end' }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const failing = ['sw-05', 'sw-15', 'sw-25'];
    harness = await createHarness(
      async (step, switchName, context) => {
        if (step === 'configure-mgmt') {
          order.push({ name: switchName, event: 'start' });
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
        }
        try {
          await new Promise((resolve) => setImmediate(resolve));
          if (failing.includes(switchName))
            throw new SwitchyardError('INSUFFICIENT_BOOTFLASH', 'bootflash is full');
          return SUCCEED(step, switchName, context);
        } finally {
          if (step === 'verify-nat' || failing.includes(switchName)) {
            inFlight -= 1;
            order.push({ name: switchName, event: 'end' });
          }
        }
      },
      { label: 'waves' },
    );
    const names = Array.from({ length: 30 }, (_, i) => `sw-${String(i).padStart(2, '0')}`);
    const targets = await harness.registerSwitches(names);
    await harness.startWorker(10);

    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({
        switchIds: targets.map((t) => t.id),
        strategy: { canary: 2, waveSize: 10, concurrency: 4, maxFailurePercentage: 20 },
      }),
    );
    assert.deepEqual(
      [0, 1, 2, 11, 12, 22, 29].map((i) => created.switches[i].wave),
      [0, 0, 1, 1, 2, 3, 3],
    );
    const ended = await waitForEnd(harness, created.id, 60_000);

    assert.equal(ended.state, 'failed', 'any failed switch makes the rollout failed');
    assert.equal(ended.counts.succeeded, 27);
    assert.equal(ended.counts.failed, 3);
    assert.equal(ended.counts.skipped, 0);
    assert.ok(maxInFlight <= 4, `at most 4 switches at once, saw ${maxInFlight}`);

    // Every switch of a wave starts only after every switch of the earlier waves ended.
    const waveOf = new Map(ended.switches.map((s) => [s.switchName, s.wave]));
    for (const [i, entry] of order.entries()) {
      if (entry.event !== 'start') continue;
      const wave = waveOf.get(entry.name) as number;
      const earlierStillOpen = names.filter(
        (n) =>
          (waveOf.get(n) as number) < wave &&
          !order.slice(0, i).some((e) => e.name === n && e.event === 'end'),
      );
      assert.deepEqual(
        earlierStillOpen,
        [],
        `${entry.name} (wave ${wave}) started before these ended`,
      );
    }
  });

  it('skips the switches not yet started once failures pass a 5% budget', async () => {
    harness = await createHarness(failingOn(['sw-05', 'sw-06', 'sw-07']), { label: 'budget' });
    const names = Array.from({ length: 30 }, (_, i) => `sw-${String(i).padStart(2, '0')}`);
    const targets = await harness.registerSwitches(names);
    await harness.startWorker(10);

    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({
        switchIds: targets.map((t) => t.id),
        strategy: { canary: 2, waveSize: 10, concurrency: 10, maxFailurePercentage: 5 },
      }),
    );
    const ended = await waitForEnd(harness, created.id);

    assert.equal(ended.state, 'failed');
    assert.match(ended.reason ?? '', /failure budget exceeded/);
    // Wave 1 (switches 2-11) was in flight when the budget broke and ran to its end.
    assert.deepEqual(
      {
        succeeded: ended.counts.succeeded,
        failed: ended.counts.failed,
        skipped: ended.counts.skipped,
      },
      { succeeded: 9, failed: 3, skipped: 18 },
    );
    assert.ok(
      ended.switches
        .filter((s) => s.state === 'skipped')
        .every((s) => s.wave >= 2 && s.jobId === null),
    );
  });

  it('skips the rest when the canary fails', async () => {
    harness = await createHarness(failingOn(['sw-1']), { label: 'canary' });
    const targets = await harness.registerSwitches(['sw-0', 'sw-1', 'sw-2', 'sw-3', 'sw-4']);
    await harness.startWorker();

    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({
        switchIds: targets.map((t) => t.id),
        strategy: { canary: 2, maxFailurePercentage: 100 },
      }),
    );
    const ended = await waitForEnd(harness, created.id);

    assert.equal(ended.state, 'failed');
    assert.match(ended.reason ?? '', /canary/);
    assert.deepEqual(
      ended.switches.map((s) => s.state),
      ['succeeded', 'failed', 'skipped', 'skipped', 'skipped'],
    );
  });

  it('plans without changing anything in a dry run and ends succeeded', async () => {
    const sawDryRun: boolean[] = [];
    harness = await createHarness(
      (step, name, context) => {
        sawDryRun.push(context.dryRun);
        return SUCCEED(step, name, context);
      },
      { label: 'dry' },
    );
    const targets = await harness.registerSwitches(['sw-a', 'sw-b'], ['lab', 'dc1']);
    await harness.registerSwitches(['sw-other'], ['lab']);
    await harness.startWorker();

    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({ tags: ['lab', 'dc1'], dryRun: true }),
    );
    assert.deepEqual(
      created.switches.map((s) => s.switchId),
      targets.map((t) => t.id),
      'tags select the switches carrying all of them',
    );
    const ended = await waitForEnd(harness, created.id);

    assert.equal(ended.state, 'succeeded');
    assert.equal(ended.dryRun, true);
    assert.equal(sawDryRun.length, 8);
    assert.ok(sawDryRun.every(Boolean));
    for (const run of ended.switches) {
      assert.equal(run.state, 'succeeded');
      assert.deepEqual(
        run.steps.map((s) => [s.status, s.changed, s.commands.length]),
        Array.from({ length: 4 }, () => ['planned', false, 1]),
      );
    }
  });

  it('refuses unknown switch ids, unmatched tags and a canary larger than the fleet, and enqueues nothing', async () => {
    harness = await createHarness(SUCCEED, { label: 'targets' });
    const [known] = await harness.registerSwitches(['sw-known'], ['lab']);

    await assert.rejects(
      harness.services.rollouts.create(
        RolloutInputSchema.parse({ switchIds: [known.id, 'no-such-switch'] }),
      ),
      (err: unknown) =>
        err instanceof TargetResolutionError &&
        err.fields['switchIds.1'] !== undefined &&
        !('switchIds.0' in err.fields),
    );
    await assert.rejects(
      harness.services.rollouts.create(RolloutInputSchema.parse({ tags: ['lab', 'nowhere'] })),
      (err: unknown) => err instanceof TargetResolutionError && err.fields.tags !== undefined,
    );
    await assert.rejects(
      harness.services.rollouts.create(
        RolloutInputSchema.parse({ tags: ['lab'], strategy: { canary: 1_000_000 } }),
      ),
      (err: unknown) =>
        err instanceof TargetResolutionError && err.fields['strategy.canary'] !== undefined,
    );
    await assert.rejects(
      harness.services.jobs.submit({
        switchId: 'no-such-switch',
        step: 'start-docker',
        params: RolloutInputSchema.parse({ tags: ['x'] }).params,
        dryRun: false,
      }),
      (err: unknown) => err instanceof TargetResolutionError && err.fields.switchId !== undefined,
    );

    const counts = await harness.queue.getJobCounts();
    assert.equal(
      Object.values(counts).reduce((a, b) => a + b, 0),
      0,
    );
    assert.deepEqual(await harness.services.rollouts.list(), []);
  });
});
