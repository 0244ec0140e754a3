import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNetworkList } from '@switchyard/config';
import { WebhookTargetError } from './errors';
import { checkWebhookTarget, refusalOf, type ResolveHost } from './target-policy';

const NOTHING_ALLOWED = parseNetworkList('');
const EVERYTHING_ALLOWED = parseNetworkList('0.0.0.0/0,::/0');

describe('refusalOf', () => {
  it('refuses metadata and link-local addresses even when the allow-list covers them', () => {
    for (const address of [
      '169.254.169.254',
      'fd00:ec2::254',
      '100.100.100.200',
      '169.254.1.1',
      'fe80::1',
      '::ffff:169.254.169.254',
    ]) {
      assert.match(refusalOf(address, EVERYTHING_ALLOWED) ?? 'allowed', /never contact/, address);
    }
  });

  it('refuses loopback, private, CGNAT, unique-local and unspecified addresses unless allow-listed', () => {
    for (const address of [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '100.64.0.1',
      'fd12::1',
      '0.0.0.0',
      '::',
    ]) {
      assert.match(
        refusalOf(address, NOTHING_ALLOWED) ?? 'allowed',
        /SWITCHYARD_WEBHOOK_ALLOW/,
        address,
      );
      assert.equal(refusalOf(address, EVERYTHING_ALLOWED), null, address);
    }
  });

  it('allows public addresses', () => {
    assert.equal(refusalOf('192.0.2.10', NOTHING_ALLOWED), null);
    assert.equal(refusalOf('2001:db8::1', NOTHING_ALLOWED), null);
  });
});

describe('checkWebhookTarget', () => {
  // Resolution is injected here so no name is looked up outside the machine.
  const resolvingTo =
    (...addresses: string[]): ResolveHost =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a name when any of its addresses is refused', async () => {
    await assert.rejects(
      checkWebhookTarget(
        'https://hooks.example.test/x',
        NOTHING_ALLOWED,
        resolvingTo('192.0.2.10', '169.254.169.254'),
      ),
      WebhookTargetError,
    );
  });

  it('answers the checked address to connect to', async () => {
    const target = await checkWebhookTarget(
      'https://hooks.example.test/x',
      NOTHING_ALLOWED,
      resolvingTo('192.0.2.10'),
    );
    assert.deepEqual([target.address, target.family, target.url.pathname], ['192.0.2.10', 4, '/x']);
  });

  it('refuses URLs with credentials or another scheme', async () => {
    await assert.rejects(
      checkWebhookTarget('http://u:p@127.0.0.1/', EVERYTHING_ALLOWED),
      WebhookTargetError,
    );
    await assert.rejects(
      checkWebhookTarget('ftp://127.0.0.1/', EVERYTHING_ALLOWED),
      WebhookTargetError,
    );
  });

  it('checks bracketed IPv6 literals without resolving them', async () => {
    await assert.rejects(
      checkWebhookTarget('http://[fd00:ec2::254]/', EVERYTHING_ALLOWED),
      WebhookTargetError,
    );
    const target = await checkWebhookTarget('http://[::1]:8080/', parseNetworkList('::1/128'));
    assert.equal(target.address, '::1');
  });
});
