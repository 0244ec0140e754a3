import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CommandTree } from './command-tree';

interface Ctx {
  dhcp: boolean;
}

function tree(): CommandTree<Ctx> {
  return new CommandTree<Ctx>()
    .add('show version', () => 0)
    .add('show ip interface brief', () => 0)
    .add('show ip interface brief vrf <word>', () => 0)
    .add(
      'ip address dhcp',
      () => 0,
      (ctx) => ctx.dhcp,
    )
    .add('ip address <prefix>', () => 0)
    .add('terminal length <number>', () => 0)
    .known('show boot', 'telnet', 'test', 'dir');
}

describe('CommandTree', () => {
  it('expands unambiguous abbreviations and collects parameters', () => {
    const match = tree().match('sh ip int br vrf management', { dhcp: false });
    assert.equal(match.kind, 'ok');
    assert.deepEqual(match.kind === 'ok' && match.words, [
      'show',
      'ip',
      'interface',
      'brief',
      'vrf',
      'management',
    ]);
    assert.deepEqual(match.kind === 'ok' && match.params, ['management']);
  });

  it('puts the caret on the first character no keyword continues', () => {
    assert.deepEqual(tree().match('show bogus', { dhcp: false }), { kind: 'invalid', column: 7 });
    assert.deepEqual(tree().match('disable', { dhcp: false }), { kind: 'invalid', column: 2 });
    assert.deepEqual(tree().match('xyz', { dhcp: false }), { kind: 'invalid', column: 0 });
  });

  it('reports ambiguous prefixes at the token and unfinished commands past the end', () => {
    assert.deepEqual(tree().match('te', { dhcp: false }), { kind: 'ambiguous', column: 0 });
    assert.deepEqual(tree().match('show ip', { dhcp: false }), { kind: 'incomplete', column: 8 });
    assert.deepEqual(tree().match('terminal length many', { dhcp: false }), {
      kind: 'invalid',
      column: 16,
    });
  });

  it('hides keywords of a disabled feature', () => {
    assert.deepEqual(tree().match('ip address dhcp', { dhcp: false }), {
      kind: 'invalid',
      column: 11,
    });
    assert.equal(tree().match('ip address dhcp', { dhcp: true }).kind, 'ok');
    assert.equal(tree().match('ip address 10.1.2.3/24', { dhcp: false }).kind, 'ok');
    assert.equal(tree().match('ip address 10.1.2.300/24', { dhcp: false }).kind, 'invalid');
  });
});
