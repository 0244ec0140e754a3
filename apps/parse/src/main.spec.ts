import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '../../..');
const FIXTURES = join(ROOT, 'libs/nxos-parsers/fixtures');

function runParse(command: string, input: string) {
  return spawnSync(
    process.execPath,
    ['-r', '@swc-node/register', join(ROOT, 'apps/parse/src/main.ts'), command],
    {
      cwd: ROOT,
      input,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe('parse command', () => {
  it('prints the parsed fixture as indented JSON, skipping its source line', () => {
    const fixture = readFileSync(
      join(FIXTURES, '03_ntc_show_ip_int_brief_vrf_all_3vrfs.txt'),
      'utf8',
    );

    const result = runParse('sh ip int br vrf all', fixture);

    assert.equal(result.status, 0, result.stderr);
    const parsed = JSON.parse(result.stdout);
    assert.deepEqual(
      parsed.vrfs.map((vrf: { name: string }) => vrf.name),
      ['default', 'management', 'ntc'],
    );
    assert.match(result.stdout, /^\{\n {2}"vrfs": \[\n {4}\{/);
  });

  it('exits 2 and lists the known commands for an unknown one', () => {
    const result = runParse('show clock', '');

    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown command "show clock"/);
    assert.match(result.stderr, /show ip route/);
    assert.match(result.stderr, /service docker status/);
  });

  it('exits 1 with UNEXPECTED_OUTPUT for output it cannot read', () => {
    const result = runParse('service docker status', 'bash: service: command not found\n');

    assert.equal(result.status, 1);
    assert.match(result.stderr, /^UNEXPECTED_OUTPUT: /);
  });
});
