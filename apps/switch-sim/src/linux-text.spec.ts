import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DeviceState } from './device-state';
import { ddOutput, iptablesNat } from './linux-text';

describe('Linux-side output', () => {
  it('lays out the nat table column for column like the reference transcript', () => {
    const state = new DeviceState({
      name: 'sw',
      address: '127.0.0.9',
      port: 22,
      username: 'a',
      password: 'b',
    });
    state.docker.running = true;
    state.containers.set('web', {
      id: 'b5569c7b4427',
      name: 'web',
      image: 'nginx:latest',
      command: 'nginx',
      ports: [{ host: 30080, container: 80 }],
      ip: '172.17.0.2',
      status: 'running',
      restart: 'no',
      autoRemove: true,
      createdAt: 0,
      changedAt: 0,
      files: new Map(),
    });
    const lines = iptablesNat(state, false).split('\n');
    assert.ok(
      lines.includes(
        'DOCKER     all  --  anywhere             anywhere             ADDRTYPE match dst-type LOCAL',
      ),
    );
    assert.ok(
      lines.includes(
        'DOCKER     all  --  anywhere            !127.0.0.0/8          ADDRTYPE match dst-type LOCAL',
      ),
    );
    assert.ok(lines.includes('MASQUERADE  all  --  172.17.0.0/16        anywhere            '));
    assert.ok(
      lines.includes('MASQUERADE  tcp  --  172.17.0.2           172.17.0.2           tcp dpt:http'),
    );
    assert.ok(lines.includes('RETURN     all  --  anywhere             anywhere            '));
    assert.ok(
      lines.includes(
        'DNAT       tcp  --  anywhere             anywhere             tcp dpt:30080 to:172.17.0.2:80',
      ),
    );
    assert.ok(lines.includes('Chain DOCKER (2 references)'));
  });

  it('prints dd with the seconds it was given', () => {
    assert.equal(
      ddOutput(300, 17.9738),
      '300+0 records in\n300+0 records out\n300000000 bytes (300 MB) copied, 17.9738 s, 16.7 MB/s\n',
    );
  });
});
