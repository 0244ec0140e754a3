import { createHash } from 'node:crypto';
import { SwitchyardError, type TranscriptEntry } from '@switchyard/contracts';
import type { CliMode, CliSession, CommandOptions } from '@switchyard/nxos-cli';

/**
 * A small in-memory model of one Nexus 9000v for unit tests of the steps: it keeps the
 * state the steps read and change, answers with the text of the reference transcript
 * (NX-OS 9.3(1)), and records every command and mode change. Integration tests use the
 * real simulator over SSH instead.
 */
export interface ScriptedSwitchState {
  release: string;
  features: Record<string, boolean>;
  mgmt0: { dhcp: boolean; vrf: string | null };
  /** Reads of `show ip interface brief` that still show no address after DHCP is set. */
  leaseDelayReads: number;
  /** Never gets a DHCP lease. */
  dhcpServerDown: boolean;
  docker: { running: boolean; pid: number; carved: boolean; persistent: boolean };
  freeBootflashMb: number;
  /** `service docker start` prints its usual lines but dockerd dies at once. */
  daemonDiesAtStart: boolean;
  containers: ScriptedContainer[];
  /** Printed instead of the container id by the next `docker run`. */
  dockerRunFailure: string | null;
  files: Record<string, string>;
}

export interface ScriptedContainer {
  id: string;
  name: string;
  image: string;
  ports: Array<{ host: number; container: number }>;
  running: boolean;
  page: string;
}

const DEFAULT_PAGE =
  '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n</html>\n';

export function freshSwitchState(
  overrides: Partial<ScriptedSwitchState> = {},
): ScriptedSwitchState {
  return {
    release: '9.3(1)',
    features: { 'bash-shell': false, dhcp: false },
    mgmt0: { dhcp: false, vrf: 'management' },
    leaseDelayReads: 1,
    dhcpServerDown: false,
    docker: { running: false, pid: 17962, carved: false, persistent: false },
    freeBootflashMb: 1873,
    daemonDiesAtStart: false,
    containers: [],
    dockerRunFailure: null,
    files: {},
    ...overrides,
  };
}

const MODE_COMMANDS: Record<string, string> = {
  'exec>config': 'configure terminal',
  'config>exec': 'end',
  'exec>root-bash': 'run bash sudo su -',
  'root-bash>exec': 'exit',
};

export class ScriptedSwitch implements CliSession {
  readonly hostname = 'NX-OS9000v-1';
  mode: CliMode = 'exec';
  readonly broken = false;
  /** Every line sent, mode changes included, in order. */
  readonly sent: string[] = [];
  /** Timeouts asked for, by command. */
  readonly timeouts = new Map<string, number | undefined>();
  private transcript: TranscriptEntry[] = [];
  private nextId = 0xb5569c7b4427;

  constructor(readonly state: ScriptedSwitchState = freshSwitchState()) {}

  async run(command: string, options?: CommandOptions): Promise<TranscriptEntry> {
    this.sent.push(command);
    this.timeouts.set(command, options?.timeoutMs);
    const output = this.answer(command);
    if (output === null)
      throw new SwitchyardError(
        'INVALID_COMMAND',
        `% Invalid command at '^' marker. (${command} in ${this.mode})`,
      );
    const entry = { command, output, durationMs: 1 };
    this.transcript.push(entry);
    return entry;
  }

  async ensureMode(mode: 'exec' | 'config' | 'root-bash'): Promise<void> {
    const path =
      this.mode === mode ? [] : this.mode === 'exec' || mode === 'exec' ? [mode] : ['exec', mode];
    for (const next of path) {
      const command = MODE_COMMANDS[`${this.mode}>${next}`];
      this.sent.push(command);
      this.transcript.push({ command, output: '', durationMs: 1 });
      this.mode = next as CliMode;
    }
  }

  takeTranscript(): TranscriptEntry[] {
    const taken = this.transcript;
    this.transcript = [];
    return taken;
  }

  async close(): Promise<void> {}

  /** Commands sent other than mode changes and the read-only ones. */
  changesSent(): string[] {
    const readOnly =
      /^(show |service docker status|chkconfig --list|docker ps|docker exec \S+ (?:cat|sha256sum) |ip netns exec management iptables -L)/;
    return this.sent.filter((c) => !readOnly.test(c) && !Object.values(MODE_COMMANDS).includes(c));
  }

