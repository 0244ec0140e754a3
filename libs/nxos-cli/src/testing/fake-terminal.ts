import { Duplex } from 'node:stream';

import type { CliMode } from '../cli-session';

/**
 * A scripted NX-OS terminal on an in-memory duplex stream, for unit tests of the CLI
 * session. It echoes input, keeps a mode, pages output, asks for sudo passwords and
 * confirmations like the switch does. The SSH-level tests use real SSH servers instead.
 */
export interface FakeTerminalOptions {
  hostname: string;
  /** Printed before the first prompt, as is (use `\r\n`). */
  banner?: string;
  /** Pause between the banner and the first prompt, in ms. */
  pauseBeforePromptMs?: number;
  /** Input typed during the pause is dropped instead of being answered afterwards. */
  dropInputDuringPause?: boolean;
  /** The role may not run `terminal length 0`. */
  refuseTerminalLength?: boolean;
  /** Lines per screen while `terminal length` is not 0. Default 24. */
  screenLines?: number;
  /** What follows the answer to `--More--`. Default an erase with spaces and `\r`. */
  pagerErase?: string;
  /** Line ending of output. Default `\r\n`. */
  lineEnding?: string;
  /** Wraps prompts and some output in colour escape codes. */
  ansi?: boolean;
  /** `run bash sudo su -` asks `[sudo] password for <user>: ` first. */
  sudoAsksPassword?: boolean;
  username?: string;
  password?: string;
  /** `root@host#` without the trailing space. */
  rootPromptWithoutSpace?: boolean;
  bashVersion?: string;
  /** Starts in this submode prompt, e.g. `maint-mode`. */
  initialSubmode?: string;
  /** Echoes typed lines wrapped at this many columns, as a narrow terminal does. */
  echoWrapColumns?: number;
  /** Answers by command line; a function may return a delay in ms. */
  commands?: Record<string, string | { output: string; delayMs?: number }>;
}

export class FakeTerminal {
  readonly stream: Duplex;
  readonly received: string[] = [];
  /** Every byte written to the client, for assertions on what the client saw. */
  sent = '';
  mode: CliMode = 'exec';
  terminalLength = 24;

  private input = '';
  private waitingFor: 'line' | 'pager' | 'password' | 'confirm' | 'busy' = 'busy';
  private pendingPages: string[] = [];
  private afterPages: (() => void) | null = null;
  private readonly nl: string;

  constructor(private readonly options: FakeTerminalOptions) {
    this.nl = options.lineEnding ?? '\r\n';
    this.stream = new Duplex({
      read() {},
      write: (chunk: Buffer, _encoding, callback) => {
        this.onInput(chunk.toString('utf8'));
        callback();
      },
    });
  }

  /** Prints the banner, pauses, then the first prompt. */
  start(): this {
    if (this.options.banner) this.print(this.options.banner);
    const showPrompt = () => {
      if (this.options.dropInputDuringPause) this.input = '';
      this.waitingFor = 'line';
      this.print(this.prompt());
      this.drainInput();
    };
    if (this.options.pauseBeforePromptMs) setTimeout(showPrompt, this.options.pauseBeforePromptMs);
    else setImmediate(showPrompt);
    return this;
  }

  /** Closes the stream as a dropped connection would. */
  drop(): void {
    this.stream.push(null);
    this.stream.destroy();
  }

  print(text: string): void {
    this.sent += text;
    this.stream.push(text);
  }

  prompt(): string {
    const h = this.options.hostname;
    const colour = (p: string) => (this.options.ansi ? `\x1b[1;32m${p}\x1b[0m` : p);
    switch (this.mode) {
      case 'exec':
        return colour(
          this.options.initialSubmode ? `${h}(${this.options.initialSubmode})# ` : `${h}# `,
        );
      case 'config':
        return colour(`${h}(config)# `);
      case 'config-if':
        return colour(`${h}(config-if)# `);
      case 'bash':
        return `bash-${this.options.bashVersion ?? '4.3'}$ `;
      case 'root-bash':
        return this.options.rootPromptWithoutSpace ? `root@${h}#` : `root@${h}# `;
    }
  }

  private onInput(text: string): void {
    this.input += text;
    this.drainInput();
  }

  private drainInput(): void {
    while (this.input.length > 0) {
      if (this.waitingFor === 'busy') return;

      if (this.waitingFor === 'pager') {
        this.input = this.input.slice(1);
        this.print(this.options.pagerErase ?? '\r        \r');
        this.showNextPage();
        continue;
      }

      const end = this.input.indexOf('\n');
      if (end < 0) return;
      const line = this.input.slice(0, end).replace(/\r$/, '');
      this.input = this.input.slice(end + 1);
      this.received.push(line);

      if (this.waitingFor === 'password') {
        this.print(this.nl);
        this.onPassword(line);
      } else if (this.waitingFor === 'confirm') {
        this.print(`${line}${this.nl}`);
        this.finish(line === 'y' ? 'Done.' : 'Cancelled.');
      } else {
        this.print(`${this.wrapEcho(line)}${this.nl}`);
        this.onLine(line.trim());
      }
    }
  }

