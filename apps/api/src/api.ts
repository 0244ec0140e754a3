import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { SwitchyardConfig } from '@switchyard/config';
import { EventLog } from '@switchyard/events';
import { SwitchRepository } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import { createRolloutServices, type JobApi, type RolloutApi } from '@switchyard/rollouts';
import { createWebhookServices, type WebhookApi } from '@switchyard/webhooks';
import { ApiModule } from './api.module';
import type { ApiRuntime } from './api-runtime';
import { SSE_HEARTBEAT_MS } from './events/event-stream.service';
import { jsonOnlyMiddleware } from './http/json-only.middleware';
import { ErrorFilter } from './http/error.filter';
import { PinoNestLogger } from './http/nest-logger';
import { requestContextMiddleware } from './http/request-context';
import { serveOpenApiDocs } from './openapi/document';
import { connectRedis } from './redis';

/** Largest request body accepted; larger ones get 413. Rollout bodies carry at most a 64 KB page. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface ApiDeps {
  logger: Logger;
  /** Given: used as is and left open on close. Absent: built from config and closed with the app. */
  rollouts?: RolloutApi;
  jobs?: JobApi;
  webhooks?: WebhookApi;
  /** Interval of the SSE heartbeat comment, in ms. Default SSE_HEARTBEAT_MS (15 s). */
  sseHeartbeatMs?: number;
}

/**
 * The REST API as a Nest application, initialised but not listening: the caller chooses
 * where (`app.listen(port, host)`), or hands `app.getHttpServer()` to supertest.
 * `app.close()` releases the Redis connections and the services it built itself.
 */
export async function createApi(
  config: SwitchyardConfig,
  deps: ApiDeps,
): Promise<INestApplication> {
  const logger = deps.logger;
  const runtime = await openRuntime(config, deps);

  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(ApiModule.register(runtime), {
      bodyParser: false,
      logger: new PinoNestLogger(logger),
      // Open SSE streams and idle keep-alive sockets must not hold shutdown up.
      forceCloseConnections: true,
      abortOnError: false,
    });
  } catch (err) {
    await runtime.close();
    throw err;
  }

  app.disable('x-powered-by');
  app.use(requestContextMiddleware(logger));
  app.use(jsonOnlyMiddleware);
  app.useBodyParser('json', { limit: MAX_BODY_BYTES });
  app.useGlobalFilters(new ErrorFilter(logger));
  serveOpenApiDocs(app);
  await app.init();
  return app;
}

async function openRuntime(config: SwitchyardConfig, deps: ApiDeps): Promise<ApiRuntime> {
  const redis = await connectRedis(config.redisUrl);
  const closers: (() => Promise<void>)[] = [async () => redis.disconnect()];
  const close = async () => {
    for (const closeOne of closers.reverse()) await closeOne();
  };

  try {
    let { rollouts, jobs, webhooks } = deps;
    if (!rollouts || !jobs) {
      const services = await createRolloutServices({ config, logger: deps.logger });
      closers.push(() => services.close());
      rollouts ??= services.rollouts;
      jobs ??= services.jobs;
    }
    if (!webhooks) {
      const services = await createWebhookServices({ config, logger: deps.logger });
      closers.push(() => services.close());
      webhooks = services.webhooks;
    }

    return {
      config,
      logger: deps.logger,
      redis,
      switches: new SwitchRepository(redis, config.prefix),
      events: new EventLog(redis, config.prefix),
      rollouts,
      jobs,
      webhooks,
      sseHeartbeatMs: deps.sseHeartbeatMs ?? SSE_HEARTBEAT_MS,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
