import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STEP_NAMES } from '@switchyard/contracts';
import type { StepHandler } from '@switchyard/steps';
import { buildJobHandlerRegistry, buildStepHandlerMap, type JobHandler } from './job-handlers';

const handler = (jobName: string): JobHandler => ({ jobName, handle: async () => undefined });
const step = (name: string): StepHandler =>
  ({
    name,
    commandTimeoutMs: 1,
    run: async () => ({ changed: false, facts: {}, commands: [], transcript: [] }),
  }) as StepHandler;

describe('buildJobHandlerRegistry', () => {
  it('maps each job name to its one handler', () => {
    const registry = buildJobHandlerRegistry('switch-runs', ['run-steps'], [handler('run-steps')]);
    assert.equal(registry.get('run-steps')?.jobName, 'run-steps');
  });

  it('refuses a job name without a handler and says where to add one', () => {
    assert.throws(
      () => buildJobHandlerRegistry('switch-runs', ['run-steps'], []),
      /job "run-steps" of queue "switch-runs" has no handler: pass one to startWorker/,
    );
  });

  it('refuses two handlers for one job name', () => {
    assert.throws(
      () =>
        buildJobHandlerRegistry(
          'switch-runs',
          ['run-steps'],
          [handler('run-steps'), handler('run-steps')],
        ),
      /has 2 handlers: keep exactly one/,
    );
  });

  it('refuses a handler for a job the queue does not carry', () => {
    assert.throws(
      () =>
        buildJobHandlerRegistry(
          'switch-runs',
          ['run-steps'],
          [handler('run-steps'), handler('reboot')],
        ),
      /"reboot", which queue "switch-runs" does not carry/,
    );
  });
});

describe('buildStepHandlerMap', () => {
  it('accepts exactly one handler per step', () => {
    assert.equal(buildStepHandlerMap(STEP_NAMES.map(step)).size, 4);
  });

  it('names every missing and doubled step', () => {
    const handlers = [
      step('configure-mgmt'),
      step('configure-mgmt'),
      step('start-docker'),
      step('verify-nat'),
    ];
    assert.throws(
      () => buildStepHandlerMap(handlers),
      (err: Error) =>
        /"configure-mgmt" has 2 handlers/.test(err.message) &&
        /"deploy-container" has no handler/.test(err.message),
    );
  });
});
