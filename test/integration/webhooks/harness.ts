import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { loadConfig, type SwitchyardConfig } from '@switchyard/config';
import {
  QUEUE_NAMES,
  type EventType,
  type NewEvent,
  type WebhookDelivery,
} from '@switchyard/contracts';
import { EventLog } from '@switchyard/events';
import { createRootLogger, type Logger } from '@switchyard/logging';
import {
  createWebhookServices,
  DISPATCHER_GROUP,
  startWebhookDelivery,
  type WebhookApi,
  type WebhookDeliveryOptions,
} from '@switchyard/webhooks';
import { createTestRedis, type TestRedis } from '../../support/redis';
import { waitFor } from '../../support/wait';

/** Retries in tests: the production shape, in milliseconds instead of minutes. */
export const FAST_RETRY = { attempts: 4, baseDelayMs: 200, maxDelayMs: 1_000 };

/** Per-attempt deadline in tests; the production default is 10 s. */
export const TEST_ATTEMPT_TIMEOUT_MS = 3_000;

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** The raw body bytes, exactly as they arrived. */
  body: Buffer;
  receivedAt: Date;
}

/** Answers one request: a status code, or a handler that writes the answer itself. */
export type Responder = (
  request: ReceivedRequest,
  index: number,
) => number | ((res: ServerResponse) => void);

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Requests whose answer has not been sent (or aborted) yet. */
  open(): number;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that records every request with its raw body. */
