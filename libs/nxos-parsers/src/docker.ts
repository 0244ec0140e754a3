import { outputLines, unexpectedOutput } from './text';

export interface DockerPs {
  containers: DockerContainer[];
}

export interface DockerContainer {
  /** The short id (12 hex digits). */
  id: string;
  image: string;
  command: string;
  created: string;
  /** As printed: `Up 31 minutes`, `Exited (0) 2 hours ago`, `Created`. */
  status: string;
  running: boolean;
  ports: PublishedPort[];
  /** The PORTS column as printed. */
  portsText: string;
  name: string;
}

export interface PublishedPort {
  /** Null when the port is exposed but not published (`80/tcp`). */
  hostIp: string | null;
  hostPort: number | null;
  containerPort: number;
  protocol: string;
}

const COLUMNS = [
  'CONTAINER ID',
  'IMAGE',
  'COMMAND',
  'CREATED',
  'STATUS',
  'PORTS',
  'NAMES',
] as const;

/**
 * Parses `docker ps` / `docker ps -a` / `docker container ls`. Docker aligns every cell
 * under its header, so the columns are cut at the header's positions: COMMAND and
 * STATUS contain spaces and PORTS is often empty, so splitting on spaces would misread.
 */
export function parseDockerPs(text: string): DockerPs {
  const command = 'docker ps';
  const lines = outputLines(text);
  const header = lines.shift();
  if (header === undefined)
    throw unexpectedOutput(command, 'the header "CONTAINER ID IMAGE COMMAND ..."');

  const starts = COLUMNS.map((column) => header.indexOf(column));
  if (starts.some((start, i) => start < 0 || (i > 0 && start <= starts[i - 1]))) {
    throw unexpectedOutput(command, `the header "${COLUMNS.join('  ')}"`, header);
  }

  const containers = lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cell = (i: number) =>
        line.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : undefined).trim();
      const id = cell(0);
      if (!/^[0-9a-f]{12,64}$/.test(id))
        throw unexpectedOutput(command, 'a container row starting with a hex id', line);
      const status = cell(4);
      const portsText = cell(5);
      return {
        id,
        image: cell(1),
        command: cell(2),
        created: cell(3),
        status,
        running: status.startsWith('Up'),
        ports: parsePorts(portsText),
        portsText,
        name: cell(6).split(',')[0],
      };
    });

  return { containers };
}

const PORT_ENTRY =
  /^(?:(?<hostIp>[0-9.]+|\[?[0-9a-fA-F:]*\]?):(?<hostPort>\d+(?:-\d+)?)->)?(?<containerPort>\d+(?:-\d+)?)\/(?<protocol>tcp|udp|sctp)$/;

/** Parses a PORTS cell: `0.0.0.0:30080->80/tcp, :::30080->80/tcp, 443/tcp`; ranges are expanded. */
export function parsePorts(text: string): PublishedPort[] {
  if (text.trim() === '') return [];

  return text.split(',').flatMap((raw) => {
    const entry = PORT_ENTRY.exec(raw.trim())?.groups;
    if (!entry) throw unexpectedOutput('docker ps', 'PORTS like 0.0.0.0:30080->80/tcp', raw.trim());

    const containerRange = range(entry.containerPort);
    const hostRange = entry.hostPort ? range(entry.hostPort) : null;
    return containerRange.map((containerPort, i) => ({
      hostIp: entry.hostIp !== undefined ? entry.hostIp.replace(/^\[|\]$/g, '') : null,
      hostPort: hostRange ? (hostRange[i] ?? null) : null,
      containerPort,
      protocol: entry.protocol,
    }));
  });
}

function range(text: string): number[] {
  const [first, last = first] = text.split('-').map(Number);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

export interface DockerServiceStatus {
  running: boolean;
  pid: number | null;
}

const RUNNING = /^dockerd \(pid\s+(?<pid>\d+)\) is running/;
const STOPPED = /^dockerd is stopped/;

/** Parses `service docker status`: `dockerd (pid  17962) is running...` or `dockerd is stopped`. */
export function parseDockerServiceStatus(text: string): DockerServiceStatus {
  const lines = outputLines(text);
  for (const line of lines) {
    const running = RUNNING.exec(line.trim());
    if (running?.groups) return { running: true, pid: Number(running.groups.pid) };
    if (STOPPED.test(line.trim())) return { running: false, pid: null };
  }
  throw unexpectedOutput(
    'service docker status',
    '"dockerd (pid N) is running..." or "dockerd is stopped"',
    lines[0],
  );
}

export interface DockerStartReport {
  /** From `Free bootflash: N MB, total bootflash: M MB`; null when not printed (later starts). */
  freeBootflashMb: number | null;
  totalBootflashMb: number | null;
  /** Size of the storage file this start carved, in MB; null when it was already there. */
  carvedMb: number | null;
  /** The start reported that bootflash is too small for the docker storage. */
  insufficientSpace: boolean;
}

const FREE_BOOTFLASH = /Free bootflash: (?<free>\d+) MB, total bootflash: (?<total>\d+) MB/;
const CARVING = /Carving docker bootflash storage: (?<size>\d+) MB/;
// What the start script and dd print when bootflash cannot hold the storage file.
const LOW_SPACE =
  /not enough (?:free )?(?:bootflash|space)|insufficient (?:bootflash|space)|no space left on device/i;

/**
 * Reads what `service docker start` printed. The first start is noisy (dd records,
 * mke2fs and tune2fs output, a losetup warning about the 512-byte sector): none of that is
 * a failure; only a low-space message is.
 */
export function parseDockerStart(text: string): DockerStartReport {
  const joined = outputLines(text).join('\n');
  const free = FREE_BOOTFLASH.exec(joined)?.groups;
  const carving = CARVING.exec(joined)?.groups;
  return {
    freeBootflashMb: free ? Number(free.free) : null,
    totalBootflashMb: free ? Number(free.total) : null,
    carvedMb: carving ? Number(carving.size) : null,
    insufficientSpace: LOW_SPACE.test(joined),
  };
}

export type DockerRunFailure =
  'PORT_IN_USE' | 'NO_SPACE_ON_DEVICE' | 'IMAGE_PULL_FAILED' | 'DOCKER_NOT_RUNNING' | 'NAME_IN_USE';

const DOCKER_RUN_FAILURES: ReadonlyArray<[DockerRunFailure, RegExp]> = [
  ['PORT_IN_USE', /port is already allocated|address already in use/i],
  ['NO_SPACE_ON_DEVICE', /no space left on device/i],
  ['DOCKER_NOT_RUNNING', /Cannot connect to the Docker daemon|Is the docker daemon running/i],
  ['NAME_IN_USE', /Conflict\. The container name .* is already in use/i],
  [
    'IMAGE_PULL_FAILED',
    /lookup \S+ on \S+: |dial tcp|pull access denied|manifest unknown|not found: manifest|TLS handshake timeout|net\/http: request canceled|Error response from daemon: Get https?:/i,
  ],
];

/** Classifies what `docker run` (or `docker pull`) printed when it failed; null when nothing known matched. */
export function classifyDockerFailure(text: string): DockerRunFailure | null {
  return DOCKER_RUN_FAILURES.find(([, pattern]) => pattern.test(text))?.[0] ?? null;
}
