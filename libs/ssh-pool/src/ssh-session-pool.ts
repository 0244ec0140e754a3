import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import type { NetworkList } from '@switchyard/config';
import { SwitchyardError } from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';
import { COMMAND_TIMEOUT_MS } from '@switchyard/nxos-cli';

import { SwitchConnection } from './connection';
import type { SessionLease, SessionPool, SwitchTarget } from './session-pool';

/** Deadline for TCP connect, SSH handshake and authentication together, in ms. */
export const CONNECT_TIMEOUT_MS = 20_000;
/** Interval between SSH keepalives, in ms. */
export const KEEPALIVE_INTERVAL_MS = 5_000;
/** Unanswered keepalives before the connection is declared dead. */
export const KEEPALIVE_COUNT_MAX = 3;
/** A connection unused for this long is closed, in ms. */
export const IDLE_CLOSE_MS = 60_000;
/** Connections open at once across all switches. */
export const MAX_CONNECTIONS = 256;

export interface SessionPoolOptions {
  /** Targets whose resolved address is outside these networks are refused (ADDRESS_NOT_ALLOWED). */
  allowedNetworks: NetworkList;
  /** TCP connect + SSH handshake + authentication deadline, in ms. Default 20 000. */
  connectTimeoutMs?: number;
  /**
   * SSH keepalive interval, in ms. Default 5 000. A peer that stops answering is dropped
   * with KEEPALIVE_TIMEOUT after about `keepaliveIntervalMs * (keepaliveCountMax + 1)`.
   */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives tolerated. Default 3. */
  keepaliveCountMax?: number;
  /** Default deadline of each CLI command, in ms. Default 60 000. */
  commandTimeoutMs?: number;
  /** Deadline for the first CLI prompt after the shell opens, in ms. Default 30 000. */
  loginTimeoutMs?: number;
  /** Close a connection nobody has leased for this long, in ms. Default 60 000. */
  idleCloseMs?: number;
  /** Connections open at once; at the limit, idle ones are closed first, else acquire waits. Default 256. */
  maxConnections?: number;
  /** Trust on first use: called after the first successful login to an unpinned switch. */
  onHostKeyLearned?: (switchId: string, fingerprint: string) => void | Promise<void>;
  logger?: Logger;
}

interface Waiter {
  grant(): void;
  cancel(err: SwitchyardError): void;
}

/** Everything the pool holds for one switch. */
interface SwitchSlot {
  id: string;
  /** Someone holds the turn: a lease, or an acquire still connecting. */
  held: boolean;
  leased: boolean;
  waiters: Waiter[];
  connection: SwitchConnection | null;
  idleTimer: NodeJS.Timeout | undefined;
  lastReleased: number;
}

async function resolve(target: SwitchTarget): Promise<string[]> {
  try {
    return (await lookup(target.host, { all: true })).map((a) => a.address);
  } catch (err) {
    // A name that does not resolve is as unreachable as a closed port; DNS may come back.
    throw new SwitchyardError(
      'CONNECTION_REFUSED',
      `cannot resolve ${target.host} for ${target.name}`,
      { cause: err },
    );
  }
}

export function createSessionPool(options: SessionPoolOptions): SessionPool {
  return new SshSessionPool(options);
}

export class SshSessionPool implements SessionPool {
  private readonly slots = new Map<string, SwitchSlot>();
  /** Connections open or being opened; bounded by maxConnections. */
  private connectionCount = 0;
  private readonly connectionWaiters: Waiter[] = [];
  private readonly closing = new Set<Promise<void>>();
  private shuttingDown = false;

  private readonly idleCloseMs: number;
  private readonly maxConnections: number;
  private readonly log: Logger | undefined;

  constructor(private readonly options: SessionPoolOptions) {
    this.idleCloseMs = options.idleCloseMs ?? IDLE_CLOSE_MS;
    this.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
    this.log = options.logger;
  }

