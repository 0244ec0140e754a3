import type { Logger } from '@switchyard/logging';

import { DeviceClock } from './clock';
import type { SimFleetOptions } from './options';
import { SimSwitch } from './sim-switch';

export interface SimFleet {
  switches: SimSwitch[];
  /** The switch with this hostname (as configured at start); throws when there is none. */
  byName(name: string): SimSwitch;
  close(): Promise<void>;
}

/** Starts every switch of the fleet; if one cannot start, the others are closed again. */
export async function startFleet(options: SimFleetOptions): Promise<SimFleet> {
  const timeScale = options.timeScale ?? 1;
  const logger: Logger | undefined = options.logger;
  const names = new Set<string>();
  for (const s of options.switches) {
    if (names.has(s.name))
      throw new Error(`two switches are named "${s.name}"; names must be unique`);
    names.add(s.name);
  }

  const started: SimSwitch[] = [];
  try {
    for (const switchOptions of options.switches)
      // One clock per switch, so each one's own busy time can be read apart.
      started.push(await SimSwitch.start(switchOptions, new DeviceClock(timeScale), logger));
  } catch (err) {
    await Promise.all(started.map((s) => s.close()));
    throw err;
  }

  const byName = new Map(started.map((s) => [s.name, s]));

  return {
    switches: started,
    byName(name: string): SimSwitch {
      const found = byName.get(name);
      if (!found) throw new Error(`no simulated switch named "${name}"`);
      return found;
    },
    async close(): Promise<void> {
      await Promise.all(started.map((s) => s.close()));
    },
  };
}
