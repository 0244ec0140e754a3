import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Job } from 'bullmq';
import { DEFAULT_DEPLOYMENT_PARAMS, ERROR_CATALOGUE, type StepResult } from '@switchyard/contracts';
import { observeJob, switchStateOf } from './job-status';

type FakeJob = Parameters<typeof observeJob>[0];

function job(fields: Partial<Job>): FakeJob {
  return {
    id: 'j1',
    data: {
      switchId: 's1',
      rolloutId: null,
      steps: ['start-docker'],
      params: DEFAULT_DEPLOYMENT_PARAMS,
      dryRun: false,
    },
    timestamp: 0,
    attemptsMade: 0,
    progress: 0,
    returnvalue: null,
    failedReason: undefined,
    finishedOn: undefined,
    ...fields,
  } as unknown as FakeJob;
}

const failedStep: StepResult = {
  step: 'start-docker',
  status: 'failed',
  changed: false,
  facts: {},
  commands: [],
  transcript: [],
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  error: {
    code: 'INSUFFICIENT_BOOTFLASH',
    message: 'only 150 MB free',
    retryable: false,
    hint: 'Free space on bootflash.',
  },
};

describe('observeJob', () => {
  it('trusts finished fields over a state read just before the job finished', () => {
    const observed = observeJob(
      job({
        finishedOn: 5,
        attemptsMade: 1,
        returnvalue: { switchId: 's1', currentStep: null, steps: [] },
      }),
      'active',
    );
    assert.equal(observed.state, 'completed');
    assert.equal(switchStateOf(observed), 'succeeded');
  });

  it('takes the error code from the failed step', () => {
    const observed = observeJob(
      job({
        finishedOn: 5,
        attemptsMade: 1,
        progress: { switchId: 's1', currentStep: null, steps: [failedStep] },
        failedReason: 'INSUFFICIENT_BOOTFLASH: only 150 MB free',
      }),
      'failed',
    );
    assert.equal(observed.state, 'failed');
    assert.deepEqual(observed.error, {
      code: 'INSUFFICIENT_BOOTFLASH',
      message: 'only 150 MB free',
      hint: ERROR_CATALOGUE.INSUFFICIENT_BOOTFLASH.hint,
    });
  });

  it('reads the code prefix of the failure reason when no step recorded one', () => {
    const observed = observeJob(
      job({ finishedOn: 5, failedReason: 'LOCK_LOST: taken over' }),
      'failed',
    );
    assert.deepEqual(observed.error, {
      code: 'LOCK_LOST',
      message: 'taken over',
      hint: ERROR_CATALOGUE.LOCK_LOST.hint,
    });
  });

  it('calls anything else INTERNAL', () => {
    const observed = observeJob(
      job({ finishedOn: 5, failedReason: 'job stalled more than allowable limit' }),
      'failed',
    );
    assert.deepEqual(observed.error, {
      code: 'INTERNAL',
      message: 'job stalled more than allowable limit',
      hint: ERROR_CATALOGUE.INTERNAL.hint,
    });
  });

  it('counts the attempt in progress and shows a cancelled run as cancelled', () => {
    assert.equal(observeJob(job({ attemptsMade: 2 }), 'active').attempts, 3);
    const cancelled = observeJob(
      job({ finishedOn: 5, failedReason: 'CANCELLED: the rollout was cancelled' }),
      'failed',
    );
    assert.equal(switchStateOf(cancelled), 'cancelled');
  });
});
