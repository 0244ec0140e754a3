import { Redis } from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import { EventLog } from '@switchyard/events';
import { SwitchRepository } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import { watchRedisConnection } from './connection-watch';
import { RolloutCoordinator } from './coordinator';
import { JobService } from './job-service';
import { openSwitchRunsQueue } from './queue';
import { RolloutService } from './rollout-service';
import { RolloutStore } from './rollout-record';
import type { JobApi, RolloutApi } from './services';

export interface RolloutServices {
  rollouts: RolloutApi;
  jobs: JobApi;
  coordinator: RolloutCoordinator;
  close(): Promise<void>;
}

/**
 * The rollout and job services over their own Redis connections (from config.redisUrl),
 * for the API and the worker alike. `close` ends those connections.
 */
export async function createRolloutServices(options: {
  config: Pick<SwitchyardConfig, 'redisUrl' | 'prefix'>;
  logger: Logger;
}): Promise<RolloutServices> {
  const { config, logger } = options;
  const log = logger.child({ component: 'RolloutServices' });
  const redis = new Redis(config.redisUrl, { lazyConnect: true });
  watchRedisConnection(redis, log, 'rollouts');
  await redis.connect();
  const queueConnection = redis.duplicate();
  watchRedisConnection(queueConnection, log, 'switch-runs producer');

  const queue = openSwitchRunsQueue(queueConnection, config.prefix);
  queue.on('error', (err: Error) => log.debug({ err }, 'switch-runs queue error'));
  const store = new RolloutStore(redis, config.prefix);
  const events = new EventLog(redis, config.prefix);
  const switches = new SwitchRepository(redis, config.prefix);
  const coordinator = new RolloutCoordinator({ redis, store, queue, events, logger });

  return {
    rollouts: new RolloutService({ store, queue, switches, coordinator, events }),
    jobs: new JobService(queue, switches),
    coordinator,
    async close() {
      await queue.close();
      queueConnection.disconnect();
      redis.disconnect();
    },
  };
}
