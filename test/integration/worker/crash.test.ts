import assert from 'node:assert/strict';
import { once } from 'node:events';
import { afterEach, describe, it } from 'node:test';
import { RolloutInputSchema } from '@switchyard/contracts';
import { waitFor } from '../../support/wait';
import { createHarness, spawnFixtureWorker, SHORT_TIMINGS, SUCCEED, type Harness } from './harness';

describe('a worker killed mid-job (BUGS B3)', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('leaves no job active: another worker runs it to the end once the locks expire', async () => {
    const ranAfterCrash: string[] = [];
    harness = await createHarness(
      (step, name, context) => {
        ranAfterCrash.push(step);
        return SUCCEED(step, name, context);
      },
      { label: 'crash' },
    );
    const [target] = await harness.registerSwitches(['sw-1']);
    const child = spawnFixtureWorker(harness, 'hanging-worker');
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const created = await harness.services.rollouts.create(
      RolloutInputSchema.parse({
        switchIds: [target.id],
        steps: ['configure-mgmt', 'start-docker', 'deploy-container'],
      }),
    );
    await waitFor(
      {
        what: 'the child worker to reach start-docker',
        check: () => (output.includes('in start-docker') ? true : undefined),
      },
      { timeoutMs: 60_000 },
    );
    child.kill('SIGKILL');
    await once(child, 'exit');

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
      },
      { timeoutMs: 60_000 },
    );

    assert.equal(ended.state, 'succeeded');
    assert.deepEqual(
      ranAfterCrash,
      ['configure-mgmt', 'start-docker', 'deploy-container'],
      'the job ran again from its first (idempotent) step',
    );
    assert.deepEqual(
      ended.switches[0].steps.map((s) => s.status),
      ['succeeded', 'succeeded', 'succeeded'],
    );
    assert.equal((await harness.queue.getJobCounts('active')).active, 0);
  });
});
