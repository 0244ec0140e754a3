import type { Logger } from '@switchyard/logging';

import { homeOf, runBashLine, type BashContext } from './bash-shell';
import type { DeviceClock } from './clock';
import { CommandTree, type Failed, type Matched } from './command-tree';
import { KNOWN_FEATURES, type DeviceState } from './device-state';
import type { DockerDaemon } from './docker-daemon';
import type { DockerEngine, ShellIo } from './docker-engine';
import {
  CONFIGURE_BANNER,
  COPY_RUN_START_OUTPUT,
  bashVersion,
  caretError,
  showClock,
  showFeature,
  showInterfaceMgmt0,
  showIpIntBrief,
  showIpRoute,
  showRunningConfig,
  showVersion,
  showVrf,
} from './nxos-text';
import { HOSTNAME_PATTERN, type SimSwitchOptions } from './options';
import { CTRL_C, CTRL_Z, type Terminal } from './terminal';

/** What a CLI session needs from the switch it runs on. */
export interface SwitchHost {
  readonly options: SimSwitchOptions;
  readonly state: DeviceState;
  readonly engine: DockerEngine;
  readonly daemon: DockerDaemon;
  readonly clock: DeviceClock;
  readonly release: string;
  readonly logger?: Logger;
  /** Counts a received command; true when the fault plan drops the connection on it. */
  commandShouldDrop(): boolean;
  /** `ip address dhcp`: the lease arrives later. */
  requestDhcpLease(): void;
  /** `reload` answered with y. */
  reload(): Promise<void>;
  users(): { user: string; line: string; since: number; from: string }[];
}

type NxosMode = 'exec' | 'config' | 'config-if' | 'config-vrf';

interface BashLevel {
  root: boolean;
  /** `root@host#` after `su -`; `bash-4.3#` after `su`; `bash-4.3$` as the login user. */
  style: 'login-root' | 'root' | 'user';
  cwd: string;
}

/** Nominal time `copy running-config startup-config` takes when not listed in slowCommands. */
const COPY_RUN_START_MS = 1500;
const SUDO_ATTEMPTS = 3;
/** Lines per page of a vty that never ran `terminal length 0`. */
const DEFAULT_TERMINAL_LENGTH = 24;
/** Longest terminal width NX-OS accepts; at this width nothing wraps. */
const MAX_TERMINAL_WIDTH = 511;

/** The channel a session writes to and how it ends. */
export interface SessionChannel {
  /** Interactive shell (a terminal with echo and prompts) or undefined for an exec channel. */
  terminal?: Terminal;
  /** Raw write, for exec channels. */
  write(text: string): void;
  /** Ends the session (exit from exec mode). */
  end(): void;
  /** Drops the whole SSH connection without a word (fault injection). */
  drop(): void;
  /** True for the first command received on the SSH connection, false after. */
  takeFirstCommand(): boolean;
  user: string;
}

/** One NX-OS CLI session: modes, prompts, command trees, the bash shells under `run bash`. */
export class CliSession {
  private mode: NxosMode = 'exec';
  private readonly bash: BashLevel[] = [];
  private pagerLines?: number;
  private wrapColumns?: number;
  private dontAsk = false;
  private sudoCached = false;
  private ended = false;
  /** Output of the NX-OS command being run, before filters, wrapping and paging. */
  private out: string[] = [];

  constructor(
    private readonly host: SwitchHost,
    private readonly channel: SessionChannel,
  ) {
    // A role that may not change the terminal length keeps the NX-OS default of 24 lines.
    const pager =
      host.options.pagerLines ??
      (host.options.refuseTerminalLength ? DEFAULT_TERMINAL_LENGTH : undefined);
    this.pagerLines = channel.terminal ? pager : undefined;
    this.wrapColumns = channel.terminal ? host.options.wrapColumns : undefined;
  }

  get prompt(): string {
    const level = this.bash[this.bash.length - 1];
    const hostname = this.host.state.hostname;
    if (level) {
      if (level.style === 'login-root') return `root@${hostname}#`;
      return `bash-${bashVersion(this.host.release)}${level.root ? '#' : '$'} `;
    }
    const maint = this.host.options.maintenanceMode ? '(maint-mode)' : '';
    const suffix = {
      exec: '',
      config: '(config)',
      'config-if': '(config-if)',
      'config-vrf': '(config-vrf)',
    }[this.mode];

    return `${hostname}${maint}${suffix}# `;
  }

