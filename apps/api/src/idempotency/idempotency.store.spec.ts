import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from './idempotency.store';

describe('canonicalJson', () => {
  it('ignores key order at every depth', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: null } };
    const b = { a: { x: null, y: [1, { p: 2, q: 1 }] }, b: 1 };

    assert.equal(canonicalJson(a), canonicalJson(b));
  });

  it('keeps array order and value types apart', () => {
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
    assert.notEqual(canonicalJson({ a: 1 }), canonicalJson({ a: '1' }));
    assert.notEqual(canonicalJson(null), canonicalJson({}));
  });

  it('escapes keys and strings as JSON does', () => {
    assert.equal(canonicalJson({ 'a"b': 'é\n' }), '{"a\\"b":"é\\n"}');
  });
});
