import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { HostKeyPin, Switch, SwitchInput, SwitchPatch } from '@switchyard/contracts';

export class SwitchNameTakenError extends Error {
  override readonly name = 'SwitchNameTakenError';

  constructor(readonly switchName: string) {
    super(`a switch named "${switchName}" is already registered`);
  }
}

/**
 * Two records for one device would let two runs reach it at once (the per-switch lock is
 * keyed by record), so an address and port belong to one switch only.
 */
export class SwitchEndpointTakenError extends Error {
  override readonly name = 'SwitchEndpointTakenError';

  constructor(readonly endpoint: string) {
    super(`another switch is already registered at ${endpoint}`);
  }
}

/** Attempts of a read-modify-write before giving up on a record that keeps changing. */
const MAX_WRITE_ATTEMPTS = 10;

// Every write is one script: the record, its indexes and its tag sets change together, and
// a write based on a stale read (a PATCH racing a DELETE) changes nothing.
const CREATE_SCRIPT = `
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 'name' end
if redis.call('HEXISTS', KEYS[3], ARGV[3]) == 1 then return 'endpoint' end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
redis.call('SET', KEYS[1], ARGV[4])
-- A counter, not the clock, orders registrations: two in one millisecond keep their order.
redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[5]), ARGV[1])
for i = 5, #ARGV do redis.call('SADD', ARGV[i], ARGV[1]) end
return 'ok'`;

const UPDATE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'stale' end
local id, oldEndpoint, newEndpoint = ARGV[3], ARGV[4], ARGV[5]
if oldEndpoint ~= newEndpoint then
  local owner = redis.call('HGET', KEYS[2], newEndpoint)
  if owner and owner ~= id then return 'endpoint' end
  if redis.call('HGET', KEYS[2], oldEndpoint) == id then redis.call('HDEL', KEYS[2], oldEndpoint) end
  redis.call('HSET', KEYS[2], newEndpoint, id)
end
redis.call('SET', KEYS[1], ARGV[2])
local removeCount = tonumber(ARGV[6])
for i = 7, 6 + removeCount do redis.call('SREM', ARGV[i], id) end
for i = 7 + removeCount, #ARGV do redis.call('SADD', ARGV[i], id) end
return 'ok'`;

const DELETE_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'stale' end
local id = ARGV[2]
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], id)
if redis.call('HGET', KEYS[3], ARGV[3]) == id then redis.call('HDEL', KEYS[3], ARGV[3]) end
if redis.call('HGET', KEYS[4], ARGV[4]) == id then redis.call('HDEL', KEYS[4], ARGV[4]) end
for i = 5, #ARGV do redis.call('SREM', ARGV[i], id) end
return 'ok'`;

