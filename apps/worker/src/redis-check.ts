import { Redis } from 'ioredis';
import { describeRedisUrl } from '@switchyard/config';
import { REDIS_STARTUP_TIMEOUT_MS } from './constants';

/**
 * Refuses a Redis the worker cannot use, with a message that says what to fix: nothing
 * answering, a rejected password, or an eviction policy under which BullMQ would lose jobs.
 */
export async function checkRedisAtStartup(
  url: string,
  timeoutMs = REDIS_STARTUP_TIMEOUT_MS,
): Promise<void> {
  const where = describeRedisUrl(url);
  // One try, no reconnects and no offline queue: a bad address fails now, not in a minute.
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The socket's own error (ECONNREFUSED, ...) says more than ioredis' "Connection is closed".
  let socketError: Error | null = null;
  probe.on('error', (err: Error) => (socketError = err));

  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    probe.disconnect();
    const reason = (socketError ?? (err as Error)).message.replace(/\.$/, '');
    throw new Error(
      `cannot use Redis at ${where}: ${reason}. Check REDIS_URL and that Redis is running and reachable.`,
    );
  }

  try {
    const reply = (await probe.config('GET', 'maxmemory-policy').catch(() => null)) as
      string[] | null;
    const policy = reply?.[1];
    // Managed Redis may forbid CONFIG; then there is nothing to check.
    if (policy && policy !== 'noeviction') {
      throw new Error(
        `Redis at ${where} has maxmemory-policy "${policy}": it may evict queued jobs. Set maxmemory-policy to noeviction.`,
      );
    }
  } finally {
    probe.disconnect();
  }
}
