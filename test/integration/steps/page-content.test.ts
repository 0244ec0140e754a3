import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isSwitchyardError, type DeploymentParams, type StepName } from '@switchyard/contracts';
import { createRootLogger } from '@switchyard/logging';
import { createSessionPool, type SessionPool } from '@switchyard/ssh-pool';
import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';
import { LOOPBACK, runStepOnSim, simTarget } from '../../support/sim-steps';

const PASSWORD = 'Page-Content-3';

/** Pages that a terminal would change or misread if they were read back through it. */
const AWKWARD_PAGES: Record<string, string> = {
  'a trailing space': 'hello ',
  'CRLF line ends': 'x\r\ny',
  'pager text': 'see --More-- here',
  'an ANSI escape': 'ok\u001b[31mred',
  'a fake root prompt': 'x\nroot@N9K-PAGE#',
  'a fake bash prompt': 'x\nbash-4.3#',
  'a confirmation question': 'Continue? (y/n) [n]',
  'an NX-OS error line': "line1\n% Invalid command at '^' marker.\nend",
};

describe('deploy-container with pages a terminal would mangle', () => {
  let fleet: SimFleet;
  let pool: SessionPool;

  before(async () => {
    fleet = await startFleet({
      switches: [
        {
          name: 'N9K-PAGE',
          address: '127.0.35.1',
          port: 2222,
          username: 'admin',
          password: PASSWORD,
          featuresEnabled: ['bash-shell'],
          dockerRunning: true,
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

  const runStep = (step: StepName, params: Partial<DeploymentParams>) =>
    runStepOnSim(pool, simTarget(fleet.switches[0], PASSWORD), step, params);

  for (const [what, page] of Object.entries(AWKWARD_PAGES)) {
    it(`deploys and verifies a page with ${what}, then finds nothing to change`, async () => {
      const params = { pageContent: page };

      await runStep('deploy-container', params);
      const verified = await runStep('verify-nat', params);
      const again = await runStep('deploy-container', params);

      assert.equal(verified.facts.httpStatus, 200);
      assert.equal(again.changed, false);
    });
  }

  it('replaces the leftover of a run whose port was taken instead of failing on it ever after', async () => {
    // The simulator's own SSH port is taken on the switch, so this run fails and leaves a
    // created-but-never-started container behind, as docker does.
    await assert.rejects(
      runStep('deploy-container', {
        containerName: 'clash',
        ports: [{ host: 2222, container: 80 }],
      }),
      (err: unknown) => isSwitchyardError(err) && err.code === 'PORT_IN_USE',
    );

    const retried = await runStep('deploy-container', {
      containerName: 'clash',
      ports: [{ host: 31_000, container: 80 }],
    });

    assert.equal(retried.facts.ports, '31000->80');
    assert.ok(retried.commands.includes('docker rm -f clash'), retried.commands.join('; '));
  });
});
