import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { loadConfig, type SwitchyardConfig } from '@switchyard/config';
import {
  DEFAULT_DEPLOYMENT_PARAMS,
  RolloutStrategySchema,
  type JobInput,
  type JobView,
  type RolloutInput,
  type RolloutState,
  type RolloutView,
  type Webhook,
  type WebhookCreated,
  type WebhookDelivery,
  type WebhookInput,
  type WebhookPatch,
} from '@switchyard/contracts';
import { createRootLogger, type Logger } from '@switchyard/logging';
import {
  RolloutStateError,
  TargetResolutionError,
  type JobApi,
  type RolloutApi,
} from '@switchyard/rollouts';
import { WebhookTargetError, type WebhookApi } from '@switchyard/webhooks';
import { createApi } from '../../../apps/api/src/api';
import { createTestRedis, type TestRedis } from '../../support/redis';

/** A switch id the fakes treat as unknown, to exercise TargetResolutionError. */
export const UNKNOWN_SWITCH_ID = 'no-such-switch';

/** Every log line the API wrote, as text, for assertions that no secret was logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }

  get text(): string {
    return this.lines.join('\n');
  }
}

/** In-memory JobApi that records what it was asked to enqueue. */
export class FakeJobApi implements JobApi {
  readonly submitted: JobInput[] = [];
  private readonly jobs = new Map<string, JobView>();

