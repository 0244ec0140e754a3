import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Device time. Every nominal duration (an 18 s docker start, a 2 s DHCP lease) is multiplied
 * by `timeScale`, and ages shown by the device (route ages, "Up 3 minutes") run 1/timeScale
 * times faster than the wall clock, so a fast fleet still reads like a real one.
 */
export class DeviceClock {
  private busyNominalMs = 0;

  constructor(readonly timeScale = 1) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  }

  /**
   * Real ms this device has spent on its own work (command latency, docker start, pulls,
   * DHCP): the least time any client could take to drive it, which benchmarks compare with.
   */
  get busyMs(): number {
    return this.scale(this.busyNominalMs);
  }

  /** Counts device work that is not a wait (e.g. a DHCP lease arriving on a timer). */
  record(nominalMs: number): void {
    this.busyNominalMs += nominalMs;
  }

  /** Real ms for a nominal duration. */
  scale(nominalMs: number): number {
    return Math.max(0, Math.round(nominalMs * this.timeScale));
  }

  wait(nominalMs: number): Promise<void> {
    this.busyNominalMs += nominalMs;
    const realMs = this.scale(nominalMs);

    return realMs > 0 ? sleep(realMs) : Promise.resolve();
  }

  /** Nominal ms elapsed on the device since a real timestamp. */
  ageMs(sinceRealMs: number): number {
    return Math.max(0, (Date.now() - sinceRealMs) / this.timeScale);
  }
}

/** Route age the way NX-OS prints it: `00:00:22`, `6d02h`, `1w0d`, `1y16w`. */
export function formatRouteAge(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const day = 86_400;
  const week = 7 * day;
  const year = 365 * day;
  const pad = (n: number): string => String(n).padStart(2, '0');

  if (seconds < day) {
    return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
  }
  if (seconds < week)
    return `${Math.floor(seconds / day)}d${pad(Math.floor((seconds % day) / 3600))}h`;
  if (seconds < year) return `${Math.floor(seconds / week)}w${Math.floor((seconds % week) / day)}d`;

  return `${Math.floor(seconds / year)}y${Math.floor((seconds % year) / week)}w`;
}

/** Docker's human duration: `Less than a second`, `5 seconds`, `About a minute`, `31 minutes`. */
export function formatDockerDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.round(minutes / 60);

  if (seconds < 1) return 'Less than a second';
  if (seconds < 60) return `${seconds} seconds`;
  if (minutes < 2) return 'About a minute';
  if (minutes < 46) return `${minutes} minutes`;
  if (minutes < 90) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 14) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 60) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;

  return `${Math.floor(hours / 24 / 365)} years`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `Sun Aug 25 00:29:56 2019`, the form of `!Time:` lines and tune2fs dates (UTC). */
export function formatCtime(date: Date): string {
  const time = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;

  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad2(date.getUTCDate())} ${time} ${date.getUTCFullYear()}`;
}

/** `ls -l` date: `Aug 25 00:33`. */
export function formatLsDate(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');

  return `${MONTHS[date.getUTCMonth()]} ${day} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}`;
}

/** `show clock`: `15:55:30.123 UTC Fri Dec 04 2026`. */
export function formatShowClock(date: Date): string {
  const time = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
  const millis = String(date.getUTCMilliseconds()).padStart(3, '0');

  return `${time}.${millis} UTC ${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${pad2(date.getUTCDate())} ${date.getUTCFullYear()}`;
}
