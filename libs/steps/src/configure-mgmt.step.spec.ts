import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { ConfigureMgmtStep } from './configure-mgmt.step';
import { FAST_TIMINGS, testContext } from './testing/context';
import { ScriptedSwitch, freshSwitchState } from './testing/scripted-switch';

const FULL_CHANGE = [
  'configure terminal',
  'feature bash-shell',
  'feature dhcp',
  'interface mgmt0',
  'ip address dhcp',
  'end',
  'copy running-config startup-config',
];

describe('ConfigureMgmtStep', () => {
  const step = new ConfigureMgmtStep(FAST_TIMINGS);

  it('enables the features, puts mgmt0 on DHCP and waits for the lease', async () => {
    const device = new ScriptedSwitch(freshSwitchState({ leaseDelayReads: 2 }));

    const outcome = await step.run(testContext(device));

    assert.equal(outcome.changed, true);
    assert.deepEqual(outcome.commands, FULL_CHANGE);
    assert.deepEqual(outcome.facts, {
      mgmtAddress: '192.168.122.188',
      gateway: '192.168.122.1',
      vrf: 'management',
    });
    assert.equal(
      device.sent.filter((c) => c === 'show ip interface brief vrf management').length,
      3,
    );
    assert.deepEqual(outcome.transcript.map((e) => e.command).slice(0, 3), [
      'show feature',
      'show running-config interface mgmt0',
      'configure terminal',
    ]);
    assert.equal(device.mode, 'exec');
  });

  it('changes nothing when run a second time', async () => {
    const device = new ScriptedSwitch();
    await step.run(testContext(device));
    const sentBefore = device.changesSent().length;

    const outcome = await step.run(testContext(device));

    assert.equal(outcome.changed, false);
    assert.deepEqual(outcome.commands, []);
    assert.equal(device.changesSent().length, sentBefore);
    assert.equal(outcome.facts.mgmtAddress, '192.168.122.188');
  });

  it('plans the exact commands in a dry run and sends only observations', async () => {
    const device = new ScriptedSwitch();

    const outcome = await step.run(testContext(device, { dryRun: true }));

    assert.equal(outcome.changed, true);
    assert.deepEqual(outcome.commands, FULL_CHANGE);
    assert.deepEqual(device.changesSent(), []);
    assert.equal(device.sent.includes('configure terminal'), false);
    assert.deepEqual(outcome.facts, { mgmtAddress: null, gateway: null, vrf: 'management' });
  });

  it('moves mgmt0 into the management VRF before asking for DHCP', async () => {
    const device = new ScriptedSwitch(
      freshSwitchState({
        features: { 'bash-shell': true, dhcp: true },
        mgmt0: { dhcp: true, vrf: null },
      }),
    );

    const outcome = await step.run(testContext(device));

    assert.deepEqual(outcome.commands, [
      'configure terminal',
      'interface mgmt0',
      'vrf member management',
      'ip address dhcp',
      'end',
      'copy running-config startup-config',
    ]);
    assert.equal(outcome.facts.mgmtAddress, '192.168.122.188');
  });

  it('fails with MGMT_NOT_READY when no lease comes before the deadline', async () => {
    const device = new ScriptedSwitch(freshSwitchState({ dhcpServerDown: true }));

    await assert.rejects(
      step.run(testContext(device)),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.code === 'MGMT_NOT_READY' &&
        /mgmt0 has no address/.test(err.message),
    );
    assert.ok(device.sent.filter((c) => c === 'show ip interface brief vrf management').length > 1);
  });
});