export async function startReceiver(responder: Responder = () => 200): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let open = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    open++;
    res.on('close', () => open--);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = {
        headers: req.headers,
        body: Buffer.concat(chunks),
        receivedAt: new Date(),
      };
      const index = requests.push(received) - 1;
      const answer = responder(received, index);
      if (typeof answer === 'number') {
        res.writeHead(answer).end();
      } else {
        answer(res);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    open: () => open,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Waits until the receiver has recorded `count` requests. */
export async function waitForRequests(receiver: Receiver, count: number): Promise<void> {
  await waitFor({
    what: `${count} request(s) at ${receiver.url}`,
    check: () => (receiver.requests.length >= count ? true : undefined),
    pending: () => `${receiver.requests.length} received`,
  });
}

/** A responder that holds the request for `ms` before answering 200 (the sleeping receiver). */
export function answerAfter(ms: number): (res: ServerResponse) => void {
  return (res) => {
    const timer = setTimeout(() => res.writeHead(200).end(), ms);
    res.on('close', () => clearTimeout(timer));
  };
}

export interface WebhookTestEnv {
  redis: TestRedis;
  config: SwitchyardConfig;
  logger: Logger;
  /** Every log line written by the services and the delivery machinery. */
  logLines: string[];
  webhooks: WebhookApi;
  events: EventLog;
  /** The delivery queue, for counting jobs. */
  queue: Queue;
  append(type?: EventType, data?: Record<string, unknown>): Promise<string>;
  /** Starts the dispatcher and the delivery worker (once the test has set up webhooks). */
  startDelivery(
    overrides?: Partial<WebhookDeliveryOptions> & { env?: Record<string, string> },
  ): Promise<void>;
  stopDelivery(): Promise<void>;
  /** Waits until the dispatcher has read and acknowledged every event appended so far. */
  waitDispatched(): Promise<void>;
  /** Waits until the delivery queue has no waiting, active or delayed job left. */
  waitQueueIdle(): Promise<void>;
  waitDelivery(
    webhookId: string,
    what: string,
    check: (d: WebhookDelivery[]) => boolean,
  ): Promise<WebhookDelivery[]>;
  close(): Promise<void>;
}

export interface WebhookTestEnvOptions {
  /** Extra environment for loadConfig. Default: loopback allow-listed, a random master key. */
  env?: Record<string, string>;
  /** Leave SWITCHYARD_SECRET_KEY unset. */
  withoutSecretKey?: boolean;
}

export async function startWebhookTestEnv(
  options: WebhookTestEnvOptions = {},
): Promise<WebhookTestEnv> {
  const redis = await createTestRedis('webhooks');
  const baseEnv: Record<string, string> = {
    REDIS_URL: redis.url,
    SWITCHYARD_PREFIX: redis.prefix,
    SWITCHYARD_WEBHOOK_ALLOW: '127.0.0.0/8',
    LOG_LEVEL: 'trace',
  };
  if (!options.withoutSecretKey)
    baseEnv.SWITCHYARD_SECRET_KEY = randomBytes(32).toString('base64url');
  const config = loadConfig({ ...baseEnv, ...options.env });
  const logLines: string[] = [];
  const logger = createRootLogger({
    level: config.logLevel,
    destination: { write: (line: string) => void logLines.push(line) },
  });

  const services = await createWebhookServices({ config, logger, retry: FAST_RETRY });
  const events = new EventLog(redis.redis, config.prefix);
  const queueConnection = redis.redis.duplicate({ maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE_NAMES.webhookDeliveries, {
    connection: queueConnection,
    prefix: config.prefix,
  });
  let delivery: { close(): Promise<void> } | null = null;
  let lastEventId: string | null = null;

  const env: WebhookTestEnv = {
    redis,
    config,
    logger,
    logLines,
    webhooks: services.webhooks,
    events,
    queue,
    async append(type = 'job.completed', data = { changed: true }) {
      const event = await events.append({
        type,
        rolloutId: null,
        jobId: 'job-1',
        switchId: 'sw-1',
        step: null,
        data,
      } as NewEvent);
      lastEventId = event.id;
      return event.id;
    },
    async startDelivery(overrides = {}) {
      const { env: deliveryEnv, ...deliveryOptions } = overrides;
      const deliveryConfig = deliveryEnv
        ? loadConfig({ ...baseEnv, ...options.env, ...deliveryEnv })
        : config;
      delivery = await startWebhookDelivery({
        config: deliveryConfig,
        logger,
        retry: FAST_RETRY,
        attemptTimeoutMs: TEST_ATTEMPT_TIMEOUT_MS,
        ...deliveryOptions,
      });
    },
    async stopDelivery() {
      await delivery?.close();
      delivery = null;
    },
    async waitDispatched() {
      const streamKey = `${config.prefix}:events`;
      const groupState = async () => {
        const lastId = lastEventId ?? (await events.lastId());
        const groups = (await redis.redis.xinfo('GROUPS', streamKey)) as unknown[][];
        const group = groups.map(toRecord).find((g) => g.name === DISPATCHER_GROUP);
        return { lastId, delivered: group?.['last-delivered-id'], pending: group?.pending };
      };
      await waitFor({
        what: 'the dispatcher to acknowledge every event',
        check: async () => {
          const state = await groupState();
          return state.delivered === state.lastId && state.pending === 0 ? true : undefined;
        },
        pending: async () => JSON.stringify(await groupState()),
      });
    },
    async waitQueueIdle() {
      const counts = () => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      await waitFor({
        what: 'the delivery queue to drain',
        check: async () => (Object.values(await counts()).every((n) => n === 0) ? true : undefined),
        pending: async () => JSON.stringify(await counts()),
      });
    },
    async waitDelivery(webhookId, what, check) {
      let last: WebhookDelivery[] = [];
      return waitFor({
        what,
        check: async () => {
          last = (await services.webhooks.deliveries(webhookId)) ?? [];
          return check(last) ? last : undefined;
        },
        pending: () =>
          JSON.stringify(
            last.map((d) => ({
              status: d.status,
              attempts: d.attempts.map((a) => a.responseCode ?? a.error),
            })),
          ),
      });
    },
    async close() {
      await env.stopDelivery();
      await services.close();
      await queue.close();
      queueConnection.disconnect();
      await redis.cleanup();
    },
  };
  return env;
}

/** XINFO answers flat [name, value, name, value...] lists. */
function toRecord(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}