  /** Interactive shell: banner, prompt, read-eval loop until exit or close. */
  async runShell(): Promise<void> {
    const terminal = this.channel.terminal!;
    const { banner, motd, loginDelayMs } = this.host.options;
    if (banner) terminal.write(banner.endsWith('\n') ? banner : `${banner}\n`);
    if (motd) terminal.write(motd.endsWith('\n') ? motd : `${motd}\n`);
    if (loginDelayMs) await this.host.clock.wait(loginDelayMs);

    while (!this.ended && !terminal.isClosed) {
      terminal.write(this.prompt);
      const line = await terminal.readLine();
      if (line === undefined) return;
      await this.handleLine(line);
    }
  }

  /** Exec channel: one command, no prompt. Returns the exit status. */
  async runExec(command: string): Promise<number> {
    return this.handleLine(command);
  }

  private write(text: string): void {
    if (this.channel.terminal) this.channel.terminal.write(text);
    else this.channel.write(text);
  }

  private async handleLine(raw: string): Promise<number> {
    if (raw === CTRL_C) return 0;
    if (raw === CTRL_Z) {
      if (this.bash.length === 0) this.mode = 'exec';
      return 0;
    }
    const line = raw.trim();
    if (line === '') return 0;

    if (this.host.commandShouldDrop()) {
      this.host.logger?.info(
        { switch: this.host.state.hostname },
        'dropping the connection on a command (fault injection)',
      );
      this.channel.drop();
      return 0;
    }
    if (this.bash.length > 0) {
      await this.commandDelay([line]);
      return this.handleBash(line);
    }

    return this.handleNxos(line);
  }

  /** Latency, jitter, the first command's delay and `slowCommands` (typed or expanded form). */
  private async commandDelay(forms: string[]): Promise<void> {
    const o = this.host.options;
    let delay = (o.latencyMs ?? 0) + Math.random() * (o.jitterMs ?? 0);
    if (this.channel.takeFirstCommand()) delay += o.firstCommandDelayMs ?? 0;
    const normalised = forms.map((f) => f.replace(/\s+/g, ' '));
    for (const [command, ms] of Object.entries(o.slowCommands ?? {})) {
      if (normalised.includes(command.replace(/\s+/g, ' '))) delay += ms;
    }
    if (delay > 0) await this.host.clock.wait(delay);
  }

  // ---------------------------------------------------------------- NX-OS

  private async handleNxos(line: string): Promise<number> {
    const [commandPart, ...filters] = line.split(/\s+\|\s*/);
    const command = commandPart!;
    const match = this.matchCommand(command);
    await this.commandDelay(match.kind === 'ok' ? [line, match.words.join(' ')] : [line]);
    if (match.kind !== 'ok') {
      this.write(caretError(this.promptWidth() + match.column, capitalise(match.kind)));
      return 1;
    }
    const filter = this.parseFilters(filters, command.length + 1);
    if (typeof filter === 'string') {
      this.write(filter);
      return 1;
    }
    if (match.fromParent) this.mode = 'config';

    if (!(await this.confirm(match.words.join(' '), command))) return 0;
    this.out = [];
    const status = (await match.handler(this, match.params, match.words)) ?? 0;
    await this.flush(filter?.apply, filter?.noMore);

    return status;
  }

  private promptWidth(): number {
    return this.channel.terminal ? this.prompt.length : 0;
  }

  private matchCommand(command: string): (Matched<CliSession> & { fromParent?: boolean }) | Failed {
    const trees = TREES[this.mode];
    const first = trees.match(command, this);
    // Global configuration commands are accepted from interface mode (NX-OS leaves it).
    if (first.kind !== 'ok' && (this.mode === 'config-if' || this.mode === 'config-vrf')) {
      const parent = TREES.config.match(command, this);
      if (parent.kind === 'ok') return { ...parent, fromParent: true };
    }

    return first;
  }

