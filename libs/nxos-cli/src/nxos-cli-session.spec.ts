import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';

import { SwitchyardError } from '@switchyard/contracts';
import { createRootLogger } from '@switchyard/logging';

import { openNxosCliSession, type NxosCliSessionOptions } from './nxos-cli-session';
import { matchAnyPrompt, promptMatcherFor, splitTrailingShellPrompt } from './prompts';
import { FakeTerminal, type FakeTerminalOptions } from './testing/fake-terminal';

const PASSWORD = 'Lab-Pass-123';

/** Login output settles quickly in these tests; the real default is longer. */
const QUIET_MS = 60;

async function open(
  fake: Partial<FakeTerminalOptions> = {},
  session: Partial<NxosCliSessionOptions> = {},
) {
  const terminal = new FakeTerminal({ hostname: 'N9K-LAB', password: PASSWORD, ...fake }).start();
  const cli = await openNxosCliSession(terminal.stream, {
    password: PASSWORD,
    loginQuietMs: QUIET_MS,
    ...session,
  });
  return { terminal, cli };
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

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<SwitchyardError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}, got success`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SwitchyardError, `expected SwitchyardError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

describe('NxosCliSession prompts', () => {
  const hostnames = ['N9K-LAB', 'n9k_lab.dc1-01', 'a'.repeat(32), 'sw.1-2_3'];

  for (const hostname of hostnames) {
    it(`finds every prompt form of hostname ${hostname}`, async () => {
      const { terminal, cli } = await open({
        hostname,
        commands: { 'show hostname': hostname },
      });
      assert.equal(cli.hostname, hostname);
      assert.equal(cli.mode, 'exec');

      const entry = await cli.run('show hostname');
      assert.equal(entry.output, hostname);

      await cli.ensureMode('config');
      assert.equal(cli.mode, 'config');
      await cli.run('interface mgmt0');
      assert.equal(cli.mode, 'config-if');
      await cli.ensureMode('exec');
      assert.equal(cli.mode, 'exec');
      assert.equal(terminal.mode, 'exec');
      await cli.close();
    });
  }

  it('reads a maint-mode prompt as exec', async () => {
    const { cli } = await open({
      initialSubmode: 'maint-mode',
      commands: { 'show system mode': 'System Mode: Maintenance' },
    });
    assert.equal(cli.mode, 'exec');
    assert.equal((await cli.run('show system mode')).output, 'System Mode: Maintenance');
  });

  it('escapes the hostname: a prompt differing by a regex metacharacter is not ours', () => {
    const matchOurs = promptMatcherFor('n9k.lab');
    assert.equal(matchOurs('n9kXlab# '), null);
    assert.deepEqual(matchOurs('n9k.lab(config-if)# '), { hostname: 'n9k.lab', mode: 'config-if' });
    assert.deepEqual(matchOurs('root@n9k.lab#'), { hostname: null, mode: 'root-bash' });
  });

  it('reads no banner line as a prompt and no hostname longer than 32 characters', () => {
    for (const line of [
      '#### AUTHORIZED USE ONLY ####',
      'Disconnect now >',
      '*****#',
      'a'.repeat(33) + '# ',
    ]) {
      assert.equal(matchAnyPrompt(line), null, line);
    }
    assert.deepEqual(matchAnyPrompt('bash-4.3$ '), { hostname: null, mode: 'bash' });
    assert.deepEqual(matchAnyPrompt('bash-4.4# '), { hostname: null, mode: 'root-bash' });
  });

  it('tracks bash-4.3$, bash-4.4# and root prompts with and without a trailing space', async () => {
    for (const rootPromptWithoutSpace of [false, true]) {
      const { cli } = await open({
        rootPromptWithoutSpace,
        bashVersion: '4.4',
        commands: { id: 'uid=0(root) gid=0(root)' },
      });
      await cli.run('run bash');
      assert.equal(cli.mode, 'bash');
      await cli.ensureMode('exec');
      assert.equal(cli.mode, 'exec');

      await cli.ensureMode('root-bash');
      assert.equal(cli.mode, 'root-bash');
      assert.equal((await cli.run('id')).output, 'uid=0(root) gid=0(root)');
      await cli.ensureMode('exec');
      assert.equal(cli.mode, 'exec');
    }
  });
});

