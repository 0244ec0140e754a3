import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

import { SwitchyardError, type ErrorCode, type TranscriptEntry } from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';

import type { CliMode, CliSession, CommandOptions } from './cli-session';
import { endsWithPager, findEchoEnd, normaliseTerminalText, stripAnsi } from './output';
import {
  CARET_ERROR,
  CONFIRM_PROMPT,
  PASSWORD_PROMPT,
  SESSION_LIMIT_LINE,
  matchAnyPrompt,
  promptMatcherFor,
  splitTrailingShellPrompt,
  type PromptMatch,
} from './prompts';

/** Default deadline for one command's prompt to come back, in ms. */
export const COMMAND_TIMEOUT_MS = 60_000;

/** Default deadline for the first prompt after the shell opens, in ms (banners, MOTD). */
export const LOGIN_TIMEOUT_MS = 30_000;

/**
 * How long the login output must pause before a newline is sent to make the prompt
 * repeat, in ms. Short pauses inside a banner only cost one extra newline.
 */
export const LOGIN_QUIET_MS = 300;

/** Newlines sent at login before giving up on finding a prompt that repeats. */
const MAX_LOGIN_NEWLINES = 8;

/** NX-OS accepts widths up to 511 columns; long lines then never wrap. */
const TERMINAL_WIDTH = 511;

/** Mode changes needed at most between any two modes (root bash -> bash -> exec -> config). */
const MAX_MODE_CHANGES = 4;

/** Passwords shorter than this are not scrubbed from output (too likely to hit real text). */
const MIN_SCRUBBED_PASSWORD_LENGTH = 4;

export interface NxosCliSessionOptions {
  /** The login password. Sent only to answer sudo password prompts; never logged. */
  password: string;
  /** Default deadline of each command, in ms. Default COMMAND_TIMEOUT_MS (60 000). */
  commandTimeoutMs?: number;
  /** Deadline for the first prompt after the shell opens, in ms. Default 30 000. */
  loginTimeoutMs?: number;
  /** Output pause after which login sends a newline to make the prompt repeat, in ms. Default 300. */
  loginQuietMs?: number;
  logger?: Logger;
}

interface PendingOperation {
  /** Called after every chunk of output. */
  inspect(): void;
  reject(err: SwitchyardError): void;
}

/**
 * Opens an NX-OS CLI session on an interactive shell stream (an ssh2 shell channel in
 * practice): finds the prompt behind any banner and MOTD, then sets `terminal length 0`
 * and `terminal width 511`.
 */
export async function openNxosCliSession(
  stream: Duplex,
  options: NxosCliSessionOptions,
): Promise<NxosCliSession> {
  const session = new NxosCliSession(stream, options);

  try {
    await session.login();
  } catch (err) {
    await session.close();
    throw err;
  }

  return session;
}

export class NxosCliSession implements CliSession {
  private currentHostname = '';
  private currentMode: CliMode = 'exec';
  private brokenBy: SwitchyardError | null = null;
  private closed = false;
  private loggedIn = false;
  /** When the switch refused `terminal length 0`: every `--More--` is answered instead. */
  private pagerRefused = false;

  /** Output received since the current operation started. */
  private raw = '';
  private readonly decoder = new StringDecoder('utf8');
  private pending: PendingOperation | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private transcript: TranscriptEntry[] = [];
  private matchPrompt: (line: string) => PromptMatch | null = matchAnyPrompt;

  private readonly password: string;
  private readonly commandTimeoutMs: number;
  private readonly loginTimeoutMs: number;
  private readonly loginQuietMs: number;
  private readonly log: Logger | undefined;

  constructor(
    private readonly stream: Duplex,
    options: NxosCliSessionOptions,
  ) {
    this.password = options.password;
    this.commandTimeoutMs = options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS;
    this.loginTimeoutMs = options.loginTimeoutMs ?? LOGIN_TIMEOUT_MS;
    this.loginQuietMs = options.loginQuietMs ?? LOGIN_QUIET_MS;
    this.log = options.logger;

    stream.on('data', (chunk: Buffer | string) => {
      this.raw += typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
      this.pending?.inspect();
    });
    const onGone = () => this.onStreamGone();
    stream.on('end', onGone);
    stream.on('close', onGone);
    stream.on('error', (err: Error) => {
      this.abort(
        new SwitchyardError('CONNECTION_DROPPED', `the CLI channel failed: ${err.message}`, {
          cause: err,
        }),
      );
    });
  }

