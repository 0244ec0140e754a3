import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RolloutView } from '@switchyard/contracts';
import { loadFleetFile } from '../../apps/switch-sim/src';
import { startStack, type Stack } from '../support/stack';

/** The switches of the fleet file meant to fail, and the code each must end with. */
const EXPECTED_FAILURES: Record<string, string> = {
  'low-bootflash': 'INSUFFICIENT_BOOTFLASH',
  'small-storage': 'NO_SPACE_ON_DEVICE',
  'old-release': 'UNSUPPORTED_VERSION',
  'name-taken': 'NAME_IN_USE',
  'port-taken': 'PORT_IN_USE',
  'legacy-unflagged': 'ALGORITHM_MISMATCH',
  'wrong-password': 'AUTH_FAILED',
  'new-host-key': 'HOST_KEY_MISMATCH',
};

describe('a rollout over a fleet of difficult switches (apps/switch-sim/fleets/difficult.yaml)', () => {
  let stack: Stack;
  let done: RolloutView;

  before(async () => {
    const fleetFile = loadFleetFile('apps/switch-sim/fleets/difficult.yaml');
    stack = await startStack({
      password: 'admin',
      switches: fleetFile.switches,
      timeScale: fleetFile.timeScale,
      workerConcurrency: fleetFile.switches.length,
      credentials: { wrong: { username: 'admin', password: 'not-the-password' } },
    });

    const someoneElsesKey = stack.fleet.byName('low-bootflash').hostKeyFingerprint;
    for (const sim of stack.fleet.switches) {
      await stack.client.registerSwitch({
        name: sim.name,
        host: sim.address,
        port: sim.port,
        credentialRef: sim.name === 'wrong-password' ? 'wrong' : 'lab',
        legacyAlgorithms: sim.name === 'legacy-ssh',
        hostKeyFingerprint: sim.name === 'new-host-key' ? someoneElsesKey : undefined,
        tags: ['difficult'],
      });
    }

    const created = await stack.client.createRollout({
      tags: ['difficult'],
      params: { pageContent: 'difficult fleet' },
      strategy: { concurrency: fleetFile.switches.length, maxFailurePercentage: 100 },
    });
    done = await stack.client.waitForRollout(created.id, { timeoutMs: 240_000 });
  });

  after(async () => {
    await stack?.close();
  });

  it('succeeds on every switch that is difficult but sound', () => {
    const sound = done.switches.filter((s) => !(s.switchName in EXPECTED_FAILURES));
    assert.equal(sound.length, 12);
    const notOk = sound
      .filter((s) => s.state !== 'succeeded')
      .map((s) => `${s.switchName}: ${s.state} ${s.error?.code} ${s.error?.message}`);
    assert.deepEqual(notOk, []);
    for (const run of sound) {
      const nat = run.steps.find((s) => s.step === 'verify-nat');
      assert.equal(nat?.facts.httpBody, 'difficult fleet', run.switchName);
    }
  });

  it('ends each switch meant to fail with its own code and a hint that says what to do', () => {
    for (const [name, code] of Object.entries(EXPECTED_FAILURES)) {
      const run = done.switches.find((s) => s.switchName === name);
      assert.equal(run?.state, 'failed', `${name} should fail`);
      assert.equal(run?.error?.code, code, `${name}: ${run?.error?.message}`);
      assert.ok((run?.error?.hint.length ?? 0) > 20, `${name} has a hint`);
    }
    assert.equal(done.state, 'failed');
  });

  it('never retried a permanent failure', () => {
    for (const name of Object.keys(EXPECTED_FAILURES)) {
      const run = done.switches.find((s) => s.switchName === name);
      assert.equal(run?.attempts, 1, `${name} ran once`);
    }
  });

  it('left no CLI session open on any switch', async () => {
    await stack.close();
    for (const sim of stack.fleet.switches) assert.equal(sim.activeSessions(), 0, sim.name);
  });
});
