import { Client, type ClientChannel, type KeyboardInteractiveCallback, type Prompt } from 'ssh2';

import { SwitchyardError } from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';
import { openNxosCliSession, SESSION_LIMIT_LINE, type NxosCliSession } from '@switchyard/nxos-cli';

import { algorithmsFor } from './algorithms';
import { hostKeyFingerprint } from './host-key';
import type { SwitchTarget } from './session-pool';
import { classifyConnectError, type Ssh2Error } from './ssh-errors';

/** Columns of the pseudo-terminal; with `terminal width 511` nothing wraps. */
const PTY_COLUMNS = 511;
const PTY_ROWS = 24;

/** How long a closing connection may take to say goodbye before its socket is destroyed, in ms. */
const CLOSE_GRACE_MS = 2_000;

export interface ConnectionSettings {
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  commandTimeoutMs: number;
  loginTimeoutMs?: number;
  onHostKeyLearned?: (switchId: string, fingerprint: string) => void | Promise<void>;
  logger?: Logger;
}

/** One SSH connection to a switch with its one CLI shell. */
export class SwitchConnection {
  private closedPromise: Promise<void>;
  private isClosed = false;

  private constructor(
    readonly target: SwitchTarget,
    readonly fingerprint: string,
    private readonly client: Client,
    readonly session: NxosCliSession,
    private readonly log: Logger | undefined,
  ) {
    this.closedPromise = new Promise((resolve) => client.once('close', () => resolve()));
    client.once('close', () => {
      this.isClosed = true;
      session.abort(
        new SwitchyardError(
          'CONNECTION_DROPPED',
          `the SSH connection to ${describe(target)} closed`,
        ),
      );
    });
    client.on('error', (err: Ssh2Error) => {
      // Once logged in, a `client-timeout` can only come from unanswered keepalives.
      const error =
        err.level === 'client-timeout'
          ? new SwitchyardError(
              'KEEPALIVE_TIMEOUT',
              `${describe(target)} stopped answering SSH keepalives`,
              { cause: err },
            )
          : new SwitchyardError(
              'CONNECTION_DROPPED',
              `the SSH connection to ${describe(target)} failed: ${err.message}`,
              { cause: err },
            );
      this.log?.warn({ err: error }, 'SSH connection failed');
      session.abort(error);
    });
  }

  /** Resolves when the SSH connection has closed, for whatever reason. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** True when this connection was made with the same address, login and algorithms. */
  serves(target: SwitchTarget): boolean {
    const t = this.target;
    const samePin = target.hostKey === null || target.hostKey.fingerprint === this.fingerprint;
    return (
      t.host === target.host &&
      t.port === target.port &&
      t.username === target.username &&
      t.password === target.password &&
      t.legacyAlgorithms === target.legacyAlgorithms &&
      samePin
    );
  }

  /** Closes the shell channel, then the connection; resolves once the socket is gone. */
  async close(): Promise<void> {
    if (!this.isClosed) {
      await this.session.close();
      this.client.end();
      const grace = setTimeout(() => this.client.destroy(), CLOSE_GRACE_MS);
      await this.closedPromise;
      clearTimeout(grace);
    }
  }

  /**
   * Connects to `address` (already checked against the allowed networks), logs in, opens
   * the shell and finds the prompt. A refused channel is retried once on a new connection.
   */
  static async open(
    target: SwitchTarget,
    address: string,
    settings: ConnectionSettings,
    signal?: AbortSignal,
  ): Promise<SwitchConnection> {
    try {
      return await SwitchConnection.openOnce(target, address, settings, signal);
    } catch (err) {
      if (!(err instanceof SwitchyardError) || err.code !== 'CHANNEL_OPEN_FAILED') throw err;
      settings.logger?.warn({ err }, 'shell channel refused; replacing the connection');
      return SwitchConnection.openOnce(target, address, settings, signal);
    }
  }

  private static async openOnce(
    target: SwitchTarget,
    address: string,
    settings: ConnectionSettings,
    signal?: AbortSignal,
  ): Promise<SwitchConnection> {
    const client = new Client();
    const log = settings.logger;

    // ssh2 raises errors as events; between the login and the SwitchConnection taking over,
    // a failure shows up as the shell closing, so this only keeps the event handled.
    client.on('error', (err: Ssh2Error) =>
      log?.debug({ err }, 'SSH error while opening the shell'),
    );

    let fingerprint = '';
    try {
      fingerprint = await login(client, target, address, settings, signal);
      const channel = await openShell(client, target);
      const session = await openNxosCliSession(channel, {
        password: target.password,
        commandTimeoutMs: settings.commandTimeoutMs,
        loginTimeoutMs: settings.loginTimeoutMs,
        logger: log,
      });
      return new SwitchConnection(target, fingerprint, client, session, log);
    } catch (err) {
      client.destroy();
      throw err;
    }
  }
}

