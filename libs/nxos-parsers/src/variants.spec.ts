import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { loadFixture, transcriptOutput } from '../fixtures/load';
import { COMMAND_PARSERS, findCommandParser } from './commands';
import { parseIpRoute } from './ip-route';
import { outputLines, splitSession } from './text';
import { parseShowVersion } from './version';

// One clean capture per parser; each must read the same through every way a terminal or
// a capture tool mangles text.
const SAMPLES: Record<string, string> = {
  'show ip interface brief': loadFixture('03_ntc_show_ip_int_brief_vrf_all_3vrfs.txt'),
  'show ip route': loadFixture('06_ntc_show_ip_route_default_full.txt'),
  'show feature': loadFixture('31_genie_show_feature_indented.txt'),
  'show version': loadFixture('19_ansible_show_version_nexus9000v_9.3.3.txt'),
  'show running-config interface mgmt0':
    '!Command: show running-config interface mgmt0\n\nversion 9.3(1)\n\ninterface mgmt0\n  ip address dhcp\n  vrf member management\n',
  'iptables -L -t nat': transcriptOutput('ip netns exec management iptables -L -t nat'),
  'docker ps': transcriptOutput('docker ps'),
  'service docker status': transcriptOutput('service docker status'),
  'chkconfig --list docker':
    'docker          0:off   1:off   2:on    3:on    4:on    5:on    6:off\n',
  'ip netns show': transcriptOutput('ip netns show'),
};

function clean(text: string): string {
  return outputLines(text).join('\n');
}

const VARIANTS: Record<string, (text: string, command: string) => string> = {
  'a leading blank line': (text) => `\n${clean(text)}\n`,
  'trailing spaces': (text) => clean(text).replace(/\n/g, '   \n'),
  'no final newline': (text) => clean(text),
  CRLF: (text) => `${clean(text).replace(/\n/g, '\r\n')}\r\n`,
  'an echoed prompt and command and a trailing prompt': (text, command) =>
    `N9K-LAB_01.dc1# ${command}\n${clean(text)}\nN9K-LAB_01.dc1# `,
  'a root prompt without a space': (text, command) =>
    `root@N9K-LAB#${command}\r\n${clean(text)}\r\nroot@N9K-LAB#`,
};

describe('every parser', () => {
  it('has a sample here', () => {
    assert.deepEqual(
      COMMAND_PARSERS.map((p) => p.name),
      Object.keys(SAMPLES),
    );
  });

  for (const [command, sample] of Object.entries(SAMPLES)) {
    it(`reads "${command}" the same through every variant of its text`, () => {
      const parser = findCommandParser(command)!;
      const expected = parser.parse(sample);

      for (const [variant, mangle] of Object.entries(VARIANTS)) {
        assert.deepEqual(parser.parse(mangle(sample, command)), expected, variant);
      }
    });
  }
});

describe('captures of whole sessions', () => {
  it('reads the route table from the write-up excerpt', () => {
    const blocks = splitSession(
      loadFixture('36_ictinfra_blog_n9kv_9.3.1_mgmt_vrf_docker_start_EXCERPT.txt'),
    );
    const table = parseIpRoute(
      blocks.find((b) => b.command === 'show ip route vrf management')!.output,
    );

    assert.deepEqual(
      table.vrfs[0].routes.map((r) => [r.prefix, r.nextHops[0].address, r.nextHops[0].age]),
      [
        ['0.0.0.0/0', '192.168.122.1', '00:00:22'],
        ['192.168.122.0/24', '192.168.122.188', '00:00:23'],
        ['192.168.122.188/32', '192.168.122.188', '00:00:23'],
      ],
    );
  });

  it('reads the release from a filtered show version (| inc NXOS) on 10.5(3)', () => {
    const block = splitSession(
      loadFixture('37_cisco_forensic_guide_nxos10_bash_docker_session_EXCERPT.txt'),
    ).find((b) => b.command === 'show version | inc NXOS')!;

    assert.deepEqual(parseShowVersion(block.output), {
      release: '10.5(3)',
      deviceName: null,
      chassis: null,
      bootflashKb: null,
      uptimeSeconds: null,
    });
  });

  it('reads the release from a show version cut short at --More-- on 9.2(4)', () => {
    const session = parseYaml(loadFixture('33_scrapli_mock_session_cisco_nxos.yaml')) as {
      events: { privilege_exec: { pre_on_open: Record<string, { channel_output: string }> } };
    };
    const output = session.events.privilege_exec.pre_on_open['show version'].channel_output;

    const version = parseShowVersion(output);

    assert.deepEqual(
      [version.release, version.chassis, version.deviceName],
      ['9.2(4)', 'Nexus9000 9000v Chassis', null],
    );
  });
});
