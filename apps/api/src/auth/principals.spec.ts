import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StaticTokenPrincipals } from './principals';

describe('StaticTokenPrincipals', () => {
  const tokens = ['first-token-0123456789', 'second-token-0123456789'];
  const principals = new StaticTokenPrincipals(tokens);

  it('gives each token its own stable principal', () => {
    const first = principals.resolve(tokens[0]);
    const second = principals.resolve(tokens[1]);

    assert.ok(first && second);
    assert.notEqual(first.id, second.id);
    assert.deepEqual(new StaticTokenPrincipals(tokens).resolve(tokens[0]), first);
  });

  it('derives the principal id from the digest, never the token', () => {
    const id = principals.resolve(tokens[0])!.id;

    assert.match(id, /^token-[0-9a-f]{16}$/);
    assert.ok(!id.includes(tokens[0].slice(0, 6)));
  });

  it('refuses unknown tokens, prefixes and the empty string', () => {
    for (const candidate of ['', 'first-token', `${tokens[0]} `, tokens[0].toUpperCase()]) {
      assert.equal(principals.resolve(candidate), null, JSON.stringify(candidate));
    }
  });
});
