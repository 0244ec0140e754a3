import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseNetworkList } from '@switchyard/config';
import { DEFAULT_DEPLOYMENT_PARAMS } from '@switchyard/contracts';
import { createRootLogger } from '@switchyard/logging';
import { createSessionPool, type SessionPool } from '@switchyard/ssh-pool';
import { createHttpChecker, createStepRegistry, createStepHandlers } from '@switchyard/steps';
import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';

const PASSWORD = 'Save-Config-7';
const LOOPBACK = parseNetworkList('127.0.0.0/8');

describe('configure-mgmt saves what it configured', () => {
  let fleet: SimFleet;
  let pool: SessionPool;

  before(async () => {
    fleet = await startFleet({
      switches: [
        {
          name: 'N9K-SAVE',
          address: '127.0.36.1',
          port: 2222,
          username: 'admin',
          password: PASSWORD,
          // A reload forgets whatever was not saved; the save asks (y/n) and takes 16 s.
          reloadLosesUnsavedConfig: true,
          confirmations: ['copy running-config startup-config'],
          slowCommands: { 'copy running-config startup-config': 16_000 },
        },
      ],
      timeScale: 0.02,
    });
    pool = createSessionPool({
      allowedNetworks: LOOPBACK,
      logger: createRootLogger({ level: 'silent' }),
    });
  });

  after(async () => {
    await pool?.closeAll();
    await fleet?.close();
  });

  it('keeps the Bash shell and DHCP on mgmt0 across a reload', async () => {
    const sim = fleet.switches[0];
    const lease = await pool.acquire({
      id: 'save',
      name: sim.name,
      host: sim.address,
      port: sim.port,
      username: 'admin',
      password: PASSWORD,
      legacyAlgorithms: false,
      hostKey: null,
    });
    const step = createStepRegistry(createStepHandlers()).get('configure-mgmt')!;
    try {
      const outcome = await step.run({
        session: lease.session,
        switchName: sim.name,
        params: DEFAULT_DEPLOYMENT_PARAMS,
        dryRun: false,
        log: createRootLogger({ level: 'silent' }),
        signal: new AbortController().signal,
        httpGet: createHttpChecker(LOOPBACK),
      });
      assert.ok(outcome.commands.includes('copy running-config startup-config'));
    } finally {
      lease.discard('the switch reloads next');
    }

    await sim.reload();

    const after = sim.snapshot() as { features: string[]; mgmt0: { mode: string } };
    assert.ok(after.features.includes('bash-shell'));
    assert.ok(after.features.includes('dhcp'));
    assert.equal(after.mgmt0.mode, 'dhcp');
  });
});
