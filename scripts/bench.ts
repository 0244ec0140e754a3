/**
 * Benchmark: one rollout of the four steps over a simulated fleet, measured against the
 * bound the switches' own time sets (the slowest switch's device time: no scheduler can
 * finish sooner). Prints figures; asserts nothing.
 *
 *   npm run bench -- --switches 1000 --time-scale 0.05 --concurrency 1000
 */
import { parseArgs } from 'node:util';
import { createRootLogger } from '@switchyard/logging';
import { startEmbedded } from '../apps/demo/src/embedded';

const { values: args } = parseArgs({
  options: {
    switches: { type: 'string', default: '200' },
    'time-scale': { type: 'string', default: '0.05' },
    concurrency: { type: 'string' },
    address: { type: 'string', default: '127.0.40.1' },
    port: { type: 'string', default: '2222' },
    /** Run the simulator in this process too (it then competes with the worker for CPU). */
    'in-process': { type: 'boolean', default: false },
  },
});

const out = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const count = Number(args.switches);
  const timeScale = Number(args['time-scale']);
  const concurrency = Number(args.concurrency ?? count);
  const logger = createRootLogger({ level: 'warn', destination: process.stderr });

  const embedded = await startEmbedded({
    label: 'bench',
    count,
    address: args.address!,
    port: Number(args.port),
    timeScale,
    tag: 'bench',
    logger,
    logLevel: 'warn',
    workerConcurrency: concurrency,
    simulatorProcess: !args['in-process'],
  });
  const { fleet, client } = embedded;

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);

  try {
    const started = Date.now();
    const rollout = await client.createRollout({
      tags: ['bench'],
      params: { pageContent: 'bench' },
      strategy: { concurrency },
    });
    const done = await client.waitForRollout(rollout.id, { pollMs: 100, timeoutMs: 60 * 60_000 });
    const wallMs = Date.now() - started;

    // The bound: the longest any one switch spent on device time (its own commands' delays).
    const stats = await fleet.stats();
    const boundMs = Math.max(...stats.map((s) => s.busyMs));
    const logins = stats.map((s) => s.logins);

    out(
      `switches:            ${count} (time scale ${timeScale}, rollout concurrency ${concurrency})`,
    );
    out(`result:              ${done.state} ${JSON.stringify(done.counts)}`);
    out(`wall time:           ${(wallMs / 1000).toFixed(1)} s`);
    out(
      `bound (device time): ${(boundMs / 1000).toFixed(1)} s  (slowest switch's own command time)`,
    );
    out(`wall / bound:        ${(wallMs / boundMs).toFixed(2)}`);
    out(`SSH logins/switch:   min ${Math.min(...logins)}, max ${Math.max(...logins)}`);
    out(
      `peak RSS:            ${(peakRss / 2 ** 20).toFixed(0)} MiB (API and worker${args['in-process'] ? ' and simulator' : ''} in one process)`,
    );
    return done.state === 'succeeded' ? 0 : 1;
  } finally {
    clearInterval(sampler);
    await embedded.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