  private answer(command: string): string | null {
    const s = this.state;
    if (this.mode === 'config' || this.mode === 'config-if') return this.configure(command);
    if (this.mode === 'exec') {
      switch (command) {
        case 'show feature':
          return [
            'Feature Name          Instance  State',
            '--------------------  --------  --------',
            ...Object.entries(s.features).map(
              ([name, on]) => `${name.padEnd(22)} 1          ${on ? 'enabled' : 'disabled'}`,
            ),
          ].join('\n');
        case 'show running-config interface mgmt0':
          return [
            '',
            '!Command: show running-config interface mgmt0',
            '',
            'version 9.3(1) Bios:version',
            '',
            'interface mgmt0',
            ...(s.mgmt0.vrf ? [`  vrf member ${s.mgmt0.vrf}`] : []),
            ...(s.mgmt0.dhcp ? ['  ip address dhcp'] : []),
          ].join('\n');
        case 'show ip interface brief vrf management':
          return `\nIP Interface Status for VRF "management"(2)\nInterface            IP Address      Interface Status\n${this.leased(true) ? 'mgmt0                192.168.122.188 protocol-up/link-up/admin-up       \n' : ''}`;
        case 'show ip route vrf management':
          return `IP Route Table for VRF "management"\n'*' denotes best ucast next-hop\n'**' denotes best mcast next-hop\n'[x/y]' denotes [preference/metric]\n'%<string>' in via output denotes VRF <string>\n\n${
            this.leased(false)
              ? '0.0.0.0/0, ubest/mbest: 1/0\n    *via 192.168.122.1, [1/0], 00:00:22, static\n192.168.122.0/24, ubest/mbest: 1/0, attached\n    *via 192.168.122.188, mgmt0, [0/0], 00:00:23, direct\n'
              : 'Route not found\n'
          }`;
        case 'copy running-config startup-config':
          return '[########################################] 100%\nCopy complete.';
        case 'show version':
          return `Cisco Nexus Operating System (NX-OS) Software\n\nSoftware\n  BIOS: version\n NXOS: version ${s.release}\n\nHardware\n  cisco Nexus9000 C9300v Chassis\n  Device name: ${this.hostname}\n  bootflash:    4287040 kB\nKernel uptime is 0 day(s), 1 hour(s), 2 minute(s), 3 second(s)\n`;
        default:
          return null;
      }
    }
    if (this.mode === 'root-bash') return this.bash(command);
    return null;
  }

  private leased(countRead: boolean): boolean {
    const s = this.state;
    if (!s.mgmt0.dhcp || s.mgmt0.vrf !== 'management' || !s.features.dhcp || s.dhcpServerDown)
      return false;
    if (s.leaseDelayReads > 0) {
      if (countRead) s.leaseDelayReads -= 1;
      return false;
    }
    return true;
  }

  private configure(command: string): string | null {
    const s = this.state;
    const feature = /^feature (\S+)$/.exec(command);
    if (feature) {
      s.features[feature[1]] = true;
      return '';
    }
    if (command === 'interface mgmt0') {
      this.mode = 'config-if';
      return '';
    }
    if (this.mode !== 'config-if') return null;
    if (command === 'ip address dhcp') {
      s.mgmt0.dhcp = true;
      return '';
    }
    if (command === 'vrf member management') {
      // NX-OS drops the layer-3 settings of an interface moved to another VRF.
      if (s.mgmt0.vrf !== 'management') s.mgmt0.dhcp = false;
      s.mgmt0.vrf = 'management';
      return '';
    }
    return null;
  }

  private bash(command: string): string | null {
    const s = this.state;
    const docker = s.docker;
    const notRunning =
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
    if (command === 'service docker status')
      return docker.running ? `dockerd (pid  ${docker.pid}) is running...` : 'dockerd is stopped';
    if (command === 'service docker start') return this.startDocker();
    if (command === 'chkconfig --list docker') {
      return docker.persistent
        ? 'docker          0:off   1:off   2:on    3:on    4:on    5:on    6:off'
        : "service docker supports chkconfig, but is not referenced in any runlevel (run 'chkconfig --add docker')";
    }
    if (command === 'chkconfig --add docker') {
      docker.persistent = true;
      return '';
    }
    if (/^docker |^ip netns exec management docker /.test(command) && !docker.running)
      return `docker: ${notRunning}`;
    if (command === 'docker ps -a' || command === 'docker ps')
      return this.dockerPs(command === 'docker ps -a');
    if (command === 'ip netns exec management iptables -L -t nat -n') return this.iptables();

    const run =
      /^ip netns exec management docker run -d ((?:-p \d+:\d+ )+)--name (\S+) (\S+)$/.exec(command);
    if (run) {
      if (s.dockerRunFailure) {
        const failure = s.dockerRunFailure;
        s.dockerRunFailure = null;
        return failure;
      }
      if (s.containers.some((c) => c.name === run[2]))
        return `docker: Error response from daemon: Conflict. The container name "/${run[2]}" is already in use.`;
      const ports = [...run[1].matchAll(/-p (\d+):(\d+)/g)].map((m) => ({
        host: Number(m[1]),
        container: Number(m[2]),
      }));
      const id = (this.nextId++).toString(16).padEnd(64, '0');
      s.containers.push({
        id,
        name: run[2],
        image: run[3],
        ports,
        running: true,
        page: DEFAULT_PAGE,
      });
      return id;
    }
    const start = /^docker start (\S+)$/.exec(command);
    if (start) {
      const container = s.containers.find((c) => c.name === start[1]);
      if (!container) return `Error response from daemon: No such container: ${start[1]}`;
      container.running = true;
      return start[1];
    }
    const remove = /^docker rm -f (\S+)$/.exec(command);
    if (remove) {
      s.containers = s.containers.filter((c) => c.name !== remove[1]);
      return remove[1];
    }
    const digest = /^docker exec (\S+) sha256sum (\S+)$/.exec(command);
    if (digest) {
      const page = s.containers.find((c) => c.name === digest[1] && c.running)?.page;
      if (page === undefined) return `Error: No such container: ${digest[1]}`;
      return `${createHash('sha256').update(page, 'utf8').digest('hex')}  ${digest[2]}`;
    }
    const cat = /^docker exec (\S+) cat (\S+)$/.exec(command);
    if (cat)
      return (
        s.containers.find((c) => c.name === cat[1] && c.running)?.page ??
        `Error: No such container: ${cat[1]}`
      );

    const printf = /^printf '%s' '([A-Za-z0-9+/=]*)' (>>?) (\S+)$/.exec(command);
    if (printf) {
      s.files[printf[3]] = (printf[2] === '>>' ? (s.files[printf[3]] ?? '') : '') + printf[1];
      return '';
    }
    const decode = /^base64 -d (\S+) > (\S+)$/.exec(command);
    if (decode) {
      s.files[decode[2]] = Buffer.from(s.files[decode[1]] ?? '', 'base64').toString('utf8');
      return '';
    }
    const copy = /^docker cp (\S+) (\S+):(\S+)$/.exec(command);
    if (copy) {
      const container = s.containers.find((c) => c.name === copy[2]);
      if (!container) return `Error: No such container:path: ${copy[2]}:${copy[3]}`;
      container.page = s.files[copy[1]] ?? '';
      return '';
    }
    const rm = /^rm -f (.+)$/.exec(command);
    if (rm) {
      for (const file of rm[1].split(' ')) delete s.files[file];
      return '';
    }
    return null;
  }

