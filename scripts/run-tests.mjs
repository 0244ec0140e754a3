#!/usr/bin/env node
// Runs the test tiers with Node's own test runner, TypeScript compiled on the fly by SWC.
// Usage: node scripts/run-tests.mjs [unit|integration|e2e|compat|all] [file ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const tiers = {
  unit: { roots: ['apps', 'libs'], suffix: '.spec.ts' },
  integration: { roots: ['test/integration'], suffix: '.test.ts' },
  e2e: { roots: ['test/e2e'], suffix: '.test.ts' },
  compat: { roots: ['test/compat'], suffix: '.test.ts' },
};

function find(dir, suffix, found = []) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) find(path, suffix, found);
    else if (path.endsWith(suffix)) found.push(path);
  }
  return found;
}

const [tier = 'all', ...explicit] = process.argv.slice(2);
const chosen = tier === 'all' ? ['unit', 'integration', 'e2e', 'compat'] : [tier];
if (chosen.some((t) => !tiers[t])) {
  console.error(`unknown tier "${tier}"; use one of: ${Object.keys(tiers).join(', ')}, all`);
  process.exit(2);
}
const files =
  explicit.length > 0
    ? explicit
    : chosen
        .flatMap((t) =>
          find(tiers[t].roots[0], tiers[t].suffix).concat(
            ...tiers[t].roots.slice(1).map((r) => find(r, tiers[t].suffix)),
          ),
        )
        .sort();
if (files.length === 0) {
  console.error(`no test files for ${chosen.join(', ')}`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  [
    '--enable-source-maps',
    '-r',
    '@swc-node/register',
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