  /** The `| ...` part: a text transform, whether paging is off, or a caret error text. */
  private parseFilters(
    filters: string[],
    offset: number,
  ): { apply: (text: string) => string; noMore: boolean } | string | undefined {
    if (filters.length === 0) return undefined;
    const steps: ((text: string) => string)[] = [];
    let noMore = false;
    for (const filter of filters) {
      const match = FILTERS.match(filter, this);
      if (match.kind !== 'ok')
        return caretError(this.promptWidth() + offset + 2 + match.column, capitalise(match.kind));
      const [name] = match.words;
      const pattern = match.params.join(' ');
      const re = safeRegex(pattern);
      const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n');
      if (name === 'include' || name === 'grep' || name === 'egrep')
        steps.push((t) => joinLines(lines(t).filter((l) => re.test(l))));
      else if (name === 'exclude')
        steps.push((t) => joinLines(lines(t).filter((l) => !re.test(l))));
      else if (name === 'begin') {
        steps.push((t) => {
          const all = lines(t);
          const start = all.findIndex((l) => re.test(l));
          return start < 0 ? '' : joinLines(all.slice(start));
        });
      } else if (name === 'count') steps.push((t) => `${t === '' ? 0 : lines(t).length}\n`);
      else if (name === 'no-more') noMore = true;
    }

    return { apply: (text: string) => steps.reduce((t, step) => step(t), text), noMore };
  }

  /** Commands listed in `confirmations` (and `reload`) ask first; `terminal dont-ask` skips. */
  private async confirm(canonical: string, typed: string): Promise<boolean> {
    const listed = (this.host.options.confirmations ?? []).some(
      (c) => c === canonical || c === typed.replace(/\s+/g, ' '),
    );
    if (!listed || this.dontAsk) return true;
    const terminal = this.channel.terminal;
    if (!terminal) return true;
    terminal.write('Do you want to continue? (y/n)  [n] ');
    const answer = await terminal.readLine();

    return answer !== undefined && /^y(es)?$/i.test(answer.trim());
  }

  /** Writes the collected output through the pipe filters, wrapping and the pager. */
  private async flush(filter?: (text: string) => string, noMore = false): Promise<void> {
    let text = this.out.join('');
    this.out = [];
    if (filter) text = filter(text);
    if (text === '') return;
    if (this.wrapColumns && this.wrapColumns < MAX_TERMINAL_WIDTH)
      text = wrap(text, this.wrapColumns);
    const terminal = this.channel.terminal;
    if (!terminal || !this.pagerLines || noMore) {
      this.write(text);
      return;
    }

    const lines = text.split('\n');
    const trailingNewline = lines[lines.length - 1] === '';
    if (trailingNewline) lines.pop();
    let shown = 0;
    let allowance = this.pagerLines;
    while (shown < lines.length) {
      const chunk = lines.slice(shown, shown + allowance);
      shown += chunk.length;
      terminal.write(chunk.join('\n') + (shown < lines.length || trailingNewline ? '\n' : ''));
      if (shown >= lines.length) break;
      terminal.write('--More--');
      const key = await terminal.readKey();
      terminal.write('\r        \r');
      if (key === undefined || key === 'q' || key === 'Q' || key === CTRL_C) {
        return;
      }
      allowance = key === ' ' ? this.pagerLines : 1;
    }
  }

  emit(text: string): void {
    this.out.push(text);
  }

  // ---------------------------------------------------------------- command handlers

  enterConfig(): void {
    this.emit(CONFIGURE_BANNER);
    this.mode = 'config';
  }

  exit(): void {
    if (this.mode === 'config-if' || this.mode === 'config-vrf') this.mode = 'config';
    else if (this.mode === 'config') this.mode = 'exec';
    else {
      this.ended = true;
      this.channel.end();
    }
  }

  end(): void {
    this.mode = 'exec';
  }

  enterInterface(): void {
    this.mode = 'config-if';
  }

  enterVrf(name: string): number {
    if (name !== 'management' && name !== 'default') {
      this.emit(`% VRF ${name} is not supported by this switch\n`);
      return 1;
    }
    this.mode = 'config-vrf';

    return 0;
  }

  terminalLength(value: string): number {
    if (this.host.options.refuseTerminalLength) {
      this.emit('% Permission denied for the role\n');
      return 1;
    }
    const lines = Number(value);
    this.pagerLines = lines === 0 ? undefined : lines;

    return 0;
  }

