import type { Redis } from 'ioredis';
import type { SwitchyardConfig } from '@switchyard/config';
import type { EventLog } from '@switchyard/events';
import type { SwitchRepository } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import type { JobApi, RolloutApi } from '@switchyard/rollouts';
import type { WebhookApi } from '@switchyard/webhooks';

/** Injection tokens: controllers depend on these interfaces, never on an implementation. */
export const CONFIG = Symbol('SwitchyardConfig');
export const LOGGER = Symbol('Logger');
export const REDIS = Symbol('Redis');
export const SWITCH_REPOSITORY = Symbol('SwitchRepository');
export const EVENT_LOG = Symbol('EventLog');
export const ROLLOUT_API = Symbol('RolloutApi');
export const JOB_API = Symbol('JobApi');
export const WEBHOOK_API = Symbol('WebhookApi');
export const SSE_HEARTBEAT_INTERVAL = Symbol('SseHeartbeatMs');

/** Everything the API's providers are built from, assembled once by `createApi`. */
export interface ApiRuntime {
  config: SwitchyardConfig;
  logger: Logger;
  redis: Redis;
  switches: SwitchRepository;
  events: EventLog;
  rollouts: RolloutApi;
  jobs: JobApi;
  webhooks: WebhookApi;
  /** Interval of the SSE heartbeat comment, in ms. */
  sseHeartbeatMs: number;
  /** Releases what `createApi` opened itself (Redis, services it built); not the caller's. */
  close(): Promise<void>;
}
