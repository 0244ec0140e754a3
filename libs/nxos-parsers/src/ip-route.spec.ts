import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchyardError } from '@switchyard/contracts';
import { loadFixture, transcriptOutput } from '../fixtures/load';
import { findRoute, parseIpRoute } from './ip-route';

describe('parseIpRoute', () => {
  it('reads the default route of the reference transcript via the DHCP gateway', () => {
    const table = parseIpRoute(transcriptOutput('show ip route vrf management'));

    assert.deepEqual(
      table.vrfs.map((vrf) => [vrf.name, vrf.routes.map((r) => r.prefix)]),
      [['management', ['0.0.0.0/0', '192.168.122.0/24', '192.168.122.188/32']]],
    );
    assert.deepEqual(findRoute(table, 'management', '0.0.0.0/0'), {
      prefix: '0.0.0.0/0',
      ubest: 1,
      mbest: 0,
      nextHops: [
        {
          address: '192.168.122.1',
          vrf: null,
          interface: null,
          best: true,
          preference: 1,
          metric: 0,
          age: '00:00:22',
          protocol: 'static',
        },
      ],
    });
    assert.equal(
      findRoute(table, 'management', '192.168.122.188/32')?.nextHops[0].interface,
      'mgmt0',
    );
    assert.equal(
      findRoute(table, 'management', '192.168.122.188/32')?.nextHops[0].protocol,
      'local',
    );
  });

  it('reads next hops in another VRF, Null0, every age format and extra route fields', () => {
    const table = parseIpRoute(loadFixture('06_ntc_show_ip_route_default_full.txt'));
    const hop = (prefix: string, index = 0) => findRoute(table, 'default', prefix)?.nextHops[index];

    assert.equal(table.vrfs[0].routes.length, 23);
    assert.deepEqual(hop('0.0.0.0/0'), {
      address: '10.1.100.1',
      vrf: 'management',
      interface: null,
      best: true,
      preference: 1,
      metric: 0,
      age: '6d02h',
      protocol: 'static',
    });
    assert.equal(hop('1.1.1.10/32')?.age, '1w12h');
    assert.deepEqual(
      [hop('10.71.0.0/21')?.address, hop('10.71.0.0/21')?.interface, hop('10.71.0.0/21')?.age],
      [null, 'Null0', '2y49w'],
    );
    assert.deepEqual(
      [hop('10.151.0.0/16')?.vrf, hop('10.151.0.0/16')?.protocol, hop('10.151.0.0/16')?.metric],
      ['default', 'bgp-65004', 51712],
    );
    assert.deepEqual(
      [hop('10.218.139.240/29', 1)?.age, hop('10.218.139.240/29', 1)?.interface],
      ['0.000000', 'Po1'],
    );
    assert.deepEqual(
      [hop('8.8.8.8/32')?.age, hop('8.8.8.8/32')?.interface, hop('8.8.8.8/32')?.protocol],
      ['00:00:01', 'Vlan1220', 'static'],
    );
    assert.equal(findRoute(table, 'default', '10.0.255.1/32')?.ubest, 3);
  });

  it('reads " time" without a comma, several VRFs, 1y16w and hops that are not best', () => {
    const table = parseIpRoute(loadFixture('08_ntc_show_ip_route_vrf_all_time_mgmt_1y16w.txt'));

    assert.deepEqual(
      table.vrfs.map((vrf) => [vrf.name, vrf.routes.length]),
      [
        ['default', 2],
        ['management', 1],
      ],
    );
    const hops = findRoute(table, 'default', '10.138.224.32/28')?.nextHops ?? [];
    assert.deepEqual(
      hops.map((h) => [h.address, h.best, h.age]),
      [
        ['222.111.19.38', true, '1w0d'],
        ['172.16.2.37', false, '3w1d'],
      ],
    );
    assert.deepEqual(findRoute(table, 'management', '0.0.0.0/0')?.nextHops[0].age, '1y16w');
  });

  it('reads "Route not found" and empty VRF blocks as no routes', () => {
    const text = [
      'switch# show ip route vrf management',
      'IP Route Table for VRF "management"',
      "'*' denotes best ucast next-hop",
      "'**' denotes best mcast next-hop",
      "'[x/y]' denotes [preference/metric]",
      "'%<string>' in via output denotes VRF <string>",
      '',
      'Route not found',
      '',
      'IP Route Table for VRF "blue"',
      'switch# ',
    ].join('\r\n');

    assert.deepEqual(parseIpRoute(text), {
      vrfs: [
        { name: 'management', routes: [] },
        { name: 'blue', routes: [] },
      ],
    });
  });

  it('refuses a next hop without [preference/metric] with UNEXPECTED_OUTPUT', () => {
    const text =
      'IP Route Table for VRF "default"\n0.0.0.0/0, ubest/mbest: 1/0\n    *via 10.0.0.1, static\n';

    assert.throws(
      () => parseIpRoute(text),
      (err: unknown) =>
        isSwitchyardError(err) &&
        err.code === 'UNEXPECTED_OUTPUT' &&
        /preference\/metric/.test(err.message),
    );
  });
});