  terminalWidth(value: string): number {
    const width = Number(value);
    if (width < 24 || width > MAX_TERMINAL_WIDTH) {
      this.emit(`% Invalid number, range is (24:${MAX_TERMINAL_WIDTH})\n`);
      return 1;
    }
    if (this.wrapColumns !== undefined || this.host.options.wrapColumns) this.wrapColumns = width;

    return 0;
  }

  setDontAsk(on: boolean): void {
    this.dontAsk = on;
  }

  get hostState(): DeviceState {
    return this.host.state;
  }

  get switchHost(): SwitchHost {
    return this.host;
  }

  async copyRunStart(): Promise<void> {
    const listed = Object.keys(this.host.options.slowCommands ?? {}).some((c) =>
      c.startsWith('copy'),
    );
    if (!listed) await this.host.clock.wait(COPY_RUN_START_MS);
    this.host.state.startupConfig = this.host.state.saveConfig();
    this.emit(COPY_RUN_START_OUTPUT);
  }

  async reload(): Promise<void> {
    const terminal = this.channel.terminal;
    if (terminal && !this.dontAsk) {
      terminal.write('This command will reboot the system. (y/n)?  [n] ');
      const answer = await terminal.readLine();
      if (answer === undefined || !/^y(es)?$/i.test(answer.trim())) return;
    }
    await this.host.reload();
  }

  /** `run bash [command]`. */
  async runBash(command?: string): Promise<number> {
    const user: BashLevel = { root: false, style: 'user', cwd: homeOf(this.channel.user, false) };
    if (command === undefined) {
      if (!this.channel.terminal) return 0;
      this.bash.push(user);
      return 0;
    }
    // A one-shot command runs in a bash that ends with it; `sudo su -` stays open.
    this.bash.push(user);
    const status = await this.handleBash(command, true);
    if (this.bash[this.bash.length - 1] === user) this.bash.pop();
    else this.bash.splice(this.bash.indexOf(user), 1);

    return status;
  }

  // ---------------------------------------------------------------- bash

  private async handleBash(line: string, oneShot = false): Promise<number> {
    const level = this.bash[this.bash.length - 1]!;
    const words = line.split(/\s+/);

    if ((words[0] === 'exit' || words[0] === 'logout') && !oneShot) {
      this.bash.pop();
      this.write(level.style === 'login-root' ? 'logout\n' : 'exit\n');
      return 0;
    }
    if (words[0] === 'sudo' && !level.root) {
      if (!(await this.sudoAuthenticate())) return 1;
      const rest = words.slice(1);
      if (rest[0] === 'su' || (rest[0] === '-i' && rest.length === 1) || rest[0] === '-s') {
        if (!this.channel.terminal) return 0;
        const login = rest.includes('-') || rest.includes('-l') || rest[0] === '-i';
        this.bash.push({
          root: true,
          style: login ? 'login-root' : 'root',
          cwd: login ? '/root' : level.cwd,
        });
        return 0;
      }
      return this.bashCommand(line.replace(/^\s*sudo\s+/, ''), { ...level, root: true });
    }
    if (words[0] === 'sudo') return this.bashCommand(line.replace(/^\s*sudo\s+/, ''), level);
    if (words[0] === 'su' && !level.root) {
      this.write('Password: ');
      const password = this.channel.terminal
        ? await this.channel.terminal.readLine(false)
        : undefined;
      this.write('\n');
      if (password !== this.host.options.password) {
        this.write('su: Authentication failure\n');
        return 1;
      }
      this.bash.push({
        root: true,
        style: words.includes('-') ? 'login-root' : 'root',
        cwd: level.cwd,
      });
      return 0;
    }

    return this.bashCommand(line, level);
  }

  private async bashCommand(line: string, level: BashLevel): Promise<number> {
    const ctx: BashContext = {
      state: this.host.state,
      engine: this.host.engine,
      daemon: this.host.daemon,
      clock: this.host.clock,
      user: this.channel.user,
      root: level.root,
      cwd: level.cwd,
    };
    const io: ShellIo = { namespace: 'default', write: (t) => this.write(t) };
    const status = await runBashLine(line, ctx, io);
    const current = this.bash[this.bash.length - 1];
    if (current && current.root === level.root) current.cwd = ctx.cwd;

    return status;
  }