  async submit(input: JobInput): Promise<JobView> {
    if (input.switchId === UNKNOWN_SWITCH_ID) {
      throw new TargetResolutionError('unknown switch', {
        switchId: `no switch with id "${input.switchId}"`,
      });
    }
    this.submitted.push(input);
    const job: JobView = {
      id: String(this.submitted.length),
      switchId: input.switchId,
      rolloutId: null,
      steps: [input.step],
      dryRun: input.dryRun,
      state: 'waiting',
      attempts: 0,
      result: [],
      error: null,
      createdAt: new Date().toISOString(),
      finishedAt: null,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  async get(id: string): Promise<JobView | null> {
    return this.jobs.get(id) ?? null;
  }
}

/** In-memory RolloutApi; `hold()` makes the next create wait until released. */
export class FakeRolloutApi implements RolloutApi {
  readonly created: RolloutInput[] = [];
  private readonly rollouts = new Map<string, RolloutView>();
  private gate: Promise<void> | null = null;

  /** Makes create() wait until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = null;
      release();
    };
  }

  async create(input: RolloutInput): Promise<RolloutView> {
    if (this.gate) await this.gate;
    const unknown = (input.switchIds ?? []).flatMap((id, i) =>
      id === UNKNOWN_SWITCH_ID ? [i] : [],
    );
    if (unknown.length > 0) {
      throw new TargetResolutionError(
        'some switches do not exist',
        Object.fromEntries(
          unknown.map((i) => [`switchIds.${i}`, `no switch with id "${UNKNOWN_SWITCH_ID}"`]),
        ),
      );
    }
    this.created.push(input);
    const now = new Date().toISOString();
    const total = input.switchIds?.length ?? 1;
    const view: RolloutView = {
      id: randomUUID(),
      state: 'running',
      dryRun: input.dryRun,
      steps: input.steps,
      params: input.params ?? DEFAULT_DEPLOYMENT_PARAMS,
      strategy: input.strategy ?? RolloutStrategySchema.parse({}),
      counts: {
        total,
        pending: total,
        queued: 0,
        running: 0,
        succeeded: 0,
        failed: 0,
        skipped: 0,
        cancelled: 0,
      },
      reason: null,
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      switches: [],
    };
    this.rollouts.set(view.id, view);
    return view;
  }

  async get(id: string): Promise<RolloutView | null> {
    return this.rollouts.get(id) ?? null;
  }

  async list(limit = 50): Promise<RolloutView[]> {
    return [...this.rollouts.values()].reverse().slice(0, limit);
  }

  pause(id: string) {
    return this.transition(id, ['running'], 'paused');
  }

  resume(id: string) {
    return this.transition(id, ['paused'], 'running');
  }

  cancel(id: string) {
    return this.transition(id, ['running', 'paused'], 'cancelled');
  }

  private async transition(
    id: string,
    from: RolloutState[],
    to: RolloutState,
  ): Promise<RolloutView | null> {
    const view = this.rollouts.get(id);
    if (!view) return null;
    if (!from.includes(view.state))
      throw new RolloutStateError(`rollout ${id} is ${view.state}; it cannot become ${to}`);
    const next = { ...view, state: to, updatedAt: new Date().toISOString() };
    this.rollouts.set(id, next);
    return next;
  }
}

/** In-memory WebhookApi; refuses URLs on host `blocked.invalid` as the address policy would. */
export class FakeWebhookApi implements WebhookApi {
  readonly hooks = new Map<string, Webhook>();
  readonly secretsIssued: string[] = [];
  readonly deliveryLog = new Map<string, WebhookDelivery[]>();

  async create(input: WebhookInput): Promise<WebhookCreated> {
    if (new URL(input.url).hostname === 'blocked.invalid')
      throw new WebhookTargetError('the URL resolves to a refused address');
    const now = new Date().toISOString();
    const hook: Webhook = {
      id: randomUUID(),
      url: input.url,
      events: input.events,
      description: input.description ?? null,
      active: true,
      createdAt: now,
      updatedAt: now,
    };
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    this.hooks.set(hook.id, hook);
    this.secretsIssued.push(secret);
    this.deliveryLog.set(hook.id, []);
    return { ...hook, secret };
  }

  async list(): Promise<Webhook[]> {
    return [...this.hooks.values()];
  }

  async get(id: string): Promise<Webhook | null> {
    return this.hooks.get(id) ?? null;
  }

  async update(id: string, patch: WebhookPatch): Promise<Webhook | null> {
    const hook = this.hooks.get(id);
    if (!hook) return null;
    const next: Webhook = {
      ...hook,
      url: patch.url ?? hook.url,
      events: patch.events ?? hook.events,
      description: patch.description === undefined ? hook.description : patch.description,
      active: patch.active ?? hook.active,
      updatedAt: new Date().toISOString(),
    };
    this.hooks.set(id, next);
    return next;
  }

  async delete(id: string): Promise<boolean> {
    this.deliveryLog.delete(id);
    return this.hooks.delete(id);
  }

  async deliveries(webhookId: string, limit = 50): Promise<WebhookDelivery[] | null> {
    return this.deliveryLog.get(webhookId)?.slice(0, limit) ?? null;
  }

  async redeliver(webhookId: string, deliveryId: string): Promise<WebhookDelivery | null> {
    const delivery = this.deliveryLog.get(webhookId)?.find((d) => d.id === deliveryId);
    return delivery
      ? { ...delivery, status: 'pending', nextAttemptAt: new Date().toISOString() }
      : null;
  }
}

export interface TestApi {
  app: INestApplication;
  /** What supertest is given. */
  server: ReturnType<INestApplication['getHttpServer']>;
  config: SwitchyardConfig;
  token: string;
  /** A second accepted token: another principal. */
  otherToken: string;
  redis: TestRedis;
  logs: LogCapture;
  logger: Logger;
  rollouts: FakeRolloutApi;
  jobs: FakeJobApi;
  webhooks: FakeWebhookApi;
  close(): Promise<void>;
}

/**
 * The real Nest app on real Redis (fresh prefix), with in-memory rollout, job and webhook
 * services so tests can see exactly what would have been enqueued.
 */
export async function startTestApi(
  label = 'api',
  options: { sseHeartbeatMs?: number } = {},
): Promise<TestApi> {
  const redis = await createTestRedis(label);
  const token = randomBytes(24).toString('base64url');
  const otherToken = randomBytes(24).toString('base64url');
  const config = loadConfig({
    REDIS_URL: redis.url,
    SWITCHYARD_PREFIX: redis.prefix,
    SWITCHYARD_API_TOKENS: `${token},${otherToken}`,
    LOG_LEVEL: 'debug',
  });
  const logs = new LogCapture();
  const logger = createRootLogger({ level: 'debug', destination: logs });
  const rollouts = new FakeRolloutApi();
  const jobs = new FakeJobApi();
  const webhooks = new FakeWebhookApi();

  const app = await createApi(config, {
    logger,
    rollouts,
    jobs,
    webhooks,
    sseHeartbeatMs: options.sseHeartbeatMs,
  });
  return {
    app,
    server: app.getHttpServer(),
    config,
    token,
    otherToken,
    redis,
    logs,
    logger,
    rollouts,
    jobs,
    webhooks,
    async close() {
      await app.close();
      await redis.cleanup();
    },
  };
}

/** Every key under the test's prefix, to check that a refused request stored nothing. */
export async function keysUnder(redis: TestRedis, pattern = '*'): Promise<string[]> {
  return (await redis.redis.keys(`${redis.prefix}:${pattern}`)).sort();
}
