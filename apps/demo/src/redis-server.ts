import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

/** How long a private redis-server gets to answer PING, in ms. */
const REDIS_START_TIMEOUT_MS = 10_000;

export interface RedisHandle {
  url: string;
  /** True when this process started the server (and stops it on close). */
  private: boolean;
  close(): Promise<void>;
}

async function answersPing(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Uses the Redis at `preferredUrl` when it answers; otherwise starts a private
 * redis-server on a free loopback port that keeps nothing on disk.
 */
export async function ensureRedis(preferredUrl: string): Promise<RedisHandle> {
  if (await answersPing(preferredUrl)) {
    return { url: preferredUrl, private: false, close: async () => undefined };
  }

  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      `no Redis answers at ${preferredUrl} and the redis-server binary is not installed.\n` +
        '  Install it (Debian: apt-get install redis-server) or set REDIS_URL to a running Redis.',
    );
  }

  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;

  const deadline = Date.now() + REDIS_START_TIMEOUT_MS;
  while (!(await answersPing(url))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(
        `a private redis-server on port ${port} did not start within ${REDIS_START_TIMEOUT_MS} ms`,
      );
    }
    await sleep(100);
  }

  return {
    url,
    private: true,
    async close() {
      child.kill('SIGTERM');
      await new Promise((resolve) =>
        child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes every key under `prefix:` (the demo's own data) from the Redis at `url`. */
export async function deleteKeysUnder(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
      if (keys.length > 0) await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
