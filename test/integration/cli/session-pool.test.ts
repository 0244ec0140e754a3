import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';

import { parseNetworkList } from '@switchyard/config';
import { SwitchyardError } from '@switchyard/contracts';
import { createRootLogger } from '@switchyard/logging';
import {
  createSessionPool,
  type SessionPool,
  type SessionPoolOptions,
  type SwitchTarget,
} from '@switchyard/ssh-pool';

import { startFleet, type SimFleet, type SimSwitchOptions } from '../../../apps/switch-sim/src';
import { waitFor } from '../../support/wait';

const USERNAME = 'admin';
const PASSWORD = 'Sim-Pass-8472';
const LOOPBACK = parseNetworkList('127.0.0.0/8');

/** Device durations run 100 times faster than on a real switch. */
const FAST = 0.01;

let nextSwitch = 1;
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** One simulated switch on its own loopback address. */
async function simSwitch(
  options: Partial<SimSwitchOptions> = {},
  timeScale = FAST,
): Promise<{ fleet: SimFleet; target: (overrides?: Partial<SwitchTarget>) => SwitchTarget }> {
  const n = nextSwitch++;
  const name = options.name ?? `N9K-CLI-${n}`;
  const address = `127.0.31.${n}`;
  const port = 2500 + n;
  const fleet = await startFleet({
    timeScale,
    switches: [{ name, address, port, username: USERNAME, password: PASSWORD, ...options }],
  });
  cleanups.push(() => fleet.close());

  return {
    fleet,
    target: (overrides = {}) => ({
      id: name,
      name,
      host: address,
      port,
      username: USERNAME,
      password: PASSWORD,
      legacyAlgorithms: false,
      hostKey: null,
      ...overrides,
    }),
  };
}

function pool(options: Partial<SessionPoolOptions> = {}): SessionPool {
  const p = createSessionPool({ allowedNetworks: LOOPBACK, ...options });
  cleanups.push(() => p.closeAll());
  return p;
}

function pin(fingerprint: string): SwitchTarget['hostKey'] {
  return { fingerprint, source: 'registered', pinnedAt: new Date(0).toISOString() };
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<SwitchyardError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}, got success`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SwitchyardError, `expected SwitchyardError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

function capturingLogger() {
  let text = '';
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { logger: createRootLogger({ level: 'trace', destination }), text: () => text };
}