function describe(target: SwitchTarget): string {
  return `${target.name} (${target.host}:${target.port})`;
}

/** Resolves with the host key fingerprint once authenticated. */
function login(
  client: Client,
  target: SwitchTarget,
  address: string,
  settings: ConnectionSettings,
  signal?: AbortSignal,
): Promise<string> {
  const where = describe(target);
  const pinned = target.hostKey?.fingerprint ?? null;

  return new Promise<string>((resolve, reject) => {
    let fingerprint = '';
    let hostKeyRefused: SwitchyardError | null = null;
    let preAuthBanner = '';
    let settled = false;

    const settle = (err: SwitchyardError | null) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(fingerprint);
    };
    const onAbort = () => {
      settle(new SwitchyardError('CANCELLED', `connecting to ${where} was cancelled`));
      client.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    client.on('banner', (message: string) => {
      preAuthBanner += message;
    });

    // Servers that only allow keyboard-interactive ask for the password this way.
    client.on(
      'keyboard-interactive',
      (_name, _instructions, _lang, prompts: Prompt[], finish: KeyboardInteractiveCallback) => {
        finish(
          prompts.map((prompt) =>
            prompt.echo === true && !/password/i.test(prompt.prompt)
              ? target.username
              : target.password,
          ),
        );
      },
    );

    client.once('ready', () => {
      if (pinned === null) {
        settings.logger?.info({ fingerprint }, 'host key learned on first use');
        Promise.resolve(settings.onHostKeyLearned?.(target.id, fingerprint)).catch(
          (err: unknown) => {
            settings.logger?.error({ err }, 'recording the learned host key failed');
          },
        );
      }
      settle(null);
    });

    client.once('error', (err: Ssh2Error) => {
      settle(hostKeyRefused ?? classifyConnectError(err, where));
    });

    client.once('close', () => {
      if (hostKeyRefused) return settle(hostKeyRefused);
      if (SESSION_LIMIT_LINE.test(preAuthBanner)) {
        return settle(
          new SwitchyardError(
            'SESSION_LIMIT',
            `${where} refused the login: ${preAuthBanner.trim()}`,
          ),
        );
      }
      settle(
        new SwitchyardError('CONNECTION_DROPPED', `${where} closed the connection during login`),
      );
    });

    if (signal?.aborted) return onAbort();

    // Commands are small interactive writes: without this, Nagle's algorithm holds each one
    // for the switch's delayed ACK (about 40 ms a command).
    client.once('connect', () => client.setNoDelay(true));
    client.connect({
      host: address,
      port: target.port,
      username: target.username,
      password: target.password,
      tryKeyboard: true,
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: settings.keepaliveCountMax,
      algorithms: algorithmsFor(target.legacyAlgorithms),
      hostVerifier: (key: Buffer) => {
        fingerprint = hostKeyFingerprint(key);
        if (pinned !== null && pinned !== fingerprint) {
          // Refused before authentication: the password never reaches an impostor.
          hostKeyRefused = new SwitchyardError(
            'HOST_KEY_MISMATCH',
            `${where} presented host key ${fingerprint}, but ${pinned} is pinned`,
          );
          return false;
        }
        return true;
      },
    });
  });
}

function openShell(client: Client, target: SwitchTarget): Promise<ClientChannel> {
  return new Promise<ClientChannel>((resolve, reject) => {
    const onClose = () =>
      reject(
        new SwitchyardError(
          'CONNECTION_DROPPED',
          `${describe(target)} closed the connection before the shell opened`,
        ),
      );
    client.once('close', onClose);

    client.shell({ term: 'vt100', cols: PTY_COLUMNS, rows: PTY_ROWS }, (err, channel) => {
      client.removeListener('close', onClose);
      if (err) {
        reject(
          new SwitchyardError(
            'CHANNEL_OPEN_FAILED',
            `${describe(target)} refused the shell channel: ${err.message}`,
            { cause: err },
          ),
        );
        return;
      }
      resolve(channel);
    });
  });
}
