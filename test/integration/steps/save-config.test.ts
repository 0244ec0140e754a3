import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRootLogger } from '@switchyard/logging';
import { createSessionPool, type SessionPool } from '@switchyard/ssh-pool';
import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';
import { LOOPBACK, runStepOnSim, simTarget } from '../../support/sim-steps';

const PASSWORD = 'Save-Config-7';

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

    const outcome = await runStepOnSim(pool, simTarget(sim, PASSWORD), 'configure-mgmt');
    assert.ok(outcome.commands.includes('copy running-config startup-config'));
    await pool.closeAll();

    await sim.reload();

    const after = sim.snapshot() as { features: string[]; mgmt0: { mode: string } };
    assert.ok(after.features.includes('bash-shell'));
    assert.ok(after.features.includes('dhcp'));
    assert.equal(after.mgmt0.mode, 'dhcp');
  });
});
