import { randomBytes } from 'node:crypto';

import { intToIpv4, ipv4ToInt, type SimSwitchOptions } from './options';

/** Optional NX-OS features the simulator knows; `feature <name>` accepts these. */
export const KNOWN_FEATURES = [
  'bash-shell',
  'bfd',
  'bgp',
  'dhcp',
  'eigrp',
  'hsrp',
  'interface-vlan',
  'lacp',
  'ldap',
  'lldp',
  'nat',
  'netconf',
  'ntp',
  'nxapi',
  'ospf',
  'pim',
  'ptp',
  'restconf',
  'scp-server',
  'sftp-server',
  'ssh',
  'tacacs+',
  'telnet',
  'udld',
  'vpc',
] as const;

/** Features on from the factory (ssh is what lets anyone log in at all). */
const FACTORY_FEATURES = ['ssh'];

export type Mgmt0Mode = 'static' | 'dhcp';

export interface Mgmt0State {
  mode: Mgmt0Mode;
  /** Current address, undefined while a DHCP lease is pending. */
  address?: string;
  prefixLength: number;
  /** Default route next hop, when there is one (a DHCP lease brings it). */
  gateway?: string;
  vrf: string;
  shutdown: boolean;
  /** Real time (ms) the address was set, for route ages. */
  since: number;
}

export interface PortMapping {
  host: number;
  container: number;
}

export type ContainerStatus = 'created' | 'running' | 'exited';

export interface ContainerState {
  id: string;
  name: string;
  image: string;
  command: string;
  ports: PortMapping[];
  ip: string;
  status: ContainerStatus;
  restart: string;
  autoRemove: boolean;
  /** Real time (ms) of creation and of the last start/stop. */
  createdAt: number;
  changedAt: number;
  /** Files inside the container that differ from the image (docker cp). */
  files: Map<string, Buffer>;
}

export interface ImageState {
  name: string;
  tag: string;
  id: string;
  sizeMb: number;
  pulledAt: number;
}

export interface DockerState {
  running: boolean;
  pid?: number;
  /** /bootflash/dockerpart exists (the first start carved it). */
  carved: boolean;
  /** `chkconfig --add docker`: the daemon starts at boot. */
  persistent: boolean;
  storageMb: number;
  carvedAt?: number;
}

export interface SavedConfig {
  hostname: string;
  features: Set<string>;
  mgmt0: Mgmt0State;
  configChangedAt: number;
}

export interface NatRule {
  hostPort: number;
  containerIp: string;
  containerPort: number;
  container: string;
}

/** Everything a switch remembers across sessions (and, except the daemon, across reloads). */
export class DeviceState {
  hostname: string;
  readonly features = new Set<string>(FACTORY_FEATURES);
  readonly mgmt0: Mgmt0State;
  readonly docker: DockerState;
  readonly containers = new Map<string, ContainerState>();
  readonly images = new Map<string, ImageState>();
  /** Files of the switch's Linux side, by absolute path. */
  readonly files = new Map<string, Buffer>();
  freeBootflashMb: number;
  readonly totalBootflashMb = 3471;
  bootedAt = Date.now();
  configChangedAt = Date.now();
  /** The configuration `copy running-config startup-config` saved (at first, the factory one). */
  startupConfig: SavedConfig;
  readonly mgmtMac = macAddress();
  readonly dockerMac = macAddress('02:42');

  constructor(options: SimSwitchOptions) {
    this.hostname = options.name;
    for (const feature of options.featuresEnabled ?? []) this.features.add(feature);
    this.mgmt0 = {
      mode: 'static',
      address: options.address,
      prefixLength: 24,
      vrf: 'management',
      shutdown: false,
      since: Date.now(),
    };
    this.freeBootflashMb = options.freeBootflashMb ?? 1873;
    this.startupConfig = this.saveConfig();
    this.docker = {
      running: false,
      carved: false,
      persistent: options.dockerPersistent ?? false,
      storageMb: options.dockerStorageMb ?? 300,
    };
  }

  saveConfig(): SavedConfig {
    return {
      hostname: this.hostname,
      features: new Set(this.features),
      mgmt0: { ...this.mgmt0 },
      configChangedAt: this.configChangedAt,
    };
  }

  /** A reload without saving: the running configuration becomes the startup one again. */
  restoreStartupConfig(): void {
    const saved = this.startupConfig;
    this.hostname = saved.hostname;
    this.features.clear();
    for (const f of saved.features) this.features.add(f);
    Object.assign(this.mgmt0, saved.mgmt0);
    this.configChangedAt = saved.configChangedAt;
  }

  /** The DNAT rules docker keeps in the management namespace: one per published port. */
  get natRules(): NatRule[] {
    const rules: NatRule[] = [];
    for (const c of this.containers.values()) {
      if (c.status !== 'running') continue;
      for (const p of c.ports) {
        rules.push({
          hostPort: p.host,
          containerIp: c.ip,
          containerPort: p.container,
          container: c.name,
        });
      }
    }

    return rules;
  }

  /** MB the images take in the docker storage. */
  get dockerUsedMb(): number {
    let used = 0;
    for (const image of this.images.values()) used += image.sizeMb;

    return used;
  }

  findContainer(ref: string): ContainerState | undefined {
    const byName = this.containers.get(ref.replace(/^\//, ''));
    if (byName) return byName;
    if (ref.length < 1) return undefined;

    const byId = [...this.containers.values()].filter((c) => c.id.startsWith(ref.toLowerCase()));

    return byId.length === 1 ? byId[0] : undefined;
  }
}

export function networkOf(address: string, prefixLength: number): string {
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;

  return intToIpv4((ipv4ToInt(address) & mask) >>> 0);
}

export function broadcastOf(address: string, prefixLength: number): string {
  const hostBits = prefixLength === 32 ? 0 : 2 ** (32 - prefixLength) - 1;

  return intToIpv4(ipv4ToInt(networkOf(address, prefixLength)) + hostBits);
}

export function netmaskOf(prefixLength: number): string {
  return intToIpv4(prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0);
}

/** The .254 of the address's /24: where the lab DHCP server puts the gateway. */
export function defaultGatewayFor(address: string): string {
  return intToIpv4(ipv4ToInt(networkOf(address, 24)) + 254);
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function macAddress(prefix?: string): string {
  const bytes = [...randomBytes(6)].map((b) => b.toString(16).padStart(2, '0'));
  if (prefix) bytes.splice(0, 2, ...prefix.split(':'));

  return bytes.join(':');
}
