import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { loadFixture, transcriptOutput } from '../fixtures/load';
import { findInterface, parseIpInterfaceBrief } from './ip-interface-brief';

describe('parseIpInterfaceBrief', () => {
  it('reads every VRF block with its id and each interface status', () => {
    const parsed = parseIpInterfaceBrief(loadFixture('01_ntc_show_ip_int_brief_default_mgmt.txt'));

    assert.deepEqual(
      parsed.vrfs.map((vrf) => [vrf.name, vrf.id, vrf.interfaces.length]),
      [
        ['default', 1, 7],
        ['management', 2, 1],
      ],
    );
    assert.deepEqual(parsed.vrfs[0].interfaces[0], {
      name: 'Eth1/1',
      address: '10.1.1.11',
      protocol: 'down',
      link: 'down',
      admin: 'up',
    });
    assert.deepEqual(findInterface(parsed, 'management', 'mgmt0'), {
      name: 'mgmt0',
      address: '192.168.149.11',
      protocol: 'up',
      link: 'up',
      admin: 'up',
    });
  });

  it('keeps forward-enabled as the address text', () => {
    const parsed = parseIpInterfaceBrief(loadFixture('03_ntc_show_ip_int_brief_vrf_all_3vrfs.txt'));

    assert.deepEqual(
      parsed.vrfs.map((vrf) => vrf.name),
      ['default', 'management', 'ntc'],
    );
    assert.equal(findInterface(parsed, 'ntc', 'Vlan2003')?.address, 'forward-enabled');
    assert.equal(findInterface(parsed, 'management', 'mgmt0')?.address, '10.143.253.22');
  });

  it('accepts a leading blank line and no final newline', () => {
    const parsed = parseIpInterfaceBrief(
      loadFixture('23_genie_show_ip_int_brief_vrf_all_3vrfs.txt'),
    );

    assert.deepEqual(
      parsed.vrfs.map((vrf) => [vrf.name, vrf.id]),
      [
        ['default', 1],
        ['management', 2],
        ['VRF1', 3],
      ],
    );
    assert.equal(findInterface(parsed, 'VRF1', 'Lo1')?.address, '10.81.1.1');
    assert.equal(parsed.vrfs[0].interfaces.length, 9);
  });

  it('reads the management VRF from the reference transcript with its echoed prompt', () => {
    for (const text of [
      transcriptOutput('show ip int brief vrf management'),
      loadFixture('36_ictinfra_blog_n9kv_9.3.1_mgmt_vrf_docker_start_EXCERPT.txt').split(
        'NX-OS9000v-1(config-if)# show ip route',
      )[0],
    ]) {
      const parsed = parseIpInterfaceBrief(text);
      assert.deepEqual(parsed, {
        vrfs: [
          {
            name: 'management',
            id: 2,
            interfaces: [
              {
                name: 'mgmt0',
                address: '192.168.122.188',
                protocol: 'up',
                link: 'up',
                admin: 'up',
              },
            ],
          },
        ],
      });
    }
  });

  it('strips CRLF, an echoed command and the trailing prompt', () => {
    const text =
      'switch# sh ip int br vrf management\r\nIP Interface Status for VRF "management"(2)\r\n' +
      'Interface            IP Address      Interface Status\r\nmgmt0                10.0.0.5        protocol-up/link-up/admin-up   \r\nswitch# ';

    assert.equal(
      findInterface(parseIpInterfaceBrief(text), 'management', 'mgmt0')?.address,
      '10.0.0.5',
    );
  });

  it('reads an empty VRF block and an unnumbered interface with its continuation line', () => {
    const text = [
      'IP Interface Status for VRF "management"(2)',
      'Interface            IP Address      Interface Status',
      '',
      'IP Interface Status for VRF "default"(1)',
      'Interface            IP Address      Interface Status',
      'Eth1/5               unnumbered      protocol-up/link-up/admin-up',
      '                     (loopback0)',
      'Lo0                  10.9.9.9        protocol-up/link-up/admin-up',
    ].join('\n');

    const parsed = parseIpInterfaceBrief(text);

    assert.deepEqual(parsed.vrfs[0], { name: 'management', id: 2, interfaces: [] });
    assert.deepEqual(
      parsed.vrfs[1].interfaces.map((i) => [i.name, i.address]),
      [
        ['Eth1/5', 'unnumbered'],
        ['Lo0', '10.9.9.9'],
      ],
    );
  });

  it('refuses output it cannot read with UNEXPECTED_OUTPUT naming what it expected', () => {
    assert.throws(
      () => parseIpInterfaceBrief('IP Interface Status for VRF "default"(1)\nmgmt0 is up\n'),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.code === 'UNEXPECTED_OUTPUT' &&
        /interface row/.test(err.message),
    );
  });
});
