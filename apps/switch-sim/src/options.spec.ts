import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { fleetFromCount, loadFleetFile } from './options';

describe('fleet options', () => {
  it('counts addresses up, carrying into the third octet', () => {
    const fleet = fleetFromCount({
      count: 3,
      address: '127.0.10.255',
      port: 22,
      username: 'a',
      password: 'b',
    });
    assert.deepEqual(
      fleet.map((s) => [s.name, s.address]),
      [
        ['n9k-sim-01', '127.0.10.255'],
        ['n9k-sim-02', '127.0.11.0'],
        ['n9k-sim-03', '127.0.11.1'],
      ],
    );
  });

  it('refuses to count out of 127.0.0.0/8', () => {
    assert.throws(
      () =>
        fleetFromCount({
          count: 2,
          address: '127.255.255.255',
          port: 22,
          username: 'a',
          password: 'b',
        }),
      /outside 127\.0\.0\.0\/8/,
    );
  });

  it('reads a fleet file with defaults, generated switches and behaviours', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-'));
    try {
      const file = join(dir, 'fleet.yaml');
      writeFileSync(
        file,
        'timeScale: 0.1\ndefaults: { port: 2222, username: admin, password: pw }\ngenerate: { count: 2, address: 127.0.40.1 }\nswitches:\n  - { name: N9K-LAB, address: 127.0.40.9, maxSessions: 2 }\n',
      );
      const fleet = loadFleetFile(file);
      assert.equal(fleet.timeScale, 0.1);
      assert.deepEqual(
        fleet.switches.map((s) => [s.name, s.address, s.port, s.maxSessions]),
        [
          ['n9k-sim-01', '127.0.40.1', 2222, undefined],
          ['n9k-sim-02', '127.0.40.2', 2222, undefined],
          ['N9K-LAB', '127.0.40.9', 2222, 2],
        ],
      );

      writeFileSync(
        file,
        'switches:\n  - { name: bad name, address: 10.0.0.1, port: 22, username: a, password: b }\n',
      );
      assert.throws(() => loadFleetFile(file), /hostname/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
