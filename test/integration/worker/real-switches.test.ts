import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@switchyard/config';
import { RolloutInputSchema, type RolloutView } from '@switchyard/contracts';
import { CredentialStore, SwitchRepository } from '@switchyard/inventory';
import { createRootLogger } from '@switchyard/logging';
import { createRolloutServices, type RolloutServices } from '@switchyard/rollouts';
import { createStepHandlers } from '@switchyard/steps';
import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';
import { startWorker, type RunningWorker } from '../../../apps/worker/src/worker';
import { createTestRedis, type TestRedis } from '../../support/redis';
import { waitFor } from '../../support/wait';
import { simSwitchFactory } from '../../support/sim-steps';

// Loopback addresses of this file's simulated switches; their containers publish there too.
const SUBNET = '127.0.73';
const SSH_PORT = 10_733;
const TIME_SCALE = 0.02;
const PASSWORD = 'Lab-Secret-73';

const simSwitch = simSwitchFactory(SUBNET, SSH_PORT, PASSWORD);

describe('the worker against simulated switches over SSH', () => {
  let fleet: SimFleet;
  let testRedis: TestRedis;
  let services: RolloutServices;
  let worker: RunningWorker;
  let switches: SwitchRepository;

  before(async () => {
    fleet = await startFleet({
      timeScale: TIME_SCALE,
      switches: [
        simSwitch(10, 'N9K-A'),
        simSwitch(11, 'N9K-B'),
        simSwitch(12, 'N9K-FULL', { featuresEnabled: ['bash-shell'], freeBootflashMb: 150 }),
      ],
    });
    testRedis = await createTestRedis('real');
    const config = loadConfig({
      REDIS_URL: testRedis.url,
      SWITCHYARD_PREFIX: testRedis.prefix,
      LOG_LEVEL: 'silent',
    });
    const logger = createRootLogger({ level: 'silent' });
    switches = new SwitchRepository(testRedis.redis, testRedis.prefix);
    for (const [i, name] of ['N9K-A', 'N9K-B', 'N9K-FULL'].entries()) {
      await switches.create({
        name,
        host: `${SUBNET}.${10 + i}`,
        port: SSH_PORT,
        credentialRef: 'lab',
        tags: ['lab'],
        legacyAlgorithms: false,
      });
    }
    services = await createRolloutServices({ config, logger });
    // The real SSH pool (the default) and the real steps, with short polls for the fast clock.
    worker = await startWorker(config, {
      logger,
      credentials: CredentialStore.fromEntries({ lab: { username: 'admin', password: PASSWORD } }),
      stepHandlers: createStepHandlers({ pollIntervalMs: 100 }),
      concurrency: 4,
    });
  });

  after(async () => {
    await worker?.close({ graceMs: 10_000 });
    await services?.close();
    await fleet?.close();
    await testRedis?.cleanup();
  });

  async function runToEnd(input: unknown): Promise<RolloutView> {
    const created = await services.rollouts.create(RolloutInputSchema.parse(input));
    let last: RolloutView | null = null;
    return waitFor(
      {
        what: `rollout ${created.id} to end`,
        check: async () => {
          last = await services.rollouts.get(created.id);
          return last && ['succeeded', 'failed', 'cancelled'].includes(last.state)
            ? last
            : undefined;
        },
        pending: () => (last ? `${last.state} ${JSON.stringify(last.counts)}` : ''),
      },
      { timeoutMs: 120_000 },
    );
  }

  it('plans a dry run without changing any switch', async () => {
    const ended = await runToEnd({ tags: ['lab'], dryRun: true });

    assert.deepEqual(
      ended.switches.map((s) => s.state),
      ['succeeded', 'succeeded', 'succeeded'],
    );
    assert.ok(ended.switches.every((s) => s.steps.every((step) => step.status === 'planned')));
    assert.ok(
      ended.switches[0].steps.some((step) => step.commands.length > 0),
      'the plan lists the commands it would send',
    );
    assert.equal(fleet.byName('N9K-A').state.docker.running, false);
    assert.equal(fleet.byName('N9K-A').state.containers.size, 0);
  });

  it('deploys to the healthy switches, reports the full one, and pins host keys on first use', async () => {
    const ended = await runToEnd({ tags: ['lab'], strategy: { maxFailurePercentage: 50 } });

    assert.equal(ended.state, 'failed');
    const byName = new Map(ended.switches.map((s) => [s.switchName, s]));
    assert.equal(byName.get('N9K-A')?.state, 'succeeded');
    assert.equal(byName.get('N9K-B')?.state, 'succeeded');
    assert.equal(byName.get('N9K-FULL')?.state, 'failed');
    assert.equal(byName.get('N9K-FULL')?.error?.code, 'INSUFFICIENT_BOOTFLASH');
    assert.equal(byName.get('N9K-FULL')?.attempts, 1, 'not enough bootflash is not retried');
    assert.deepEqual(
      byName.get('N9K-A')?.steps.map((s) => s.status),
      ['succeeded', 'succeeded', 'succeeded', 'succeeded'],
    );

    assert.equal(fleet.byName('N9K-A').state.docker.running, true);
    assert.equal(fleet.byName('N9K-A').state.containers.get('web')?.status, 'running');
    for (const registered of await switches.list()) {
      assert.equal(
        registered.hostKey?.source,
        'first-use',
        `${registered.name} has its host key pinned`,
      );
    }
  });
});
