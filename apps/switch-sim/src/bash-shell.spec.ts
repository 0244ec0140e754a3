import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { shellWords } from './bash-shell';

describe('shellWords', () => {
  it('keeps quoted text together and splits operators', () => {
    assert.deepEqual(shellWords(`printf '%s' 'QUJD' >> /tmp/a && echo "x y" ; cat f | grep a`), [
      { kind: 'word', text: 'printf' },
      { kind: 'word', text: '%s' },
      { kind: 'word', text: 'QUJD' },
      { kind: 'op', text: '>>' },
      { kind: 'word', text: '/tmp/a' },
      { kind: 'op', text: '&&' },
      { kind: 'word', text: 'echo' },
      { kind: 'word', text: 'x y' },
      { kind: 'op', text: ';' },
      { kind: 'word', text: 'cat' },
      { kind: 'word', text: 'f' },
      { kind: 'op', text: '|' },
      { kind: 'word', text: 'grep' },
      { kind: 'word', text: 'a' },
    ]);
  });

  it('drops stderr redirections and refuses an open quote', () => {
    assert.deepEqual(shellWords('docker ps 2>&1'), [
      { kind: 'word', text: 'docker' },
      { kind: 'word', text: 'ps' },
    ]);
    assert.equal(shellWords(`echo 'open`), undefined);
  });
});
