import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '@switchyard/logging';
import { fleetFromCount, startFleet } from '../../switch-sim/src';

/** How long a simulator child process gets to print that its switches listen, in ms. */
const SIM_READY_TIMEOUT_MS = 120_000;

export interface SwitchEndpoint {
  name: string;
  address: string;
  port: number;
  hostKeyFingerprint: string;
}

export interface SwitchStats {
  name: string;
  logins: number;
  /** Real ms the switch spent on its own work (see the simulator's DeviceClock). */
  busyMs: number;
}

/** A simulated fleet, in this process or in a child process of its own. */
export interface FleetHandle {
  switches: SwitchEndpoint[];
  stats(): Promise<SwitchStats[]>;
  close(): Promise<void>;
}

export interface FleetSpec {
  count: number;
  address: string;
  port: number;
  password: string;
  timeScale: number;
  logger: Logger;
}

export async function startInProcessFleet(spec: FleetSpec): Promise<FleetHandle> {
  const fleet = await startFleet({
    switches: fleetFromCount({ ...spec, username: 'admin' }),
    timeScale: spec.timeScale,
    logger: spec.logger.child({ component: 'switch-sim' }),
  });
  return {
    switches: fleet.switches,
    stats: async () =>
      fleet.switches.map((s) => ({
        name: s.name,
        logins: s.loginCount(),
        busyMs: s.deviceBusyMs(),
      })),
    close: () => fleet.close(),
  };
}

/**
 * Runs the simulator as `npm run sim` would, in its own process: the switches' CPU work
 * (SSH crypto on their side) then does not compete with the worker's, as on a real network.
 */
export async function startChildProcessFleet(spec: FleetSpec): Promise<FleetHandle> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      'apps/switch-sim/src/main.ts',
      ...['--count', String(spec.count), '--address', spec.address, '--port', String(spec.port)],
      ...[
        '--username',
        'admin',
        '--password',
        spec.password,
        '--time-scale',
        String(spec.timeScale),
      ],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const switches: SwitchEndpoint[] = [];
  let statsWaiter: ((stats: SwitchStats[]) => void) | null = null;
  let collected: SwitchStats[] = [];

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the simulator did not start in time')),
      SIM_READY_TIMEOUT_MS,
    );
    child.once('exit', (code) => reject(new Error(`the simulator exited with code ${code}`)));
    lines.on('line', (line) => {
      const stats = /^stats: (\S+) logins=(\d+) busyMs=(\d+)$/.exec(line);
      if (stats) {
        collected.push({ name: stats[1], logins: Number(stats[2]), busyMs: Number(stats[3]) });
      } else if (line === 'stats: end') {
        statsWaiter?.(collected);
        collected = [];
      } else if (line.startsWith('ready:')) {
        clearTimeout(timer);
        resolve();
      } else {
        const [name, endpoint, fingerprint] = line.split(' ');
        const [address, port] = endpoint.split(':');
        switches.push({ name, address, port: Number(port), hostKeyFingerprint: fingerprint });
      }
    });
  });
  await ready;

  return {
    switches,
    stats: () =>
      new Promise<SwitchStats[]>((resolve) => {
        statsWaiter = resolve;
        child.kill('SIGUSR2');
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