  private startDocker(): string {
    const s = this.state;
    if (!s.docker.carved) {
      if (s.freeBootflashMb < 300) {
        return `Free bootflash: ${s.freeBootflashMb} MB, total bootflash: 3471 MB\nNot enough free bootflash to carve docker storage: 300 MB needed`;
      }
      s.docker.carved = true;
      s.docker.running = true;
      return [
        'Free bootflash: 1873 MB, total bootflash: 3471 MB',
        'Carving docker bootflash storage: 300 MB',
        '300+0 records in',
        '300+0 records out',
        '300000000 bytes (300 MB) copied, 17.9738 s, 16.7 MB/s',
        'losetup: /bootflash/dockerpart: Warning: file does not fit into a 512-byte sector; the end of the file will be ignored.',
        'mke2fs 1.42.9 (28-Dec-2013)',
        'Writing superblocks and filesystem accounting information: done',
        "Starting dockerd with args '--debug=true':      .",
      ].join('\n');
    }
    s.docker.running = !s.daemonDiesAtStart;
    return "Starting dockerd with args '--debug=true':      .";
  }

  private dockerPs(all: boolean): string {
    // Docker pads every column to its widest cell plus 3 spaces.
    const portsText = (c: ScriptedContainer) =>
      c.running ? c.ports.map((p) => `0.0.0.0:${p.host}->${p.container}/tcp`).join(', ') : '';
    const portsWidth = Math.max(24, ...this.state.containers.map((c) => portsText(c).length + 3));
    const rows = this.state.containers
      .filter((c) => all || c.running)
      .map((c) => {
        const ports = portsText(c);
        const status = c.running ? 'Up 31 minutes' : 'Exited (0) 2 minutes ago';
        return `${c.id.slice(0, 12)}        ${c.image.padEnd(20)}"nginx -g 'daemon ..."   31 minutes ago      ${status.padEnd(26)}${ports.padEnd(portsWidth)}${c.name}`;
      });
    const header = `CONTAINER ID        IMAGE               COMMAND                  CREATED             ${'STATUS'.padEnd(26)}${'PORTS'.padEnd(portsWidth)}NAMES`;
    return [header, ...rows].join('\n');
  }

  private iptables(): string {
    const dnat = this.state.containers
      .filter((c) => c.running)
      .flatMap((c, i) =>
        c.ports.map(
          (p) =>
            `DNAT       tcp  --  0.0.0.0/0            0.0.0.0/0            tcp dpt:${p.host} to:172.17.0.${i + 2}:${p.container}`,
        ),
      );
    return [
      'Chain PREROUTING (policy ACCEPT)',
      'target     prot opt source               destination',
      'DOCKER     all  --  0.0.0.0/0            0.0.0.0/0            ADDRTYPE match dst-type LOCAL',
      '',
      'Chain DOCKER (2 references)',
      'target     prot opt source               destination',
      'RETURN     all  --  0.0.0.0/0            0.0.0.0/0',
      ...dnat,
    ].join('\n');
  }
}
