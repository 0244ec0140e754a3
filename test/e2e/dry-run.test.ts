import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fleetFromCount } from '../../apps/switch-sim/src';
import { startStack, stackPassword, type Stack } from '../support/stack';

describe('a dry run over 10 switches', () => {
  let stack: Stack;

  before(async () => {
    const password = stackPassword();
    stack = await startStack({
      password,
      switches: fleetFromCount({
        count: 10,
        address: '127.0.33.1',
        port: 2222,
        username: 'admin',
        password,
      }),
    });
    for (const sim of stack.fleet.switches) {
      await stack.client.registerSwitch({
        name: sim.name,
        host: sim.address,
        port: sim.port,
        credentialRef: 'lab',
        tags: ['dry'],
      });
    }
  });

  after(async () => {
    await stack?.close();
  });

  it('lists the exact commands per switch and changes no switch state', async () => {
    const before = stack.fleet.switches.map((s) => JSON.stringify(s.snapshot()));

    const created = await stack.client.createRollout({
      tags: ['dry'],
      dryRun: true,
      params: { pageContent: 'dry' },
    });
    const done = await stack.client.waitForRollout(created.id, { timeoutMs: 120_000 });

    assert.equal(done.state, 'succeeded');
    assert.equal(done.dryRun, true);
    for (const run of done.switches) {
      const byStep = Object.fromEntries(run.steps.map((s) => [s.step, s]));
      assert.equal(byStep['configure-mgmt'].status, 'planned');
      // mgmt0 is already in VRF management on a fresh switch, so that line is not planned.
      assert.deepEqual(byStep['configure-mgmt'].commands, [
        'configure terminal',
        'feature bash-shell',
        'feature dhcp',
        'interface mgmt0',
        'ip address dhcp',
        'end',
        'copy running-config startup-config',
      ]);
      assert.equal(byStep['configure-mgmt'].changed, true);
      assert.ok(
        byStep['start-docker'].commands.includes('service docker start'),
        byStep['start-docker'].commands.join('; '),
      );
      assert.ok(
        byStep['deploy-container'].commands.includes(
          'ip netns exec management docker run -d -p 30080:80 --name web nginx',
        ),
      );
      assert.ok(run.steps.every((s) => s.status === 'planned'));
    }
    const afterRun = stack.fleet.switches.map((s) => JSON.stringify(s.snapshot()));
    assert.deepEqual(afterRun, before);
  });
});
