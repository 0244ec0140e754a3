import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { DEFAULT_DEPLOYMENT_PARAMS } from '@switchyard/contracts';
import { waitFor } from '../../support/wait';
import { createHarness, Gate, SUCCEED, type Harness } from './harness';

describe('worker shutdown', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('stops taking jobs on close and lets the running one finish', async () => {
    const gate = new Gate();
    const started: string[] = [];
    harness = await createHarness(
      async (step, name, context) => {
        started.push(name);
        await gate.wait();
        return SUCCEED(step, name, context);
      },
      { label: 'shutdown' },
    );
    const [first, second] = await harness.registerSwitches(['sw-1', 'sw-2']);
    const worker = await harness.startWorker(1);
    const running = await harness.services.jobs.submit({
      switchId: first.id,
      step: 'start-docker',
      params: DEFAULT_DEPLOYMENT_PARAMS,
      dryRun: false,
    });
    await waitFor({
      what: 'the first job to start',
      check: () => (started.length === 1 ? true : undefined),
    });
    const waiting = await harness.services.jobs.submit({
      switchId: second.id,
      step: 'start-docker',
      params: DEFAULT_DEPLOYMENT_PARAMS,
      dryRun: false,
    });

    const closing = worker.close({ graceMs: 30_000 });
    harness.worker = null;
    gate.open();
    await closing;

    assert.equal((await harness.services.jobs.get(running.id))?.state, 'completed');
    assert.equal(
      (await harness.services.jobs.get(waiting.id))?.state,
      'waiting',
      'a closing worker takes no new job',
    );
    assert.deepEqual(started, ['sw-1']);
  });
});
