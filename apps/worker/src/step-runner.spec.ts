import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_DEPLOYMENT_PARAMS,
  STEP_NAMES,
  SwitchyardError,
  type NewEvent,
  type RunStepsJobProgress,
  type StepName,
  type Switch,
} from '@switchyard/contracts';
import { CredentialStore } from '@switchyard/inventory';
import { createRootLogger } from '@switchyard/logging';
import type { StepContext, StepHandler, StepOutcome } from '@switchyard/steps';
import { FakeSessionPool } from '../../../test/integration/worker/fake-session-pool';
import { StepRunFailure, StepRunner, type StepRunRequest } from './step-runner';

const target: Switch = {
  id: 'sw1',
  name: 'N9K-LAB',
  host: '127.0.0.2',
  port: 22,
  credentialRef: 'lab',
  tags: [],
  legacyAlgorithms: false,
  hostKey: null,
  createdAt: '',
  updatedAt: '',
};

function setup(run: (step: StepName, context: StepContext) => Promise<StepOutcome>) {
  const events: NewEvent[] = [];
  const progress: RunStepsJobProgress[] = [];
  const pool = new FakeSessionPool();
  const handlers = new Map<StepName, StepHandler>(
    STEP_NAMES.map((name) => [
      name,
      { name, commandTimeoutMs: 1, run: (c: StepContext) => run(name, c) },
    ]),
  );
  const runner = new StepRunner({
    handlers,
    sessions: pool,
    credentials: CredentialStore.fromEntries({ lab: { username: 'admin', password: 'pw' } }),
    events: { append: async (e: NewEvent) => events.push(e) },
    httpGet: async () => ({ status: 200, body: '' }),
  });
  const request = (overrides: Partial<StepRunRequest> = {}): StepRunRequest => ({
    jobId: 'j1',
    data: {
      switchId: 'sw1',
      rolloutId: null,
      steps: [...STEP_NAMES],
      params: DEFAULT_DEPLOYMENT_PARAMS,
      dryRun: false,
    },
    target,
    attempt: 1,
    maxAttempts: 5,
    retryDelayMs: 1_000,
    log: createRootLogger({ level: 'silent' }),
    signal: new AbortController().signal,
    reportProgress: async (p) => void progress.push(p),
    checkBetweenSteps: async () => null,
    checkBeforeCommand: () => undefined,
    ...overrides,
  });
  return { runner, events, progress, pool, request };
}

const ok = async (): Promise<StepOutcome> => ({
  changed: true,
  facts: {},
  commands: ['x'],
  transcript: [],
});

describe('StepRunner', () => {
  it('runs the steps in order and reports progress after each', async () => {
    const ran: StepName[] = [];
    const { runner, progress, pool, request } = setup(async (step) => {
      ran.push(step);
      return ok();
    });

    const result = await runner.run(request());

    assert.deepEqual(ran, [...STEP_NAMES]);
    assert.deepEqual(
      result.steps.map((s) => s.status),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
    );
    assert.deepEqual(
      progress.map((p) => p.steps.length),
      [0, 1, 1, 2, 2, 3, 3, 4],
    );
    assert.equal(pool.leased, 0);
  });

  it('stops at the first failure, marks the rest skipped and says whether the queue retries', async () => {
    const { runner, events, request } = setup(async (step) => {
      if (step === 'start-docker')
        throw new SwitchyardError('COMMAND_TIMEOUT', 'no prompt after 60 s');
      return ok();
    });

    const failure = await runner.run(request()).then(
      () => assert.fail('should fail'),
      (err: unknown) => err as StepRunFailure,
    );

    assert.ok(failure instanceof StepRunFailure);
    assert.equal(failure.code, 'COMMAND_TIMEOUT');
    assert.equal(failure.final, false);
    assert.deepEqual(
      failure.result.steps.map((s) => s.status),
      ['succeeded', 'failed', 'skipped', 'skipped'],
    );
    assert.deepEqual(
      events.filter((e) => e.type === 'step.retrying').map((e) => e.data),
      [{ code: 'COMMAND_TIMEOUT', attempt: 1, delayMs: 1_000 }],
    );
  });

  it('discards the session after a timeout', async () => {
    const { runner, pool, request } = setup(async () => {
      throw new SwitchyardError('COMMAND_TIMEOUT', 'late');
    });
    await assert.rejects(runner.run(request()));
    assert.equal(pool.discarded, 1);
  });

  it('reports the last attempt as final', async () => {
    const { runner, events, request } = setup(async () => {
      throw new SwitchyardError('CONNECTION_DROPPED', 'gone');
    });
    await assert.rejects(runner.run(request({ attempt: 5 })), (err: StepRunFailure) => err.final);
    assert.ok(events.some((e) => e.type === 'job.failed'));
  });

  it('stops before the next command when the switch lock is lost', async () => {
    let lost = false;
    const sent: string[] = [];
    const { runner, request } = setup(async (step, context) => {
      await context.session.run(`show ${step}`);
      sent.push(step);
      lost = true;
      await context.session.run('second command');
      sent.push('after');
      return ok();
    });

    await assert.rejects(
      runner.run(
        request({
          checkBeforeCommand: () => {
            if (lost) throw new SwitchyardError('LOCK_LOST', 'taken over');
          },
        }),
      ),
      (err: StepRunFailure) => err.code === 'LOCK_LOST',
    );
    assert.deepEqual(sent, ['configure-mgmt']);
  });

  it('fails with SWITCH_NOT_FOUND when the switch was removed, without logging in', async () => {
    const { runner, pool, request } = setup(ok);
    await assert.rejects(
      runner.run(request({ target: null })),
      (err: StepRunFailure) => err.code === 'SWITCH_NOT_FOUND' && err.final,
    );
    assert.equal(pool.leased, 0);
  });

  it('marks steps planned in a dry run', async () => {
    const { runner, request } = setup(ok);
    const result = await runner.run(
      request({
        data: {
          switchId: 'sw1',
          rolloutId: null,
          steps: ['deploy-container'],
          params: DEFAULT_DEPLOYMENT_PARAMS,
          dryRun: true,
        },
      }),
    );
    assert.deepEqual(
      result.steps.map((s) => [s.status, s.commands]),
      [['planned', ['x']]],
    );
  });
});
