import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SwitchInputSchema, type SwitchInput } from '@switchyard/contracts';
import { SwitchEndpointTakenError, SwitchRepository } from '@switchyard/inventory';
import { createTestRedis, type TestRedis } from '../../support/redis';

const FINGERPRINT = `SHA256:${'A'.repeat(43)}`;

function input(fields: Partial<SwitchInput> & { name: string; host: string }): SwitchInput {
  return SwitchInputSchema.parse({ credentialRef: 'lab', ...fields });
}

describe('the switch inventory in Redis', () => {
  let redis: TestRedis;
  let repository: SwitchRepository;

  beforeEach(async () => {
    redis = await createTestRedis('inventory');
    repository = new SwitchRepository(redis.redis, redis.prefix);
  });

  afterEach(async () => {
    await redis.cleanup();
  });

  it('keeps an empty tag list a list when the first login pins the host key', async () => {
    const created = await repository.create(input({ name: 'notags', host: '127.0.0.1' }));

    await repository.pinHostKeyOnFirstUse(created.id, FINGERPRINT);

    const pinned = await repository.get(created.id);
    assert.deepEqual(pinned?.tags, []);
    assert.equal(pinned?.hostKey?.fingerprint, FINGERPRINT);
    assert.equal((await repository.update(created.id, { port: 2222 }))?.port, 2222);
    assert.equal(await repository.delete(created.id), true);
  });

  it('pins only the first key it is told of', async () => {
    const created = await repository.create(input({ name: 'tofu', host: '127.0.0.1' }));

    await repository.pinHostKeyOnFirstUse(created.id, FINGERPRINT);
    const second = await repository.pinHostKeyOnFirstUse(created.id, `SHA256:${'B'.repeat(43)}`);

    assert.equal(second?.fingerprint, FINGERPRINT);
  });

  it('refuses a second record for the same address and port, also by PATCH', async () => {
    await repository.create(input({ name: 'leaf-01', host: '127.0.0.1', port: 2222 }));
    const other = await repository.create(
      input({ name: 'leaf-02', host: '127.0.0.2', port: 2222 }),
    );

    await assert.rejects(
      repository.create(input({ name: 'leaf-01-alias', host: '127.0.0.1', port: 2222 })),
      SwitchEndpointTakenError,
    );
    await assert.rejects(
      repository.update(other.id, { host: '127.0.0.1' }),
      SwitchEndpointTakenError,
    );
    assert.equal((await repository.get(other.id))?.host, '127.0.0.2');
  });

  it('frees the name and the address of a deleted switch for a new one', async () => {
    const first = await repository.create(input({ name: 'leaf', host: '127.0.0.1', tags: ['a'] }));
    await repository.delete(first.id);

    const again = await repository.create(input({ name: 'leaf', host: '127.0.0.1', tags: ['a'] }));

    assert.deepEqual(
      (await repository.findByTags(['a'])).map((s) => s.id),
      [again.id],
    );
  });

  it('lists switches in registration order, even several registered in one millisecond', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        repository.create(input({ name: `leaf-${i}`, host: `127.0.1.${i + 1}` })),
      ),
    );

    const listed = (await repository.list()).map((s) => s.name);

    // Promise.all issues the creates in order on one connection, so they land in order.
    assert.deepEqual(
      listed,
      created.map((s) => s.name),
    );
  });

  it('never brings back a switch that a concurrent PATCH races its DELETE', async () => {
    for (let round = 0; round < 30; round++) {
      const created = await repository.create(
        input({ name: `race-${round}`, host: '127.0.0.1', port: 1000 + round, tags: ['race'] }),
      );

      const [, deleted] = await Promise.all([
        repository.update(created.id, { tags: ['race', 'x'] }),
        repository.delete(created.id),
      ]);

      assert.equal(deleted, true);
      assert.equal(await repository.get(created.id), null, `round ${round}`);
      assert.deepEqual(await repository.findByTags(['race']), []);
    }
  });
});
