import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  DEFAULT_DEPLOYMENT_PARAMS,
  ERROR_CATALOGUE,
  SwitchyardError,
  type JobView,
  type SwitchyardEvent,
} from '@switchyard/contracts';
import { EventLog } from '@switchyard/events';
import { waitFor } from '../../support/wait';
import { createHarness, SUCCEED, type Harness } from './harness';

async function waitForJob(harness: Harness, id: string, states: string[]): Promise<JobView> {
  let last: JobView | null = null;
  return waitFor({
    what: `job ${id} to reach ${states.join(' or ')}`,
    check: async () => {
      last = await harness.services.jobs.get(id);
      return last && states.includes(last.state) ? last : undefined;
    },
    pending: () => `${last?.state} after ${last?.attempts} attempts`,
  });
}

async function eventsOf(harness: Harness, jobId: string): Promise<SwitchyardEvent[]> {
  const log = new EventLog(harness.testRedis.redis, harness.testRedis.prefix);
  return (await log.readAfter(null)).filter((e) => e.jobId === jobId);
}

describe('retries', () => {
  let harness: Harness | null = null;
  afterEach(async () => {
    await harness?.close();
    harness = null;
  });

  it('retries a step after a dropped connection, then succeeds', async () => {
    const tries = new Map<string, number>();
    harness = await createHarness(
      (step, name, context) => {
        const n = (tries.get(name) ?? 0) + 1;
        tries.set(name, n);
        if (n === 1)
          throw new SwitchyardError('CONNECTION_DROPPED', 'the switch closed the connection');
        return SUCCEED(step, name, context);
      },
      { label: 'retry' },
    );
    const [target] = await harness.registerSwitches(['sw-flaky']);
    await harness.startWorker();

    const job = await harness.services.jobs.submit({
      switchId: target.id,
      step: 'start-docker',
      params: DEFAULT_DEPLOYMENT_PARAMS,
      dryRun: false,
    });
    const done = await waitForJob(harness, job.id, ['completed', 'failed']);

    assert.equal(done.state, 'completed');
    assert.equal(done.attempts, 2);
    assert.equal(done.error, null);
    assert.equal(done.result[0].status, 'succeeded');
    assert.equal(harness.pool.discarded, 1, 'the dropped session is discarded, not reused');
    assert.equal(harness.pool.leased, 0, 'every lease is handed back');

    const types = (await eventsOf(harness, job.id)).map((e) => e.type);
    assert.deepEqual(types, [
      'step.started',
      'step.failed',
      'step.retrying',
      'step.started',
      'step.finished',
      'job.completed',
    ]);
  });

  it('does not retry a permanent error and shows its code', async () => {
    let tries = 0;
    harness = await createHarness(
      () => {
        tries += 1;
        throw new SwitchyardError('AUTH_FAILED', 'the switch refused the password');
      },
      { label: 'permanent' },
    );
    const [target] = await harness.registerSwitches(['sw-locked']);
    await harness.startWorker();

    const job = await harness.services.jobs.submit({
      switchId: target.id,
      step: 'configure-mgmt',
      params: DEFAULT_DEPLOYMENT_PARAMS,
      dryRun: false,
    });
    const done = await waitForJob(harness, job.id, ['failed']);

    assert.equal(tries, 1);
    assert.equal(done.attempts, 1);
    assert.deepEqual(done.error, {
      code: 'AUTH_FAILED',
      message: 'the switch refused the password',
      hint: ERROR_CATALOGUE.AUTH_FAILED.hint,
    });
    assert.equal(done.result[0].status, 'failed');
    assert.equal(done.result[0].error?.retryable, false);

    const events = await eventsOf(harness, job.id);
    const failed = events.find((e) => e.type === 'job.failed');
    assert.deepEqual(failed?.data, {
      code: 'AUTH_FAILED',
      message: 'the switch refused the password',
    });
    assert.ok(!events.some((e) => e.type === 'step.retrying'));
  });

  it('fails with CREDENTIALS_MISSING, unretried, when the worker has no credentials for the switch', async () => {
    harness = await createHarness(SUCCEED, { label: 'creds' });
    const target = await harness.switches.create({
      name: 'sw-nocreds',
      host: '127.0.0.9',
      port: 22,
      credentialRef: 'unknown-ref',
      tags: [],
      legacyAlgorithms: false,
    });
    await harness.startWorker();

    const job = await harness.services.jobs.submit({
      switchId: target.id,
      step: 'start-docker',
      params: DEFAULT_DEPLOYMENT_PARAMS,
      dryRun: false,
    });
    const done = await waitForJob(harness, job.id, ['failed']);

    assert.equal(done.error?.code, 'CREDENTIALS_MISSING');
    assert.equal(done.attempts, 1);
    assert.equal(harness.pool.leased, 0);
  });

  it('keeps passwords out of job data, results and events', async () => {
    harness = await createHarness(SUCCEED, { label: 'secrets' });
    const [target] = await harness.registerSwitches(['sw-secret']);
    await harness.startWorker();

    const job = await harness.services.jobs.submit({
      switchId: target.id,
      step: 'start-docker',
      params: DEFAULT_DEPLOYMENT_PARAMS,
      dryRun: false,
    });
    await waitForJob(harness, job.id, ['completed']);

    const keys = await harness.testRedis.redis.keys(`${harness.testRedis.prefix}:*`);
    for (const key of keys) {
      const type = await harness.testRedis.redis.type(key);
      const dump =
        type === 'string'
          ? await harness.testRedis.redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await harness.testRedis.redis.hgetall(key))
            : type === 'stream'
              ? JSON.stringify(await harness.testRedis.redis.xrange(key, '-', '+'))
              : '';
      assert.ok(!dump?.includes('not-a-real-password'), `${key} holds the password`);
    }
  });
});
