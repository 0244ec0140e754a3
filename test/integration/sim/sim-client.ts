import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';

/** Real ms a test waits for one prompt before failing with what the switch printed. */
export const PROMPT_TIMEOUT_MS = 10_000;

/** Ends with an NX-OS, bash or root-bash prompt. */
export const ANY_PROMPT = /(\S+# |root@\S+#|bash-\d\.\d[$#] )$/;

export interface Login {
  host: string;
  port: number;
  username: string;
  password: string;
}

export function connect(login: Login, extra: Partial<ConnectConfig> = {}): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', reject);
    client.connect({ ...login, readyTimeout: PROMPT_TIMEOUT_MS, ...extra });
  });
}

/** Runs one command over an exec channel; resolves with its output and exit code. */
export function execCommand(
  client: Client,
  command: string,
): Promise<{ output: string; code: number | undefined }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let output = '';
      let code: number | undefined;
      stream.on('data', (d: Buffer) => (output += d.toString('utf8')));
      stream.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
      stream.on('exit', (c: number) => (code = c));
      stream.on('close', () => resolve({ output, code }));
    });
  });
}

/** A shell channel driven line by line, the way automation drives a switch. */
export class ShellDriver {
  private buffer = '';
  private closed = false;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly client: Client,
    readonly stream: ClientChannel,
  ) {
    stream.on('data', (d: Buffer) => {
      this.buffer += d.toString('utf8');
      this.notify();
    });
    stream.on('close', () => {
      this.closed = true;
      this.notify();
    });
  }

  static async open(
    login: Login,
    options: { pty?: boolean; connect?: Partial<ConnectConfig> } = {},
  ): Promise<ShellDriver> {
    const client = await connect(login, options.connect);
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      const cb = (err: Error | undefined, s: ClientChannel): void =>
        err ? reject(err) : resolve(s);
      if (options.pty === false) client.shell(false, cb);
      else client.shell({ term: 'vt100', cols: 511, rows: 24 }, cb);
    });

    return new ShellDriver(client, stream);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Everything received and not yet taken. */
  get pending(): string {
    return this.buffer;
  }

  /** Waits until the received text matches, then returns it all and clears the buffer. */
  async waitFor(pattern: RegExp, timeoutMs = PROMPT_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.buffer)) {
      if (this.closed)
        throw new Error(
          `channel closed while waiting for ${pattern}; got ${JSON.stringify(this.buffer)}`,
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${pattern} within ${timeoutMs} ms; got ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const text = this.buffer;
    this.buffer = '';

    return text;
  }

  /** Waits until the channel closes; returns what came before. */
  async waitClosed(timeoutMs = PROMPT_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline)
        throw new Error(
          `channel still open after ${timeoutMs} ms; got ${JSON.stringify(this.buffer)}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }

    return this.buffer;
  }

  write(text: string): void {
    this.stream.write(text);
  }

  /**
   * Sends a line and returns the output between the echoed line and the next prompt,
   * with `\r\n` turned into `\n`.
   */
  async run(
    line: string,
    prompt: RegExp = ANY_PROMPT,
    timeoutMs = PROMPT_TIMEOUT_MS,
  ): Promise<string> {
    this.stream.write(`${line}\n`);
    const text = (await this.waitFor(prompt, timeoutMs)).replace(/\r\n/g, '\n');
    const echoed = text.startsWith(`${line}\n`) ? text.slice(line.length + 1) : text;

    return echoed.replace(prompt, '');
  }

  close(): void {
    this.client.end();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
