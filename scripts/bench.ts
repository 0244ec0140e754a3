/**
 * Benchmark: one rollout of the four steps over a simulated fleet, measured against the
 * bound the switches' own time sets (the slowest switch's device time: no scheduler can
 * finish sooner). Prints figures; asserts nothing.
 *
 *   npm run bench -- --switches 1000 --time-scale 0.05 --concurrency 1000
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SwitchyardClient } from '@switchyard/client';
import { loadConfig } from '@switchyard/config';
import { CredentialStore } from '@switchyard/inventory';
import { createRootLogger } from '@switchyard/logging';
import { createApi } from '../apps/api/src/api';
import { deleteKeysUnder, ensureRedis } from '../apps/demo/src/redis-server';
import { fleetFromCount, startFleet } from '../apps/switch-sim/src';
import { startWorker } from '../apps/worker/src/worker';

const { values: args } = parseArgs({
  options: {
    switches: { type: 'string', default: '200' },
    'time-scale': { type: 'string', default: '0.05' },
    concurrency: { type: 'string' },
    address: { type: 'string', default: '127.0.40.1' },
    port: { type: 'string', default: '2222' },
  },
});

const out = (line = '') => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const count = Number(args.switches);
  const timeScale = Number(args['time-scale']);
  const concurrency = Number(args.concurrency ?? count);
  const logger = createRootLogger({ level: 'warn', destination: process.stderr });

  const redis = await ensureRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const password = randomBytes(12).toString('base64url');
  const token = randomBytes(24).toString('base64url');
  const prefix = `switchyard-bench-${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    REDIS_URL: redis.url,
    SWITCHYARD_PREFIX: prefix,
    SWITCHYARD_API_TOKENS: token,
    WORKER_CONCURRENCY: String(concurrency),
    LOG_LEVEL: 'warn',
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
    logger,
  });
  const worker = await startWorker(config, {
    logger,
    credentials: CredentialStore.fromEntries({ lab: { username: 'admin', password } }),
  });
  const api = await createApi(config, { logger });
  await api.listen(0, '127.0.0.1');
  const client = new SwitchyardClient(await api.getUrl(), token);

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);

  try {
    for (const sim of fleet.switches) {
      await client.registerSwitch({
        name: sim.name,
        host: sim.address,
        port: sim.port,
        credentialRef: 'lab',
        tags: ['bench'],
      });
    }

    const started = Date.now();
    const rollout = await client.createRollout({
      tags: ['bench'],
      params: { pageContent: 'bench' },
      strategy: { concurrency },
    });
    const done = await client.waitForRollout(rollout.id, { pollMs: 500, timeoutMs: 60 * 60_000 });
    const wallMs = Date.now() - started;

    // The bound: the longest any one switch spent on device time (its own commands' delays).
    const perSwitchDeviceMs = fleet.switches.map((s) => s.deviceBusyMs());
    const boundMs = Math.max(...perSwitchDeviceMs);
    const logins = fleet.switches.map((s) => s.loginCount());

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
      `peak RSS:            ${(peakRss / 2 ** 20).toFixed(0)} MiB (simulator, API and worker in one process)`,
    );
    return done.state === 'succeeded' ? 0 : 1;
  } finally {
    clearInterval(sampler);
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
    console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
