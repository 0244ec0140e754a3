import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRootLogger } from '@switchyard/logging';
import { createSessionPool, type SessionPool } from '@switchyard/ssh-pool';
import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';
import { LOOPBACK, simTarget } from '../../support/sim-steps';

const PASSWORD = 'Unterminated-1';

describe('output without a final newline in the Bash shell', () => {
  let fleet: SimFleet;
  let pool: SessionPool;

  before(async () => {
    fleet = await startFleet({
      switches: [
        {
          name: 'N9K-EDGE',
          address: '127.0.37.1',
          port: 2222,
          username: 'admin',
          password: PASSWORD,
          featuresEnabled: ['bash-shell'],
        },
      ],
      timeScale: 0.02,
    });
    pool = createSessionPool({
      allowedNetworks: LOOPBACK,
      logger: createRootLogger({ level: 'silent' }),
      commandTimeoutMs: 5_000,
    });
  });

  after(async () => {
    await pool?.closeAll();
    await fleet?.close();
  });

  it('returns the text before the prompt bash prints on the same line', async () => {
    const sim = fleet.switches[0];
    const lease = await pool.acquire(simTarget(sim, PASSWORD));
    try {
      await lease.session.ensureMode('root-bash');
      await lease.session.run("printf '%s' 'no newline here' > /tmp/page.txt");

      const entry = await lease.session.run('cat /tmp/page.txt');

      assert.equal(entry.output, 'no newline here');
      assert.equal(lease.session.mode, 'root-bash');
      assert.equal((await lease.session.run('echo next')).output, 'next');
    } finally {
      lease.release();
    }
  });
});
