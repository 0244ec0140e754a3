import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_DEPLOYMENT_PARAMS, RolloutInputSchema, type JobView } from '@switchyard/contracts';
import { waitFor } from '../../support/wait';
import { createHarness, SUCCEED, type Harness } from './harness';

/** How long each fake step holds its switch: long enough for runs to overlap if they could. */
const FAKE_STEP_MS = 40;

describe('one run per switch at a time (BUGS B7)', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('runs 50 jobs on switch A one at a time while B-E proceed in parallel', async () => {
    const runningOn = new Map<string, number>();
    const maxOn = new Map<string, number>();
    let runningOthers = 0;
    let maxOthers = 0;
    const finished: string[] = [];

    harness = await createHarness(
      async (step, name, context) => {
        runningOn.set(name, (runningOn.get(name) ?? 0) + 1);
        maxOn.set(name, Math.max(maxOn.get(name) ?? 0, runningOn.get(name) as number));
        if (name !== 'sw-a') maxOthers = Math.max(maxOthers, ++runningOthers);
        try {
          await sleep(FAKE_STEP_MS);
          return SUCCEED(step, name, context);
        } finally {
          runningOn.set(name, (runningOn.get(name) as number) - 1);
          if (name !== 'sw-a') runningOthers -= 1;
          finished.push(name);
        }
      },
      { label: 'b7' },
    );
    const [a, ...others] = await harness.registerSwitches(['sw-a', 'sw-b', 'sw-c', 'sw-d', 'sw-e']);
    await harness.startWorker(10);

    const submit = (switchId: string) =>
      harness!.services.jobs.submit({
        switchId,
        step: 'start-docker',
        params: DEFAULT_DEPLOYMENT_PARAMS,
        dryRun: false,
      });
    const jobs: JobView[] = [];
    for (let i = 0; i < 50; i++) {
      jobs.push(await submit(a.id));
      jobs.push(await submit(others[i % others.length].id));
    }

    await waitFor(
      {
        what: 'all 100 jobs to complete',
        check: async () => {
          const views = await Promise.all(jobs.map((j) => harness!.services.jobs.get(j.id)));
          return views.every((v) => v?.state === 'completed') ? views : undefined;
        },
        pending: () => `${finished.length} finished`,
      },
      { timeoutMs: 60_000 },
    );

    for (const name of ['sw-a', 'sw-b', 'sw-c', 'sw-d', 'sw-e'])
      assert.equal(maxOn.get(name), 1, `${name} ran two jobs at once`);
    assert.ok(maxOthers > 1, 'B-E ran in parallel with one another');
    const lastOther = finished.map((n) => n !== 'sw-a').lastIndexOf(true);
    const aDoneByThen = finished.slice(0, lastOther + 1).filter((n) => n === 'sw-a').length;
    assert.ok(aDoneByThen < 50, `B-E finished while A still had ${50 - aDoneByThen} jobs to run`);

    const views = await Promise.all(jobs.map((j) => harness!.services.jobs.get(j.id)));
    assert.ok(
      views.every((v) => v?.attempts === 1),
      'waiting for a busy switch spends no attempt',
    );
  });

  it('runs two rollouts and single jobs on the same switches without ever overlapping on one', async () => {
    const runningOn = new Map<string, number>();
    let overlaps = 0;
    harness = await createHarness(
      async (step, name, context) => {
        const now = (runningOn.get(name) ?? 0) + 1;
        runningOn.set(name, now);
        if (now > 1) overlaps += 1;
        try {
          await sleep(5);
          return SUCCEED(step, name, context);
        } finally {
          runningOn.set(name, (runningOn.get(name) as number) - 1);
        }
      },
      { label: 'b7-rollouts' },
    );
    const targets = await harness.registerSwitches(['sw-1', 'sw-2', 'sw-3']);
    await harness.startWorker(10);

    const input = RolloutInputSchema.parse({ switchIds: targets.map((t) => t.id) });
    const [first, second, single] = await Promise.all([
      harness.services.rollouts.create(input),
      harness.services.rollouts.create(input),
      harness.services.jobs.submit({
        switchId: targets[0].id,
        step: 'verify-nat',
        params: DEFAULT_DEPLOYMENT_PARAMS,
        dryRun: false,
      }),
    ]);

    await waitFor(
      {
        what: 'both rollouts and the single job to end',
        check: async () => {
          const views = await Promise.all([
            harness!.services.rollouts.get(first.id),
            harness!.services.rollouts.get(second.id),
          ]);
          const job = await harness!.services.jobs.get(single.id);
          return views.every((v) => v?.state === 'succeeded') && job?.state === 'completed'
            ? true
            : undefined;
        },
      },
      { timeoutMs: 60_000 },
    );
    assert.equal(overlaps, 0);
  });
});
