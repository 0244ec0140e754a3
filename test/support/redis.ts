import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** Where the tests' Redis listens; `.ci/run` starts one there when none answers. */
export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

export interface TestRedis {
  url: string;
  /** A fresh key prefix: every key the test writes starts with it. */
  prefix: string;
  redis: Redis;
  /** Deletes every key under the prefix and closes the connection. */
  cleanup(): Promise<void>;
}

export async function createTestRedis(label = 'test'): Promise<TestRedis> {
  const prefix = `sy-${label}-${randomBytes(4).toString('hex')}`;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 3, lazyConnect: true });
  await redis.connect();

  return {
    url: TEST_REDIS_URL,
    prefix,
    redis,
    async cleanup() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