  private wrapEcho(line: string): string {
    const columns = this.options.echoWrapColumns;
    if (!columns) return line;

    // The first row already holds the prompt.
    const rows: string[] = [];
    let rest = line;
    let room = Math.max(1, columns - this.prompt().length);
    while (rest.length > room) {
      rows.push(rest.slice(0, room));
      rest = rest.slice(room);
      room = columns;
    }
    rows.push(rest);
    return rows.join(` \r${this.nl}`);
  }

  private onLine(line: string): void {
    this.waitingFor = 'busy';
    const scripted = this.options.commands?.[line];
    if (scripted !== undefined) {
      const { output, delayMs } =
        typeof scripted === 'string' ? { output: scripted, delayMs: 0 } : scripted;
      if (delayMs) setTimeout(() => this.finish(output), delayMs);
      else this.finish(output);
      return;
    }

    switch (line) {
      case '':
        return this.finish('');
      case 'terminal length 0':
        if (this.options.refuseTerminalLength)
          return this.finish('% Permission denied for the role');
        this.terminalLength = 0;
        return this.finish('');
      case 'terminal width 511':
        return this.finish('');
      case 'configure terminal':
        if (this.mode !== 'exec') break;
        this.mode = 'config';
        return this.finish('Enter configuration commands, one per line. End with CNTL/Z.');
      case 'interface mgmt0':
        if (this.mode !== 'config' && this.mode !== 'config-if') break;
        this.mode = 'config-if';
        return this.finish('');
      case 'end':
        if (this.mode !== 'config' && this.mode !== 'config-if') break;
        this.mode = 'exec';
        return this.finish('');
      case 'exit':
        this.mode = this.mode === 'config-if' ? 'config' : this.mode === 'config' ? 'exec' : 'exec';
        return this.finish('');
      case 'run bash':
        this.mode = 'bash';
        return this.finish('');
      case 'run bash sudo su -':
      case 'sudo su -':
        if (this.options.sudoAsksPassword) {
          this.print(`[sudo] password for ${this.options.username ?? 'admin'}: `);
          this.waitingFor = 'password';
          return;
        }
        this.mode = 'root-bash';
        return this.finish('');
      case 'clear logging logfile':
        this.print(
          `!!!WARNING! This will clear the selected logging buffer(s)!!${this.nl}Do you want to continue? (y/n)  [n] `,
        );
        this.waitingFor = 'confirm';
        return;
      case 'reload':
        this.print(`This command will reboot the system. (y/n)?  [n] `);
        this.waitingFor = 'confirm';
        return;
      case 'show ansi':
        return this.finish('\x1b[31mred\x1b[0m and \x1b[1mbold\x1b[0m');
    }

    const indent = ' '.repeat(this.prompt().length);
    this.finish(`${indent}^${this.nl}% Invalid command at '^' marker.`);
  }

  private onPassword(line: string): void {
    if (line === (this.options.password ?? 'secret')) {
      this.mode = 'root-bash';
      this.finish('');
      return;
    }
    this.print(
      `Sorry, try again.${this.nl}[sudo] password for ${this.options.username ?? 'admin'}: `,
    );
  }

  /** Prints output (paged when the terminal length is not 0), then the prompt. */
  private finish(output: string): void {
    const lines = output === '' ? [] : output.split('\n');
    const screen = this.options.screenLines ?? 24;
    if (this.terminalLength === 0 || lines.length < screen) {
      if (lines.length > 0) this.print(lines.join(this.nl) + this.nl);
      this.showPrompt();
      return;
    }

    this.pendingPages = [];
    for (let i = 0; i < lines.length; i += screen - 1)
      this.pendingPages.push(lines.slice(i, i + screen - 1).join(this.nl) + this.nl);
    this.afterPages = () => this.showPrompt();
    this.showNextPage();
  }

  private showNextPage(): void {
    const page = this.pendingPages.shift();
    if (page === undefined) {
      const after = this.afterPages;
      this.afterPages = null;
      after?.();
      return;
    }
    this.print(page);
    if (this.pendingPages.length > 0) {
      this.print(this.options.ansi ? '\x1b[7m--More--\x1b[m' : '--More--');
      this.waitingFor = 'pager';
    } else {
      this.showNextPage();
    }
  }

  private showPrompt(): void {
    this.print(this.prompt());
    this.waitingFor = 'line';
    setImmediate(() => this.drainInput());
  }
}
