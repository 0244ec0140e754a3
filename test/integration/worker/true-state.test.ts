import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_DEPLOYMENT_PARAMS, RolloutInputSchema, type JobView } from '@switchyard/contracts';
import { waitFor } from '../../support/wait';
import { createHarness, SUCCEED, type Harness } from './harness';

/** Jobs of the burst; the 20 000 of BUGS.md B5 belong to the benchmark. */
const BURST_JOBS = 2_000;
const BURST_SWITCHES = 100;

/** Waits until every job shows `completed` through JobApi.get, polling only the unfinished ones. */
async function waitAllCompleted(
  harness: Harness,
  ids: string[],
  timeoutMs: number,
): Promise<Map<string, JobView>> {
  const done = new Map<string, JobView>();
  let open = [...ids];
  return waitFor(
    {
      what: `${ids.length} jobs to show completed`,
      check: async () => {
        const views = await Promise.all(open.map((id) => harness.services.jobs.get(id)));
        views.forEach((view, i) => {
          if (view?.state === 'completed') done.set(open[i], view);
        });
        open = open.filter((id) => !done.has(id));
        return open.length === 0 ? done : undefined;
      },
      pending: () => `${open.length} not completed`,
    },
    { timeoutMs, pollMs: 200 },
  );
}

describe('status comes from the jobs, not from events (BUGS B5)', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('shows the final state of 5 jobs added the instant the worker starts, and of their rollout', async () => {
    harness = await createHarness(SUCCEED, { label: 'b5-start' });
    const targets = await harness.registerSwitches(['sw-1', 'sw-2', 'sw-3', 'sw-4', 'sw-5']);

    const submits = targets.map((t) =>
      harness!.services.jobs.submit({
        switchId: t.id,
        step: 'verify-nat',
        params: DEFAULT_DEPLOYMENT_PARAMS,
        dryRun: false,
      }),
    );
    const [jobs, , rollout] = await Promise.all([
      Promise.all(submits),
      harness.startWorker(),
      harness.services.rollouts.create(
        RolloutInputSchema.parse({ switchIds: targets.map((t) => t.id) }),
      ),
    ]);

    const views = await waitAllCompleted(
      harness,
      jobs.map((j) => j.id),
      30_000,
    );
    for (const view of views.values()) {
      assert.equal(view.result.length, 1);
      assert.equal(view.result[0].status, 'succeeded');
      assert.equal(view.error, null);
      assert.notEqual(view.finishedAt, null);
    }

    const ended = await waitFor({
      what: 'the rollout to succeed',
      check: async () => {
        const view = await harness!.services.rollouts.get(rollout.id);
        return view?.state === 'succeeded' ? view : undefined;
      },
    });
    assert.equal(ended.counts.succeeded, 5);
  });

  it(`shows the final state of every one of a burst of ${BURST_JOBS} quick jobs`, async () => {
    harness = await createHarness(SUCCEED, { label: 'b5-burst' });
    const targets = await harness.registerSwitches(
      Array.from({ length: BURST_SWITCHES }, (_, i) => `sw-${i}`),
    );
    await harness.startWorker(50);

    const ids: string[] = [];
    for (let i = 0; i < BURST_JOBS; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          harness!.services.jobs.submit({
            switchId: targets[(i + k) % targets.length].id,
            step: 'start-docker',
            params: DEFAULT_DEPLOYMENT_PARAMS,
            dryRun: false,
          }),
        ),
      );
      ids.push(...batch.map((j) => j.id));
    }

    const views = await waitAllCompleted(harness, ids, 180_000);
    assert.equal(views.size, BURST_JOBS);
    assert.ok(
      [...views.values()].every((v) => v.result[0]?.status === 'succeeded' && v.attempts === 1),
    );
  });
});
