import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import type { Logger } from '@switchyard/logging';

/** NX-OS accepts hostnames of up to 32 characters: letters, digits, `_`, `.` and `-`. */
export const HOSTNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/** A container the switch already runs (or ran) when the simulator starts. */
export interface ContainerSeed {
  name: string;
  image: string;
  /** `HOST:CONTAINER` port mappings, as given to `docker run -p`. */
  ports?: string[];
  /** Docker restart policy: `no` (default), `always`, `unless-stopped`, `on-failure`. */
  restart?: string;
  /** Running (default) or exited. Running needs `dockerRunning`. */
  running?: boolean;
}

export interface SimSwitchOptions {
  /** Hostname, also the prompt. Up to 32 characters of letters, digits, `_ . -`. */
  name: string;
  /** Loopback address the SSH server (and the mgmt0 address by default) listens on. */
  address: string;
  port: number;
  username: string;
  password: string;

  // --- device ---
  /** NX-OS release, drives `show version` and the bash prompt. Default `9.3(1)`. */
  release?: string;
  /** Address the DHCP lease gives mgmt0. Default: `address`. Must be in 127.0.0.0/8. */
  mgmtAddress?: string;
  /** Default gateway the DHCP lease brings (text only). Default: the .254 of the /24. */
  gateway?: string;
  /** Nominal delay between `ip address dhcp` and the lease, in ms. Default 2000. */
  dhcpLeaseMs?: number;
  /** Features enabled at start (e.g. `bash-shell`). Default: none of the optional ones. */
  featuresEnabled?: string[];
  /** Prompt shows `(maint-mode)` as after `system mode maintenance`. */
  maintenanceMode?: boolean;
  /**
   * A reload comes back with the startup configuration, as a real switch does: changes not
   * saved with `copy running-config startup-config` are gone. Default false (kept).
   */
  reloadLosesUnsavedConfig?: boolean;

  // --- login and terminal ---
  /** Text shown after login, before the prompt (may hold lines ending in `#` or `>`). */
  banner?: string;
  /** Message of the day, shown after the banner. */
  motd?: string;
  /** SSH pre-authentication banner (SSH_MSG_USERAUTH_BANNER). */
  sshBanner?: string;
  /** Pause between the banner and the first prompt, in ms (nominal). */
  loginDelayMs?: number;
  /** Page NX-OS output with `--More--` every N lines until `terminal length 0`. */
  pagerLines?: number;
  /** Wrap NX-OS output at this column until `terminal width 511`. */
  wrapColumns?: number;
  /** The login role may not change the terminal length: `terminal length N` is refused. */
  refuseTerminalLength?: boolean;
  /** `run bash sudo ...` asks `[sudo] password for <user>: ` (a non-admin account). */
  sudoPassword?: boolean;
  /** Commands that ask `Do you want to continue? (y/n)  [n] ` first (`terminal dont-ask` skips). */
  confirmations?: string[];

  // --- timing (all nominal ms, multiplied by the fleet's timeScale) ---
  /** Added to every command's answer. */
  latencyMs?: number;
  /** Random extra 0..jitterMs on every command. */
  jitterMs?: number;
  /** Extra time per command, keyed by the full command (`copy running-config startup-config`). */
  slowCommands?: Record<string, number>;
  /** Extra time for the first command of each session. */
  firstCommandDelayMs?: number;

  // --- docker ---
  /** Free bootflash before docker storage is carved, in MB. Default 1873. Below 300 the first start fails. */
  freeBootflashMb?: number;
  /** Size of the docker storage (/bootflash/dockerpart), in MB. Default 300. */
  dockerStorageMb?: number;
  /** Pulls outside `ip netns exec management` fail with the DNS error on [::1]:53. */
  pullRequiresManagementNamespace?: boolean;
  /** The daemon runs at start (storage already carved). */
  dockerRunning?: boolean;
  /** `chkconfig --add docker` was done before. */
  dockerPersistent?: boolean;
  preexistingContainers?: ContainerSeed[];
  /** Extra images the registry knows, name -> size in MB (e.g. `{ 'big/app': 900 }`). */
  images?: Record<string, number>;