  get hostname(): string {
    return this.currentHostname;
  }

  get mode(): CliMode {
    return this.currentMode;
  }

  get broken(): boolean {
    return this.brokenBy !== null;
  }

  /** True when the switch refused `terminal length 0` and output is paged. */
  get paged(): boolean {
    return this.pagerRefused;
  }

  /**
   * Marks the session broken with this error and rejects the command in flight with it.
   * The SSH layer calls it when it knows more than "the channel closed" (a keepalive
   * timeout, for one). The first error wins.
   */
  abort(error: SwitchyardError): void {
    if (this.brokenBy) return;

    this.brokenBy = error;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }

  run(command: string, options: CommandOptions = {}): Promise<TranscriptEntry> {
    const result = this.queue.then(() => this.runNow(command, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async ensureMode(
    mode: 'exec' | 'config' | 'root-bash',
    options: CommandOptions = {},
  ): Promise<void> {
    for (let changes = 0; changes < MAX_MODE_CHANGES && this.currentMode !== mode; changes++) {
      await this.run(this.nextModeCommand(mode), options);
    }

    if (this.currentMode !== mode) {
      throw new SwitchyardError(
        'UNEXPECTED_OUTPUT',
        `could not reach ${mode} mode on ${this.currentHostname}; the CLI stayed in ${this.currentMode} mode`,
      );
    }
  }

  takeTranscript(): TranscriptEntry[] {
    const entries = this.transcript;
    this.transcript = [];
    return entries;
  }

  async close(): Promise<void> {
    if (this.closed) return;

    this.closed = true;
    this.abort(new SwitchyardError('CONNECTION_DROPPED', 'the CLI session was closed'));
    if (!this.stream.destroyed) this.stream.destroy();
  }

  /** Finds the first prompt, then prepares the terminal. Called once, by the factory. */
  async login(): Promise<void> {
    const prompt = await this.waitForLoginPrompt();
    this.applyPrompt(prompt);
    this.matchPrompt = prompt.hostname ? promptMatcherFor(prompt.hostname) : matchAnyPrompt;
    this.loggedIn = true;
    this.log?.debug({ hostname: this.currentHostname, mode: this.currentMode }, 'CLI prompt found');

    if (this.currentMode === 'exec') await this.prepareTerminal();
    this.transcript = [];
  }

  private async prepareTerminal(): Promise<void> {
    try {
      const entry = await this.run('terminal length 0');
      if (/^%/m.test(entry.output)) this.pagerRefused = true;
    } catch (err) {
      if (!(err instanceof SwitchyardError) || err.code !== 'INVALID_COMMAND') throw err;
      this.pagerRefused = true;
    }
    if (this.pagerRefused) {
      this.log?.warn(
        { hostname: this.currentHostname },
        'terminal length 0 refused; answering every --More-- instead',
      );
    }

    try {
      await this.run(`terminal width ${TERMINAL_WIDTH}`);
    } catch (err) {
      if (!(err instanceof SwitchyardError) || err.code !== 'INVALID_COMMAND') throw err;
      this.log?.warn(
        { hostname: this.currentHostname },
        'terminal width refused; long lines may wrap',
      );
    }
  }

  /**
   * Banners may contain lines ending in `#` or `>`, a pause, then MOTD, so the last line
   * seen is not trusted. When output goes quiet a newline is sent; the prompt is the line
   * that then repeats.
   */
  private waitForLoginPrompt(): Promise<PromptMatch> {
    return new Promise<PromptMatch>((resolve, reject) => {
      let newlinesSent = 0;
      let quietTimer: NodeJS.Timeout | undefined;

      const finish = (err: SwitchyardError | null, prompt?: PromptMatch) => {
        clearTimeout(quietTimer);
        clearTimeout(deadline);
        this.pending = null;
        if (err) reject(err);
        else resolve(prompt!);
      };

      const deadline = setTimeout(() => {
        this.abort(
          new SwitchyardError(
            'COMMAND_TIMEOUT',
            `no CLI prompt appeared within ${this.loginTimeoutMs} ms of login`,
          ),
        );
      }, this.loginTimeoutMs);

      const onQuiet = () => {
        const settled = newlinesSent > 0 ? this.repeatedPrompt() : null;
        if (settled) {
          this.raw = '';
          finish(null, settled);
          return;
        }
        if (newlinesSent >= MAX_LOGIN_NEWLINES) return;

        newlinesSent++;
        this.stream.write('\n');
      };

      this.pending = {
        inspect: () => {
          // An NX-OS refusal (`% Session limit reached...`) fails at once rather than when
          // the switch gets round to closing; other wordings are caught when it closes.
          const refusal = firstMatchingLine(stripAnsi(this.raw), SESSION_LIMIT_LINE);
          if (refusal.startsWith('%')) {
            this.abort(
              new SwitchyardError(
                'SESSION_LIMIT',
                `the switch refused the CLI session: ${refusal}`,
              ),
            );
            return;
          }

          // The line repeated after our newline: that is the prompt, no need to wait on.
          const settled = newlinesSent > 0 ? this.repeatedPrompt() : null;
          if (settled) {
            this.raw = '';
            finish(null, settled);
            return;
          }
          // Output that already ends in something prompt-shaped gets its newline at once
          // rather than after the quiet period; a banner line that merely looks like a
          // prompt will not repeat, and the quiet timer below still covers it.
          if (newlinesSent === 0 && this.lastLineLooksLikePrompt()) {
            newlinesSent++;
            this.stream.write('\n');
          }

          // Every chunk restarts the quiet timer: the prompt is read only once output has
          // stopped, so echoes of extra newlines are not left for the first command.
          clearTimeout(quietTimer);
          quietTimer = setTimeout(onQuiet, this.loginQuietMs);
        },
        reject: (err) => finish(err),
      };

      if (this.brokenBy) finish(this.brokenBy);
      else this.pending.inspect();
    });
  }

  private lastLineLooksLikePrompt(): boolean {
    const last = normaliseTerminalText(this.raw).split('\n').at(-1)?.trimEnd() ?? '';
    return last !== '' && matchAnyPrompt(last) !== null;
  }

  /** The prompt when the last two non-empty lines are the same prompt. */
  private repeatedPrompt(): PromptMatch | null {
    const lines = normaliseTerminalText(this.raw)
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '');
    const last = lines.at(-1);
    if (last === undefined || lines.at(-2) !== last) return null;
    return matchAnyPrompt(last);
  }

  private runNow(command: string, options: CommandOptions): Promise<TranscriptEntry> {
    if (/[\r\n]/.test(command)) {
      return Promise.reject(
        new SwitchyardError(
          'INVALID_COMMAND',
          `a command is one line; got ${JSON.stringify(command.slice(0, 80))}`,
        ),
      );
    }
    if (this.brokenBy) {
      return Promise.reject(
        new SwitchyardError(
          this.brokenBy.code,
          `the CLI session is no longer usable (${this.brokenBy.message}); discard it`,
        ),
      );
    }

    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs;
    const started = Date.now();

    return new Promise<TranscriptEntry>((resolve, reject) => {
      let mark = 0;
      let outputStart = -1;
      let passwordSent = false;

      const finish = (err: SwitchyardError | null, entry?: TranscriptEntry) => {
        clearTimeout(deadline);
        this.pending = null;
        if (err) reject(err);
        else resolve(entry!);
      };

      const deadline = setTimeout(() => {
        this.log?.warn({ command, timeoutMs }, 'command timed out; session broken');
        // What did arrive goes into the transcript, for whoever reads the failed step.
        const partial = normaliseTerminalText(this.raw);
        this.transcript.push({
          command,
          output: this.scrub(outputStart < 0 ? '' : partial.slice(outputStart), passwordSent),
          durationMs: Date.now() - started,
        });
        this.abort(
          new SwitchyardError(
            'COMMAND_TIMEOUT',
            `"${command}" did not return the prompt within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);

      const fail = (code: ErrorCode, message: string) =>
        this.abort(new SwitchyardError(code, message));

      const inspect = () => {
        const fresh = stripAnsi(this.raw.slice(mark));
        if (endsWithPager(fresh)) {
          mark = this.raw.length;
          this.stream.write(' ');
          return;
        }

        const text = normaliseTerminalText(this.raw);
        if (outputStart < 0) outputStart = findEchoEnd(text, command);
        const freshLast = normaliseTerminalText(this.raw.slice(mark)).split('\n').at(-1)!.trim();

        if (PASSWORD_PROMPT.test(freshLast)) {
          if (passwordSent) {
            fail(
              'AUTH_FAILED',
              `"${command}" asked for the password again: the switch did not accept the login password for sudo`,
            );
            return;
          }
          passwordSent = true;
          mark = this.raw.length;
          this.stream.write(`${this.password}\n`);
          return;
        }

        if (CONFIRM_PROMPT.test(freshLast)) {
          if (!options.confirm) {
            fail(
              'UNEXPECTED_OUTPUT',
              `"${command}" asked for a confirmation (${freshLast}) and no answer was given`,
            );
            return;
          }
          mark = this.raw.length;
          this.stream.write(`${options.confirm}\n`);
          return;
        }

        // The prompt counts only after the echo: a stray prompt before it is no answer.
        const lastLineStart = text.lastIndexOf('\n') + 1;
        if (outputStart < 0 || lastLineStart < outputStart) return;
        const lastLine = text.slice(lastLineStart).trimEnd();
        let outputEnd = lastLineStart;
        let prompt = this.matchPrompt(lastLine);
        if (!prompt) {
          // Bash prints its prompt right after output that lacks a final newline
          // (`cat` of such a file gives `helloroot@N9K#`); NX-OS itself always ends lines.
          const trailing = splitTrailingShellPrompt(lastLine, this.currentHostname);
          if (!trailing || lastLineStart + trailing.outputLength < outputStart) return;
          prompt = trailing.prompt;
          outputEnd = lastLineStart + trailing.outputLength;
        }

        this.applyPrompt(prompt);
        const output = this.scrub(
          text.slice(outputStart, outputEnd).replace(/\s+$/, ''),
          passwordSent,
        );
        const entry: TranscriptEntry = { command, output, durationMs: Date.now() - started };
        this.transcript.push(entry);
        this.raw = '';

        const caret = CARET_ERROR.exec(output);
        if (caret) {
          finish(
            new SwitchyardError('INVALID_COMMAND', `the switch rejected "${command}": ${caret[0]}`),
          );
          return;
        }
        finish(null, entry);
      };

      this.raw = '';
      this.pending = { inspect, reject: (err) => finish(err) };
      this.stream.write(`${command}\n`);
    });
  }

  private nextModeCommand(target: 'exec' | 'config' | 'root-bash'): string {
    const mode = this.currentMode;
    const inConfig = mode === 'config' || mode === 'config-if';

    if (target === 'exec') return inConfig ? 'end' : 'exit';
    // From config-if `exit` climbs to config; from bash it returns to exec first.
    if (target === 'config') return mode === 'exec' ? 'configure terminal' : 'exit';
    if (mode === 'exec') return 'run bash sudo su -';
    if (mode === 'bash') return 'sudo su -';
    return 'end';
  }

  private applyPrompt(prompt: PromptMatch): void {
    this.currentMode = prompt.mode;
    if (prompt.hostname) this.currentHostname = prompt.hostname;
  }

  /** The switch should never echo the password; this is the net under that. */
  /**
   * Removes the password from output of a command that typed it (a switch that echoes the
   * sudo answer). Output of other commands is left alone: a short password such as `admin`
   * would otherwise mangle `admin-up`.
   */
  private scrub(text: string, passwordSent: boolean): string {
    if (!passwordSent || this.password.length < MIN_SCRUBBED_PASSWORD_LENGTH) return text;
    return text.split(this.password).join('[redacted]');
  }

  private onStreamGone(): void {
    if (this.brokenBy) return;

    const text = stripAnsi(this.raw);
    if (!this.loggedIn && SESSION_LIMIT_LINE.test(text)) {
      this.abort(
        new SwitchyardError(
          'SESSION_LIMIT',
          `the switch refused the CLI session: ${firstMatchingLine(text, SESSION_LIMIT_LINE)}`,
        ),
      );
      return;
    }
    this.abort(
      new SwitchyardError(
        'CONNECTION_DROPPED',
        this.loggedIn
          ? 'the CLI channel closed'
          : 'the CLI channel closed before a prompt appeared',
      ),
    );
  }
}

function firstMatchingLine(text: string, pattern: RegExp): string {
  return (
    text
      .split(/\r?\n/)
      .find((line) => pattern.test(line))
      ?.trim() ?? ''
  );
}
