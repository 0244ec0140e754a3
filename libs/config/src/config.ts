import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { z } from 'zod';

/**
 * Every environment variable Switchyard reads, validated once at boot. Nothing else reads
 * `process.env`: processes receive this object.
 */
const EnvSchema = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key Switchyard writes; tests use a fresh one each. */
  SWITCHYARD_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only')
    .default('switchyard'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Comma-separated bearer tokens accepted by the API. */
  SWITCHYARD_API_TOKENS: z.string().optional(),
  /** Path of the JSON or YAML credentials file; read by workers only. */
  SWITCHYARD_CREDENTIALS: z.string().optional(),
  /** Master key the webhook signing secrets are derived from (32 characters or more). */
  SWITCHYARD_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** CIDRs the worker may open SSH and HTTP connections to. Loopback only unless widened. */
  SWITCHYARD_SWITCH_NETWORKS: z.string().default('127.0.0.0/8,::1/128'),
  /** CIDRs of loopback or private webhook targets that are nonetheless allowed. */
  SWITCHYARD_WEBHOOK_ALLOW: z.string().default(''),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(2000).default(50),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface NetworkList {
  /** The CIDRs as given, for messages. */
  readonly cidrs: readonly string[];
  has(address: string): boolean;
}

export interface SwitchyardConfig {
  redisUrl: string;
  prefix: string;
  http: { host: string; port: number };
  apiTokens: string[];
  credentialsFile: string | null;
  secretKey: string | null;
  switchNetworks: NetworkList;
  webhookAllow: NetworkList;
  workerConcurrency: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function parseNetworkList(text: string): NetworkList {
  const blockList = new BlockList();
  const cidrs = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const family = isIP(address);
    const prefix = Number(bits ?? (family === 6 ? 128 : 32));
    if (
      family === 0 ||
      !Number.isInteger(prefix) ||
      prefix < 0 ||
      prefix > (family === 6 ? 128 : 32)
    ) {
      throw new ConfigError(`"${cidr}" is not a CIDR such as 127.0.0.0/8`);
    }
    blockList.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }

  return {
    cidrs,
    has(address: string) {
      const family = isIP(address);
      if (family === 0) return false;
      return blockList.check(address, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/** Validates the environment; throws one ConfigError listing every bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SwitchyardConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;

  const problems: string[] = [];
  const networks = (name: string, text: string): NetworkList => {
    try {
      return parseNetworkList(text);
    } catch (err) {
      problems.push(`  ${name}: ${(err as Error).message}`);
      return parseNetworkList('');
    }
  };
  const switchNetworks = networks('SWITCHYARD_SWITCH_NETWORKS', e.SWITCHYARD_SWITCH_NETWORKS);
  const webhookAllow = networks('SWITCHYARD_WEBHOOK_ALLOW', e.SWITCHYARD_WEBHOOK_ALLOW);
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);

  return {
    redisUrl: e.REDIS_URL,
    prefix: e.SWITCHYARD_PREFIX,
    http: { host: e.HOST, port: e.PORT },
    apiTokens: (e.SWITCHYARD_API_TOKENS ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    credentialsFile: e.SWITCHYARD_CREDENTIALS ?? null,
    secretKey: e.SWITCHYARD_SECRET_KEY ?? null,
    switchNetworks,
    webhookAllow,
    workerConcurrency: e.WORKER_CONCURRENCY,
    logLevel: e.LOG_LEVEL,
  };
}

/** For the API: tokens are mandatory, an API without auth is refused at boot. */
export function requireApiTokens(config: SwitchyardConfig): string[] {
  if (config.apiTokens.length === 0) {
    throw new ConfigError(
      'invalid configuration:\n  SWITCHYARD_API_TOKENS: set at least one bearer token (comma-separated)',
    );
  }
  const weak = config.apiTokens.filter((t) => t.length < 16);
  if (weak.length > 0) {
    throw new ConfigError(
      'invalid configuration:\n  SWITCHYARD_API_TOKENS: every token must be at least 16 characters',
    );
  }
  return config.apiTokens;
}

export function readTextFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** A Redis URL with any password blanked, for messages and logs. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}