describe('CLI sessions over SSH to the switch simulator', () => {
  it('logs in once for several acquires and runs commands', async () => {
    const { fleet, target } = await simSwitch();
    const sim = fleet.switches[0];
    const p = pool();

    for (let i = 0; i < 3; i++) {
      const lease = await p.acquire(target());
      const version = await lease.session.run('show version');
      assert.match(version.output, /NXOS: version 9\.3\(1\)/);
      assert.doesNotMatch(version.output, /show version|# $/);
      lease.release();
    }

    assert.equal(sim.openConnections(), 1);
    assert.equal(sim.activeSessions(), 1);
    assert.deepEqual(p.stats(), { connections: 1, leased: 0 });
  });

  it('finds every prompt of a hostname with _ and . and returns to exec on the next acquire (S1)', async () => {
    const { target } = await simSwitch({ name: 'n9k_lab.dc1-01' });
    const p = pool();

    const lease = await p.acquire(target());
    assert.equal(lease.session.hostname, 'n9k_lab.dc1-01');
    await lease.session.ensureMode('config');
    await lease.session.run('interface mgmt0');
    assert.equal(lease.session.mode, 'config-if');
    lease.release();

    const again = await p.acquire(target());
    assert.equal(again.session.mode, 'exec');
    again.release();
  });

  it('reads a 32-character hostname and a maint-mode prompt', async () => {
    const name = 'A'.repeat(16) + '_b.c-' + 'd'.repeat(11);
    assert.equal(name.length, 32);
    const { target } = await simSwitch({ name, maintenanceMode: true });

    const lease = await pool().acquire(target());
    assert.equal(lease.session.hostname, name);
    assert.equal(lease.session.mode, 'exec');
    assert.match((await lease.session.run('show version')).output, /NXOS/);
    lease.release();
  });

  it('takes the prompt after a banner with # and > lines and a 1.5 s pause, with no banner in the output (S2)', async () => {
    const banner = [
      '####################',
      '#### AUTHORIZED USE ONLY ####',
      'Unauthorised access is logged >',
      '####################',
    ].join('\n');
    const { target } = await simSwitch(
      { name: 'N9K-LAB', banner, motd: 'Maintenance window on Sunday #', loginDelayMs: 1_500 },
      1,
    );

    const lease = await pool().acquire(target());
    assert.equal(lease.session.hostname, 'N9K-LAB');
    const version = await lease.session.run('show version');
    assert.match(version.output, /^Cisco Nexus Operating System/);
    assert.doesNotMatch(version.output, /AUTHORIZED|####|Maintenance window/);
    lease.release();
  });

  it('returns complete output without pager text when terminal length 0 is refused (S4)', async () => {
    const plain = await simSwitch();
    const paged = await simSwitch({ pagerLines: 24, refuseTerminalLength: true });
    const p = pool();

    const reference = await p.acquire(plain.target());
    const expected = (await reference.session.run('show running-config')).output;
    reference.release();
    assert.ok(expected.split('\n').length > 24, 'the command pages at 24 lines');

    const lease = await p.acquire(paged.target());
    const output = (await lease.session.run('show running-config')).output;
    assert.doesNotMatch(output, /--More--/);
    const sameSwitch = (text: string, t: SwitchTarget) =>
      normaliseVolatile(text).replaceAll(t.name, 'HOST').replaceAll(t.host, 'ADDRESS');
    assert.equal(sameSwitch(output, paged.target()), sameSwitch(expected, plain.target()));
    lease.release();
  });

  it('answers the sudo prompt once, tracks both mode changes and never logs the password (S7)', async () => {
    const { target } = await simSwitch({ sudoPassword: true, featuresEnabled: ['bash-shell'] });
    const { logger, text } = capturingLogger();
    const p = pool({ logger });

    const lease = await p.acquire(target());
    await lease.session.ensureMode('root-bash');
    assert.equal(lease.session.mode, 'root-bash');
    assert.match((await lease.session.run('whoami')).output, /^root$/m);
    await lease.session.ensureMode('exec');
    assert.equal(lease.session.mode, 'exec');

    const transcript = lease.session.takeTranscript();
    assert.deepEqual(
      transcript.map((e) => e.command),
      ['run bash sudo su -', 'whoami', 'exit'],
    );
    assert.ok(!JSON.stringify(transcript).includes(PASSWORD));
    assert.ok(!text().includes(PASSWORD));
    lease.release();
  });

  it('enters root bash without a sudo prompt too', async () => {
    const { target } = await simSwitch({ featuresEnabled: ['bash-shell'] });
    const lease = await pool().acquire(target());
    await lease.session.ensureMode('root-bash');
    assert.equal(lease.session.mode, 'root-bash');
    await lease.session.ensureMode('config');
    assert.equal(lease.session.mode, 'config');
    lease.release();
  });

  it('answers (y/n) confirmations as CommandOptions.confirm says', async () => {
    const { target } = await simSwitch({ confirmations: ['copy running-config startup-config'] });
    const lease = await pool().acquire(target());

    const copied = await lease.session.run('copy running-config startup-config', { confirm: 'y' });
    assert.doesNotMatch(copied.output, /\(y\/n\)\s*\[n\]\s*$/);
    assert.equal(lease.session.mode, 'exec');
    await rejectsWithCode(
      lease.session.run('copy running-config startup-config'),
      'UNEXPECTED_OUTPUT',
    );
    assert.equal(lease.session.broken, true);
    lease.discard('unanswered confirmation');
  });

  it('sets terminal width 511 so long lines arrive unwrapped on a switch that wraps at 80', async () => {
    const { target } = await simSwitch({ wrapColumns: 80 });
    const lease = await pool().acquire(target());

    const version = await lease.session.run('show version');
    const documents = version.output.split('\n').find((line) => line.startsWith('Documents:'));
    assert.equal(
      documents,
      'Documents: http://www.cisco.com/en/US/products/ps9372/tsd_products_support_series_home.html',
    );
    lease.release();
  });

  it('rejects an unknown command with INVALID_COMMAND and keeps the session usable', async () => {
    const { target } = await simSwitch();
    const lease = await pool().acquire(target());

    const err = await rejectsWithCode(lease.session.run('show run eigrp'), 'INVALID_COMMAND');
    assert.match(err.message, /show run eigrp/);
    assert.equal(lease.session.broken, false);
    assert.match((await lease.session.run('show version')).output, /NXOS/);
    lease.release();
  });

  it('succeeds with slow answers under their deadline, and throws the session away when one is missed (S6)', async () => {
    // Nominal 8 s for the first command and 16 s for `show clock`, scaled by FAST.
    const { target } = await simSwitch({
      firstCommandDelayMs: 8_000,
      slowCommands: { 'show clock': 16_000, 'show hostname': 16_000 },
    });
    const p = pool();

    const lease = await p.acquire(target());
    assert.match(
      (await lease.session.run('show clock', { timeoutMs: 10_000 })).output,
      /\d\d:\d\d:\d\d/,
    );

    await rejectsWithCode(lease.session.run('show hostname', { timeoutMs: 20 }), 'COMMAND_TIMEOUT');
    assert.equal(lease.session.broken, true);
    await rejectsWithCode(lease.session.run('show version'), 'COMMAND_TIMEOUT');
    lease.release();

    const fresh = await p.acquire(target());
    assert.notEqual(fresh.session, lease.session);
    const version = await fresh.session.run('show version', { timeoutMs: 10_000 });
    assert.match(version.output, /^Cisco Nexus Operating System/);
    assert.ok(
      !version.output.split('\n').includes(target().name),
      'the late `show hostname` answer is not in the result',
    );
    fresh.release();
  });

  it('reports CONNECTION_DROPPED when the switch drops the connection, and reconnects', async () => {
    const { fleet, target } = await simSwitch({ dropAfterCommands: 3 });
    const p = pool();

    // terminal length and width were commands 1 and 2.
    const lease = await p.acquire(target());
    await rejectsWithCode(lease.session.run('show version'), 'CONNECTION_DROPPED');
    lease.discard('connection dropped');

    const again = await p.acquire(target());
    assert.equal(again.session.broken, false);
    again.release();
    await p.closeAll();
    await waitFor({
      what: 'no session left on the switch',
      check: () => (fleet.switches[0].activeSessions() === 0 ? true : undefined),
    });
  });
});

describe('SSH negotiation against the switch simulator (N1)', () => {
  it('pins host keys: a matching pin logs in, a different one fails with HOST_KEY_MISMATCH', async () => {
    const { fleet, target } = await simSwitch();
    const sim = fleet.switches[0];
    const learned: string[] = [];
    const p = pool({ onHostKeyLearned: (_id, fingerprint) => void learned.push(fingerprint) });

    (await p.acquire(target({ id: 'learn' }))).release();
    assert.deepEqual(learned, [sim.hostKeyFingerprint]);
    (await p.acquire(target({ id: 'pinned', hostKey: pin(sim.hostKeyFingerprint) }))).release();

    await rejectsWithCode(
      p.acquire(target({ id: 'wrong', hostKey: pin(`SHA256:${'x'.repeat(43)}`) })),
      'HOST_KEY_MISMATCH',
    );
  });

  it('connects to a legacy-only switch only with legacyAlgorithms, and says why otherwise', async () => {
    const { target } = await simSwitch({ legacyOnly: true });
    const p = pool();

    const err = await rejectsWithCode(p.acquire(target()), 'ALGORITHM_MISMATCH');
    assert.match(err.message, /legacyAlgorithms/);

    const lease = await p.acquire(target({ legacyAlgorithms: true }));
    assert.match((await lease.session.run('show version')).output, /NXOS/);
    lease.release();
  });

  it('logs in to a keyboard-interactive-only switch, and fails with AUTH_FAILED on a wrong password', async () => {
    const { target } = await simSwitch({ keyboardInteractiveOnly: true });
    const p = pool();

    const lease = await p.acquire(target());
    assert.equal(lease.session.mode, 'exec');
    lease.release();

    await rejectsWithCode(
      p.acquire(target({ id: 'bad', password: 'not-the-password' })),
      'AUTH_FAILED',
    );
  });

  it('refuses a switch outside the allowed networks before connecting', async () => {
    const { fleet, target } = await simSwitch();
    await rejectsWithCode(
      pool({ allowedNetworks: parseNetworkList('127.0.99.0/24') }).acquire(target()),
      'ADDRESS_NOT_ALLOWED',
    );
    assert.equal(fleet.switches[0].openConnections(), 0);
  });
});

describe('Session limits and channels on the switch simulator', () => {
  it('fails the third login with SESSION_LIMIT, then runs 100 jobs and leaves no session open (S5)', async () => {
    const { fleet, target } = await simSwitch({ maxSessions: 2 });
    const sim = fleet.switches[0];
    const p = pool();

    const first = await p.acquire(target({ id: 'a' }));
    const second = await p.acquire(target({ id: 'b' }));
    await rejectsWithCode(p.acquire(target({ id: 'c' })), 'SESSION_LIMIT');
    first.release();
    second.release();

    const ids = ['a', 'b'];
    await Promise.all(
      ids.map(async (id) => {
        for (let job = 0; job < 50; job++) {
          const lease = await p.acquire(target({ id }));
          await lease.session.run('show clock');
          lease.release();
        }
      }),
    );
    assert.equal(sim.activeSessions(), 2);

    await p.closeAll();
    await waitFor({
      what: 'every session of ours to close on the switch',
      check: () => (sim.activeSessions() === 0 && sim.openConnections() === 0 ? true : undefined),
      pending: () => `${sim.activeSessions()} sessions, ${sim.openConnections()} connections`,
    });
  });

  it('runs 100 commands on a switch with 10 channels per connection and one channel open per connection (N3)', async () => {
    const { fleet, target } = await simSwitch({
      maxChannelsPerConnection: 10,
      maxChannelOpensPerConnection: 1,
    });
    const p = pool();

    for (let i = 0; i < 100; i++) {
      const lease = await p.acquire(target());
      assert.match((await lease.session.run('show clock')).output, /\d\d:\d\d:\d\d/);
      lease.release();
    }
    assert.equal(fleet.switches[0].activeSessions(), 1);
  });
});

/** `show running-config` carries the time it was printed. */
function normaliseVolatile(text: string): string {
  return text.replace(/^!Time:.*$/m, '!Time:');
}
