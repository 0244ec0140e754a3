import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How long a finished request's answer is kept for replay, in seconds (24 h). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/**
 * How long a key stays claimed by a request still running, in seconds. Short, so that a
 * process that dies mid-request frees the key soon; API handlers answer in well under it.
 */
export const IDEMPOTENCY_IN_FLIGHT_TTL_SECONDS = 60;

/** What is replayed. Holds no secret: fields named in `withheld` were removed before storing. */
export interface StoredResponse {
  status: number;
  body: unknown;
  withheld: string[];
}

interface InFlightRecord {
  state: 'in-flight';
  fingerprint: string;
  owner: string;
}

interface DoneRecord {
  state: 'done';
  fingerprint: string;
  response: StoredResponse;
}

type IdempotencyRecord = InFlightRecord | DoneRecord;

/** A claim on a key by the request that runs; completed or abandoned when it ends. */
export interface IdempotencyLease {
  redisKey: string;
  owner: string;
  fingerprint: string;
}

export type BeginOutcome =
  | { kind: 'started'; lease: IdempotencyLease }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'different-request' }
  | { kind: 'in-flight' };

// Claims the key, or answers the record already there, in one step.
const CLAIM_OR_READ = `
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return false`;

// Completes or releases a claim only while it is still the caller's, so a request that
// outlived its claim cannot overwrite the answer of the one that took the key over.
const COMPLETE_IF_OWNER = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if cjson.decode(current).owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

const DELETE_IF_OWNER = `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
if cjson.decode(current).owner ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Idempotency keys in Redis, one record per (principal, key): first an in-flight claim,
 * then the answer to replay. The key itself is stored as its SHA-256, the request as the
 * SHA-256 of its method, URL and canonical JSON body.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async begin(
    principalId: string,
    idempotencyKey: string,
    fingerprint: string,
  ): Promise<BeginOutcome> {
    const redisKey = `${this.prefix}:idempotency:${principalId}:${sha256Hex(idempotencyKey)}`;
    const owner = randomUUID();
    const claim: InFlightRecord = { state: 'in-flight', fingerprint, owner };

    const existingJson = (await this.redis.eval(
      CLAIM_OR_READ,
      1,
      redisKey,
      JSON.stringify(claim),
      IDEMPOTENCY_IN_FLIGHT_TTL_SECONDS,
    )) as string | null;
    if (existingJson === null) return { kind: 'started', lease: { redisKey, owner, fingerprint } };

    const existing = JSON.parse(existingJson) as IdempotencyRecord;
    if (existing.fingerprint !== fingerprint) return { kind: 'different-request' };
    if (existing.state === 'in-flight') return { kind: 'in-flight' };
    return { kind: 'replay', response: existing.response };
  }

  async complete(lease: IdempotencyLease, response: StoredResponse): Promise<void> {
    const done: DoneRecord = { state: 'done', fingerprint: lease.fingerprint, response };
    await this.redis.eval(
      COMPLETE_IF_OWNER,
      1,
      lease.redisKey,
      lease.owner,
      JSON.stringify({ ...done, owner: lease.owner }),
      IDEMPOTENCY_TTL_SECONDS,
    );
  }

  /** The request failed: the key is free again, so a corrected retry can run. */
  async abandon(lease: IdempotencyLease): Promise<void> {
    await this.redis.eval(DELETE_IF_OWNER, 1, lease.redisKey, lease.owner);
  }
}

/** JSON with object keys sorted, so that key order and whitespace do not change the hash. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map(
        (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