  // --- SSH faults ---
  /** At most this many logged-in sessions; one more gets `% Session limit reached` and is closed. */
  maxSessions?: number;
  /** Channels open at once on one connection. Default 10, as on NX-OS. */
  maxChannelsPerConnection?: number;
  /** Channel opens over a connection's life; later opens are refused (injected failure). */
  maxChannelOpensPerConnection?: number;
  /** Every Nth command received by the switch drops its connection without an answer. */
  dropAfterCommands?: number;
  /** Probability (0..1) that a command drops its connection without an answer. */
  dropProbability?: number;
  /** Only `diffie-hellman-group14-sha1` key exchange and an `ssh-rsa` host key. */
  legacyOnly?: boolean;
  /**
   * Derive the host key from this seed and the switch name, so restarts keep it (ECDSA
   * switches only; legacyOnly ones make a fresh RSA key at every start).
   */
  hostKeySeed?: string;
  /** Only keyboard-interactive authentication (password auth is refused). */
  keyboardInteractiveOnly?: boolean;
}

export interface SimFleetOptions {
  switches: SimSwitchOptions[];
  /** Multiplies every nominal device duration. Default 1; tests use 0.01-0.05. */
  timeScale?: number;
  logger?: Logger;
}

const containerSeedSchema = z
  .object({
    name: z.string().min(1),
    image: z.string().min(1),
    ports: z.array(z.string().regex(/^\d+:\d+$/, 'use HOST:CONTAINER')).optional(),
    restart: z.enum(['no', 'always', 'unless-stopped', 'on-failure']).optional(),
    running: z.boolean().optional(),
  })
  .strict();

const ms = z.number().nonnegative();

const switchSchema = z
  .object({
    name: z.string().regex(HOSTNAME_PATTERN, 'hostname: up to 32 of letters, digits, _ . -'),
    address: z.string(),
    port: z.number().int().min(1).max(65535),
    username: z.string().min(1),
    password: z.string().min(1),
    release: z
      .string()
      .regex(/^\d+\.\d+\(\d+[a-z]?\)(?:[A-Z]\d+\(\d+[a-z]?\))?$/, "like '9.3(1)' or '7.0(3)I7(1)'")
      .optional(),
    mgmtAddress: z.string().optional(),
    gateway: z.string().optional(),
    dhcpLeaseMs: ms.optional(),
    featuresEnabled: z.array(z.string()).optional(),
    maintenanceMode: z.boolean().optional(),
    reloadLosesUnsavedConfig: z.boolean().optional(),
    banner: z.string().optional(),
    motd: z.string().optional(),
    sshBanner: z.string().optional(),
    loginDelayMs: ms.optional(),
    pagerLines: z.number().int().positive().optional(),
    wrapColumns: z.number().int().min(20).optional(),
    refuseTerminalLength: z.boolean().optional(),
    sudoPassword: z.boolean().optional(),
    confirmations: z.array(z.string()).optional(),
    latencyMs: ms.optional(),
    jitterMs: ms.optional(),
    slowCommands: z.record(z.string(), ms).optional(),
    firstCommandDelayMs: ms.optional(),
    freeBootflashMb: z.number().nonnegative().optional(),
    dockerStorageMb: z.number().positive().optional(),
    pullRequiresManagementNamespace: z.boolean().optional(),
    dockerRunning: z.boolean().optional(),
    dockerPersistent: z.boolean().optional(),
    preexistingContainers: z.array(containerSeedSchema).optional(),
    images: z.record(z.string(), z.number().positive()).optional(),
    maxSessions: z.number().int().positive().optional(),
    maxChannelsPerConnection: z.number().int().positive().optional(),
    maxChannelOpensPerConnection: z.number().int().positive().optional(),
    dropAfterCommands: z.number().int().positive().optional(),
    dropProbability: z.number().min(0).max(1).optional(),
    legacyOnly: z.boolean().optional(),
    keyboardInteractiveOnly: z.boolean().optional(),
    hostKeySeed: z.string().min(1).optional(),
  })
  .strict();

