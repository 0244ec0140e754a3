import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { SwitchyardClient } from '@switchyard/client';
import { loadConfig, type SwitchyardConfig } from '@switchyard/config';
import { CredentialStore } from '@switchyard/inventory';
import { createRootLogger, type Logger } from '@switchyard/logging';
import type { StepHandler } from '@switchyard/steps';
import { createApi } from '../../apps/api/src/api';
import { startFleet, type SimFleet, type SimSwitchOptions } from '../../apps/switch-sim/src';
import { startWorker } from '../../apps/worker/src/worker';
import { createTestRedis, type TestRedis } from './redis';

export interface StackOptions {
  switches: SimSwitchOptions[];
  timeScale?: number;
  workerConcurrency?: number;
  /** Extra environment for loadConfig (e.g. SWITCHYARD_WEBHOOK_ALLOW). */
  env?: Record<string, string>;
  stepHandlers?: StepHandler[];
  /** Credentials besides `lab` (admin with the stack password). */
  credentials?: Record<string, { username: string; password: string }>;
}

/** The whole product on real parts: Redis (fresh prefix), simulator, worker, API on loopback. */
export interface Stack {
  redis: TestRedis;
  config: SwitchyardConfig;
  fleet: SimFleet;
  api: INestApplication;
  baseUrl: string;
  token: string;
  client: SwitchyardClient;
  logger: Logger;
  close(): Promise<void>;
}

/** The password every simulated switch of a stack accepts (generated per stack). */
export function stackPassword(): string {
  return randomBytes(9).toString('base64url');
}

export async function startStack(options: StackOptions & { password: string }): Promise<Stack> {
  const redis = await createTestRedis('e2e');
  const token = randomBytes(24).toString('base64url');
  const config = loadConfig({
    REDIS_URL: redis.url,
    SWITCHYARD_PREFIX: redis.prefix,
    SWITCHYARD_API_TOKENS: token,
    SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64url'),
    WORKER_CONCURRENCY: String(options.workerConcurrency ?? 20),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const logger = createRootLogger({ level: config.logLevel, destination: process.stderr });

  const fleet = await startFleet({
    switches: options.switches,
    timeScale: options.timeScale ?? 0.02,
    logger,
  });
  const credentials = CredentialStore.fromEntries({
    ...options.credentials,
    lab: { username: 'admin', password: options.password },
  });
  const worker = await startWorker(config, {
    logger,
    credentials,
    stepHandlers: options.stepHandlers,
  });
  const api = await createApi(config, { logger });
  await api.listen(0, '127.0.0.1');
  const baseUrl = (await api.getUrl()).replace('[::1]', '127.0.0.1');

  let closing: Promise<void> | undefined;
  return {
    redis,
    config,
    fleet,
    api,
    baseUrl,
    token,
    client: new SwitchyardClient(baseUrl, token),
    logger,
    close() {
      // Idempotent: a test may close the stack to inspect the switches afterwards.
      closing ??= (async () => {
        await api.close();
        await worker.close();
        await fleet.close();
        await redis.cleanup();
      })();
      return closing;
    },
  };
}