  /** sudo asks for the login password when the account is not the switch admin. */
  private async sudoAuthenticate(): Promise<boolean> {
    if (!this.host.options.sudoPassword || this.sudoCached) return true;
    const terminal = this.channel.terminal;
    if (!terminal) {
      this.write('sudo: no tty present and no askpass program specified\n');
      return false;
    }
    for (let attempt = 1; attempt <= SUDO_ATTEMPTS; attempt++) {
      terminal.write(`[sudo] password for ${this.channel.user}: `);
      const password = await terminal.readLine(false);
      terminal.write('\n');
      if (password === undefined) return false;
      if (password === this.host.options.password) {
        this.sudoCached = true;
        return true;
      }
      if (attempt < SUDO_ATTEMPTS) terminal.write('Sorry, try again.\n');
    }
    terminal.write(`sudo: ${SUDO_ATTEMPTS} incorrect password attempts\n`);

    return false;
  }
}

function capitalise(
  kind: 'invalid' | 'ambiguous' | 'incomplete',
): 'Invalid' | 'Ambiguous' | 'Incomplete' {
  return (kind[0]!.toUpperCase() + kind.slice(1)) as 'Invalid' | 'Ambiguous' | 'Incomplete';
}

function safeRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return { test: (s: string) => s.includes(pattern) } as RegExp;
  }
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

function wrap(text: string, columns: number): string {
  return text
    .split('\n')
    .map((line) => {
      const parts: string[] = [];
      for (let i = 0; i < line.length; i += columns) parts.push(line.slice(i, i + columns));
      return parts.length > 0 ? parts.join('\n') : '';
    })
    .join('\n');
}

// ---------------------------------------------------------------- command trees

type Ctx = CliSession;

const featureOn = (name: string) => (ctx: Ctx) => ctx.hostState.features.has(name);

function addShowCommands(tree: CommandTree<Ctx>): void {
  const state = (ctx: Ctx): DeviceState => ctx.hostState;
  tree
    .add('show version', (ctx) =>
      ctx.emit(showVersion(state(ctx), ctx.switchHost.release, ctx.switchHost.clock)),
    )
    .add('show clock', (ctx) => ctx.emit(showClock()))
    .add('show feature', (ctx) => ctx.emit(showFeature(state(ctx))))
    .add('show hostname', (ctx) => ctx.emit(`${state(ctx).hostname} \n`))
    .add('show vrf', (ctx) => ctx.emit(showVrf()))
    .add('show users', (ctx) => ctx.emit(showUsers(ctx)))
    .add('show interface mgmt0', (ctx) => ctx.emit(showInterfaceMgmt0(state(ctx))))
    .add('show running-config', (ctx) =>
      ctx.emit(showRunningConfig(state(ctx), ctx.switchHost.release)),
    )
    .add('show running-config interface mgmt0', (ctx) =>
      ctx.emit(showRunningConfig(state(ctx), ctx.switchHost.release, 'mgmt0')),
    )
    .add('show startup-config', (ctx) =>
      ctx.emit(
        showRunningConfig(
          state(ctx).startupConfig,
          ctx.switchHost.release,
          undefined,
          'show startup-config',
        ),
      ),
    )
    .add('show terminal', (ctx) =>
      ctx.emit(
        `TTY: /dev/pts/0 Type: "vt100"\nLength: 0 lines, Width: 511 columns\nSession Timeout: None\n`,
      ),
    );

  const brief = (ctx: Ctx, vrf: string): number => {
    const text = showIpIntBrief(state(ctx), vrf);
    ctx.emit(text ?? `% VRF ${vrf} not found\n`);
    return text ? 0 : 1;
  };
  tree
    .add('show ip interface brief', (ctx) => brief(ctx, 'default'))
    .add('show ip interface brief vrf <word>', (ctx, [vrf]) => brief(ctx, vrf!))
    .add('show ip interface brief vrf all', (ctx) => brief(ctx, 'all'));
  const route = (ctx: Ctx, vrf: string): number => {
    const text = showIpRoute(state(ctx), vrf, ctx.switchHost.clock);
    ctx.emit(text ?? `% VRF ${vrf} not found\n`);
    return text ? 0 : 1;
  };
  tree
    .add('show ip route', (ctx) => route(ctx, 'default'))
    .add('show ip route vrf <word>', (ctx, [vrf]) => route(ctx, vrf!))
    .add('show ip route vrf all', (ctx) => route(ctx, 'all'));

  // Real keywords next to the ones above, so abbreviations are as ambiguous as on a switch.
  tree.known(
    ...[
      'aaa',
      'access-lists',
      'accounting',
      'boot',
      'cdp',
      'cli',
      'copyright',
      'cores',
      'debug',
      'environment',
      'feature-set',
      'file',
      'hardware',
      'interface',
      'inventory',
      'ipv6',
      'license',
      'lldp',
      'logging',
      'module',
      'ntp',
      'processes',
      'spanning-tree',
      'ssh',
      'system',
      'tech-support',
      'vlan',
    ].map((k) => `show ${k}`),
    ...['arp', 'access-lists', 'bgp', 'igmp', 'ospf', 'pim', 'dhcp'].map((k) => `show ip ${k}`),
    ...['aaa', 'all', 'bgp', 'diff', 'exclude', 'feature', 'ipqos', 'vdc-all'].map(
      (k) => `show running-config ${k}`,
    ),
  );
}

