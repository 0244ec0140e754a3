import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import {
  CONFIG,
  EVENT_LOG,
  JOB_API,
  LOGGER,
  REDIS,
  ROLLOUT_API,
  SSE_HEARTBEAT_INTERVAL,
  SWITCH_REPOSITORY,
  WEBHOOK_API,
  type ApiRuntime,
} from './api-runtime';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { PRINCIPAL_RESOLVER, StaticTokenPrincipals } from './auth/principals';
import { EventStreamService } from './events/event-stream.service';
import { EventsController } from './events/events.controller';
import { HealthController } from './health/health.controller';
import { IDEMPOTENCY_STORE, IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { JobsController } from './jobs/jobs.controller';
import { RolloutsController } from './rollouts/rollouts.controller';
import { SwitchesController } from './switches/switches.controller';
import { WebhooksController } from './webhooks/webhooks.controller';

const API_RUNTIME = Symbol('ApiRuntime');

/** Closes what the runtime owns once the HTTP server has stopped. */
@Injectable()
class RuntimeLifecycle implements OnApplicationShutdown {
  constructor(@Inject(API_RUNTIME) private readonly runtime: ApiRuntime) {}

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}

@Module({})
export class ApiModule {
  static register(runtime: ApiRuntime): DynamicModule {
    return {
      module: ApiModule,
      controllers: [
        HealthController,
        SwitchesController,
        JobsController,
        RolloutsController,
        WebhooksController,
        EventsController,
      ],
      providers: [
        { provide: API_RUNTIME, useValue: runtime },
        { provide: CONFIG, useValue: runtime.config },
        { provide: LOGGER, useValue: runtime.logger },
        { provide: REDIS, useValue: runtime.redis },
        { provide: SWITCH_REPOSITORY, useValue: runtime.switches },
        { provide: EVENT_LOG, useValue: runtime.events },
        { provide: ROLLOUT_API, useValue: runtime.rollouts },
        { provide: JOB_API, useValue: runtime.jobs },
        { provide: WEBHOOK_API, useValue: runtime.webhooks },
        { provide: SSE_HEARTBEAT_INTERVAL, useValue: runtime.sseHeartbeatMs },
        {
          provide: PRINCIPAL_RESOLVER,
          useValue: new StaticTokenPrincipals(runtime.config.apiTokens),
        },
        {
          provide: IDEMPOTENCY_STORE,
          useValue: new IdempotencyStore(runtime.redis, runtime.config.prefix),
        },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        EventStreamService,
        RuntimeLifecycle,
      ],
    };
  }
}
