import { outputLines, unexpectedOutput } from './text';

export interface ChkconfigService {
  service: string;
  /** Runlevel (0-6) to on/off; empty when the service is in no runlevel. */
  runlevels: Record<number, boolean>;
  /** On in any multi-user runlevel (2-5): the daemon comes back after a reload. */
  enabled: boolean;
}

const LISTING = /^(?<service>\S+)\s+(?<levels>(?:\d:(?:on|off)\s*){7})$/;
const NOT_REFERENCED =
  /^service (?<service>\S+) supports chkconfig, but is not referenced in any runlevel/;
const UNKNOWN_SERVICE = /^error reading information on service (?<service>\S+)/;
const MULTI_USER_RUNLEVELS = [2, 3, 4, 5];

/** Parses `chkconfig --list SERVICE`. */
export function parseChkconfigList(text: string): ChkconfigService {
  const lines = outputLines(text);
  for (const raw of lines) {
    const line = raw.trim();
    const listing = LISTING.exec(line);
    if (listing?.groups) {
      const runlevels: Record<number, boolean> = {};
      for (const level of listing.groups.levels.trim().split(/\s+/)) {
        const [number, state] = level.split(':');
        runlevels[Number(number)] = state === 'on';
      }
      return {
        service: listing.groups.service,
        runlevels,
        enabled: MULTI_USER_RUNLEVELS.some((level) => runlevels[level]),
      };
    }

    const absent = NOT_REFERENCED.exec(line) ?? UNKNOWN_SERVICE.exec(line);
    if (absent?.groups) return { service: absent.groups.service, runlevels: {}, enabled: false };
  }
  throw unexpectedOutput(
    'chkconfig --list',
    '"SERVICE 0:off 1:off 2:on ..." or "... not referenced in any runlevel"',
    lines[0],
  );
}

export interface NetworkNamespaces {
  namespaces: Array<{ name: string; id: number | null }>;
}

const NAMESPACE = /^(?<name>[A-Za-z0-9_.-]+)(?: \(id: (?<id>\d+)\))?$/;

/** Parses `ip netns show` / `ip netns list`. */
export function parseNetnsList(text: string): NetworkNamespaces {
  const namespaces = outputLines(text)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const match = NAMESPACE.exec(line.trim());
      if (!match?.groups) throw unexpectedOutput('ip netns show', '"NAME (id: N)" lines', line);
      return {
        name: match.groups.name,
        id: match.groups.id !== undefined ? Number(match.groups.id) : null,
      };
    });
  return { namespaces };
}
