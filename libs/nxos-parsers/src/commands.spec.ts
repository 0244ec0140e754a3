import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findCommandParser } from './commands';

describe('findCommandParser', () => {
  it('accepts NX-OS abbreviations and a vrf suffix', () => {
    const names = [
      'sh ip int br',
      'show ip interface brief vrf management',
      'sh ip ro vrf all',
      'sh ver',
      'sh fea',
      'sh run int mgmt0',
    ].map((line) => findCommandParser(line)?.name);

    assert.deepEqual(names, [
      'show ip interface brief',
      'show ip interface brief',
      'show ip route',
      'show version',
      'show feature',
      'show running-config interface mgmt0',
    ]);
  });

  it('accepts the Linux commands with their flags and namespace prefix', () => {
    assert.equal(
      findCommandParser('ip netns exec management iptables -L -t nat -n')?.name,
      'iptables -L -t nat',
    );
    assert.equal(findCommandParser('docker ps -a')?.name, 'docker ps');
    assert.equal(
      findCommandParser('run bash sudo service docker status')?.name,
      'service docker status',
    );
  });

  it('knows nothing of other commands or ambiguous abbreviations', () => {
    assert.equal(findCommandParser('show interface mgmt0'), null);
    assert.equal(findCommandParser('shw ip int br'), null);
    assert.equal(findCommandParser('sh ip int br vrf'), null);
    assert.equal(findCommandParser('docker ps --format x'), null);
  });
});