describe('NxosCliSession login', () => {
  const banner = [
    '',
    '####################################',
    '#### AUTHORIZED USE ONLY ####',
    'Disconnect now if you are not authorised >',
    'lab-core#',
    '####################################',
    '',
  ].join('\r\n');

  it('takes the repeating prompt after a banner with # and > lines and a 1.5 s pause (S2)', async () => {
    const { cli, terminal } = await open({
      banner,
      pauseBeforePromptMs: 1_500,
      commands: { 'show clock': '12:00:00.000 UTC Fri Dec 04 2026' },
    });
    assert.equal(cli.hostname, 'N9K-LAB');

    const entry = await cli.run('show clock');
    assert.equal(entry.output, '12:00:00.000 UTC Fri Dec 04 2026');
    assert.doesNotMatch(entry.output, /AUTHORIZED|####/);
    assert.ok(terminal.received.includes('terminal length 0'));
    assert.ok(terminal.received.includes('terminal width 511'));
  });

  it('finds the prompt when input typed during the pause is dropped', async () => {
    const { cli } = await open({
      banner,
      pauseBeforePromptMs: 400,
      dropInputDuringPause: true,
      commands: { 'show clock': 'now' },
    });
    assert.equal(cli.hostname, 'N9K-LAB');
    assert.equal((await cli.run('show clock')).output, 'now');
  });

  it('reads the real 9000v login banner from the fixtures', async () => {
    const motd =
      'Cisco NX-OS Software\r\n' +
      '*'.repeat(75) +
      '\r\n*  Nexus 9000v is strictly limited to use for evaluation  *\r\n' +
      '*'.repeat(75) +
      '\r\n';
    const { cli } = await open({
      hostname: 'sbx-ao',
      banner: motd,
      commands: { 'show version': 'NXOS: version 9.3(3)' },
    });
    assert.equal(cli.hostname, 'sbx-ao');
    assert.equal((await cli.run('show version')).output, 'NXOS: version 9.3(3)');
  });

  it('records no transcript for the terminal set-up', async () => {
    const { cli } = await open();
    assert.deepEqual(cli.takeTranscript(), []);
  });

  it('fails with SESSION_LIMIT when the switch prints a session-limit line and closes', async () => {
    const terminal = new FakeTerminal({ hostname: 'N9K-LAB' });
    terminal.print('Maximum number of sessions reached, closing connection\r\n');
    setImmediate(() => terminal.drop());
    await rejectsWithCode(
      openNxosCliSession(terminal.stream, { password: PASSWORD, loginQuietMs: QUIET_MS }),
      'SESSION_LIMIT',
    );
  });

  it('fails with CONNECTION_DROPPED when the channel closes before any prompt', async () => {
    const terminal = new FakeTerminal({ hostname: 'N9K-LAB' });
    terminal.print('Cisco NX-OS Software\r\n');
    setImmediate(() => terminal.drop());
    await rejectsWithCode(
      openNxosCliSession(terminal.stream, { password: PASSWORD, loginQuietMs: QUIET_MS }),
      'CONNECTION_DROPPED',
    );
  });
});

describe('NxosCliSession output', () => {
  const seventy = Array.from({ length: 70 }, (_, i) => `Ethernet1/${i + 1}    --    up`).join('\n');

  it('returns complete output with no pager text when terminal length 0 is refused (S4)', async () => {
    const { cli, terminal } = await open({
      refuseTerminalLength: true,
      commands: { 'show interface brief': seventy },
    });
    assert.equal(cli.paged, true);

    const entry = await cli.run('show interface brief');
    assert.equal(entry.output, seventy);
    assert.doesNotMatch(entry.output, /More/);
    assert.ok(terminal.sent.includes('--More--'), 'the fake did page');
  });

  it('removes reverse-video pager text followed by a plain line break', async () => {
    const { cli } = await open({
      refuseTerminalLength: true,
      ansi: true,
      pagerErase: '\r\n',
      commands: { 'show interface brief': seventy },
    });
    assert.equal((await cli.run('show interface brief')).output, seventy);
  });

  it('strips ANSI escapes and normalises \\r\\r\\n and \\r\\n', async () => {
    for (const lineEnding of ['\r\n', '\r\r\n']) {
      const { cli } = await open({
        ansi: true,
        lineEnding,
        commands: { 'show two': 'first\nsecond' },
      });
      assert.equal((await cli.run('show two')).output, 'first\nsecond');
      assert.equal((await cli.run('show ansi')).output, 'red and bold');
    }
  });

  it('finds the echo of a long command that the terminal wrapped over several lines', async () => {
    const long = `show logging last 1 | include ${'x'.repeat(200)}`;
    const { cli } = await open({ echoWrapColumns: 80, commands: { [long]: 'matched' } });
    const entry = await cli.run(long);
    assert.equal(entry.output, 'matched');
  });

  it('refuses a command of more than one line', async () => {
    const { cli, terminal } = await open();
    await rejectsWithCode(cli.run('show version\nreload'), 'INVALID_COMMAND');
    assert.ok(!terminal.received.includes('reload'));
    assert.equal(cli.broken, false);
  });

  it('rejects caret errors with INVALID_COMMAND naming the command', async () => {
    const { cli } = await open();
    const err = await rejectsWithCode(cli.run('show run eigrp'), 'INVALID_COMMAND');
    assert.match(err.message, /show run eigrp/);
    assert.equal(cli.broken, false);
    assert.equal(cli.takeTranscript().at(-1)?.command, 'show run eigrp');
  });

  it('answers a (y/n) confirmation with CommandOptions.confirm', async () => {
    const { cli, terminal } = await open();
    const entry = await cli.run('clear logging logfile', { confirm: 'y' });
    assert.match(entry.output, /Done\./);
    assert.equal(terminal.received.at(-1), 'y');
  });

  it('answers the (y/n)? form of reload with n', async () => {
    const { cli, terminal } = await open();
    const entry = await cli.run('reload', { confirm: 'n' });
    assert.match(entry.output, /Cancelled\./);
    assert.equal(terminal.received.at(-1), 'n');
  });

  it('fails a confirmation without an answer with UNEXPECTED_OUTPUT', async () => {
    const { cli } = await open();
    await rejectsWithCode(cli.run('clear logging logfile'), 'UNEXPECTED_OUTPUT');
    assert.equal(cli.broken, true);
  });
});

describe('NxosCliSession sudo (S7)', () => {
  it('sends the password once, never logs it nor records it, and tracks both mode changes', async () => {
    const { logger, text } = capturingLogger();
    const { cli, terminal } = await open(
      { sudoAsksPassword: true, username: 'admin', rootPromptWithoutSpace: true },
      { logger },
    );

    await cli.ensureMode('root-bash');
    assert.equal(cli.mode, 'root-bash');
    await cli.ensureMode('exec');
    assert.equal(cli.mode, 'exec');

    assert.equal(terminal.received.filter((line) => line === PASSWORD).length, 1);
    const transcript = cli.takeTranscript();
    assert.deepEqual(
      transcript.map((e) => e.command),
      ['run bash sudo su -', 'exit'],
    );
    assert.ok(!JSON.stringify(transcript).includes(PASSWORD));
    assert.ok(!text().includes(PASSWORD));
  });

  it('fails with AUTH_FAILED when sudo asks again', async () => {
    const terminal = new FakeTerminal({
      hostname: 'N9K-LAB',
      sudoAsksPassword: true,
      password: 'other-password',
    }).start();
    const cli = await openNxosCliSession(terminal.stream, {
      password: PASSWORD,
      loginQuietMs: QUIET_MS,
    });
    await rejectsWithCode(cli.ensureMode('root-bash'), 'AUTH_FAILED');
    assert.equal(terminal.received.filter((line) => line === PASSWORD).length, 1);
  });
});

describe('NxosCliSession deadlines and drops (S6)', () => {
  it('succeeds with a slow command when the deadline allows it', async () => {
    const { cli } = await open({
      commands: { 'show slow': { output: 'slow answer', delayMs: 300 } },
    });
    assert.equal((await cli.run('show slow', { timeoutMs: 5_000 })).output, 'slow answer');
  });

  it('times out with COMMAND_TIMEOUT, stays broken, and late output never lands in a later result', async () => {
    const { cli } = await open({
      commands: { 'show slow': { output: 'late answer', delayMs: 300 }, 'show fast': 'fast' },
    });
    await rejectsWithCode(cli.run('show slow', { timeoutMs: 50 }), 'COMMAND_TIMEOUT');
    assert.equal(cli.broken, true);
    assert.deepEqual(
      cli.takeTranscript().map((e) => [e.command, e.output]),
      [['show slow', '']],
    );

    await rejectsWithCode(cli.run('show fast'), 'COMMAND_TIMEOUT');
  });

  it('rejects with CONNECTION_DROPPED when the stream closes mid-command', async () => {
    const { cli, terminal } = await open({
      commands: { 'show slow': { output: 'never', delayMs: 10_000 } },
    });
    const running = cli.run('show slow');
    setImmediate(() => terminal.drop());
    await rejectsWithCode(running, 'CONNECTION_DROPPED');
    assert.equal(cli.broken, true);
  });
});

describe('NxosCliSession output edges', () => {
  it('splits a Bash prompt from output that has no final newline', () => {
    assert.deepEqual(splitTrailingShellPrompt('helloroot@N9K-LAB#', 'N9K-LAB'), {
      prompt: { hostname: null, mode: 'root-bash' },
      outputLength: 5,
    });
    assert.equal(splitTrailingShellPrompt('hello bash-4.3$ ', 'N9K-LAB')?.prompt.mode, 'bash');
    // Another host's root prompt, or a prompt alone on its line, is not this case.
    assert.equal(splitTrailingShellPrompt('helloroot@OTHER#', 'N9K-LAB'), null);
    assert.equal(splitTrailingShellPrompt('root@N9K-LAB#', 'N9K-LAB'), null);
  });

  it('leaves a short password that also appears in ordinary output alone', async () => {
    const { cli } = await open(
      { password: 'admin', commands: { 'show users': 'admin    pts/0  mgmt0  admin-up' } },
      { password: 'admin' },
    );
    assert.equal((await cli.run('show users')).output, 'admin    pts/0  mgmt0  admin-up');
  });
});

describe('NxosCliSession stacked prompts', () => {
  it('reads a maintenance-mode config prompt by its last part', () => {
    const match = promptMatcherFor('N9K-LAB');
    assert.deepEqual(match('N9K-LAB(maint-mode)(config)# '), {
      hostname: 'N9K-LAB',
      mode: 'config',
    });
    assert.deepEqual(match('N9K-LAB(maint-mode)(config-if)#'), {
      hostname: 'N9K-LAB',
      mode: 'config-if',
    });
    assert.deepEqual(matchAnyPrompt('N9K-LAB(maint-mode)# '), {
      hostname: 'N9K-LAB',
      mode: 'exec',
    });
  });
});
