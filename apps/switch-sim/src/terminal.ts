/**
 * The switch side of an interactive SSH shell: echoes what is typed while a line is being
 * read (as NX-OS does), keeps type-ahead until the CLI asks for it, and turns `\n` into
 * `\r\n` on output.
 */
export const CTRL_C = '\x03';
export const CTRL_Z = '\x1a';

interface Waiter {
  mode: 'line' | 'key';
  echo: boolean;
  resolve(value: string | undefined): void;
}

export class Terminal {
  private pending = '';
  private line = '';
  private lastWasCr = false;
  private waiter?: Waiter;
  private closed = false;

  constructor(private readonly sink: (text: string) => void) {}

  write(text: string): void {
    if (this.closed || text.length === 0) return;
    this.sink(text.replace(/\r?\n/g, '\r\n'));
  }

  feed(data: string): void {
    this.pending += data;
    this.pump();
  }

  /** Resolves with the next line, or undefined once the channel closed. */
  readLine(echo = true): Promise<string | undefined> {
    return this.wait('line', echo);
  }

  /** Resolves with the next key (the pager and `(y/n)` answers read single keys). */
  readKey(): Promise<string | undefined> {
    return this.wait('key', false);
  }

  close(): void {
    this.closed = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private wait(mode: 'line' | 'key', echo: boolean): Promise<string | undefined> {
    if (this.closed) return Promise.resolve(undefined);

    return new Promise((resolve) => {
      this.waiter = { mode, echo, resolve };
      this.pump();
    });
  }

  private finish(value: string): void {
    const waiter = this.waiter!;
    this.waiter = undefined;
    waiter.resolve(value);
  }

  private pump(): void {
    while (this.waiter && this.pending.length > 0) {
      const ch = this.pending[0]!;
      this.pending = this.pending.slice(1);
      const { mode, echo } = this.waiter;

      // A client ending lines with \r\n sends one Enter, not two.
      if (ch === '\n' && this.lastWasCr) {
        this.lastWasCr = false;
        continue;
      }
      this.lastWasCr = ch === '\r';

      if (mode === 'key') {
        this.finish(ch);
        continue;
      }
      if (ch === '\r' || ch === '\n') {
        if (echo) this.write('\n');
        const line = this.line;
        this.line = '';
        this.finish(line);
      } else if (ch === '\x7f' || ch === '\b') {
        if (this.line.length > 0) {
          this.line = this.line.slice(0, -1);
          if (echo) this.sink('\b \b');
        }
      } else if (ch === CTRL_C || ch === CTRL_Z) {
        if (echo) this.write(ch === CTRL_C ? '^C\n' : '^Z\n');
        this.line = '';
        this.finish(ch);
      } else if (ch === '\x1b') {
        // Cursor keys and other escape sequences: drop `ESC [ x`.
        const sequence = /^\[[0-9;]*[A-Za-z~]/.exec(this.pending);
        if (sequence) this.pending = this.pending.slice(sequence[0].length);
      } else if (ch >= ' ' || ch === '\t') {
        this.line += ch === '\t' ? ' ' : ch;
        if (echo) this.sink(ch === '\t' ? ' ' : ch);
      }
    }
  }
}
