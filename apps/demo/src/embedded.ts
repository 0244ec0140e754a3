import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { SwitchyardClient } from '@switchyard/client';
import { loadConfig } from '@switchyard/config';
import { CredentialStore } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import { createApi } from '../../api/src/api';
import { startWorker, type RunningWorker } from '../../worker/src/worker';
import { startChildProcessFleet, startInProcessFleet, type FleetHandle } from './fleet-handle';
import { deleteKeysUnder, ensureRedis, type RedisHandle } from './redis-server';

export interface EmbeddedOptions {
  /** Names the run's Redis key prefix (`switchyard-<label>-<random>`). */
  label: string;
  count: number;
  /** First simulator address; the others count up from it. */
  address: string;
  port: number;
  timeScale: number;
  /** Tag every switch is registered with. */
  tag: string;
  logger: Logger;
  logLevel: string;
  workerConcurrency?: number;
  /** Run the simulator in a child process of its own (as a benchmark should). Default: in this one. */
  simulatorProcess?: boolean;
}

/** The whole product in one process on the simulator, with its switches registered. */
export interface Embedded {
  redis: RedisHandle;
  fleet: FleetHandle;
  baseUrl: string;
  client: SwitchyardClient;
  close(): Promise<void>;
}

/**
 * Starts (or finds) Redis, a simulated fleet, a worker and the API on loopback, and
 * registers every switch through the REST API with its host key pinned. Credentials,
 * tokens and keys are fresh for this run only: nothing here is a default anyone could reuse.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<Embedded> {
  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const password = randomBytes(12).toString('base64url');
  const token = randomBytes(24).toString('base64url');
  const prefix = `switchyard-${options.label}-${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    REDIS_URL: redis.url,
    SWITCHYARD_PREFIX: prefix,
    SWITCHYARD_API_TOKENS: token,
    SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: options.logLevel,
    ...(options.workerConcurrency ? { WORKER_CONCURRENCY: String(options.workerConcurrency) } : {}),
  });

  const fleetSpec = { ...options, password };
  const fleet = options.simulatorProcess
    ? await startChildProcessFleet(fleetSpec)
    : await startInProcessFleet(fleetSpec);
  let worker: RunningWorker | undefined;
  let api: INestApplication | undefined;

  const close = async () => {
    await api?.close();
    await worker?.close();
    await fleet.close();
    if (!redis.private) await deleteKeysUnder(redis.url, prefix);
    await redis.close();
  };

  try {
    worker = await startWorker(config, {
      logger: options.logger,
      credentials: CredentialStore.fromEntries({ lab: { username: 'admin', password } }),
    });
    api = await createApi(config, { logger: options.logger });
    await api.listen(0, '127.0.0.1');
    const baseUrl = await api.getUrl();
    const client = new SwitchyardClient(baseUrl, token);

    for (const sim of fleet.switches) {
      // The simulator tells us its host key, so it is pinned up front, as an operator with
      // an inventory of fingerprints would.
      await client.registerSwitch({
        name: sim.name,
        host: sim.address,
        port: sim.port,
        credentialRef: 'lab',
        tags: [options.tag],
        hostKeyFingerprint: sim.hostKeyFingerprint,
      });
    }
    return { redis, fleet, baseUrl, client, close };
  } catch (err) {
    await close();
    throw err;
  }
}
