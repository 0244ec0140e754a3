/**
 * The demo: the whole product on the embedded default. Starts (or finds) Redis, three
 * simulated Nexus 9000v switches, the API and a worker; registers the switches and rolls
 * the four steps out to them through the REST API; prints progress and a table per switch
 * with the page fetched from each switch's mgmt0 address; then runs the same rollout again
 * to show that nothing changes. Exits 0 only when everything succeeded.
 */
import { parseArgs } from 'node:util';
import { STEP_NAMES, type RolloutView } from '@switchyard/contracts';
import { createRootLogger } from '@switchyard/logging';
import { startEmbedded } from './embedded';
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

  const embedded = await startEmbedded({
    label: 'demo',
    count,
    address: args.address!,
    port: Number(args.port),
    timeScale,
    tag: 'demo',
    logger,
    logLevel: args.verbose ? 'info' : 'warn',
  });
  const { redis, fleet, baseUrl, client } = embedded;
  out(
    redis.private
      ? `Redis: started a private redis-server at ${redis.url}`
      : `Redis: using ${redis.url}`,
  );
  out(
    `Simulator: ${fleet.switches.map((s) => `${s.name} at ${s.address}:${s.port}`).join(', ')} (time scale ${timeScale})`,
  );
  out(`API: ${baseUrl} (docs at ${baseUrl}/docs)`);

  try {
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
    await embedded.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
