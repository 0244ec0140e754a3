/**
 * The demo: the whole product on the embedded default. Starts (or finds) Redis, three
 * simulated Nexus 9000v switches, the API and a worker; registers the switches and rolls
 * the four steps out to them through the REST API; prints progress and a table per switch
 * with the page fetched from each switch's mgmt0 address; then runs the same rollout again
 * to show that nothing changes. Exits 0 only when everything succeeded.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { STEP_NAMES, type RolloutView } from '@switchyard/contracts';
import { SwitchyardClient } from '@switchyard/client';
import { loadConfig } from '@switchyard/config';
import { CredentialStore } from '@switchyard/inventory';
import { createRootLogger } from '@switchyard/logging';
import { createApi } from '../../api/src/api';
import { fleetFromCount, startFleet } from '../../switch-sim/src';
import { startWorker } from '../../worker/src/worker';
import { deleteKeysUnder, ensureRedis } from './redis-server';
import { ProgressPrinter, renderTable, stepCell } from './report';

const PAGE_TIMEOUT_MS = 5_000;
const ROLLOUT_TIMEOUT_MS = 5 * 60_000;

const { values: args } = parseArgs({
  options: {
    switches: { type: 'string', default: '3' },
    address: { type: 'string', default: '127.0.10.1' },
    port: { type: 'string', default: '2222' },
    'time-scale': { type: 'string', default: '0.1' },
    once: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

const out = (line = '') => process.stdout.write(`${line}\n`);

async function fetchPage(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
    return `${response.status} ${(await response.text()).trim()}`;
  } catch (err) {
    return `no answer (${(err as Error).message})`;
  }
}

async function report(
  title: string,
  view: RolloutView,
): Promise<{ allSucceeded: boolean; allUnchanged: boolean; pagesOk: boolean }> {
  const rows: string[][] = [];
  let pagesOk = true;
  for (const run of view.switches) {
    const byStep = new Map(run.steps.map((s) => [s.step, s]));
    const nat = byStep.get('verify-nat');
    const mgmt = String(
      nat?.facts.mgmtAddress ?? byStep.get('configure-mgmt')?.facts.mgmtAddress ?? '-',
    );
    const page = mgmt === '-' ? 'no mgmt address' : await fetchPage(`http://${mgmt}:30080/`);
    if (!page.startsWith('200 ')) pagesOk = false;
    rows.push([
      run.switchName,
      run.state,
      mgmt,
      ...STEP_NAMES.map((step) => stepCell(byStep.get(step))),
      page.slice(0, 40),
    ]);
  }
  out();
  out(`${title}: rollout ${view.id} ${view.state.toUpperCase()}`);
  out(renderTable(['switch', 'result', 'mgmt0', ...STEP_NAMES, 'GET http://<mgmt0>:30080/'], rows));

  const steps = view.switches.flatMap((s) => s.steps);
  return {
    allSucceeded:
      view.state === 'succeeded' && steps.length === view.switches.length * STEP_NAMES.length,
    allUnchanged: steps.every((s) => !s.changed),
    pagesOk,
  };
}

async function main(): Promise<number> {
  const count = Number(args.switches);
  const timeScale = Number(args['time-scale']);
  const logger = createRootLogger({ level: args.verbose ? 'info' : 'warn' });

  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  out(
    redis.private
      ? `Redis: started a private redis-server at ${redis.url}`
      : `Redis: using ${redis.url}`,
  );

  // Fresh credentials and keys for this run only: nothing here is a default anyone could reuse.
  const password = randomBytes(12).toString('base64url');
  const token = randomBytes(24).toString('base64url');
  const prefix = `switchyard-demo-${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    REDIS_URL: redis.url,
    SWITCHYARD_PREFIX: prefix,
    SWITCHYARD_API_TOKENS: token,
    SWITCHYARD_SECRET_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: args.verbose ? 'info' : 'warn',
  });

  const fleet = await startFleet({
    switches: fleetFromCount({
      count,
      address: args.address!,
      port: Number(args.port),
      username: 'admin',
      password,
    }),
    timeScale,
    logger: logger.child({ component: 'switch-sim' }),
  });
  out(
    `Simulator: ${fleet.switches.map((s) => `${s.name} at ${s.address}:${s.port}`).join(', ')} (time scale ${timeScale})`,
  );

  const worker = await startWorker(config, {
    logger,
    credentials: CredentialStore.fromEntries({ lab: { username: 'admin', password } }),
  });
  const api = await createApi(config, { logger });
  await api.listen(0, '127.0.0.1');
  const baseUrl = await api.getUrl();
  out(`API: ${baseUrl} (docs at ${baseUrl}/docs)`);

  try {
    const client = new SwitchyardClient(baseUrl, token);
    for (const sim of fleet.switches) {
      // The simulator tells us its host key, so the demo pins it up front, as an operator
      // with an inventory of fingerprints would.
      await client.registerSwitch({
        name: sim.name,
        host: sim.address,
        port: sim.port,
        credentialRef: 'lab',
        tags: ['demo'],
        hostKeyFingerprint: sim.hostKeyFingerprint,
      });
    }
    const params = { pageContent: 'Deployed by Switchyard' };

    out();
    out(`Rolling out ${STEP_NAMES.join(' -> ')} to ${count} switches...`);
    const first = await client.createRollout({
      tags: ['demo'],
      params,
      strategy: { concurrency: count },
    });
    const printer = new ProgressPrinter(out);
    const firstView = await client.waitForRollout(first.id, {
      timeoutMs: ROLLOUT_TIMEOUT_MS,
      onUpdate: (v) => printer.update(v),
    });
    const firstResult = await report('First run', firstView);
    let ok = firstResult.allSucceeded && firstResult.pagesOk;

    if (!args.once) {
      out();
      out('Running the same rollout again: every step should find nothing to change...');
      const second = await client.createRollout({
        tags: ['demo'],
        params,
        strategy: { concurrency: count },
      });
      const secondView = await client.waitForRollout(second.id, { timeoutMs: ROLLOUT_TIMEOUT_MS });
      const secondResult = await report('Second run', secondView);
      ok = ok && secondResult.allSucceeded && secondResult.allUnchanged && secondResult.pagesOk;
    }

    out();
    out(ok ? 'Demo succeeded.' : 'Demo FAILED: see the table above.');
    return ok ? 0 : 1;
  } finally {
    await api.close();
    await worker.close();
    await fleet.close();
    if (!redis.private) await deleteKeysUnder(redis.url, prefix);
    await redis.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
