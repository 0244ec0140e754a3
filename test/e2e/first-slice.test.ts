import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { STEP_NAMES, type RolloutView } from '@switchyard/contracts';
import { fleetFromCount } from '../../apps/switch-sim/src';
import { startStack, stackPassword, type Stack } from '../support/stack';

const PAGE = 'Deployed by Switchyard e2e';

describe('a rollout of the four steps to three simulated switches', () => {
  let stack: Stack;
  let first: RolloutView;

  before(async () => {
    const password = stackPassword();
    stack = await startStack({
      password,
      switches: fleetFromCount({
        count: 3,
        address: '127.0.31.1',
        port: 2222,
        username: 'admin',
        password,
      }),
    });
    // The submissions go through the real HTTP stack with supertest, as a portal's would.
    const http = request(stack.api.getHttpServer());
    for (const sim of stack.fleet.switches) {
      await http
        .post('/v1/switches')
        .set('authorization', `Bearer ${stack.token}`)
        .send({
          name: sim.name,
          host: sim.address,
          port: sim.port,
          credentialRef: 'lab',
          tags: ['e2e'],
        })
        .expect(201);
    }
    const created = await http
      .post('/v1/rollouts')
      .set('authorization', `Bearer ${stack.token}`)
      .send({ tags: ['e2e'], params: { pageContent: PAGE } })
      .expect(202);
    const rolloutId = (created.body as { id: string }).id;
    first = await stack.client.waitForRollout(rolloutId, { timeoutMs: 60_000 });
  });

  after(async () => {
    await stack?.close();
  });

  it('succeeds on every switch with all four steps changed where needed', () => {
    assert.equal(
      first.state,
      'succeeded',
      JSON.stringify(first.switches.map((s) => [s.switchName, s.state, s.error])),
    );
    assert.equal(first.switches.length, 3);
    for (const run of first.switches) {
      assert.deepEqual(
        run.steps.map((s) => [s.step, s.status]),
        STEP_NAMES.map((step) => [step, 'succeeded']),
      );
      const changed = Object.fromEntries(run.steps.map((s) => [s.step, s.changed]));
      assert.deepEqual(changed, {
        'configure-mgmt': true,
        'start-docker': true,
        'deploy-container': true,
        'verify-nat': false,
      });
    }
  });

  it('serves the page over real HTTP on each switch mgmt0 address parsed from the switch', async () => {
    for (const run of first.switches) {
      const nat = run.steps.find((s) => s.step === 'verify-nat')!;
      const sim = stack.fleet.byName(run.switchName);
      assert.equal(nat.facts.mgmtAddress, sim.address);
      const response = await fetch(`http://${String(nat.facts.mgmtAddress)}:30080/`);
      assert.equal(response.status, 200);
      assert.equal((await response.text()).trim(), PAGE);
    }
  });

  it('pins each switch host key on first use', async () => {
    const switches = await stack.client.listSwitches();
    for (const sw of switches) {
      assert.equal(sw.hostKey?.source, 'first-use');
      assert.equal(sw.hostKey?.fingerprint, stack.fleet.byName(sw.name).hostKeyFingerprint);
    }
  });

  it('changes nothing when the same rollout runs again', async () => {
    const created = await stack.client.createRollout({
      tags: ['e2e'],
      params: { pageContent: PAGE },
    });
    const again = await stack.client.waitForRollout(created.id, { timeoutMs: 120_000 });
    assert.equal(again.state, 'succeeded');
    const steps = again.switches.flatMap((s) => s.steps);
    assert.equal(steps.length, 12);
    assert.deepEqual(
      steps.filter((s) => s.changed).map((s) => s.step),
      [],
    );
    for (const sim of stack.fleet.switches) {
      assert.equal(sim.state.containers.size, 1, `one container on ${sim.name}`);
    }
  });
});
