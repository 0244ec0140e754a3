import type { Redis } from 'ioredis';
import type { Logger } from '@switchyard/logging';

/**
 * Logs a Redis connection's trouble once per outage rather than at every reconnect attempt,
 * and its recovery. ioredis reconnects by itself; without a listener it prints each error.
 */
export function watchRedisConnection(redis: Redis, log: Logger, name: string): void {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    log.warn({ err, connection: name }, 'Redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    log.info({ connection: name }, 'Redis connection back');
  });
}
