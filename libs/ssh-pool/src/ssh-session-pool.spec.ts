import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';

import { parseNetworkList } from '@switchyard/config';
import { SwitchyardError } from '@switchyard/contracts';

import { waitFor } from '../../../test/support/wait';
import type { SessionPool, SwitchTarget } from './session-pool';
import { createSessionPool, type SessionPoolOptions } from './ssh-session-pool';
import {
  startFreezableRelay,
  startTestSshServer,
  type TestSshServer,
  type TestSshServerOptions,
} from './testing/test-ssh-server';

const PASSWORD = 'Lab-Pass-123';
const LOOPBACK = parseNetworkList('127.0.0.0/8');

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function server(options: TestSshServerOptions = {}): Promise<TestSshServer> {
  const s = await startTestSshServer({
    password: PASSWORD,
    terminal: { hostname: 'N9K-LAB' },
    ...options,
  });
  cleanups.push(() => s.close());
  return s;
}

function pool(options: Partial<SessionPoolOptions> = {}): SessionPool {
  const p = createSessionPool({
    allowedNetworks: LOOPBACK,
    connectTimeoutMs: 5_000,
    loginTimeoutMs: 10_000,
    ...options,
  });
  cleanups.push(() => p.closeAll());
  return p;
}

function target(port: number, overrides: Partial<SwitchTarget> = {}): SwitchTarget {
  return {
    id: 'sw-1',
    name: 'N9K-LAB',
    host: '127.0.0.1',
    port,
    username: 'admin',
    password: PASSWORD,
    legacyAlgorithms: false,
    hostKey: null,
    ...overrides,
  };
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

describe('SessionPool on a local SSH server', () => {
  it('logs in once and reuses the session across acquires', async () => {
    const s = await server({ terminal: { commands: { 'show clock': '12:00:00 UTC' } } });
    const p = pool();

    for (let i = 0; i < 3; i++) {
      const lease = await p.acquire(target(s.port));
      assert.equal((await lease.session.run('show clock')).output, '12:00:00 UTC');
      assert.deepEqual(p.stats(), { connections: 1, leased: 1 });
      lease.release();
    }

    assert.equal(s.logins, 1);
    assert.deepEqual(p.stats(), { connections: 1, leased: 0 });
  });

  it('resets a released session to exec mode on the next acquire', async () => {
    const s = await server();
    const p = pool();

    const first = await p.acquire(target(s.port));
    await first.session.ensureMode('config');
    first.release();

    const second = await p.acquire(target(s.port));
    assert.equal(second.session.mode, 'exec');
    assert.equal(s.terminals[0].mode, 'exec');
    second.release();
  });

  it('makes a second acquire on the same switch wait its turn, in order, and lets a signal cancel it', async () => {
    const s = await server();
    const p = pool();
    const order: string[] = [];

    const first = await p.acquire(target(s.port));
    const second = p.acquire(target(s.port)).then((lease) => {
      order.push('second');
      return lease;
    });
    const controller = new AbortController();
    const cancelled = p.acquire(target(s.port), { signal: controller.signal });
    const third = p.acquire(target(s.port)).then((lease) => {
      order.push('third');
      return lease;
    });

    controller.abort();
    await rejectsWithCode(cancelled, 'CANCELLED');
    assert.deepEqual(order, []);

    first.release();
    (await second).release();
    (await third).release();
    assert.deepEqual(order, ['second', 'third']);
    assert.equal(s.logins, 1);
  });

  it('closes the channel and connection on discard, and reconnects on the next acquire', async () => {
    const s = await server();
    const p = pool();

    const lease = await p.acquire(target(s.port));
    lease.discard('test discards it');
    await waitFor({
      what: 'the server to see the session closed',
      check: () => (s.openShells === 0 && s.openConnections === 0 ? true : undefined),
      pending: () => `${s.openShells} shells, ${s.openConnections} connections`,
    });
    assert.equal(p.stats().connections, 0);

    (await p.acquire(target(s.port))).release();
    assert.equal(s.logins, 2);
  });

  it('closes a connection left idle for idleCloseMs', async () => {
    const s = await server();
    const p = pool({ idleCloseMs: 100 });

    (await p.acquire(target(s.port))).release();
    await waitFor({
      what: 'the idle connection to close',
      check: () => (p.stats().connections === 0 && s.openConnections === 0 ? true : undefined),
    });
  });

  it('runs 100 commands on a server allowing 10 channels per connection (N3)', async () => {
    const s = await server({
      maxChannelsPerConnection: 10,
      terminal: { commands: { 'show clock': 'tick' } },
    });
    const p = pool();

    for (let i = 0; i < 100; i++) {
      const lease = await p.acquire(target(s.port));
      assert.equal((await lease.session.run('show clock')).output, 'tick');
      lease.release();
    }
    assert.equal(s.openShells, 1);
  });

  it('replaces the connection after a refused channel open, and fails with CHANNEL_OPEN_FAILED when that fails too', async () => {
    const once1 = await server({ refusedChannelOpens: 1 });
    const lease = await pool().acquire(target(once1.port));
    assert.equal(lease.session.mode, 'exec');
    assert.equal(once1.logins, 2);
    lease.release();

    const always = await server({ refusedChannelOpens: 1_000 });
    await rejectsWithCode(pool().acquire(target(always.port)), 'CHANNEL_OPEN_FAILED');
  });

  it('keeps to maxConnections: closes an idle connection first, else waits for one to be freed', async () => {
    const s = await server();
    // Idle connections would otherwise stay open far longer than this test may take.
    const p = pool({ maxConnections: 1, idleCloseMs: 600_000 });

    (await p.acquire(target(s.port, { id: 'a' }))).release();
    const b = await p.acquire(target(s.port, { id: 'b' }));
    assert.deepEqual(p.stats(), { connections: 1, leased: 1 });

    let cGranted = false;
    const c = p.acquire(target(s.port, { id: 'c' })).then((lease) => {
      cGranted = true;
      return lease;
    });
    assert.equal(cGranted, false);

    b.release();
    const lease = await waitFor(
      { what: 'c to get the freed connection', check: () => (cGranted ? c : undefined) },
      { timeoutMs: 20_000 },
    );
    assert.deepEqual(p.stats(), { connections: 1, leased: 1 });
    lease.release();
    assert.equal(s.logins, 3);
  });

  it('closeAll leaves no session or connection open on the server', async () => {
    const s = await server();
    const p = createSessionPool({ allowedNetworks: LOOPBACK });
    const held = await p.acquire(target(s.port, { id: 'a' }));
    (await p.acquire(target(s.port, { id: 'b' }))).release();
    assert.equal(s.openShells, 2);

    await p.closeAll();
    assert.deepEqual(p.stats(), { connections: 0, leased: 0 });
    assert.equal(held.session.broken, true);
    await waitFor({
      what: 'the server to see every session closed',
      check: () => (s.openShells === 0 && s.openConnections === 0 ? true : undefined),
      pending: () => `${s.openShells} shells, ${s.openConnections} connections`,
    });
    await rejectsWithCode(p.acquire(target(s.port)), 'CONNECTION_DROPPED');
  });
});

describe('SessionPool address and host key checks', () => {
  it('refuses a target outside the allowed networks before connecting', async () => {
    const s = await server();
    const p = pool({ allowedNetworks: parseNetworkList('127.0.0.2/32') });

    const err = await rejectsWithCode(p.acquire(target(s.port)), 'ADDRESS_NOT_ALLOWED');
    assert.match(err.message, /127\.0\.0\.2\/32/);
    assert.equal(s.openConnections, 0);
    assert.equal(s.logins, 0);
  });

  it('accepts a matching pinned key and learns an unpinned one through onHostKeyLearned', async () => {
    const s = await server();
    const learned: Array<[string, string]> = [];
    const p = pool({ onHostKeyLearned: (id, fingerprint) => void learned.push([id, fingerprint]) });

    (await p.acquire(target(s.port, { id: 'unpinned' }))).release();
    assert.deepEqual(learned, [['unpinned', s.fingerprint]]);
    assert.match(s.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);

    (await p.acquire(target(s.port, { id: 'pinned', hostKey: pin(s.fingerprint) }))).release();
    assert.equal(learned.length, 1);
  });

  it('fails with HOST_KEY_MISMATCH and no login attempt when the pinned key differs', async () => {
    const s = await server();
    const other = `SHA256:${'A'.repeat(43)}`;

    const err = await rejectsWithCode(
      pool().acquire(target(s.port, { hostKey: pin(other) })),
      'HOST_KEY_MISMATCH',
    );
    assert.match(err.message, new RegExp(s.fingerprint.replace(/[+/]/g, '\\$&')));
    assert.equal(s.logins, 0);
  });
});

describe('SessionPool negotiation and authentication (N1)', () => {
  it('fails with ALGORITHM_MISMATCH against a legacy-only server without the flag, and connects with it', async () => {
    const s = await server({ legacyOnly: true });

    const err = await rejectsWithCode(pool().acquire(target(s.port)), 'ALGORITHM_MISMATCH');
    assert.match(err.message, /legacyAlgorithms/);

    const lease = await pool().acquire(target(s.port, { legacyAlgorithms: true }));
    assert.equal(lease.session.hostname, 'N9K-LAB');
    lease.release();
  });

  it('logs in to a keyboard-interactive-only server', async () => {
    const s = await server({ keyboardInteractiveOnly: true });
    const lease = await pool().acquire(target(s.port));
    assert.equal(lease.session.mode, 'exec');
    lease.release();
  });

  it('fails with AUTH_FAILED on a wrong password', async () => {
    const s = await server();
    await rejectsWithCode(
      pool().acquire(target(s.port, { password: 'wrong-password' })),
      'AUTH_FAILED',
    );
  });

  it('fails with CONNECTION_REFUSED when nothing listens', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    probe.close();
    await once(probe, 'close');

    await rejectsWithCode(pool().acquire(target(port)), 'CONNECTION_REFUSED');
  });

  it('fails with CONNECT_TIMEOUT when the handshake never completes', async () => {
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    cleanups.push(async () => {
      silent.close();
    });

    const p = pool({ connectTimeoutMs: 300 });
    await rejectsWithCode(
      p.acquire(target((silent.address() as AddressInfo).port)),
      'CONNECT_TIMEOUT',
    );
    assert.equal(p.stats().connections, 0);
  });
});