function showUsers(ctx: Ctx): string {
  const lines = ['NAME     LINE         TIME         IDLE          PID COMMENT'];
  for (const u of ctx.switchHost.users()) {
    const d = new Date(u.since);
    const time = `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)}`;
    lines.push(
      `${u.user.padEnd(9)}${u.line.padEnd(13)}${time}   .      ${String(process.pid).padStart(6)} (${u.from}) session=ssh`,
    );
  }

  return lines.join('\n') + '\n';
}

function buildExecTree(): CommandTree<Ctx> {
  const tree = new CommandTree<Ctx>();
  tree
    .add('configure', (ctx) => ctx.enterConfig())
    .add('configure terminal', (ctx) => ctx.enterConfig())
    .add('terminal length <number>', (ctx, [n]) => ctx.terminalLength(n!))
    .add('terminal width <number>', (ctx, [n]) => ctx.terminalWidth(n!))
    .add('terminal dont-ask', (ctx) => ctx.setDontAsk(true))
    .add('terminal no dont-ask', (ctx) => ctx.setDontAsk(false))
    .add('terminal session-timeout <number>', () => undefined)
    .add('run bash', (ctx) => ctx.runBash(), featureOn('bash-shell'))
    .add('run bash <rest>', (ctx, [command]) => ctx.runBash(command), featureOn('bash-shell'))
    .add('copy running-config startup-config', (ctx) => ctx.copyRunStart())
    .add('reload', (ctx) => ctx.reload())
    .add('exit', (ctx) => ctx.exit())
    .add('end', (ctx) => ctx.end())
    .add('echo <rest>', (ctx, [text]) => ctx.emit(`${text}\n`))
    .add('pwd', (ctx) => ctx.emit('bootflash:\n'))
    .add('sleep <number>', (ctx, [seconds]) => ctx.switchHost.clock.wait(Number(seconds) * 1000))
    .known(
      'run guestshell',
      'run python',
      'configure session',
      'configure replace',
      'terminal monitor',
      'copy bootflash:',
      'copy startup-config',
      ...[
        'attach',
        'cd',
        'clear',
        'cli',
        'debug',
        'delete',
        'dir',
        'find',
        'gunzip',
        'install',
        'load',
        'mkdir',
        'move',
        'ping',
        'rmdir',
        'send',
        'setup',
        'ssh',
        'system',
        'tac-pcap',
        'tail',
        'tar',
        'telnet',
        'test',
        'traceroute',
        'undebug',
        'where',
        'write',
      ],
    );
  addShowCommands(tree);

  return tree;
}

