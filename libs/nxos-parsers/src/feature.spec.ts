import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { loadFixture } from '../fixtures/load';
import { isFeatureEnabled, parseFeatures } from './feature';

describe('parseFeatures', () => {
  it('reads every instance with enabled, disabled and enabled (not-running)', () => {
    const list = parseFeatures(loadFixture('10_ntc_show_feature.txt'));

    assert.equal(list.features.length, 62);
    assert.equal(isFeatureEnabled(list, 'bash-shell'), true);
    assert.equal(isFeatureEnabled(list, 'dhcp'), false);
    assert.deepEqual(
      list.features.find((f) => f.name === 'ospf' && f.instance === 1),
      {
        name: 'ospf',
        instance: 1,
        enabled: true,
        running: false,
        state: 'enabled (not-running)',
      },
    );
    assert.equal(list.features.find((f) => f.name === 'ospf' && f.instance === 2)?.running, true);
  });

  it('reads the short layout', () => {
    const list = parseFeatures(loadFixture('21_ansible_show_feature_short.txt'));

    assert.deepEqual(
      list.features.map((f) => [f.name, f.enabled]),
      [
        ['nve', false],
        ['ospf', true],
        ['eth-port-sec', true],
      ],
    );
  });

  it('reads the indented layout with trailing spaces and enabled(not-running)', () => {
    const list = parseFeatures(loadFixture('31_genie_show_feature_indented.txt'));

    assert.deepEqual(
      list.features.map((f) => [f.name, f.instance, f.state]),
      [
        ['bash-shell', 1, 'disabled'],
        ['bgp', 1, 'enabled'],
        ['eigrp', 1, 'enabled'],
        ['eigrp', 2, 'enabled (not-running)'],
        ['eigrp', 3, 'enabled (not-running)'],
        ['eigrp', 4, 'enabled (not-running)'],
      ],
    );
  });

  it('refuses a listing without the table header with UNEXPECTED_OUTPUT', () => {
    assert.throws(
      () => parseFeatures('bash-shell 1 enabled'),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.code === 'UNEXPECTED_OUTPUT' &&
        /Feature Name/.test(err.message),
    );
  });
});
