import { outputLines, unexpectedOutput } from './text';

const COMMAND = 'show version';

export interface ShowVersion {
  /** The NX-OS release as printed: `9.3(1)`, `10.4(5)`, `7.3(0)D1(1)`. */
  release: string;
  deviceName: string | null;
  /** E.g. `Nexus9000 C9300v Chassis`. */
  chassis: string | null;
  bootflashKb: number | null;
  /** Kernel uptime in seconds; null when not printed. */
  uptimeSeconds: number | null;
}

// 9.x and later print `NXOS: version`; 7.x prints `system: version`.
const RELEASE = /^\s*(?:NXOS|system):\s+version\s+(?<release>\d+\.\d+\(\d+\)\S*)/;
const DEVICE_NAME = /^\s*Device name:\s+(?<name>\S+)/;
const CHASSIS = /^\s*cisco (?<chassis>.*?Chassis)\b/;
const BOOTFLASH = /^\s*bootflash:\s+(?<kb>\d+) kB/;
const UPTIME =
  /^Kernel uptime is (?<days>\d+) day\(s\), (?<hours>\d+) hour\(s\), (?<minutes>\d+) minute\(s\), (?<seconds>\d+) second\(s\)/;

/** Parses `show version`. A login banner or echoed command before it is ignored. */
export function parseShowVersion(text: string): ShowVersion {
  const lines = outputLines(text);
  const find = (pattern: RegExp) =>
    lines.map((line) => pattern.exec(line)?.groups).find((groups) => groups !== undefined);

  const release = find(RELEASE)?.release;
  if (!release) throw unexpectedOutput(COMMAND, 'a line "NXOS: version X.Y(Z)"', lines[0]);

  const uptime = find(UPTIME);
  const bootflash = find(BOOTFLASH);
  return {
    release,
    deviceName: find(DEVICE_NAME)?.name ?? null,
    chassis: find(CHASSIS)?.chassis ?? null,
    bootflashKb: bootflash ? Number(bootflash.kb) : null,
    uptimeSeconds: uptime
      ? ((Number(uptime.days) * 24 + Number(uptime.hours)) * 60 + Number(uptime.minutes)) * 60 +
        Number(uptime.seconds)
      : null,
  };
}

export interface NxosRelease {
  major: number;
  minor: number;
  maintenance: number;
  /** What follows the maintenance number, e.g. `D1(1)` or `I7(1)`; '' for 9.x and later. */
  train: string;
}

const RELEASE_PARTS = /^(?<major>\d+)\.(?<minor>\d+)\((?<maintenance>\d+)\)(?<train>\S*)$/;

export function parseRelease(release: string): NxosRelease {
  const parts = RELEASE_PARTS.exec(release.trim())?.groups;
  if (!parts) throw unexpectedOutput(COMMAND, 'a release such as 9.3(1)', release);
  return {
    major: Number(parts.major),
    minor: Number(parts.minor),
    maintenance: Number(parts.maintenance),
    train: parts.train,
  };
}

/** Negative when `a` is older than `b`, 0 when the same major.minor(maintenance), positive when newer. */
export function compareReleases(a: string, b: string): number {
  const left = parseRelease(a);
  const right = parseRelease(b);
  return (
    left.major - right.major || left.minor - right.minor || left.maintenance - right.maintenance
  );
}
