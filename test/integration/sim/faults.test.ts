import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { Client as SshClient, type Client } from 'ssh2';

import { startFleet, type SimFleet } from '../../../apps/switch-sim/src';
import { waitFor } from '../../support/wait';
import { ShellDriver, connect, execCommand } from './sim-client';

const BASE = { port: 2404, username: 'admin', password: 'admin' };
const TIME_SCALE = 0.01;
const BANNER =
  '#### AUTHORIZED USE ONLY ####\nAccess to this device is logged.\nrouter>\nuse at your own risk #';
const login = (host: string) => ({
  host,
  port: BASE.port,
  username: BASE.username,
  password: BASE.password,
});

/** A shell channel stays open until closed, unlike an exec channel. */
function openChannel(client: Client): Promise<{ close(): void }> {
  return new Promise((resolve, reject) => {
    client.shell(false, (err, stream) =>
      err ? reject(err) : resolve({ close: () => stream.close() }),
    );
  });
}

describe('switch simulator: behaviours of difficult switches', () => {
  let fleet: SimFleet;

  before(async () => {
    fleet = await startFleet({
      timeScale: TIME_SCALE,
      switches: [
        {
          name: 'N9K-LAB',
          address: '127.0.24.1',
          ...BASE,
          banner: BANNER,
          motd: 'Maintenance window on Sunday',
          loginDelayMs: 150_000,
        },
        {
          name: 'pager',
          address: '127.0.24.2',
          ...BASE,
          // No pagerLines: a refused `terminal length 0` leaves the default 24-line pager.
          refuseTerminalLength: true,
          wrapColumns: 80,
        },
        {
          name: 'slow',
          address: '127.0.24.3',
          ...BASE,
          firstCommandDelayMs: 8_000,
          slowCommands: { 'copy running-config startup-config': 16_000 },
          latencyMs: 100,
          jitterMs: 50,
        },
        {
          name: 'N9K-SUDO',
          address: '127.0.24.4',
          ...BASE,
          username: 'operator',
          sudoPassword: true,
          featuresEnabled: ['bash-shell'],
          confirmations: ['copy running-config startup-config'],
        },
        { name: 'limited', address: '127.0.24.5', ...BASE, maxSessions: 2 },
        { name: 'channels', address: '127.0.24.6', ...BASE, maxChannelOpensPerConnection: 12 },
        { name: 'dropper', address: '127.0.24.7', ...BASE, dropAfterCommands: 3 },
        { name: 'flaky', address: '127.0.24.10', ...BASE, dropProbability: 1 },
        { name: 'legacy', address: '127.0.24.8', ...BASE, legacyOnly: true },
        {
          name: 'kbd',
          address: '127.0.24.9',
          ...BASE,
          keyboardInteractiveOnly: true,
          sshBanner: 'Pre-login notice\n',
        },
      ],
    });
  });

  after(async () => {
    await fleet?.close();
  });

  it('shows the banner and motd, pauses, then prints the prompt (S2)', async () => {
    const started = Date.now();
    const cli = await ShellDriver.open(login('127.0.24.1'));
    try {
      const first = await cli.waitFor(/N9K-LAB# $/);
      assert.ok(
        Date.now() - started >= 150_000 * TIME_SCALE,
        'the prompt came before the login delay',
      );
      assert.equal(
        first,
        `${BANNER}\nMaintenance window on Sunday\nN9K-LAB# `.replace(/\n/g, '\r\n'),
      );
      assert.equal(await cli.run('show hostname', /N9K-LAB# $/), 'N9K-LAB \n');
    } finally {
      cli.close();
    }
  });

  it('pages with --More-- when terminal length 0 is refused, and wraps at 80 columns (S4)', async () => {
    const cli = await ShellDriver.open(login('127.0.24.2'));
    try {
      await cli.waitFor(/pager# $/);
      assert.equal(
        await cli.run('terminal length 0', /pager# $/),
        '% Permission denied for the role\n',
      );
      cli.write('show running-config\n');
      const firstPage = (await cli.waitFor(/--More--$/)).replace(/\r\n/g, '\n');
      assert.equal(
        firstPage.split('\n').length - 2,
        24,
        'the command echo, 24 lines, then --More--',
      );
      cli.write(' ');
      let rest = '';
      while (!/pager# $/.test(rest)) {
        rest += await cli.waitFor(/(--More--|pager# )$/);
        if (rest.endsWith('--More--')) cli.write(' ');
      }
      assert.match(rest, /boot nxos bootflash:\/nxos\.9\.3\.1\.bin/);
      const wrapped = await cli.run('show version | include Documents', /pager# $/);
      assert.equal(wrapped.split('\n')[0]!.length, 80);

      cli.write('show version\n');
      await cli.waitFor(/--More--$/);
      cli.write('q');
      const afterQuit = await cli.waitFor(/pager# $/);
      assert.doesNotMatch(afterQuit, /Active Package/);
      const whole = await cli.run('show running-config | no-more', /pager# $/);
      assert.doesNotMatch(whole, /--More--/);
      assert.match(whole, /boot nxos bootflash:/);
      assert.equal(await cli.run('terminal width 511', /pager# $/), '');
      const unwrapped = await cli.run('show version | include Documents', /pager# $/);
      assert.equal(
        unwrapped,
        'Documents: http://www.cisco.com/en/US/products/ps9372/tsd_products_support_series_home.html\n',
      );
    } finally {
      cli.close();
    }
  });

  it('answers the first command and listed slow commands late, but completely (S6)', async () => {
    const cli = await ShellDriver.open(login('127.0.24.3'));
    try {
      await cli.waitFor(/slow# $/);
      let started = Date.now();
      assert.equal(await cli.run('show hostname', /slow# $/), 'slow \n');
      assert.ok(Date.now() - started >= 8_000 * TIME_SCALE, 'the first command was not delayed');
      started = Date.now();
      // Listed in its full form, typed abbreviated: still slow.
      const copy = await cli.run('copy run start', /slow# $/);
      assert.ok(Date.now() - started >= 16_000 * TIME_SCALE, 'the slow command was not delayed');
      assert.equal(
        copy,
        '[########################################] 100%\nCopy complete, now saving to disk (please wait)...\nCopy complete.\n',
      );
    } finally {
      cli.close();
    }
  });

  it('asks the sudo password once, without echo, for a non-admin account (S7)', async () => {
    const cli = await ShellDriver.open({ ...login('127.0.24.4'), username: 'operator' });
    try {
      await cli.waitFor(/N9K-SUDO# $/);
      cli.write('run bash sudo su -\n');
      const ask = await cli.waitFor(/\[sudo\] password for operator: $/);
      assert.equal(ask, 'run bash sudo su -\r\n[sudo] password for operator: ');
      cli.write('wrong\n');
      assert.match(await cli.waitFor(/password for operator: $/), /Sorry, try again\./);
      cli.write(`${BASE.password}\n`);
      const root = await cli.waitFor(/root@N9K-SUDO#$/);
      assert.doesNotMatch(root, new RegExp(BASE.password));
      assert.equal(await cli.run('exit', /N9K-SUDO# $/), 'logout\n');
      assert.equal(
        await cli.run('run bash sudo su -', /root@N9K-SUDO#$/),
        '',
        'asked a second time',
      );
      assert.equal(await cli.run('exit', /N9K-SUDO# $/), 'logout\n');
    } finally {
      cli.close();
    }

    const client = await connect({ ...login('127.0.24.4'), username: 'operator' });
    try {
      const oneShot = await execCommand(client, 'run bash sudo service docker status');
      assert.equal(oneShot.output, 'sudo: no tty present and no askpass program specified\n');
    } finally {
      client.end();
    }
  });

  it('asks (y/n)  [n] for listed commands unless terminal dont-ask is set', async () => {
    const cli = await ShellDriver.open({ ...login('127.0.24.4'), username: 'operator' });
    try {
      await cli.waitFor(/N9K-SUDO# $/);
      cli.write('copy running-config startup-config\n');
      await cli.waitFor(/Do you want to continue\? \(y\/n\)  \[n\] $/);
      assert.equal(await cli.run('n', /N9K-SUDO# $/), '');
      cli.write('copy run start\n');
      await cli.waitFor(/\(y\/n\)  \[n\] $/);
      assert.match(await cli.run('y', /N9K-SUDO# $/), /Copy complete\.\n$/);
      assert.equal(await cli.run('terminal dont-ask', /N9K-SUDO# $/), '');
      assert.match(
        await cli.run('copy running-config startup-config', /N9K-SUDO# $/),
        /^\[#+\] 100%/,
      );
    } finally {
      cli.close();
    }
  });

  it('refuses a session over the limit with a message and closes that login (S5)', async () => {
    const sim = fleet.byName('limited');
    const first = await ShellDriver.open(login('127.0.24.5'));
    const second = await ShellDriver.open(login('127.0.24.5'));
    await first.waitFor(/limited# $/);
    await second.waitFor(/limited# $/);
    assert.equal(sim.activeSessions(), 2);

    const third = await ShellDriver.open(login('127.0.24.5'));
    const refused = await third.waitClosed();
    assert.match(refused, /^% Session limit reached/);
    third.close();

    first.write('exit\n');
    await first.waitClosed();
    first.close();
    await waitFor({
      what: 'one free session',
      check: () => (sim.activeSessions() === 1 ? true : undefined),
    });
    const fourth = await ShellDriver.open(login('127.0.24.5'));
    try {
      await fourth.waitFor(/limited# $/);
    } finally {
      fourth.close();
      second.close();
    }
  });

  it('allows 10 channels at once per connection and refuses further opens (N3)', async () => {
    const client = await connect(login('127.0.24.6'));
    try {
      const open = await Promise.all(Array.from({ length: 10 }, () => openChannel(client)));
      await assert.rejects(openChannel(client), /open failure|prohibited/i);
      for (const channel of open) channel.close();
    } finally {
      client.end();
    }

    const reused = await connect(login('127.0.24.6'));
    try {
      for (let i = 0; i < 12; i++)
        assert.equal((await execCommand(reused, 'show hostname')).output, 'channels \n');
      // The injected failure: this connection has used up its channel opens.
      await assert.rejects(execCommand(reused, 'show hostname'), /open failure|prohibited/i);
    } finally {
      reused.end();
    }
  });

  it('drops the connection on every third command without answering it', async () => {
    const cli = await ShellDriver.open(login('127.0.24.7'));
    await cli.waitFor(/dropper# $/);
    assert.equal(await cli.run('show hostname', /dropper# $/), 'dropper \n');
    assert.equal(await cli.run('show hostname', /dropper# $/), 'dropper \n');
    cli.write('show hostname\n');
    const last = await cli.waitClosed();
    assert.doesNotMatch(last, /dropper \r\n/);
    cli.close();
  });

  it('drops the connection on a command with the configured probability', async () => {
    const client = await connect(login('127.0.24.10'));
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.exec('show version', () => undefined);
    await closed;
    assert.equal(fleet.byName('flaky').openConnections(), 0);
  });

  it('offers only group14-sha1 and ssh-rsa on a legacy switch (N1)', async () => {
    await assert.rejects(
      connect(login('127.0.24.8'), {
        algorithms: { kex: ['curve25519-sha256', 'ecdh-sha2-nistp256'] },
      }),
      /handshake failed|no matching/i,
    );
    const client = await connect(login('127.0.24.8'), {
      algorithms: { kex: ['diffie-hellman-group14-sha1'], serverHostKey: ['ssh-rsa'] },
    });
    try {
      assert.equal((await execCommand(client, 'show hostname')).output, 'legacy \n');
    } finally {
      client.end();
    }
  });

  it('accepts only keyboard-interactive logins when so configured (N1)', async () => {
    await assert.rejects(
      connect(login('127.0.24.9'), { tryKeyboard: false }),
      /authentication methods failed/i,
    );
    let banner = '';
    const client = await new Promise<Client>((resolve, reject) => {
      const c = new SshClient();
      c.on('banner', (text: string) => (banner += text));
      c.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
        assert.deepEqual(prompts, [{ prompt: 'Password: ', echo: false }]);
        finish([BASE.password]);
      });
      c.once('ready', () => resolve(c));
      c.once('error', reject);
      c.connect({ ...login('127.0.24.9'), tryKeyboard: true });
    });
    try {
      assert.equal((await execCommand(client, 'show hostname')).output, 'kbd \n');
    } finally {
      client.end();
    }
    assert.match(banner, /^Pre-login notice\n/);
  });

  it('presents a new host key after rotation', async () => {
    const sim = fleet.byName('N9K-LAB');
    const seen = async (): Promise<string> => {
      let fingerprint = '';
      const client = await connect(login('127.0.24.1'), {
        hostVerifier: (key: Buffer) => {
          fingerprint = `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
          return true;
        },
      });
      client.end();
      return fingerprint;
    };
    const before = sim.hostKeyFingerprint;
    assert.equal(await seen(), before);
    sim.rotateHostKey();
    assert.notEqual(sim.hostKeyFingerprint, before);
    assert.equal(await seen(), sim.hostKeyFingerprint);
  });
});
