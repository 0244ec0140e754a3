import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Deletes or extends the key only while it still holds the caller's token, so a holder whose
// lock expired and was taken over cannot free or extend the new holder's lock.
const RELEASE_IF_OWNED = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const EXTEND_IF_OWNED = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/** A Redis lock: `SET NX PX` with a token unique to the holder, released by compare-and-delete. */
export class RedisLock {
  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** Returns the holder's token, or null when someone else holds the lock. */
  async tryAcquire(token: string = randomUUID()): Promise<string | null> {
    const set = await this.redis.set(this.key, token, 'PX', this.ttlMs, 'NX');
    return set === 'OK' ? token : null;
  }

  /** False when the lock expired or passed to another holder. */
  async extend(token: string): Promise<boolean> {
    return (await this.redis.eval(EXTEND_IF_OWNED, 1, this.key, token, String(this.ttlMs))) === 1;
  }

  async release(token: string): Promise<boolean> {
    return (await this.redis.eval(RELEASE_IF_OWNED, 1, this.key, token)) === 1;
  }
}