const fleetFileSchema = z
  .object({
    timeScale: z.number().positive().optional(),
    /** Merged under every switch entry. */
    defaults: switchSchema.partial().optional(),
    /** A run of plain switches with counted-up addresses, added before `switches`. */
    generate: z
      .object({
        count: z.number().int().positive(),
        address: z.string(),
        namePrefix: z.string().optional(),
      })
      .strict()
      .optional(),
    switches: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();

export function ipv4ToInt(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`"${address}" is not an IPv4 address`);
  }

  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

export function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function isLoopback(address: string): boolean {
  try {
    return ipv4ToInt(address) >>> 24 === 127;
  } catch {
    return false;
  }
}

/** Refuses anything outside 127.0.0.0/8: the simulator never listens on a real network. */
export function assertLoopback(address: string, what = 'address'): void {
  if (!isLoopback(address)) {
    throw new Error(
      `${what} ${address} is outside 127.0.0.0/8; the switch simulator only listens on loopback addresses`,
    );
  }
}

/** Validates one switch's options, with one error listing every bad field. */
export function validateSwitchOptions(options: SimSwitchOptions): SimSwitchOptions {
  const result = switchSchema.safeParse(options);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${i.path.join('.') || '(switch)'}: ${i.message}`,
    );
    throw new Error(`switch "${options.name}": ${problems.join('; ')}`);
  }
  assertLoopback(options.address, `switch "${options.name}" address`);
  if (options.mgmtAddress !== undefined) {
    assertLoopback(options.mgmtAddress, `switch "${options.name}" mgmtAddress`);
  }

  return result.data as SimSwitchOptions;
}

export function fleetFromCount(o: {
  count: number;
  address: string;
  port: number;
  username: string;
  password: string;
  namePrefix?: string;
}): SimSwitchOptions[] {
  const first = ipv4ToInt(o.address);
  const prefix = o.namePrefix ?? 'n9k-sim-';
  const width = Math.max(2, String(o.count).length);
  const switches: SimSwitchOptions[] = [];
  for (let i = 0; i < o.count; i++) {
    const address = intToIpv4(first + i);
    assertLoopback(address);
    switches.push({
      name: `${prefix}${String(i + 1).padStart(width, '0')}`,
      address,
      port: o.port,
      username: o.username,
      password: o.password,
    });
  }

  return switches;
}

/**
 * Reads a fleet YAML file:
 *
 *     timeScale: 0.05
 *     defaults: { port: 2222, username: admin, password: admin }
 *     generate: { count: 3, address: 127.0.10.1 }
 *     switches:
 *       - { name: N9K-LAB, address: 127.0.20.1, banner: "#### AUTHORIZED USE ONLY ####" }
 */
export function loadFleetFile(path: string): SimFleetOptions {
  const raw: unknown = parseYaml(readFileSync(path, 'utf8'));
  const parsed = fleetFileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(file)'}: ${i.message}`,
    );
    throw new Error(`fleet file ${path}: ${problems.join('; ')}`);
  }
  const file = parsed.data;
  const defaults = (file.defaults ?? {}) as Partial<SimSwitchOptions>;
  const switches: SimSwitchOptions[] = [];

  if (file.generate) {
    const { count, address, namePrefix } = file.generate;
    const base = { port: 22, username: 'admin', password: 'admin', ...defaults };
    for (const generated of fleetFromCount({
      count,
      address,
      namePrefix,
      port: base.port,
      username: base.username,
      password: base.password,
    })) {
      switches.push(validateSwitchOptions({ ...defaults, ...generated }));
    }
  }
  for (const entry of file.switches) {
    switches.push(validateSwitchOptions({ ...defaults, ...entry } as unknown as SimSwitchOptions));
  }
  if (switches.length === 0) {
    throw new Error(`fleet file ${path}: no switches (add "switches:" or "generate:")`);
  }

  return { switches, timeScale: file.timeScale };
}
