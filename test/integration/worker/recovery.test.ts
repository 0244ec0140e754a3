import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Worker } from 'bullmq';
import {
  QUEUE_NAMES,
  RolloutInputSchema,
  type RunStepsJobData,
  type RunStepsJobResult,
} from '@switchyard/contracts';
import { waitFor } from '../../support/wait';
import { SwitchLocks } from '../../../apps/worker/src/switch-lock';
import { createHarness, SUCCEED, type Harness } from './harness';

describe('recovery', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('finishes a rollout whose jobs ended while no worker advanced it (the sweeper)', async () => {
    harness = await createHarness(SUCCEED, { label: 'sweep' });
    const targets = await harness.registerSwitches(['sw-1', 'sw-2']);
    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({ switchIds: targets.map((t) => t.id), steps: ['start-docker'] }),
    );

    // A bare consumer completes the jobs and, like a worker that crashed right after, never advances.
    const bare = new Worker<RunStepsJobData, RunStepsJobResult>(
      QUEUE_NAMES.switchRuns,
      async (job) => ({ switchId: job.data.switchId, currentStep: null, steps: [] }),
      {
        connection: { url: harness.testRedis.url, maxRetriesPerRequest: null },
        prefix: harness.testRedis.prefix,
      },
    );
    await waitFor({
      what: 'both jobs to complete',
      check: async () =>
        (await harness!.queue.getJobCounts('completed')).completed === 2 ? true : undefined,
    });
    await bare.close();
    const stored = JSON.parse(
      (await harness.testRedis.redis.get(
        `${harness.testRedis.prefix}:rollout:${created.id}`,
      )) as string,
    );
    assert.equal(stored.state, 'running', 'nothing advanced the rollout yet');

    await harness.startWorker();
    const ended = await waitFor({
      what: 'the sweeper to finish the rollout',
      check: async () => {
        const view = await harness!.services.rollouts.get(created.id);
        return view?.state === 'succeeded' ? view : undefined;
      },
    });
    assert.equal(ended.counts.succeeded, 2);
  });

  it('ends a rollout failed when its jobs are gone, instead of leaving it running (BUGS B4)', async () => {
    harness = await createHarness(SUCCEED, { label: 'gone' });
    const targets = await harness.registerSwitches(['sw-1', 'sw-2']);
    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({ switchIds: targets.map((t) => t.id) }),
    );
    await harness.queue.obliterate({ force: true });

    await harness.services.coordinator.advance(created.id);
    const view = await harness.services.rollouts.get(created.id);

    assert.equal(view?.state, 'failed');
    assert.ok(view?.switches.every((s) => s.state === 'failed' && s.error?.code === 'INTERNAL'));
  });

  it('tells the holder when its switch lock was taken over, and frees only its own lock', async () => {
    harness = await createHarness(SUCCEED, { label: 'lock' });
    const locks = new SwitchLocks(harness.testRedis.redis, harness.testRedis.prefix, 1_000, 50);
    let lostCalls = 0;

    const hold = await locks.tryHold('sw-1', () => (lostCalls += 1));
    assert.ok(hold);
    assert.equal(
      await locks.tryHold('sw-1', () => undefined),
      null,
      'a second run cannot take a held switch',
    );

    const key = `${harness.testRedis.prefix}:switch-lock:sw-1`;
    await harness.testRedis.redis.set(key, 'another-run');
    await waitFor({
      what: 'the renewal to notice the takeover',
      check: () => (hold.lost ? true : undefined),
    });
    await hold.release();

    assert.equal(lostCalls, 1);
    assert.equal(
      await harness.testRedis.redis.get(key),
      'another-run',
      'the new holder keeps its lock',
    );
  });

  it('counts a lock as lost once its TTL has passed without a renewal, as after a blocked event loop (BUGS B1)', async () => {
    harness = await createHarness(SUCCEED, { label: 'expiry' });
    // Renewal far slower than the TTL: nothing extends the lock in time.
    const locks = new SwitchLocks(harness.testRedis.redis, harness.testRedis.prefix, 200, 60_000);
    let lostCalls = 0;

    const hold = await locks.tryHold('sw-1', () => (lostCalls += 1));
    assert.ok(hold);
    assert.equal(hold.lost, false);
    await waitFor({ what: 'the TTL to pass', check: () => (hold.lost ? true : undefined) });
    await hold.release();

    assert.equal(lostCalls, 1);
  });
});
