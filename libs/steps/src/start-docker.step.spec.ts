import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { DOCKER_START_TIMEOUT_MS, StartDockerStep } from './start-docker.step';
import { FAST_TIMINGS, testContext } from './testing/context';
import { ScriptedSwitch, freshSwitchState } from './testing/scripted-switch';

const READY = {
  features: { 'bash-shell': true, dhcp: true },
  mgmt0: { dhcp: true, vrf: 'management' },
  leaseDelayReads: 0,
};

describe('StartDockerStep', () => {
  const step = new StartDockerStep(FAST_TIMINGS);

  it('starts the daemon through the noisy first start, with a deadline for carving, and persists it', async () => {
    const device = new ScriptedSwitch(freshSwitchState(READY));

    const outcome = await step.run(testContext(device));

    assert.equal(outcome.changed, true);
    assert.deepEqual(outcome.commands, ['service docker start', 'chkconfig --add docker']);
    assert.deepEqual(outcome.facts, {
      daemon: 'running',
      pid: 17962,
      persistent: true,
      storageCarved: true,
    });
    assert.equal(step.commandTimeoutMs, 180_000);
    assert.equal(device.timeouts.get('service docker start'), DOCKER_START_TIMEOUT_MS);
    assert.ok(outcome.transcript.some((e) => e.command === 'run bash sudo su -'));
    assert.ok(outcome.transcript.some((e) => /losetup: .*Warning/.test(e.output)));
  });

  it('changes nothing when run a second time', async () => {
    const device = new ScriptedSwitch(freshSwitchState(READY));
    await step.run(testContext(device));
    const sentBefore = device.changesSent().length;

    const outcome = await step.run(testContext(device));

    assert.equal(outcome.changed, false);
    assert.deepEqual(outcome.commands, []);
    assert.deepEqual(outcome.facts, {
      daemon: 'running',
      pid: 17962,
      persistent: true,
      storageCarved: false,
    });
    assert.equal(device.changesSent().length, sentBefore);
  });

  it('plans the start and the persistence in a dry run and sends neither', async () => {
    const device = new ScriptedSwitch(freshSwitchState(READY));

    const outcome = await step.run(testContext(device, { dryRun: true }));

    assert.deepEqual(
      [outcome.changed, outcome.commands],
      [true, ['service docker start', 'chkconfig --add docker']],
    );
    assert.deepEqual(device.changesSent(), []);
    assert.deepEqual(outcome.facts, {
      daemon: 'stopped',
      pid: null,
      persistent: false,
      storageCarved: false,
    });
  });

  it('plans the start in a dry run before the Bash shell is enabled, without trying to enter it', async () => {
    const device = new ScriptedSwitch(freshSwitchState());

    const outcome = await step.run(testContext(device, { dryRun: true }));

    assert.deepEqual(outcome.commands, ['service docker start', 'chkconfig --add docker']);
    assert.equal(device.sent.includes('run bash sudo su -'), false);
    assert.equal(device.mode, 'exec');
  });

  it('restarts a daemon stopped by a reload without carving again, and leaves persistence alone when not asked', async () => {
    const device = new ScriptedSwitch(
      freshSwitchState({
        ...READY,
        docker: { running: false, pid: 4242, carved: true, persistent: false },
      }),
    );

    const outcome = await step.run(testContext(device, { params: { persistDocker: false } }));

    assert.deepEqual(outcome.commands, ['service docker start']);
    assert.deepEqual(outcome.facts, {
      daemon: 'running',
      pid: 4242,
      persistent: null,
      storageCarved: false,
    });
    assert.equal(
      device.sent.some((c) => c.startsWith('chkconfig')),
      false,
    );
  });

  it('fails with DOCKER_NOT_RUNNING when dockerd never reports running after the start', async () => {
    const device = new ScriptedSwitch(
      freshSwitchState({
        ...READY,
        daemonDiesAtStart: true,
        docker: { running: false, pid: 1, carved: true, persistent: true },
      }),
    );

    await assert.rejects(
      step.run(testContext(device)),
      (err: unknown) => isSwitchyardError(err) && err.code === 'DOCKER_NOT_RUNNING',
    );
    assert.ok(device.sent.filter((c) => c === 'service docker status').length > 2);
  });

  it('refuses releases older than 9.2(1) with UNSUPPORTED_VERSION before entering Bash', async () => {
    const device = new ScriptedSwitch(freshSwitchState({ ...READY, release: '7.0(3)I7(1)' }));

    await assert.rejects(
      step.run(testContext(device)),
      (err: unknown) =>
        isSwitchyardError(err) && err.code === 'UNSUPPORTED_VERSION' && !err.retryable,
    );
    assert.equal(device.mode, 'exec');
  });

  it('reports INSUFFICIENT_BOOTFLASH as permanent after a single start attempt', async () => {
    const device = new ScriptedSwitch(freshSwitchState({ ...READY, freeBootflashMb: 150 }));

    await assert.rejects(
      step.run(testContext(device)),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.code === 'INSUFFICIENT_BOOTFLASH' &&
        !err.retryable &&
        /150 MB free/.test(err.message),
    );
    assert.equal(device.sent.filter((c) => c === 'service docker start').length, 1);
  });
});
