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
 * The switch inventory, in Redis: one JSON document per switch, a name index for
 * uniqueness and a set per tag for targeting. Holds addresses and credential references,
 * never credentials.
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

    // The name index is claimed first so that two concurrent registrations of one name
    // cannot both succeed.
    const claimed = await this.redis.hsetnx(
      this.key('switch-names'),
      record.name.toLowerCase(),
      record.id,
    );
    if (claimed === 0) throw new SwitchNameTakenError(record.name);

    const tx = this.redis
      .multi()
      .set(this.key('switch', record.id), JSON.stringify(record))
      .zadd(this.key('switches'), Date.now(), record.id);
    for (const tag of record.tags) tx.sadd(this.key('switch-tag', tag), record.id);
    await tx.exec();
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

  async update(id: string, patch: SwitchPatch): Promise<Switch | null> {
    const current = await this.get(id);
    if (!current) return null;

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

    const tx = this.redis.multi().set(this.key('switch', id), JSON.stringify(next));
    for (const tag of current.tags) tx.srem(this.key('switch-tag', tag), id);
    for (const tag of next.tags) tx.sadd(this.key('switch-tag', tag), id);
    await tx.exec();
    return next;
  }

  async delete(id: string): Promise<boolean> {
    const current = await this.get(id);
    if (!current) return false;

    const tx = this.redis
      .multi()
      .del(this.key('switch', id))
      .zrem(this.key('switches'), id)
      .hdel(this.key('switch-names'), current.name.toLowerCase());
    for (const tag of current.tags) tx.srem(this.key('switch-tag', tag), id);
    await tx.exec();
    return true;
  }

  /**
   * Pins the host key seen at the first login (trust on first use). Only pins when no key
   * is pinned yet, atomically, so two workers racing on a first login agree on one key.
   * Returns the pin in force afterwards.
   */
  async pinHostKeyOnFirstUse(id: string, fingerprint: string): Promise<HostKeyPin | null> {
    const pin: HostKeyPin = {
      fingerprint,
      source: 'first-use',
      pinnedAt: new Date().toISOString(),
    };
    const result = (await this.redis.eval(
      `local json = redis.call('GET', KEYS[1])
       if not json then return nil end
       local record = cjson.decode(json)
       if record.hostKey == cjson.null or record.hostKey == nil then
         record.hostKey = cjson.decode(ARGV[1])
         redis.call('SET', KEYS[1], cjson.encode(record))
       end
       return cjson.encode(record.hostKey)`,
      1,
      this.key('switch', id),
      JSON.stringify(pin),
    )) as string | null;
    return result ? (JSON.parse(result) as HostKeyPin) : null;
  }

  private key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }
}
