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
    // Past this instant the lock has surely expired, whether or not a renewal has said so
    // yet: after an event loop blocked for longer than the TTL, the next command may come
    // before the renewal timer gets to run.
    let heldUntil = Date.now() + this.ttlMs;
    const markLost = () => {
      if (lost) return;
      lost = true;
      clearInterval(timer);
      onLost();
    };
    const timer = setInterval(() => {
      const renewedAt = Date.now();
      lock.extend(token).then(
        (held) => {
          if (held) heldUntil = renewedAt + this.ttlMs;
          else markLost();
        },
        // An unreachable Redis cannot vouch for the lock either; stop rather than risk two runs.
        () => markLost(),
      );
    }, this.renewMs);

    return {
      get lost() {
        if (!lost && Date.now() >= heldUntil) markLost();
        return lost;
      },
      async release() {
        clearInterval(timer);
        if (!lost) await lock.release(token);
      },
    };
  }
}
