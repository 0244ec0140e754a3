import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveWebhookSecret, signWebhookPayload, verifyWebhookSignature } from './signing';

const MASTER_KEY = 'k'.repeat(32);
const SECRET = deriveWebhookSecret(MASTER_KEY, 'wh_1', 'salt-1');
const BODY = Buffer.from('{"b":1,"a":"é","n":1.0}', 'utf8');
const NOW = new Date('2026-12-04T12:00:00Z');
const NOW_SECONDS = String(NOW.getTime() / 1000);

describe('deriveWebhookSecret', () => {
  it('gives the same secret for the same webhook and salt, another for another salt or key', () => {
    assert.equal(deriveWebhookSecret(MASTER_KEY, 'wh_1', 'salt-1'), SECRET);
    assert.notEqual(deriveWebhookSecret(MASTER_KEY, 'wh_1', 'salt-2'), SECRET);
    assert.notEqual(deriveWebhookSecret('m'.repeat(32), 'wh_1', 'salt-1'), SECRET);
    assert.match(SECRET, /^whsec_[A-Za-z0-9_-]{43}$/);
  });
});

describe('verifyWebhookSignature', () => {
  const signature = signWebhookPayload({ secret: SECRET, timestamp: NOW_SECONDS, body: BODY });
  const check = (overrides: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
    verifyWebhookSignature({
      secret: SECRET,
      body: BODY,
      timestampHeader: NOW_SECONDS,
      signatureHeader: signature,
      now: NOW,
      ...overrides,
    });

  it('accepts the signed bytes, as a buffer or as the same text', () => {
    assert.deepEqual(check({}), { ok: true });
    assert.deepEqual(check({ body: BODY.toString('utf8') }), { ok: true });
  });

  it('rejects a body that differs by one byte, such as 1.0 re-serialised as 1', () => {
    assert.deepEqual(check({ body: '{"b":1,"a":"é","n":1}' }), {
      ok: false,
      reason: 'signature-mismatch',
    });
  });

  it('rejects a timestamp outside the tolerance window, in either direction', () => {
    assert.deepEqual(check({ now: new Date(NOW.getTime() + 301_000) }), {
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
    assert.deepEqual(check({ now: new Date(NOW.getTime() - 301_000) }), {
      ok: false,
      reason: 'timestamp-outside-tolerance',
    });
    assert.deepEqual(check({ now: new Date(NOW.getTime() + 299_000) }), { ok: true });
  });

  it('rejects an edited timestamp header', () => {
    const edited = String(Number(NOW_SECONDS) + 1);
    assert.deepEqual(check({ timestampHeader: edited }), {
      ok: false,
      reason: 'signature-mismatch',
    });
  });

  it('rejects missing or malformed headers and a wrong secret', () => {
    assert.deepEqual(check({ timestampHeader: undefined }), {
      ok: false,
      reason: 'missing-timestamp',
    });
    assert.deepEqual(check({ timestampHeader: '12.5' }), {
      ok: false,
      reason: 'malformed-timestamp',
    });
    assert.deepEqual(check({ signatureHeader: '' }), { ok: false, reason: 'missing-signature' });
    assert.deepEqual(check({ signatureHeader: 'v1=zz' }), {
      ok: false,
      reason: 'signature-mismatch',
    });
    assert.deepEqual(check({ secret: deriveWebhookSecret(MASTER_KEY, 'wh_2', 'salt-1') }), {
      ok: false,
      reason: 'signature-mismatch',
    });
  });

  it('accepts any matching v1 signature in a list', () => {
    assert.deepEqual(check({ signatureHeader: `v1=${'0'.repeat(64)}, ${signature}` }), {
      ok: true,
    });
  });
});
