import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRootLogger } from '@switchyard/logging';
import { createSessionPool } from '@switchyard/ssh-pool';
import { startFleet, type SimSwitchOptions } from '../../../apps/switch-sim/src';
import { LOOPBACK, simTarget } from '../../support/sim-steps';

const PASSWORD = 'Seeded-Key-5';

function leaf(name: string, address: string): SimSwitchOptions {
  return {
    name,
    address,
    port: 2222,
    username: 'admin',
    password: PASSWORD,
    hostKeySeed: 'lab-seed',
  };
}

describe('simulated switches with a host key seed', () => {
  it('present the same host key after a restart, and a pin taken before still matches', async () => {
    const first = await startFleet({
      switches: [leaf('N9K-SEED-1', '127.0.45.1'), leaf('N9K-SEED-2', '127.0.45.2')],
    });
    const pinned = first.switches.map((s) => s.hostKeyFingerprint);
    await first.close();

    const restarted = await startFleet({
      switches: [leaf('N9K-SEED-1', '127.0.45.1'), leaf('N9K-SEED-2', '127.0.45.2')],
    });
    const pool = createSessionPool({
      allowedNetworks: LOOPBACK,
      logger: createRootLogger({ level: 'silent' }),
    });
    try {
      assert.deepEqual(
        restarted.switches.map((s) => s.hostKeyFingerprint),
        pinned,
      );
      assert.notEqual(pinned[0], pinned[1], 'each switch has a key of its own');

      const sim = restarted.switches[0];
      const lease = await pool.acquire(
        simTarget(sim, PASSWORD, {
          hostKey: {
            fingerprint: pinned[0],
            source: 'registered',
            pinnedAt: new Date().toISOString(),
          },
        }),
      );
      assert.equal(lease.session.hostname, 'N9K-SEED-1');
      lease.release();
    } finally {
      await pool.closeAll();
      await restarted.close();
    }
  });
});
