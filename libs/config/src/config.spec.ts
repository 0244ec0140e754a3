import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  describeRedisUrl,
  loadConfig,
  parseNetworkList,
  requireApiTokens,
} from './config';

describe('loadConfig', () => {
  it('defaults to loopback-only networks and a local Redis', () => {
    const config = loadConfig({});

    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.switchNetworks.has('127.0.10.1'), true);
    assert.equal(config.switchNetworks.has('::1'), true);
    assert.equal(config.switchNetworks.has('10.0.0.1'), false);
    assert.equal(config.webhookAllow.has('127.0.0.1'), false);
  });

  it('lists every bad value in one error', () => {
    assert.throws(
      () => loadConfig({ REDIS_URL: 'http://x', PORT: 'eighty', WORKER_CONCURRENCY: '0' }),
      (err: unknown) =>
        err instanceof ConfigError &&
        /REDIS_URL/.test(err.message) &&
        /PORT/.test(err.message) &&
        /WORKER_CONCURRENCY/.test(err.message),
    );
  });

  it('refuses a network list entry that is no CIDR, naming the variable', () => {
    assert.throws(
      () => loadConfig({ SWITCHYARD_SWITCH_NETWORKS: '10.20.0.0/16,not-a-cidr' }),
      /SWITCHYARD_SWITCH_NETWORKS: "not-a-cidr"/,
    );
  });
});

describe('parseNetworkList', () => {
  it('matches addresses inside each CIDR only', () => {
    const networks = parseNetworkList('10.20.0.0/16, fd00::/8');

    assert.equal(networks.has('10.20.255.1'), true);
    assert.equal(networks.has('10.21.0.1'), false);
    assert.equal(networks.has('fd00::1'), true);
    assert.equal(networks.has('leaf-01.example'), false, 'names are checked once resolved');
  });
});

describe('requireApiTokens', () => {
  it('refuses an API without tokens, or with short ones', () => {
    assert.throws(() => requireApiTokens(loadConfig({})), /SWITCHYARD_API_TOKENS/);
    assert.throws(() => requireApiTokens(loadConfig({ SWITCHYARD_API_TOKENS: 'short' })), /16/);
    assert.deepEqual(
      requireApiTokens(loadConfig({ SWITCHYARD_API_TOKENS: ` ${'a'.repeat(16)} ,` })),
      ['a'.repeat(16)],
    );
  });
});

describe('describeRedisUrl', () => {
  it('blanks the password', () => {
    assert.equal(describeRedisUrl('redis://:s3cret@127.0.0.1:6379'), 'redis://:***@127.0.0.1:6379');
  });
});
