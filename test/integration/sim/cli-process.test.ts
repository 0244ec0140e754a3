import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

import { waitFor } from '../../support/wait';
import { connect, execCommand } from './sim-client';

const MAIN = join(__dirname, '../../../apps/switch-sim/src/main.ts');
const READY_TIMEOUT_MS = 20_000;

interface SimProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function startSim(args: string[]): SimProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN, ...args], {
    cwd: join(__dirname, '../../..'),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );

  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe('switch simulator: the npm run sim process', () => {
  const started: SimProcess[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'switch-sim-'));

  after(async () => {
    for (const sim of started) {
      if (sim.child.exitCode === null) sim.child.kill('SIGKILL');
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it(
    'prints one line per switch, serves SSH, and exits cleanly on SIGTERM',
    { timeout: 60_000 },
    async () => {
      const sim = startSim([
        '--count',
        '3',
        '--address',
        '127.0.25.254',
        '--port',
        '2405',
        '--username',
        'admin',
        '--password',
        'pw',
        '--time-scale',
        '0.05',
      ]);
      started.push(sim);
      const out = await waitFor(
        {
          what: 'the ready line',
          check: () => (/^ready: 3 switch/m.test(sim.stdout()) ? sim.stdout() : undefined),
          pending: () => sim.stderr(),
        },
        { timeoutMs: READY_TIMEOUT_MS },
      );
      const lines = out.trim().split('\n');
      assert.deepEqual(
        lines.slice(0, 3).map((l) => l.split(' ').slice(0, 2).join(' ')),
        [
          'n9k-sim-01 127.0.25.254:2405',
          'n9k-sim-02 127.0.25.255:2405',
          'n9k-sim-03 127.0.26.0:2405',
        ],
      );
      for (const line of lines.slice(0, 3)) assert.match(line, / SHA256:[A-Za-z0-9+/]{43}$/);
      assert.equal(lines[3], `ready: 3 switch(es) pid ${sim.child.pid}`);

      const client = await connect({
        host: '127.0.26.0',
        port: 2405,
        username: 'admin',
        password: 'pw',
      });
      try {
        assert.match((await execCommand(client, 'show version')).output, /Device name: n9k-sim-03/);
      } finally {
        client.end();
      }

      sim.child.kill('SIGTERM');
      assert.equal(await sim.exited, 0);
    },
  );

  it('refuses an address outside 127.0.0.0/8', { timeout: 30_000 }, async () => {
    const sim = startSim(['--count', '1', '--address', '192.168.1.10', '--port', '2406']);
    started.push(sim);
    assert.equal(await sim.exited, 2);
    assert.match(sim.stderr(), /--address 192\.168\.1\.10 is outside 127\.0\.0\.0\/8/);
  });

  it(
    'starts the fleet of a YAML file with per-switch behaviours',
    { timeout: 60_000 },
    async () => {
      const file = join(scratch, 'fleet.yaml');
      writeFileSync(
        file,
        [
          'timeScale: 0.05',
          'defaults: { port: 2407, username: admin, password: pw }',
          'generate: { count: 2, address: 127.0.27.1, namePrefix: leaf- }',
          'switches:',
          '  - name: N9K-LAB',
          '    address: 127.0.27.10',
          '    banner: |',
          '      #### AUTHORIZED USE ONLY ####',
          '    release: 10.3(1)',
          '',
        ].join('\n'),
      );
      const sim = startSim(['--fleet', file]);
      started.push(sim);
      const out = await waitFor(
        {
          what: 'the ready line',
          check: () => (/^ready: 3 switch/m.test(sim.stdout()) ? sim.stdout() : undefined),
          pending: () => sim.stderr(),
        },
        { timeoutMs: READY_TIMEOUT_MS },
      );
      assert.match(out, /^leaf-01 127\.0\.27\.1:2407 /m);
      assert.match(out, /^N9K-LAB 127\.0\.27\.10:2407 /m);

      const client = await connect({
        host: '127.0.27.10',
        port: 2407,
        username: 'admin',
        password: 'pw',
      });
      try {
        assert.match(
          (await execCommand(client, 'show version | include NXOS:')).output,
          /version 10\.3\(1\)/,
        );
      } finally {
        client.end();
      }
      sim.child.kill('SIGINT');
      assert.equal(await sim.exited, 0);
    },
  );

  it('explains what is wrong with a bad fleet file', { timeout: 30_000 }, async () => {
    const file = join(scratch, 'bad.yaml');
    writeFileSync(
      file,
      'switches:\n  - { name: x, address: 127.0.28.1, port: 2408, username: a, password: b, pagerLine: 5 }\n',
    );
    const sim = startSim(['--fleet', file]);
    started.push(sim);
    assert.equal(await sim.exited, 2);
    assert.match(sim.stderr(), /pagerLine/);
  });
});
