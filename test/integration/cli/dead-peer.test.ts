import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { parseNetworkList } from '@switchyard/config';
import { SwitchyardError } from '@switchyard/contracts';
import { createSessionPool, type SessionPool, type SwitchTarget } from '@switchyard/ssh-pool';

import { waitFor } from '../../support/wait';

const ADDRESS = '127.0.32.1';
const PORT = 2601;
const NAME = 'N9K-FROZEN';
const PASSWORD = 'Sim-Pass-8472';

/** Keepalives every 200 ms, 2 missed allowed: a frozen peer is dropped after about 600 ms. */
const KEEPALIVE_INTERVAL_MS = 200;
const KEEPALIVE_COUNT_MAX = 2;

/** Far longer than the keepalive window, so only the keepalive can end the command. */
const COMMAND_TIMEOUT_MS = 60_000;

/** Waiting for the simulator process to print that it listens. */
const SIM_START_TIMEOUT_MS = 60_000;

describe('a switch whose process is frozen mid-command (N2)', () => {
  let sim: ChildProcess;
  let dir: string;
  let pool: SessionPool;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchyard-dead-peer-'));
    const fleetFile = join(dir, 'fleet.yaml');
    // `show clock` takes 30 s on this switch: the command is still running when it freezes.
    writeFileSync(
      fleetFile,
      [
        'timeScale: 1',
        'switches:',
        `  - { name: ${NAME}, address: ${ADDRESS}, port: ${PORT}, username: admin, password: ${PASSWORD}, slowCommands: { "show clock": 30000 } }`,
      ].join('\n'),
    );

    sim = spawn(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/switch-sim/src/main.ts', '--fleet', fleetFile],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let printed = '';
    sim.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    await waitFor(
      {
        what: 'the simulator to listen',
        check: () => (printed.includes('ready:') ? true : undefined),
        pending: () =>
          sim.exitCode === null ? `output so far: ${printed}` : `exited with ${sim.exitCode}`,
      },
      { timeoutMs: SIM_START_TIMEOUT_MS },
    );

    pool = createSessionPool({
      allowedNetworks: parseNetworkList('127.0.0.0/8'),
      keepaliveIntervalMs: KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    });
  });

  after(async () => {
    await pool?.closeAll();
    if (sim && sim.exitCode === null) {
      sim.kill('SIGCONT');
      sim.kill('SIGTERM');
      await once(sim, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails the command with KEEPALIVE_TIMEOUT and drops the connection from the pool', async () => {
    const target: SwitchTarget = {
      id: NAME,
      name: NAME,
      host: ADDRESS,
      port: PORT,
      username: 'admin',
      password: PASSWORD,
      legacyAlgorithms: false,
      hostKey: null,
    };
    const lease = await pool.acquire(target);
    assert.match((await lease.session.run('show version')).output, /NXOS/);

    const running = lease.session.run('show clock');
    sim.kill('SIGSTOP');

    const err = await running.then(
      () => assert.fail('the command cannot succeed on a frozen switch'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof SwitchyardError);
    assert.equal(err.code, 'KEEPALIVE_TIMEOUT', err.message);
    assert.equal(err.retryable, true);
    assert.equal(lease.session.broken, true);

    lease.discard('keepalive timeout');
    await waitFor({
      what: 'the dead connection to leave the pool',
      check: () => (pool.stats().connections === 0 ? true : undefined),
      pending: () => JSON.stringify(pool.stats()),
    });
  });
});
