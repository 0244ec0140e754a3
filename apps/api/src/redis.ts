import { Redis } from 'ioredis';
import { describeRedisUrl } from '@switchyard/config';

/** How long start-up waits for Redis before it gives up, in ms. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;

/** Commands retried this many times on a dropped connection before the request fails. */
const REDIS_MAX_RETRIES_PER_REQUEST = 2;

/** Redis did not answer at start-up; the message says where it looked and what to do. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * Opens the API's Redis connection and checks it answers, so that an unreachable Redis
 * stops start-up with a message rather than failing the first request.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: REDIS_MAX_RETRIES_PER_REQUEST,
    connectionName: 'switchyard-api',
  });
  // ioredis reports every failed reconnect as an 'error' event; the caller sees the first
  // failure below, later ones surface as failed requests and in /healthz.
  let lastError: NodeJS.ErrnoException | null = null;
  redis.on('error', (err: NodeJS.ErrnoException) => {
    lastError = err;
  });

  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than "Connection is closed".
    const cause: NodeJS.ErrnoException = lastError ?? (err as NodeJS.ErrnoException);
    const reason = cause.code ?? cause.message;
    throw new RedisUnavailableError(
      `Redis at ${describeRedisUrl(url)} is unreachable (${reason}); start Redis or set REDIS_URL to where it runs`,
      { cause: err },
    );
  }
}
