import { outputLines, unexpectedOutput } from './text';

const COMMAND = 'show feature';

export interface FeatureList {
  features: FeatureState[];
}

export interface FeatureState {
  name: string;
  instance: number;
  enabled: boolean;
  /** False for `enabled (not-running)`: configured but no process running yet. */
  running: boolean;
  /** As printed, spacing normalised: `enabled`, `disabled`, `enabled (not-running)`. */
  state: string;
}

const HEADER = /^Feature Name\s+Instance\s+State$/;
const RULER = /^-+\s+-+\s+-+$/;
const ROW =
  /^(?<name>\S+)\s+(?<instance>\d+)\s+(?<state>enabled|disabled)\s*(?<notRunning>\(not-running\))?$/;

/** Parses `show feature`, flush-left or indented, with either spelling of `enabled (not-running)`. */
export function parseFeatures(text: string): FeatureList {
  const features: FeatureState[] = [];
  let sawHeader = false;

  for (const raw of outputLines(text)) {
    const line = raw.trim();
    if (line === '' || RULER.test(line)) continue;
    if (HEADER.test(line)) {
      sawHeader = true;
      continue;
    }

    const row = ROW.exec(line);
    if (!row?.groups || !sawHeader) {
      throw unexpectedOutput(COMMAND, 'the "Feature Name Instance State" table', line);
    }
    const enabled = row.groups.state === 'enabled';
    const notRunning = row.groups.notRunning !== undefined;
    features.push({
      name: row.groups.name,
      instance: Number(row.groups.instance),
      enabled,
      running: enabled && !notRunning,
      state: notRunning ? `${row.groups.state} (not-running)` : row.groups.state,
    });
  }

  if (!sawHeader)
    throw unexpectedOutput(
      COMMAND,
      'the "Feature Name Instance State" table',
      outputLines(text)[0],
    );
  return { features };
}

/** True when any instance of the feature is enabled (running or not). */
export function isFeatureEnabled(list: FeatureList, name: string): boolean {
  return list.features.some((feature) => feature.name === name && feature.enabled);
}
