import { parseArgs } from 'node:util';

import { createRootLogger } from '@switchyard/logging';

import { startFleet } from './fleet';
import { assertLoopback, fleetFromCount, loadFleetFile, type SimFleetOptions } from './options';

const USAGE = `usage:
  npm run sim -- --count N --address 127.0.10.1 --port 2222 --username admin --password admin [--time-scale 1]
  npm run sim -- --fleet FILE.yaml [--time-scale 1]
  --host-key-seed S keeps each switch's host key across restarts`;

function fleetOptions(): SimFleetOptions {
  const { values } = parseArgs({
    options: {
      fleet: { type: 'string' },
      count: { type: 'string' },
      address: { type: 'string', default: '127.0.10.1' },
      port: { type: 'string', default: '2222' },
      username: { type: 'string', default: 'admin' },
      password: { type: 'string', default: 'admin' },
      'name-prefix': { type: 'string' },
      'time-scale': { type: 'string' },
      'host-key-seed': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const timeScale = values['time-scale'] === undefined ? undefined : Number(values['time-scale']);
  if (timeScale !== undefined && !(timeScale > 0))
    throw new Error(`--time-scale must be a number > 0, got "${values['time-scale']}"`);

  const seed = values['host-key-seed'];
  if (values.fleet) {
    const fromFile = loadFleetFile(values.fleet);
    return {
      ...fromFile,
      timeScale: timeScale ?? fromFile.timeScale,
      switches: fromFile.switches.map((s) => (seed ? { ...s, hostKeySeed: seed } : s)),
    };
  }
  const count = Number(values.count ?? '1');
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`--count must be a whole number >= 1, got "${values.count}"`);
  assertLoopback(values.address!, '--address');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`--port must be 1-65535, got "${values.port}"`);

  return {
    timeScale,
    switches: fleetFromCount({
      count,
      address: values.address!,
      port,
      username: values.username!,
      password: values.password!,
      namePrefix: values['name-prefix'],
    }).map((s) => (seed ? { ...s, hostKeySeed: seed } : s)),
  };
}

async function main(): Promise<void> {
  let options: SimFleetOptions;
  try {
    options = fleetOptions();
  } catch (err) {
    console.error(`switch-sim: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  // Logs go to stderr: stdout carries one line per switch for whoever started us.
  const logger = createRootLogger({
    level: process.env.LOG_LEVEL ?? 'warn',
    destination: process.stderr,
  });
  const fleet = await startFleet({ ...options, logger });
  for (const s of fleet.switches) {
    process.stdout.write(`${s.name} ${s.address}:${s.port} ${s.hostKeyFingerprint}\n`);
  }
  // The pid lets a test freeze this process (SIGSTOP) even when started through npm.
  process.stdout.write(`ready: ${fleet.switches.length} switch(es) pid ${process.pid}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'closing the simulated fleet');
    fleet.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'closing the fleet failed');
        process.exit(1);
      },
    );
  };
  // SIGUSR2 prints each switch's logins and busy time, for benchmarks driving this process.
  process.on('SIGUSR2', () => {
    for (const s of fleet.switches) {
      process.stdout.write(
        `stats: ${s.name} logins=${s.loginCount()} busyMs=${s.deviceBusyMs()}\n`,
      );
    }
    process.stdout.write('stats: end\n');
  });
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`switch-sim: ${(err as Error).message}`);
  process.exit(1);
});