describe('SessionPool faults', () => {
  it('fails fast with SESSION_LIMIT when the switch prints a session-limit line and closes (S5)', async () => {
    const s = await server({ maxSessions: 1 });
    const p = pool();
    const held = await p.acquire(target(s.port, { id: 'first' }));

    await rejectsWithCode(p.acquire(target(s.port, { id: 'second' })), 'SESSION_LIMIT');
    held.release();
    await p.closeAll();
    await waitFor({
      what: 'no session left open',
      check: () => (s.openShells === 0 ? true : undefined),
      pending: () => `${s.openShells} shells open`,
    });
  });

  it('detects a frozen peer within the keepalive window and drops the connection (N2)', async () => {
    const s = await server({
      terminal: {
        commands: { 'show slow': { output: 'never seen', delayMs: 60_000 }, 'show clock': 'tick' },
      },
    });
    const relay = await startFreezableRelay(s.port);
    cleanups.push(() => relay.close());
    const p = pool({ keepaliveIntervalMs: 200, keepaliveCountMax: 2, commandTimeoutMs: 30_000 });

    const lease = await p.acquire(target(relay.port));
    await lease.session.run('show clock');
    const running = lease.session.run('show slow');
    relay.freeze();

    await rejectsWithCode(running, 'KEEPALIVE_TIMEOUT');
    assert.equal(lease.session.broken, true);
    lease.discard('keepalive timeout');
    await waitFor({
      what: 'the dead connection to leave the pool',
      check: () => (p.stats().connections === 0 ? true : undefined),
    });
  });

  it('rejects a command with CONNECTION_DROPPED when the server goes away', async () => {
    const s = await startTestSshServer({
      password: PASSWORD,
      terminal: { commands: { 'show slow': { output: 'never', delayMs: 60_000 } } },
    });
    const p = pool();
    const lease = await p.acquire(target(s.port));

    const running = lease.session.run('show slow');
    await s.close();
    await rejectsWithCode(running, 'CONNECTION_DROPPED');
    lease.release();
    await waitFor({
      what: 'the dropped connection to leave the pool',
      check: () => (p.stats().connections === 0 ? true : undefined),
    });
  });
});
