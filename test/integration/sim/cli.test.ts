import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';
import { ShellDriver, connect, execCommand } from './sim-client';

const BASE = { port: 2402, username: 'admin', password: 'admin' };
const LONG_NAME = 'n9k-leaf-0123456789-abcdefghij_x'; // 32 characters, the NX-OS maximum

function escape(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$');
}

describe('switch simulator: NX-OS command line', () => {
  let fleet: SimFleet;

  before(async () => {
    fleet = await startFleet({
      timeScale: 0.01,
      switches: [
        { name: 'n9k_lab.dc1-01', address: '127.0.22.1', ...BASE, featuresEnabled: ['bash-shell'] },
        {
          name: LONG_NAME,
          address: '127.0.22.2',
          ...BASE,
          release: '10.3(1)',
          featuresEnabled: ['bash-shell'],
        },
        { name: 'N9K-MAINT', address: '127.0.22.3', ...BASE, maintenanceMode: true },
        { name: 'N9K-SAVE', address: '127.0.22.4', ...BASE, reloadLosesUnsavedConfig: true },
      ],
    });
  });

  after(async () => {
    await fleet?.close();
  });

  async function open(address: string, prompt: RegExp): Promise<ShellDriver> {
    const cli = await ShellDriver.open({
      host: address,
      port: BASE.port,
      username: BASE.username,
      password: BASE.password,
    });
    await cli.waitFor(prompt);

    return cli;
  }

  it('accepts unambiguous abbreviations of every keyword', async () => {
    const exec = escape('n9k_lab.dc1-01# ');
    const config = escape('n9k_lab.dc1-01(config)# ');
    const cli = await open('127.0.22.1', exec);
    try {
      assert.match(await cli.run('sh ip int br vrf management', exec), /mgmt0 {16}127\.0\.22\.1 /);
      assert.match(
        await cli.run('sh run int mgmt0', exec),
        /!Command: show running-config interface mgmt0\n/,
      );
      assert.match(await cli.run('sh ver', exec), /Device name: n9k_lab\.dc1-01\n/);
      assert.match(await cli.run('conf t', config), /^Enter configuration commands/);
      assert.equal(await cli.run('feat dh', config), '');
      assert.equal(await cli.run('end', exec), '');
      assert.match(await cli.run('config term', config), /^Enter configuration commands/);
      assert.equal(await cli.run('exit', exec), '');
      assert.match(await cli.run('show feature | i dhcp', exec), /^dhcp\s+1\s+enabled\n$/);
      assert.match(
        await cli.run('show clock', exec),
        /^Time source is NTP\n\d\d:\d\d:\d\d\.\d{3} UTC \w{3} \w{3} \d\d \d{4}\n$/,
      );
      assert.equal(
        await cli.run('show version | count', exec).then((n) => Number(n.trim()) > 20),
        true,
      );
    } finally {
      cli.close();
    }
  });

  it('answers bad input with a caret under the failing character and the NX-OS message', async () => {
    const prompt = 'n9k_lab.dc1-01# ';
    const exec = escape(prompt);
    const cli = await open('127.0.22.1', exec);
    try {
      // "bo" still continues `show boot`: the caret lands on the "g", as on a real switch.
      const invalid = await cli.run('show bogus', exec);
      assert.equal(
        invalid,
        `${' '.repeat(prompt.length + 'show bo'.length)}^\n% Invalid command at '^' marker.\n`,
      );
      const unknownWord = await cli.run('xyzzy', exec);
      assert.equal(
        unknownWord,
        `${' '.repeat(prompt.length)}^\n% Invalid command at '^' marker.\n`,
      );
      const ambiguous = await cli.run('te', exec);
      assert.equal(
        ambiguous,
        `${' '.repeat(prompt.length)}^\n% Ambiguous command at '^' marker.\n`,
      );
      const incomplete = await cli.run('show ip', exec);
      assert.equal(
        incomplete,
        `${' '.repeat(prompt.length + 'show ip'.length + 1)}^\n% Incomplete command at '^' marker.\n`,
      );

      await cli.run('configure terminal', escape('n9k_lab.dc1-01(config)# '));
      await cli.run('no feature dhcp', escape('n9k_lab.dc1-01(config)# '));
      const ifPrompt = escape('n9k_lab.dc1-01(config-if)# ');
      await cli.run('interface mgmt0', ifPrompt);
      const dhcpOff = await cli.run('ip address dhcp', ifPrompt);
      assert.equal(
        dhcpOff,
        `${' '.repeat('n9k_lab.dc1-01(config-if)# ip address '.length)}^\n% Invalid command at '^' marker.\n`,
      );
      assert.equal(await cli.run('ip address 127.0.22.1/24', ifPrompt), '');
      await cli.run('vrf context management', escape('n9k_lab.dc1-01(config-vrf)# '));
      assert.equal(
        await cli.run('ip route 0.0.0.0/0 127.0.22.254', escape('n9k_lab.dc1-01(config-vrf)# ')),
        '',
      );
      await cli.run('interface mgmt0', ifPrompt);
      assert.equal(await cli.run('exit', escape('n9k_lab.dc1-01(config)# ')), '');
      assert.equal(await cli.run('exit', exec), '');
      assert.match(
        await cli.run('show running-config', exec),
        /\nvrf context management\n {2}ip route 0\.0\.0\.0\/0 127\.0\.22\.254\n/,
      );
      assert.match(
        await cli.run('show ip route vrf management', exec),
        /0\.0\.0\.0\/0, ubest\/mbest: 1\/0\n {4}\*via 127\.0\.22\.254, \[1\/0\], \S+, static\n/,
      );
    } finally {
      cli.close();
    }
  });

  it('falls back to global configuration commands from interface mode', async () => {
    const cli = await open('127.0.22.1', escape('n9k_lab.dc1-01# '));
    try {
      await cli.run('configure terminal', escape('(config)# '));
      await cli.run('interface mgmt0', escape('(config-if)# '));
      assert.equal(await cli.run('feature nxapi', escape('n9k_lab.dc1-01(config)# ')), '');
      assert.ok(fleet.byName('n9k_lab.dc1-01').state.features.has('nxapi'));
    } finally {
      cli.close();
    }
  });

  it('shows the bash prompts of the release and the root prompt without a space', async () => {
    const exec93 = escape('n9k_lab.dc1-01# ');
    const cli = await open('127.0.22.1', exec93);
    try {
      assert.equal(await cli.run('run bash', escape('bash-4.3$ ')), '');
      assert.equal(await cli.run('whoami', escape('bash-4.3$ ')), 'admin\n');
      assert.equal(await cli.run('sudo su -', /root@n9k_lab\.dc1-01#$/), '');
      assert.equal(await cli.run('whoami', /root@n9k_lab\.dc1-01#$/), 'root\n');
      assert.equal(await cli.run('exit', escape('bash-4.3$ ')), 'logout\n');
      assert.equal(await cli.run('exit', exec93), 'exit\n');
      assert.equal(await cli.run('run bash echo one-shot', exec93), 'one-shot\n');
    } finally {
      cli.close();
    }

    const exec10 = escape(`${LONG_NAME}# `);
    const ten = await open('127.0.22.2', exec10);
    try {
      assert.equal(await ten.run('run bash', escape('bash-4.4$ ')), '');
      assert.equal(await ten.run('exit', exec10), 'exit\n');
      assert.match(await ten.run('show version | i NXOS:', exec10), /NXOS: version 10\.3\(1\)/);
      assert.equal(await ten.run('run bash sudo su -', new RegExp(`root@${LONG_NAME}#$`)), '');
    } finally {
      ten.close();
    }
  });

  it('shows the maintenance-mode prompt', async () => {
    const cli = await open('127.0.22.3', escape('N9K-MAINT(maint-mode)# '));
    try {
      assert.match(
        await cli.run('conf t', escape('N9K-MAINT(maint-mode)(config)# ')),
        /^Enter configuration/,
      );
    } finally {
      cli.close();
    }
  });

  it('serves a shell without a pty and lists its sessions in show users', async () => {
    const cli = await ShellDriver.open(
      { host: '127.0.22.1', port: BASE.port, username: BASE.username, password: BASE.password },
      { pty: false },
    );
    try {
      await cli.waitFor(escape('n9k_lab.dc1-01# '));
      const users = await cli.run('show users', escape('n9k_lab.dc1-01# '));
      assert.match(users, /^NAME {5}LINE {9}TIME {9}IDLE {10}PID COMMENT\nadmin {4}pts\/0 /);
      assert.equal(fleet.byName('n9k_lab.dc1-01').activeSessions(), 1);
    } finally {
      cli.close();
    }
  });

  it('comes back from a reload with the saved configuration only', async () => {
    const exec = escape('N9K-SAVE# ');
    const config = escape('N9K-SAVE(config)# ');
    const cli = await open('127.0.22.4', exec);
    await cli.run('configure terminal', config);
    await cli.run('feature dhcp', config);
    await cli.run('end', exec);
    assert.match(await cli.run('copy running-config startup-config', exec), /Copy complete\.\n$/);
    await cli.run('configure terminal', config);
    await cli.run('feature nxapi', config);
    await cli.run('end', exec);
    assert.match(await cli.run('show startup-config | include feature', exec), /^feature dhcp\n$/);

    const sim = fleet.byName('N9K-SAVE');
    await sim.reload();
    await cli.waitClosed();
    cli.close();
    assert.ok(sim.state.features.has('dhcp'));
    assert.ok(!sim.state.features.has('nxapi'));
  });

  it('closes the session on exit from exec mode', async () => {
    const cli = await open('127.0.22.1', escape('n9k_lab.dc1-01# '));
    cli.write('exit\n');
    await cli.waitClosed();
    cli.close();
  });

  it('runs commands over exec channels without a prompt', async () => {
    const client = await connect({
      host: '127.0.22.1',
      port: BASE.port,
      username: BASE.username,
      password: BASE.password,
    });
    try {
      const brief = await execCommand(client, 'show ip interface brief vrf all');
      assert.match(brief.output, /IP Interface Status for VRF "default"\(1\)/);
      assert.match(
        brief.output,
        /IP Interface Status for VRF "management"\(2\)\nInterface {12}IP Address {6}Interface Status\nmgmt0 /,
      );
      assert.doesNotMatch(brief.output, /# $/);
      const bad = await execCommand(client, 'show nothing-here');
      assert.match(bad.output, /% Invalid command at '\^' marker\./);
      assert.notEqual(bad.code, 0);
    } finally {
      client.end();
    }
  });

  it('refuses hostnames NX-OS refuses', async () => {
    await assert.rejects(
      startFleet({ switches: [{ name: `${LONG_NAME}z`, address: '127.0.22.9', ...BASE }] }),
      /hostname/,
    );
    await assert.rejects(
      startFleet({ switches: [{ name: 'bad', address: '10.0.0.1', ...BASE }] }),
      /outside 127\.0\.0\.0\/8/,
    );
  });
});
