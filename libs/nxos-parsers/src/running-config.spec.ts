import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { loadFixture } from '../fixtures/load';
import { parseInterfaceConfig } from './running-config';

describe('parseInterfaceConfig', () => {
  it('reads mgmt0 with a static address in the management VRF, with and without the echoed command', () => {
    const [onNineTwo, onSeven] = loadFixture('40_show_run_int_mgmt0_and_show_nxapi_n9k_9.2.1.txt')
      .split(/^----- .* -----$/m)
      .map((part) =>
        part.slice(
          part.indexOf('N9K# show run interface mgmt0') >= 0
            ? part.indexOf('N9K# show run interface mgmt0')
            : 0,
        ),
      );

    assert.deepEqual(parseInterfaceConfig(onNineTwo), {
      name: 'mgmt0',
      vrf: 'management',
      dhcp: false,
      address: '192.168.1.10/24',
      secondaryAddresses: [],
      shutdown: false,
    });
    assert.equal(parseInterfaceConfig(onSeven).address, '10.81.59.17/24');
  });

  it('reads secondary addresses and a non-management VRF', () => {
    const config = parseInterfaceConfig(loadFixture('29_genie_show_run_interface_secondary.txt'));

    assert.deepEqual(
      [config.name, config.vrf, config.address, config.secondaryAddresses],
      ['Ethernet1/1', 'TEST', '10.1.1.1/30', ['10.2.1.1/30']],
    );
  });

  it('reads mgmt0 on DHCP and mgmt0 with nothing configured', () => {
    const dhcp = parseInterfaceConfig(
      '\n!Command: show running-config interface mgmt0\n!Time: Fri Dec  4 10:00:00 2026\n\nversion 9.3(1) Bios:version\n\ninterface mgmt0\n  ip address dhcp\n  vrf member management\n',
    );
    const bare = parseInterfaceConfig(
      'switch# show running-config interface mgmt0\r\n\r\ninterface mgmt0\r\nswitch# ',
    );

    assert.deepEqual([dhcp.dhcp, dhcp.vrf, dhcp.address], [true, 'management', null]);
    assert.deepEqual([bare.dhcp, bare.vrf, bare.address], [false, null, null]);
  });

  it('refuses output without an interface line with UNEXPECTED_OUTPUT', () => {
    assert.throws(
      () => parseInterfaceConfig('ip address dhcp\n'),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.code === 'UNEXPECTED_OUTPUT' &&
        /interface NAME/.test(err.message),
    );
  });
});