const SET_IF_UNCHANGED_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 'stale' end
redis.call('SET', KEYS[1], ARGV[2])
return 'ok'`;

/**
 * The switch inventory, in Redis: one JSON document per switch, indexes that keep names and
 * address:port pairs unique, and a set per tag for targeting. Holds addresses and credential
 * references, never credentials.
 */
export class SwitchRepository {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async create(input: SwitchInput): Promise<Switch> {
    const now = new Date().toISOString();
    const record: Switch = {
      id: randomUUID(),
      name: input.name,
      host: input.host,
      port: input.port,
      credentialRef: input.credentialRef,
      tags: [...new Set(input.tags)].sort(),
      legacyAlgorithms: input.legacyAlgorithms,
      hostKey: input.hostKeyFingerprint
        ? { fingerprint: input.hostKeyFingerprint, source: 'registered', pinnedAt: now }
        : null,
      createdAt: now,
      updatedAt: now,
    };

    const outcome = await this.redis.eval(
      CREATE_SCRIPT,
      5,
      this.key('switch', record.id),
      this.key('switch-names'),
      this.key('switch-endpoints'),
      this.key('switches'),
      this.key('switch-sequence'),
      record.id,
      record.name.toLowerCase(),
      endpointOf(record),
      JSON.stringify(record),
      ...record.tags.map((tag) => this.key('switch-tag', tag)),
    );
    if (outcome === 'name') throw new SwitchNameTakenError(record.name);
    if (outcome === 'endpoint') throw new SwitchEndpointTakenError(endpointOf(record));
    return record;
  }

  async get(id: string): Promise<Switch | null> {
    const json = await this.redis.get(this.key('switch', id));
    return json ? (JSON.parse(json) as Switch) : null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Switch>> {
    const found = new Map<string, Switch>();
    if (ids.length === 0) return found;

    const values = await this.redis.mget(ids.map((id) => this.key('switch', id)));
    values.forEach((json) => {
      if (json) {
        const record = JSON.parse(json) as Switch;
        found.set(record.id, record);
      }
    });
    return found;
  }

  /** Registration order. */
  async list(): Promise<Switch[]> {
    const ids = await this.redis.zrange(this.key('switches'), 0, -1);
    const byId = await this.getMany(ids);
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Switches that carry every one of the tags, in registration order. */
  async findByTags(tags: readonly string[]): Promise<Switch[]> {
    if (tags.length === 0) return [];
    const ids = new Set(await this.redis.sinter(tags.map((tag) => this.key('switch-tag', tag))));
    return (await this.list()).filter((s) => ids.has(s.id));
  }

  /** Null when there is no such switch (including one deleted while this ran). */
  async update(id: string, patch: SwitchPatch): Promise<Switch | null> {
    return this.rewrite(id, async (json, current) => {
      const now = new Date().toISOString();
      const next: Switch = {
        ...current,
        host: patch.host ?? current.host,
        port: patch.port ?? current.port,
        credentialRef: patch.credentialRef ?? current.credentialRef,
        tags: patch.tags ? [...new Set(patch.tags)].sort() : current.tags,
        legacyAlgorithms: patch.legacyAlgorithms ?? current.legacyAlgorithms,
        hostKey:
          patch.hostKeyFingerprint === undefined
            ? current.hostKey
            : patch.hostKeyFingerprint === null
              ? null
              : { fingerprint: patch.hostKeyFingerprint, source: 'registered', pinnedAt: now },
        updatedAt: now,
      };
      const outcome = await this.redis.eval(
        UPDATE_SCRIPT,
        2,
        this.key('switch', id),
        this.key('switch-endpoints'),
        json,
        JSON.stringify(next),
        id,
        endpointOf(current),
        endpointOf(next),
        current.tags.length,
        ...current.tags.map((tag) => this.key('switch-tag', tag)),
        ...next.tags.map((tag) => this.key('switch-tag', tag)),
      );
      if (outcome === 'endpoint') throw new SwitchEndpointTakenError(endpointOf(next));
      return outcome === 'ok' ? next : undefined;
    });
  }

  async delete(id: string): Promise<boolean> {
    const removed = await this.rewrite(id, async (json, current) => {
      const outcome = await this.redis.eval(
        DELETE_SCRIPT,
        4,
        this.key('switch', id),
        this.key('switches'),
        this.key('switch-names'),
        this.key('switch-endpoints'),
        json,
        id,
        current.name.toLowerCase(),
        endpointOf(current),
        ...current.tags.map((tag) => this.key('switch-tag', tag)),
      );
      return outcome === 'ok' ? current : undefined;
    });
    return removed !== null;
  }

  /**
   * Pins the host key seen at the first login (trust on first use), only when no key is
   * pinned yet, so two workers racing on a first login agree on one key. Returns the pin in
   * force afterwards, or null when the switch is gone.
   */
  async pinHostKeyOnFirstUse(id: string, fingerprint: string): Promise<HostKeyPin | null> {
    const record = await this.rewrite(id, async (json, current) => {
      if (current.hostKey) return current;
      const next: Switch = {
        ...current,
        hostKey: { fingerprint, source: 'first-use', pinnedAt: new Date().toISOString() },
      };
      const outcome = await this.redis.eval(
        SET_IF_UNCHANGED_SCRIPT,
        1,
        this.key('switch', id),
        json,
        JSON.stringify(next),
      );
      return outcome === 'ok' ? next : undefined;
    });
    return record?.hostKey ?? null;
  }

  /**
   * Read-modify-write of one record. `write` gets the JSON it read and returns the record
   * written, or undefined when the record changed meanwhile (then it reads again).
   */
  private async rewrite(
    id: string,
    write: (json: string, current: Switch) => Promise<Switch | undefined>,
  ): Promise<Switch | null> {
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const json = await this.redis.get(this.key('switch', id));
      if (!json) return null;

      const written = await write(json, JSON.parse(json) as Switch);
      if (written) return written;
    }
    throw new Error(`switch ${id} kept changing during ${MAX_WRITE_ATTEMPTS} attempts to write it`);
  }

  private key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }
}

/** `host:port`, the identity of a device for uniqueness. */
function endpointOf(record: Pick<Switch, 'host' | 'port'>): string {
  return `${record.host.toLowerCase()}:${record.port}`;
}