function buildConfigTree(): CommandTree<Ctx> {
  const tree = new CommandTree<Ctx>();
  for (const feature of KNOWN_FEATURES) {
    tree.add(`feature ${feature}`, (ctx) => {
      ctx.hostState.features.add(feature);
      ctx.hostState.configChangedAt = Date.now();
    });
    tree.add(`no feature ${feature}`, (ctx) => {
      ctx.hostState.features.delete(feature);
      ctx.hostState.configChangedAt = Date.now();
    });
  }
  tree
    .add('interface mgmt0', (ctx) => ctx.enterInterface())
    .add('hostname <word>', (ctx, [name]) => {
      if (!HOSTNAME_PATTERN.test(name!)) {
        ctx.emit('% Invalid hostname: up to 32 characters of letters, digits, "_", "." and "-"\n');
        return 1;
      }
      ctx.hostState.hostname = name!;
      return 0;
    })
    .add('vrf context <word>', (ctx, [name]) => ctx.enterVrf(name!))
    .add('end', (ctx) => ctx.end())
    .add('exit', (ctx) => ctx.exit())
    .known(
      'interface ethernet',
      'interface loopback',
      'interface vlan',
      'interface port-channel',
      ...[
        'aaa',
        'banner',
        'boot',
        'cli',
        'clock',
        'ip',
        'ipv6',
        'line',
        'logging',
        'ntp',
        'password',
        'role',
        'router',
        'snmp-server',
        'spanning-tree',
        'system',
        'username',
        'vlan',
        'vpc',
      ],
    );
  addShowCommands(tree);

  return tree;
}

function buildInterfaceTree(): CommandTree<Ctx> {
  const tree = new CommandTree<Ctx>();
  const changed = (ctx: Ctx): void => {
    ctx.hostState.configChangedAt = Date.now();
  };
  tree
    .add(
      'ip address dhcp',
      (ctx) => {
        changed(ctx);
        ctx.switchHost.requestDhcpLease();
      },
      featureOn('dhcp'),
    )
    .add('ip address <prefix>', (ctx, [prefix]) => {
      const [address, length] = prefix!.split('/');
      const m = ctx.hostState.mgmt0;
      Object.assign(m, {
        mode: 'static',
        address,
        prefixLength: Number(length),
        gateway: undefined,
        since: Date.now(),
      });
      changed(ctx);
    })
    .add('no ip address', (ctx) => {
      Object.assign(ctx.hostState.mgmt0, {
        mode: 'static',
        address: undefined,
        gateway: undefined,
      });
      changed(ctx);
    })
    .add(
      'no ip address dhcp',
      (ctx) => {
        Object.assign(ctx.hostState.mgmt0, {
          mode: 'static',
          address: undefined,
          gateway: undefined,
        });
        changed(ctx);
      },
      featureOn('dhcp'),
    )
    .add('vrf member <word>', (ctx, [vrf]) => {
      ctx.hostState.mgmt0.vrf = vrf!;
      changed(ctx);
    })
    .add('shutdown', (ctx) => {
      ctx.hostState.mgmt0.shutdown = true;
    })
    .add('no shutdown', (ctx) => {
      ctx.hostState.mgmt0.shutdown = false;
    })
    .add('description <rest>', () => undefined)
    .add('end', (ctx) => ctx.end())
    .add('exit', (ctx) => ctx.exit())
    .known('ip redirects', 'ip port', 'ipv6', 'mtu', 'speed', 'duplex', 'cdp', 'lldp');
  addShowCommands(tree);

  return tree;
}

function buildVrfTree(): CommandTree<Ctx> {
  const tree = new CommandTree<Ctx>();
  tree
    .add('ip route 0.0.0.0/0 <ipv4>', (ctx, [gateway]) => {
      ctx.hostState.mgmt0.gateway = gateway;
    })
    .add('no ip route 0.0.0.0/0 <ipv4>', (ctx) => {
      ctx.hostState.mgmt0.gateway = undefined;
    })
    .add('end', (ctx) => ctx.end())
    .add('exit', (ctx) => ctx.exit())
    .known('ip domain-name', 'ip name-server', 'address-family', 'description');
  addShowCommands(tree);

  return tree;
}

const TREES: Record<NxosMode, CommandTree<Ctx>> = {
  exec: buildExecTree(),
  config: buildConfigTree(),
  'config-if': buildInterfaceTree(),
  'config-vrf': buildVrfTree(),
};

/** What may follow `|`. */
const FILTERS = new CommandTree<Ctx>()
  .add('include <rest>', () => undefined)
  .add('exclude <rest>', () => undefined)
  .add('begin <rest>', () => undefined)
  .add('grep <rest>', () => undefined)
  .add('egrep <rest>', () => undefined)
  .add('count', () => undefined)
  .add('no-more', () => undefined)
  .known(
    'head',
    'human',
    'json',
    'last',
    'less',
    'section',
    'sed',
    'sort',
    'tr',
    'uniq',
    'vsh',
    'wc',
    'xml',
    'diff',
  );
