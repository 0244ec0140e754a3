import assert from 'node:assert/strict';
import { once } from 'node:events';
import { afterEach, describe, it } from 'node:test';
import { RolloutInputSchema } from '@switchyard/contracts';
import { waitFor } from '../../support/wait';
import { createHarness, spawnFixtureWorker, SHORT_TIMINGS, SUCCEED, type Harness } from './harness';

/** Longer than the job lock plus a stalled check of SHORT_TIMINGS, so the job is taken over. */
const BLOCK_MS = 5_000;

describe('a worker whose event loop blocks mid-job (BUGS B1)', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('lets another worker run the stalled job while the blocked one sends nothing more', async () => {
    const ranHere: string[] = [];
    harness = await createHarness(
      (step, name, context) => {
        ranHere.push(step);
        return SUCCEED(step, name, context);
      },
      { label: 'stalled' },
    );
    const [target] = await harness.registerSwitches(['sw-1']);
    const child = spawnFixtureWorker(harness, 'blocking-worker', {
      BLOCK_MS: String(BLOCK_MS),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));

    try {
      const created = await harness.services.rollouts.create(
        RolloutInputSchema.parse({
          switchIds: [target.id],
          steps: ['configure-mgmt', 'start-docker'],
        }),
      );
      await waitFor(
        {
          what: 'the child worker to start the job',
          check: () => (output.includes('step configure-mgmt') ? true : undefined),
        },
        { timeoutMs: 60_000 },
      );
      await harness.startWorker(2, SHORT_TIMINGS);

      const ended = await waitFor(
        {
          what: 'the rollout to end',
          check: async () => {
            const view = await harness!.services.rollouts.get(created.id);
            return view && ['succeeded', 'failed', 'cancelled'].includes(view.state)
              ? view
              : undefined;
          },
          pending: () => JSON.stringify(output),
        },
        { timeoutMs: 60_000 },
      );
      await waitFor({
        what: 'the blocked run to try its next command',
        check: () => (/stopped: |sent a command/.test(output) ? true : undefined),
        pending: () => JSON.stringify(output),
      });

      assert.equal(ended.state, 'succeeded');
      assert.deepEqual(
        ranHere,
        ['configure-mgmt', 'start-docker'],
        'the job ran here from its start',
      );
      assert.match(output, /stopped: LOCK_LOST/);
      assert.doesNotMatch(output, /sent a command after the block/);
      assert.doesNotMatch(output, /step start-docker/);
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });
});
