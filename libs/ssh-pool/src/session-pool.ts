import type { HostKeyPin } from '@switchyard/contracts';
import type { CliSession } from '@switchyard/nxos-cli';

/** Everything needed to log in to one switch. Built on the worker; never serialised. */
export interface SwitchTarget {
  id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  password: string;
  legacyAlgorithms: boolean;
  /** Null: accept the key presented and report it through `onHostKeyLearned`. */
  hostKey: HostKeyPin | null;
}

export interface SessionLease {
  readonly session: CliSession;
  /** Hands the session back for reuse (reset to exec mode on the next acquire). */
  release(): void;
  /** Closes the session and its connection: after a timeout, a drop or anything odd. */
  discard(reason: string): void;
}

/**
 * Keeps at most one SSH connection and one CLI shell per switch open, reusing them across
 * jobs on the same worker, so a rollout costs one login per switch.
 */
export interface SessionPool {
  acquire(target: SwitchTarget, options?: { signal?: AbortSignal }): Promise<SessionLease>;
  closeAll(): Promise<void>;
  stats(): { connections: number; leased: number };
}
