import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RedisLock } from '@switchyard/rollouts';
import { SWITCH_LOCK_RENEW_MS, SWITCH_LOCK_TTL_MS } from './constants';

/** A held switch lock, renewed in the background until released. */
export interface SwitchLockHold {
  /** True once a renewal found the lock gone: the run must stop at the next command. */
  readonly lost: boolean;
  release(): Promise<void>;
}

/**
 * One run per switch at a time, across all rollouts, single jobs and workers: a Redis lock
 * per switch (`<prefix>:switch-lock:<id>`), with a token unique to each attempt.
 */
export class SwitchLocks {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = SWITCH_LOCK_TTL_MS,
    private readonly renewMs = SWITCH_LOCK_RENEW_MS,
  ) {}

  /** Null when another run holds the switch. */
  async tryHold(switchId: string, onLost: () => void): Promise<SwitchLockHold | null> {
    const lock = new RedisLock(this.redis, `${this.prefix}:switch-lock:${switchId}`, this.ttlMs);
    const token = await lock.tryAcquire(randomUUID());
    if (!token) return null;

    let lost = false;
    const markLost = () => {
      if (lost) return;
      lost = true;
      clearInterval(timer);
      onLost();
    };
    const timer = setInterval(() => {
      lock.extend(token).then(
        (held) => held || markLost(),
        // An unreachable Redis cannot vouch for the lock either; stop rather than risk two runs.
        () => markLost(),
      );
    }, this.renewMs);

    return {
      get lost() {
        return lost;
      },
      async release() {
        clearInterval(timer);
        if (!lost) await lock.release(token);
      },
    };
  }
}