  async acquire(
    target: SwitchTarget,
    { signal }: { signal?: AbortSignal } = {},
  ): Promise<SessionLease> {
    this.assertOpen();
    const address = await this.checkAddress(target);
    const slot = this.slotFor(target.id);

    await this.takeTurn(slot, signal);
    try {
      this.assertOpen();
      const connection = await this.readyConnection(slot, target, address, signal);
      return this.lease(slot, connection);
    } catch (err) {
      this.passTurn(slot);
      throw err;
    }
  }

  stats(): { connections: number; leased: number } {
    let leased = 0;
    for (const slot of this.slots.values()) if (slot.leased) leased++;
    return { connections: this.connectionCount, leased };
  }

  async closeAll(): Promise<void> {
    this.shuttingDown = true;
    const closed = new SwitchyardError('CONNECTION_DROPPED', 'the session pool is closing');

    for (const waiter of this.connectionWaiters.splice(0)) waiter.cancel(closed);
    for (const slot of [...this.slots.values()]) {
      for (const waiter of slot.waiters.splice(0)) waiter.cancel(closed);
      // Leases still out see their session closed; giving them back later is harmless.
      slot.held = false;
      slot.leased = false;
      if (slot.connection) void this.closeConnection(slot);
      else this.slots.delete(slot.id);
    }

    // Also waits for connections that were being opened when closeAll began.
    while (this.closing.size > 0 || this.connectionCount > 0) {
      if (this.closing.size > 0) await Promise.all([...this.closing]);
      else
        await new Promise<void>((resolve) =>
          this.connectionWaiters.push({ grant: resolve, cancel: () => resolve() }),
        );
    }
  }

  private assertOpen(): void {
    if (this.shuttingDown)
      throw new SwitchyardError('CONNECTION_DROPPED', 'the session pool is closed');
  }

  /** Resolves the target and refuses it before any packet is sent to it. */
  private async checkAddress(target: SwitchTarget): Promise<string> {
    const { allowedNetworks } = this.options;
    const addresses = isIP(target.host) !== 0 ? [target.host] : await resolve(target);
    const refused = addresses.filter((address) => !allowedNetworks.has(address));

    if (addresses.length === 0 || refused.length > 0) {
      throw new SwitchyardError(
        'ADDRESS_NOT_ALLOWED',
        `${target.name} resolves to ${refused.join(', ') || 'nothing'}, outside the allowed networks ${allowedNetworks.cidrs.join(', ')}`,
      );
    }
    return addresses[0];
  }

  private slotFor(id: string): SwitchSlot {
    let slot = this.slots.get(id);
    if (!slot) {
      slot = {
        id,
        held: false,
        leased: false,
        waiters: [],
        connection: null,
        idleTimer: undefined,
        lastReleased: 0,
      };
      this.slots.set(id, slot);
    }
    return slot;
  }

  /** One holder per switch; others queue in arrival order until it is their turn. */
  private takeTurn(slot: SwitchSlot, signal?: AbortSignal): Promise<void> {
    if (!slot.held) {
      slot.held = true;
      return Promise.resolve();
    }
    return this.enqueue(
      slot.waiters,
      signal,
      `waiting for the session of switch ${slot.id} was cancelled`,
    );
  }

  private passTurn(slot: SwitchSlot): void {
    slot.leased = false;
    const next = slot.waiters.shift();
    if (next) {
      next.grant();
      return;
    }
    slot.held = false;
    if (!slot.connection) this.slots.delete(slot.id);
  }

