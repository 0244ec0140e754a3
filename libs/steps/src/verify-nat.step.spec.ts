import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SwitchyardError, isSwitchyardError, type ErrorCode } from '@switchyard/contracts';
import { FAST_TIMINGS, testContext } from './testing/context';
import {
  ScriptedSwitch,
  freshSwitchState,
  type ScriptedSwitchState,
} from './testing/scripted-switch';
import { VerifyNatStep } from './verify-nat.step';

function deployedSwitch(overrides: Partial<ScriptedSwitchState> = {}): ScriptedSwitch {
  return new ScriptedSwitch(
    freshSwitchState({
      features: { 'bash-shell': true, dhcp: true },
      mgmt0: { dhcp: true, vrf: 'management' },
      leaseDelayReads: 0,
      docker: { running: true, pid: 17962, carved: true, persistent: true },
      containers: [
        {
          id: 'b'.repeat(64),
          name: 'web',
          image: 'nginx',
          ports: [{ host: 30080, container: 80 }],
          running: true,
          page: 'NX-OS9000v\n',
        },
      ],
      ...overrides,
    }),
  );
}

const hasCode = (code: ErrorCode) => (err: unknown) => isSwitchyardError(err) && err.code === code;

describe('VerifyNatStep', () => {
  const step = new VerifyNatStep(FAST_TIMINGS);

  it('finds the DNAT rule and gets the page from the address the switch reports', async () => {
    const device = deployedSwitch();
    const context = testContext(device, { params: { pageContent: 'NX-OS9000v' } });

    const outcome = await step.run(context);

    assert.equal(outcome.changed, false);
    assert.deepEqual(outcome.commands, []);
    assert.deepEqual(outcome.facts, {
      mgmtAddress: '192.168.122.188',
      natRule: 'tcp dpt:30080 to:172.17.0.2:80',
      url: 'http://192.168.122.188:30080/',
      httpStatus: 200,
      httpBody: 'NX-OS9000v\n',
    });
    assert.deepEqual(context.httpCalls, ['http://192.168.122.188:30080/']);
    assert.deepEqual(device.changesSent(), []);
  });

  it('fails with VERIFY_FAILED when a port has no DNAT rule', async () => {
    const device = deployedSwitch({ containers: [] });

    await assert.rejects(
      step.run(testContext(device)),
      (err: unknown) =>
        hasCode('VERIFY_FAILED')(err) && /tcp dpt:30080/.test((err as Error).message),
    );
  });

  it('fails with HTTP_CHECK_FAILED on a status other than 200 or a different page', async () => {
    const notFound = testContext(deployedSwitch(), {
      httpGet: async () => ({ status: 404, body: 'nope' }),
    });
    const otherPage = testContext(deployedSwitch(), {
      params: { pageContent: 'mine' },
      httpGet: async () => ({ status: 200, body: 'theirs' }),
    });
    const refused = testContext(deployedSwitch(), {
      httpGet: async () => {
        throw new SwitchyardError('HTTP_CHECK_FAILED', 'connect ECONNREFUSED');
      },
    });

    await assert.rejects(
      step.run(notFound),
      (err: unknown) =>
        hasCode('HTTP_CHECK_FAILED')(err) && /status 404/.test((err as Error).message),
    );
    await assert.rejects(
      step.run(otherPage),
      (err: unknown) => hasCode('HTTP_CHECK_FAILED')(err) && /differs/.test((err as Error).message),
    );
    await assert.rejects(step.run(refused), hasCode('HTTP_CHECK_FAILED'));
    assert.ok(notFound.httpCalls.length >= 2, 'the check is retried until its deadline');
  });

  it('passes ADDRESS_NOT_ALLOWED through at once', async () => {
    const context = testContext(deployedSwitch(), {
      httpGet: async () => {
        throw new SwitchyardError(
          'ADDRESS_NOT_ALLOWED',
          '192.168.122.188 is outside the allowed networks',
        );
      },
    });

    await assert.rejects(step.run(context), hasCode('ADDRESS_NOT_ALLOWED'));
    assert.equal(context.httpCalls.length, 1);
  });

  it('reports what it sees in a dry run without an HTTP request or a failure', async () => {
    const context = testContext(deployedSwitch({ containers: [] }), { dryRun: true });

    const outcome = await step.run(context);

    assert.deepEqual(outcome.facts, {
      mgmtAddress: '192.168.122.188',
      natRule: null,
      url: 'http://192.168.122.188:30080/',
      httpStatus: null,
      httpBody: null,
    });
    assert.deepEqual(context.httpCalls, []);
    assert.equal(outcome.changed, false);
  });
});
