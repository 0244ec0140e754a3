import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startFleet, type SimFleet } from '../../apps/switch-sim/src';

/** Debian's python3-netmiko lives with the system interpreter (`.ci/run` installs it). */
const SYSTEM_PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, 'netmiko_nxos.py');
const NETMIKO_RUN_TIMEOUT_MS = 90_000;

const login = { address: '127.0.12.1', port: 2322, username: 'admin', password: 'netmiko-pass' };

function runNetmiko(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), NETMIKO_RUN_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('Netmiko cisco_nxos against the simulator', () => {
  let fleet: SimFleet;

  before(async () => {
    fleet = await startFleet({
      timeScale: 0.05,
      switches: [{ name: 'n9k_lab.dc1-01', ...login, dockerRunning: true }],
    });
  });

  after(async () => {
    await fleet?.close();
  });

  it(
    'logs in, runs show version, a config set and a one-shot root bash command',
    { timeout: NETMIKO_RUN_TIMEOUT_MS + 10_000 },
    async () => {
      const run = await runNetmiko([
        '127.0.12.1',
        String(login.port),
        login.username,
        login.password,
      ]);
      assert.equal(run.code, 0, `netmiko failed: ${run.stderr}`);

      const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, string>;
      assert.equal(result.prompt, 'n9k_lab.dc1-01#');
      assert.match(result.show_version!, /NXOS: version 9\.3\(1\)/);
      assert.match(result.show_version!, /Device name: n9k_lab\.dc1-01/);
      assert.match(result.config!, /n9k_lab\.dc1-01\(config\)# /);
      assert.doesNotMatch(result.config!, /% Invalid/);
      assert.match(result.show_feature!, /bash-shell\s+1\s+enabled/);
      assert.match(result.docker_status!, /^dockerd \(pid\s+\d+\) is running\.\.\.$/);
      assert.ok(fleet.byName('n9k_lab.dc1-01').state.features.has('bash-shell'));
      assert.doesNotMatch(run.stdout + run.stderr, /netmiko-pass/);
    },
  );
});