  private enqueue(
    queue: Waiter[],
    signal: AbortSignal | undefined,
    cancelMessage: string,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new SwitchyardError('CANCELLED', cancelMessage));
        return;
      }
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(new SwitchyardError('CANCELLED', cancelMessage));
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        cancel: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(waiter);
    });
  }

  /** The slot's connection in exec mode, reused when possible, else a new one. */
  private async readyConnection(
    slot: SwitchSlot,
    target: SwitchTarget,
    address: string,
    signal?: AbortSignal,
  ): Promise<SwitchConnection> {
    clearTimeout(slot.idleTimer);
    const existing = slot.connection;

    if (existing && !existing.closed && !existing.session.broken && existing.serves(target)) {
      try {
        existing.session.takeTranscript();
        await existing.session.ensureMode('exec');
        return existing;
      } catch (err) {
        this.log?.warn(
          { err, switch: target.name },
          'reused session could not return to exec mode; reconnecting',
        );
      }
    }
    if (slot.connection) await this.closeConnection(slot);

    await this.reserveConnection(signal);
    let connection: SwitchConnection;
    try {
      connection = await SwitchConnection.open(
        target,
        address,
        this.connectionSettings(target),
        signal,
      );
    } catch (err) {
      this.freeConnection();
      throw err;
    }

    // From here the connection's count is returned by closeConnection or by watch.
    slot.connection = connection;
    this.watch(slot, connection);
    this.log?.info({ switch: target.name }, 'SSH session opened');
    if (this.shuttingDown) {
      await this.closeConnection(slot);
      throw new SwitchyardError('CONNECTION_DROPPED', 'the session pool is closing');
    }
    return connection;
  }

  private connectionSettings(target: SwitchTarget) {
    const o = this.options;
    return {
      connectTimeoutMs: o.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      keepaliveIntervalMs: o.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS,
      keepaliveCountMax: o.keepaliveCountMax ?? KEEPALIVE_COUNT_MAX,
      commandTimeoutMs: o.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
      loginTimeoutMs: o.loginTimeoutMs,
      onHostKeyLearned: o.onHostKeyLearned,
      logger: this.log?.child({ switch: target.name }),
    };
  }

  /** A connection that closes by itself (idle drop, keepalive) leaves the pool. */
  private watch(slot: SwitchSlot, connection: SwitchConnection): void {
    void connection.whenClosed().then(() => {
      if (slot.connection !== connection) return;
      slot.connection = null;
      this.freeConnection();
      if (!slot.held) this.slots.delete(slot.id);
    });
  }

  /** Waits for room under maxConnections, closing the longest-idle connection if needed. */
  private async reserveConnection(signal?: AbortSignal): Promise<void> {
    while (this.connectionCount >= this.maxConnections) {
      const idle = [...this.slots.values()]
        .filter((s) => !s.held && s.connection)
        .sort((a, b) => a.lastReleased - b.lastReleased)[0];
      if (idle) await this.closeConnection(idle);
      else
        await this.enqueue(
          this.connectionWaiters,
          signal,
          'waiting for a free SSH connection was cancelled',
        );
    }
    this.connectionCount++;
  }

  private freeConnection(): void {
    this.connectionCount--;
    this.connectionWaiters.shift()?.grant();
  }

  private closeConnection(slot: SwitchSlot): Promise<void> {
    const connection = slot.connection;
    if (!connection) return Promise.resolve();

    clearTimeout(slot.idleTimer);
    slot.connection = null;
    const closing = connection.close().finally(() => {
      this.closing.delete(closing);
      this.freeConnection();
      if (!slot.held && !slot.connection) this.slots.delete(slot.id);
    });
    this.closing.add(closing);
    return closing;
  }

  private lease(slot: SwitchSlot, connection: SwitchConnection): SessionLease {
    slot.leased = true;
    let returned = false;

    const giveBack = (close: boolean, reason: string) => {
      if (returned) return;
      returned = true;

      if (close || connection.session.broken || slot.connection !== connection) {
        this.log?.info({ switch: connection.target.name, reason }, 'SSH session discarded');
        if (slot.connection === connection) void this.closeConnection(slot);
      } else {
        slot.lastReleased = Date.now();
        clearTimeout(slot.idleTimer);
        slot.idleTimer = setTimeout(() => {
          if (!slot.held && slot.connection === connection) void this.closeConnection(slot);
        }, this.idleCloseMs);
        slot.idleTimer.unref();
      }
      this.passTurn(slot);

      // Someone waits for room under maxConnections: an idle connection makes way now.
      if (!slot.held && slot.connection && this.connectionWaiters.length > 0)
        void this.closeConnection(slot);
    };

    return {
      session: connection.session,
      release: () => giveBack(false, 'released while broken'),
      discard: (reason: string) => giveBack(true, reason),
    };
  }
}
