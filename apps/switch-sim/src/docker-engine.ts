import { createHash } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';

import type { Logger } from '@switchyard/logging';

import { formatDockerDuration, type DeviceClock } from './clock';
import { isLoopback, type ContainerSeed, type SimSwitchOptions } from './options';
import { randomHex, type ContainerState, type DeviceState, type PortMapping } from './device-state';

/** Where shell output goes, and which network namespace the command runs in. */
export interface ShellIo {
  write(text: string): void;
  namespace: 'default' | 'management';
  /** The calling shell's files, for `docker cp` (relative paths resolve against its cwd). */
  files?: ShellFiles;
}

export interface ShellFiles {
  read(path: string): Buffer | undefined;
  write(path: string, data: Buffer): void;
  resolve(path: string): string;
}

interface CatalogueImage {
  sizeMb: number;
  command: string;
  layers: string[];
  digest: string;
  /** Document root and default page for images that serve HTTP. */
  webRoot?: string;
  defaultPage?: string;
}

const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

function layersFor(name: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => sha256(`${name}#${i}`).slice(0, 12));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The images the simulated registry can serve (sizes as unpacked on the switch). */
const REGISTRY: Record<string, CatalogueImage> = {
  'nginx:latest': {
    sizeMb: 126,
    command: "nginx -g 'daemon off;'",
    layers: ['1ab2bdfe9778', 'a17e64cfe253', 'e1288088c7a8'],
    digest: 'sha256:53ddb41e46de3d63376579acf46f9a41a8d7de33645db47a486de9769201fec9',
    webRoot: '/usr/share/nginx/html',
    defaultPage: NGINX_WELCOME,
  },
  'nginx:alpine': {
    sizeMb: 21,
    command: "nginx -g 'daemon off;'",
    layers: layersFor('nginx:alpine', 4),
    digest: `sha256:${sha256('nginx:alpine')}`,
    webRoot: '/usr/share/nginx/html',
    defaultPage: NGINX_WELCOME,
  },
  'httpd:latest': {
    sizeMb: 154,
    command: 'httpd-foreground',
    layers: layersFor('httpd', 5),
    digest: `sha256:${sha256('httpd')}`,
    webRoot: '/usr/local/apache2/htdocs',
    defaultPage: '<html><body><h1>It works!</h1></body></html>\n',
  },
  'alpine:latest': {
    sizeMb: 5.58,
    command: '/bin/sh',
    layers: layersFor('alpine', 1),
    digest: `sha256:${sha256('alpine')}`,
  },
  'busybox:latest': {
    sizeMb: 1.22,
    command: 'sh',
    layers: layersFor('busybox', 1),
    digest: `sha256:${sha256('busybox')}`,
  },
};

/** Nominal time a pull takes on the 9000v's management network, in ms. */
const PULL_MS = 3000;
/** The first container gets .2: .1 is the docker0 bridge. */
const FIRST_CONTAINER_HOST = 2;

const DAEMON_DOWN =
  'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
const DNS_FAILURE =
  'Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io on [::1]:53: dial udp [::1]:53: connect: cannot assign requested address.';

function normaliseImage(ref: string): string {
  const withoutRegistry = ref.replace(/^(docker\.io\/)?(library\/)?/, '');

  return withoutRegistry.includes(':') ? withoutRegistry : `${withoutRegistry}:latest`;
}

function shortCommand(command: string): string {
  const truncated = command.length > 20 ? `${command.slice(0, 17)}...` : command;

  return `"${truncated}"`;
}

/** Docker's tabwriter: columns at least 20 wide, padded by 3. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(20, ...rows.map((r) => r[col]!.length + 3)));

  return rows
    .map(
      (r) =>
        r
          .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!)))
          .join('')
          .trimEnd() + '\n',
    )
    .join('');
}

/** Go template subset: `{{.A.B}}`, `{{json .A}}`, `{{.Names}}`. */
function renderTemplate(template: string, value: Record<string, unknown>): string {
  const text = template.replace(
    /\{\{\s*(json\s+)?\.([\w.]*)\s*\}\}/g,
    (_, json: string | undefined, path: string) => {
      let v: unknown = value;
      for (const key of path.split('.').filter(Boolean))
        v = (v as Record<string, unknown> | undefined)?.[key];
      if (json) return JSON.stringify(v ?? null);

      return v === undefined || v === null
        ? '<no value>'
        : typeof v === 'object'
          ? JSON.stringify(v)
          : String(v);
    },
  );

  return text.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

export class DockerEngine {
  private readonly listeners = new Map<number, HttpServer>();
  private readonly registry: Record<string, CatalogueImage>;

  constructor(
    private readonly state: DeviceState,
    private readonly options: SimSwitchOptions,
    private readonly clock: DeviceClock,
    private readonly logger?: Logger,
  ) {
    this.registry = { ...REGISTRY };
    for (const [name, sizeMb] of Object.entries(options.images ?? {})) {
      const key = normaliseImage(name);
      this.registry[key] = {
        sizeMb,
        command: '/bin/sh',
        layers: layersFor(key, 3),
        digest: `sha256:${sha256(key)}`,
      };
    }
  }

  /** A registry image; any tag of a known repository is served like its `latest`. */
  private image(key: string): CatalogueImage | undefined {
    const exact = this.registry[key];
    if (exact) return exact;
    const latest = this.registry[`${key.split(':')[0]}:latest`];

    return latest && { ...latest, digest: `sha256:${sha256(key)}` };
  }

  /** Seeds the preexisting containers (and images) at start-up. */
  async seed(seeds: ContainerSeed[]): Promise<void> {
    for (const seed of seeds) {
      const image = normaliseImage(seed.image);
      this.addImage(image);
      const container = this.createContainer({
        name: seed.name,
        image,
        ports: (seed.ports ?? []).map(parsePort),
        restart: seed.restart ?? 'no',
        autoRemove: false,
        command: this.image(image)?.command ?? '/bin/sh',
      });
      if (seed.running !== false && this.state.docker.running) await this.startContainer(container);
      else container.status = 'exited';
    }
  }

  /** Runs `docker <args>`; returns the exit status. */
  async run(args: string[], io: ShellIo): Promise<number> {
    const [sub, ...rest] = args;
    if (!sub) {
      io.write('Usage:\tdocker [OPTIONS] COMMAND\n');
      return 0;
    }
    if (!this.state.docker.running) {
      io.write(
        sub === 'run' ? `docker: ${DAEMON_DOWN}.\nSee 'docker run --help'.\n` : `${DAEMON_DOWN}\n`,
      );
      return 1;
    }

    switch (sub) {
      case 'run':
        return this.dockerRun(rest, io);
      case 'pull':
        return this.dockerPull(rest, io);
      case 'ps':
        return this.dockerPs(rest, io);
      case 'container':
        if (rest[0] === 'ls') return this.dockerPs(rest.slice(1), io);
        break;
      case 'images':
        return this.dockerImages(io);
      case 'rm':
        return this.dockerRm(rest, io);
      case 'stop':
        return this.dockerStopStart(rest, io, 'stop');
      case 'start':
        return this.dockerStopStart(rest, io, 'start');
      case 'restart':
        await this.dockerStopStart(rest, { ...io, write: () => undefined }, 'stop');
        return this.dockerStopStart(rest, io, 'start');
      case 'inspect':
        return this.dockerInspect(rest, io);
      case 'cp':
        return this.dockerCp(rest, io);
      case 'exec':
        return this.dockerExec(rest, io);
      case 'version':
        io.write(
          'Client:\n Version:           18.09.0-ce\n API version:       1.39\n\nServer:\n Engine:\n  Version:          18.09.0-ce\n  API version:      1.39 (minimum version 1.12)\n',
        );
        return 0;
    }
    io.write(`docker: '${sub}' is not a docker command.\nSee 'docker --help'\n`);

    return 1;
  }

  /** Daemon start: containers with a restart policy come back. */
  async daemonStarted(): Promise<void> {
    for (const c of this.state.containers.values()) {
      if (c.restart === 'always' || c.restart === 'unless-stopped' || c.restart === 'on-failure') {
        if (c.status !== 'running') await this.startContainer(c).catch(() => undefined);
      }
    }
  }

  /** Daemon stop (or reload): every container stops; `--rm` ones are removed. */
  async daemonStopping(): Promise<void> {
    for (const c of [...this.state.containers.values()]) {
      if (c.status === 'running') await this.stopContainer(c);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.listeners.keys()].map((port) => this.closeListener(port)));
  }

  private addImage(key: string): void {
    const entry = this.image(key);
    const [name, tag] = key.split(':') as [string, string];
    if (!this.state.images.has(key)) {
      this.state.images.set(key, {
        name,
        tag,
        id: sha256(`image:${key}`).slice(0, 12),
        sizeMb: entry?.sizeMb ?? 10,
        pulledAt: Date.now(),
      });
    }
  }

  /** Pulls an image when missing; false (after printing why) when it cannot. */
  private async pull(
    key: string,
    io: ShellIo,
    prefix: string,
    explicit: boolean,
  ): Promise<boolean> {
    const entry = this.image(key);
    if (this.state.images.has(key)) {
      if (explicit)
        io.write(
          `${key.split(':')[1]}: Pulling from library/${key.split(':')[0]}\nDigest: ${entry?.digest ?? ''}\nStatus: Image is up to date for ${key}\n`,
        );
      return true;
    }
    if (!explicit) io.write(`Unable to find image '${key}' locally\n`);
    else if (!key.includes(':') || key.endsWith(':latest')) io.write('Using default tag: latest\n');

    if (this.options.pullRequiresManagementNamespace && io.namespace !== 'management') {
      await this.clock.wait(PULL_MS / 3);
      io.write(`${prefix}Error response from daemon: ${DNS_FAILURE}\n`);
      return false;
    }
    if (!entry) {
      await this.clock.wait(PULL_MS / 3);
      const repo = key.split(':')[0];
      io.write(
        `${prefix}Error response from daemon: pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied.\n`,
      );
      return false;
    }

    const [name, tag] = key.split(':') as [string, string];
    io.write(`${tag}: Pulling from ${name.includes('/') ? name : `library/${name}`}\n`);
    const freeMb = this.state.docker.storageMb - this.state.dockerUsedMb;
    const perLayerMb = entry.sizeMb / entry.layers.length;
    let landedMb = 0;
    for (const layer of entry.layers) {
      await this.clock.wait(PULL_MS / entry.layers.length);
      landedMb += perLayerMb;
      if (landedMb > freeMb) {
        io.write(
          `${prefix}failed to register layer: Error processing tar file(exit status 1): write /var/lib/docker/tmp/${layer}/layer.tar: no space left on device\n`,
        );
        return false;
      }
      io.write(`${layer}: Pull complete \n`);
    }
    io.write(`Digest: ${entry.digest}\nStatus: Downloaded newer image for ${key}\n`);
    this.addImage(key);

    return true;
  }

  private async dockerPull(args: string[], io: ShellIo): Promise<number> {
    const ref = args.find((a) => !a.startsWith('-'));
    if (!ref) {
      io.write('"docker pull" requires exactly 1 argument.\nSee \'docker pull --help\'.\n');
      return 1;
    }

    return (await this.pull(normaliseImage(ref), io, '', true)) ? 0 : 1;
  }

  private async dockerRun(args: string[], io: ShellIo): Promise<number> {
    const ports: PortMapping[] = [];
    let name: string | undefined;
    let restart = 'no';
    let autoRemove = false;
    let detach = false;
    let i = 0;
    const valueOf = (arg: string): string | undefined =>
      arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];

    for (; i < args.length; i++) {
      const arg = args[i]!;
      if (!arg.startsWith('-')) break;
      const flag = arg.split('=')[0]!;
      if (flag === '-p' || flag === '--publish') {
        const value = valueOf(arg) ?? '';
        if (!/^(\d+\.\d+\.\d+\.\d+:)?\d+:\d+(\/tcp)?$/.test(value)) {
          io.write(`docker: Invalid containerPort: ${value}.\nSee 'docker run --help'.\n`);
          return 125;
        }
        ports.push(parsePort(value));
      } else if (flag === '--name') name = valueOf(arg);
      else if (flag === '--restart') restart = valueOf(arg) ?? 'no';
      else if (flag === '--rm') autoRemove = true;
      else if (flag === '-d' || flag === '--detach') detach = true;
      else if (
        [
          '-e',
          '--env',
          '-v',
          '--volume',
          '--network',
          '--net',
          '--hostname',
          '-h',
          '--cap-add',
          '--entrypoint',
          '-w',
          '--workdir',
          '-u',
          '--user',
          '--label',
          '-l',
        ].includes(flag)
      ) {
        if (!arg.includes('=')) i++;
      } else if (/^-[dit]+$/.test(arg)) detach ||= arg.includes('d');
      else if (
        flag !== '--privileged' &&
        flag !== '-i' &&
        flag !== '-t' &&
        flag !== '--interactive' &&
        flag !== '--tty'
      ) {
        io.write(`unknown flag: ${flag}\nSee 'docker run --help'.\n`);
        return 125;
      }
    }
    const imageRef = args[i];
    if (!imageRef) {
      io.write(`"docker run" requires at least 1 argument.\nSee 'docker run --help'.\n`);
      return 125;
    }
    const commandArgs = args.slice(i + 1);
    if (autoRemove && restart !== 'no') {
      io.write("docker: Conflicting options: --restart and --rm.\nSee 'docker run --help'.\n");
      return 125;
    }

    const existing = name ? this.state.containers.get(name) : undefined;
    if (existing) {
      io.write(nameConflict(name!, existing.id));
      return 125;
    }
    const key = normaliseImage(imageRef);
    if (!(await this.pull(key, io, 'docker: ', false))) {
      io.write("See 'docker run --help'.\n");
      return 125;
    }

    // Another session may have taken the name while the image was pulled.
    const taken = name ? this.state.containers.get(name) : undefined;
    if (taken) {
      io.write(nameConflict(name!, taken.id));
      return 125;
    }
    const container = this.createContainer({
      name: name ?? randomName(),
      image: key,
      ports,
      restart,
      autoRemove,
      command:
        commandArgs.length > 0 ? commandArgs.join(' ') : (this.image(key)?.command ?? '/bin/sh'),
    });
    const started = await this.startContainer(container);
    if (started !== undefined) {
      io.write(
        `docker: Error response from daemon: driver failed programming external connectivity on endpoint ${container.name} (${sha256(container.id).slice(0, 64)}): ${started}.\n`,
      );
      if (autoRemove) this.state.containers.delete(container.name);
      return 125;
    }
    if (detach) io.write(`${container.id}\n`);

    return 0;
  }

  private createContainer(c: {
    name: string;
    image: string;
    ports: PortMapping[];
    restart: string;
    autoRemove: boolean;
    command: string;
  }): ContainerState {
    const container: ContainerState = {
      id: randomHex(32),
      name: c.name,
      image: c.image,
      command: c.command,
      ports: c.ports,
      ip: '',
      status: 'created',
      restart: c.restart,
      autoRemove: c.autoRemove,
      createdAt: Date.now(),
      changedAt: Date.now(),
      files: new Map(),
    };
    this.state.containers.set(container.name, container);

    return container;
  }

  /** Starts a container: an address, and a real HTTP listener per published port. Returns an error text on failure. */
  private async startContainer(c: ContainerState): Promise<string | undefined> {
    for (const p of c.ports) {
      const owner = [...this.state.containers.values()].find(
        (o) => o !== c && o.status === 'running' && o.ports.some((op) => op.host === p.host),
      );
      if (owner) return `Bind for 0.0.0.0:${p.host} failed: port is already allocated`;
    }
    for (const p of c.ports) {
      const error = await this.openListener(c, p);
      if (error) {
        for (const opened of c.ports) if (opened !== p) await this.closeListener(opened.host);
        return error;
      }
    }
    c.ip = this.nextIp();
    c.status = 'running';
    c.changedAt = Date.now();

    return undefined;
  }

  private async stopContainer(c: ContainerState): Promise<void> {
    for (const p of c.ports) await this.closeListener(p.host);
    c.status = 'exited';
    c.changedAt = Date.now();
    c.ip = '';
    if (c.autoRemove) this.state.containers.delete(c.name);
  }

  private nextIp(): string {
    const used = new Set(
      [...this.state.containers.values()].filter((c) => c.status === 'running').map((c) => c.ip),
    );
    let host = FIRST_CONTAINER_HOST;
    while (used.has(`172.17.0.${host}`)) host++;

    return `172.17.0.${host}`;
  }

  /** The page a container serves for a path, or undefined for none. */
  private page(c: ContainerState, path: string): Buffer | undefined {
    const entry = this.image(c.image);
    if (!entry?.webRoot) return undefined;
    const file = `${entry.webRoot}${path === '/' ? '/index.html' : path}`;
    const copied = c.files.get(file);
    if (copied) return copied;

    return file === `${entry.webRoot}/index.html` && entry.defaultPage
      ? Buffer.from(entry.defaultPage)
      : undefined;
  }

  private async openListener(c: ContainerState, p: PortMapping): Promise<string | undefined> {
    const address = this.state.mgmt0.address;
    if (!address || !isLoopback(address)) {
      // Published ports are only opened on loopback addresses; no listener elsewhere.
      this.logger?.warn(
        { switch: this.state.hostname, address: address ?? null, port: p.host },
        'mgmt0 has no loopback address; the published port is not opened',
      );
      return undefined;
    }
    const server = createServer((req, res) => {
      const current = this.state.containers.get(c.name);
      const serving = this.image(c.image)?.webRoot !== undefined;
      if (!current || current.status !== 'running' || !serving) {
        req.socket.destroy();
        return;
      }
      const body = this.page(current, (req.url ?? '/').split('?')[0]!);
      if (!body) {
        res.writeHead(404, { 'Content-Type': 'text/html', Server: 'nginx/1.17.3' });
        res.end(
          '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n</body>\r\n</html>\r\n',
        );
        return;
      }
      res.writeHead(200, {
        'Content-Type': 'text/html',
        'Content-Length': body.length,
        Server: 'nginx/1.17.3',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    server.keepAliveTimeout = 1000;

    const error = await new Promise<string | undefined>((resolve) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        resolve(
          `Error starting userland proxy: listen tcp 0.0.0.0:${p.host}: bind: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`,
        ),
      );
      server.listen(p.host, address, () => resolve(undefined));
    });
    if (!error) this.listeners.set(p.host, server);

    return error;
  }

  private async closeListener(port: number): Promise<void> {
    const server = this.listeners.get(port);
    if (!server) return;
    this.listeners.delete(port);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private dockerPs(args: string[], io: ShellIo): number {
    const all = args.includes('-a') || args.includes('--all');
    const quiet = args.includes('-q') || args.includes('--quiet');
    const noTrunc = args.includes('--no-trunc');
    const format = optionValue(args, '--format');
    const filter = optionValue(args, '--filter') ?? optionValue(args, '-f');
    let containers = [...this.state.containers.values()].filter(
      (c) => all || c.status === 'running',
    );
    if (filter?.startsWith('name=')) {
      const pattern = filter.slice(5);
      containers = containers.filter(
        (c) => safeRegex(pattern).test(`/${c.name}`) || c.name.includes(pattern),
      );
    } else if (filter?.startsWith('status=')) {
      containers = containers.filter((c) => c.status === filter.slice(7));
    }
    containers.sort((a, b) => b.createdAt - a.createdAt);

    const rows = containers.map((c) => this.psRow(c, noTrunc));
    if (format) {
      for (const row of rows) io.write(renderTemplate(format, row) + '\n');
      return 0;
    }
    if (quiet) {
      for (const row of rows) io.write(`${row.ID}\n`);
      return 0;
    }
    io.write(
      table([
        ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'],
        ...rows.map((r) => [r.ID, r.Image, r.Command, r.RunningFor, r.Status, r.Ports, r.Names]),
      ]),
    );

    return 0;
  }

  private psRow(c: ContainerState, noTrunc: boolean): Record<string, string> {
    const age = (t: number): string => formatDockerDuration(this.clock.ageMs(t));
    const status =
      c.status === 'running'
        ? `Up ${age(c.changedAt)}`
        : c.status === 'created'
          ? 'Created'
          : `Exited (0) ${age(c.changedAt)} ago`;

    return {
      ID: noTrunc ? c.id : c.id.slice(0, 12),
      Image: c.image.endsWith(':latest') ? c.image.slice(0, -7) : c.image,
      Command: noTrunc ? `"${c.command}"` : shortCommand(c.command),
      RunningFor: `${age(c.createdAt)} ago`,
      CreatedAt: new Date(c.createdAt).toISOString(),
      Status: status,
      State: c.status,
      Ports:
        c.status === 'running'
          ? c.ports.map((p) => `0.0.0.0:${p.host}->${p.container}/tcp`).join(', ')
          : '',
      Names: c.name,
    };
  }

  private dockerImages(io: ShellIo): number {
    const rows = [...this.state.images.values()].map((img) => [
      img.name,
      img.tag,
      img.id,
      `${formatDockerDuration(this.clock.ageMs(img.pulledAt) + 7 * 86_400_000)} ago`,
      `${img.sizeMb}MB`,
    ]);
    io.write(table([['REPOSITORY', 'TAG', 'IMAGE ID', 'CREATED', 'SIZE'], ...rows]));

    return 0;
  }

  private async dockerRm(args: string[], io: ShellIo): Promise<number> {
    const force = args.some((a) => a === '-f' || a === '--force');
    const refs = args.filter((a) => !a.startsWith('-'));
    let status = 0;
    for (const ref of refs) {
      const c = this.state.findContainer(ref);
      if (!c) {
        io.write(`Error: No such container: ${ref}\n`);
        status = 1;
        continue;
      }
      if (c.status === 'running' && !force) {
        io.write(
          `Error response from daemon: You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove\n`,
        );
        status = 1;
        continue;
      }
      if (c.status === 'running') await this.stopContainer(c);
      this.state.containers.delete(c.name);
      io.write(`${ref}\n`);
    }

    return status;
  }

  private async dockerStopStart(
    args: string[],
    io: ShellIo,
    action: 'stop' | 'start',
  ): Promise<number> {
    let status = 0;
    for (const ref of args.filter((a) => !a.startsWith('-'))) {
      const c = this.state.findContainer(ref);
      if (!c) {
        io.write(`Error response from daemon: No such container: ${ref}\n`);
        status = 1;
        continue;
      }
      if (action === 'stop' && c.status === 'running') await this.stopContainer(c);
      if (action === 'start' && c.status !== 'running') {
        const error = await this.startContainer(c);
        if (error) {
          io.write(
            `Error response from daemon: driver failed programming external connectivity on endpoint ${c.name} (${sha256(c.id)}): ${error}\nError: failed to start containers: ${ref}\n`,
          );
          status = 1;
          continue;
        }
      }
      io.write(`${ref}\n`);
    }

    return status;
  }

  private dockerInspect(args: string[], io: ShellIo): number {
    const format = optionValue(args, '--format') ?? optionValue(args, '-f');
    const refs = args.filter(
      (a, i) => !a.startsWith('-') && args[i - 1] !== '--format' && args[i - 1] !== '-f',
    );
    const found: Record<string, unknown>[] = [];
    let status = 0;
    for (const ref of refs) {
      const c = this.state.findContainer(ref);
      if (!c) {
        status = 1;
        continue;
      }
      found.push(this.inspectDocument(c));
    }
    if (format) for (const doc of found) io.write(renderTemplate(format, doc) + '\n');
    else io.write(JSON.stringify(found, null, 4) + '\n');
    if (status !== 0) {
      const missing = refs.filter((r) => !this.state.findContainer(r));
      io.write(`Error: No such object: ${missing.join(', ')}\n`);
    }

    return status;
  }

  private inspectDocument(c: ContainerState): Record<string, unknown> {
    const portMap: Record<string, unknown> = {};
    for (const p of c.ports)
      portMap[`${p.container}/tcp`] = [{ HostIp: '', HostPort: String(p.host) }];

    return {
      Id: c.id,
      Created: new Date(c.createdAt).toISOString(),
      Path: c.command.split(' ')[0],
      State: {
        Status: c.status,
        Running: c.status === 'running',
        Paused: false,
        Restarting: false,
        ExitCode: 0,
        StartedAt: new Date(c.changedAt).toISOString(),
      },
      Image: `sha256:${sha256(`image:${c.image}`)}`,
      Name: `/${c.name}`,
      HostConfig: {
        PortBindings: portMap,
        RestartPolicy: { Name: c.restart, MaximumRetryCount: 0 },
        AutoRemove: c.autoRemove,
      },
      Config: {
        Image: c.image.endsWith(':latest') ? c.image.slice(0, -7) : c.image,
        Cmd: c.command.split(' '),
      },
      NetworkSettings: {
        IPAddress: c.ip,
        Ports: c.status === 'running' ? portMap : {},
        Gateway: c.ip ? '172.17.0.1' : '',
      },
    };
  }

  private dockerCp(args: string[], io: ShellIo): number {
    const [src, dst] = args.filter((a) => !a.startsWith('-'));
    const files = io.files;
    if (!src || !dst || !files) {
      io.write('"docker cp" requires exactly 2 arguments.\nSee \'docker cp --help\'.\n');
      return 1;
    }
    const into = /^([^/:]+):(.+)$/.exec(dst);
    const from = /^([^/:]+):(.+)$/.exec(src);
    if (into) {
      const c = this.state.findContainer(into[1]!);
      if (!c) {
        io.write(`Error: No such container:path: ${dst}\n`);
        return 1;
      }
      const data = files.read(src);
      if (!data) {
        io.write(`lstat ${files.resolve(src)}: no such file or directory\n`);
        return 1;
      }
      c.files.set(into[2]!, data);
      return 0;
    }
    if (from) {
      const c = this.state.findContainer(from[1]!);
      const data = c ? (c.files.get(from[2]!) ?? this.defaultFile(c, from[2]!)) : undefined;
      if (!c || !data) {
        io.write(`Error: No such container:path: ${src}\n`);
        return 1;
      }
      files.write(dst, data);
      return 0;
    }
    io.write('must specify at least one container source\n');

    return 1;
  }

  private defaultFile(c: ContainerState, path: string): Buffer | undefined {
    const entry = this.image(c.image);
    if (entry?.webRoot && path === `${entry.webRoot}/index.html` && entry.defaultPage)
      return Buffer.from(entry.defaultPage);

    return undefined;
  }

  private dockerExec(args: string[], io: ShellIo): number {
    const rest = args.filter((a) => !/^-[it]+$/.test(a));
    const [ref, command, ...commandArgs] = rest;
    const c = ref ? this.state.findContainer(ref) : undefined;
    if (!ref || !command) {
      io.write('"docker exec" requires at least 2 arguments.\nSee \'docker exec --help\'.\n');
      return 1;
    }
    if (!c) {
      io.write(`Error: No such container: ${ref}\n`);
      return 1;
    }
    if (c.status !== 'running') {
      io.write(`Error response from daemon: Container ${c.id} is not running\n`);
      return 1;
    }
    if (command === 'cat') {
      let status = 0;
      for (const path of commandArgs) {
        const data = c.files.get(path) ?? this.defaultFile(c, path);
        if (data) io.write(data.toString('utf8'));
        else {
          io.write(`cat: can't open '${path}': No such file or directory\n`);
          status = 1;
        }
      }
      return status;
    }
    if (command === 'sha256sum') {
      let status = 0;
      for (const path of commandArgs) {
        const data = c.files.get(path) ?? this.defaultFile(c, path);
        if (data) io.write(`${createHash('sha256').update(data).digest('hex')}  ${path}\n`);
        else {
          io.write(`sha256sum: ${path}: No such file or directory\n`);
          status = 1;
        }
      }
      return status;
    }
    if (command === 'true') return 0;
    io.write(
      `OCI runtime exec failed: exec failed: container_linux.go:348: starting container process caused "exec: \\"${command}\\": executable file not found in $PATH": unknown\n`,
    );

    return 126;
  }
}

function nameConflict(name: string, id: string): string {
  return `docker: Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.\nSee 'docker run --help'.\n`;
}

function parsePort(value: string): PortMapping {
  const parts = value.replace(/\/tcp$/, '').split(':');

  return { host: Number(parts[parts.length - 2]), container: Number(parts[parts.length - 1]) };
}

function optionValue(args: string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === flag) return args[i + 1];
    if (args[i]!.startsWith(`${flag}=`)) return args[i]!.slice(flag.length + 1);
  }

  return undefined;
}

function safeRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return /$^/;
  }
}

const ADJECTIVES = [
  'admiring',
  'brave',
  'clever',
  'eager',
  'festive',
  'gallant',
  'happy',
  'jolly',
  'keen',
  'lucid',
];
const SURNAMES = [
  'babbage',
  'curie',
  'darwin',
  'euler',
  'galileo',
  'hopper',
  'kepler',
  'lovelace',
  'noether',
  'turing',
];

function randomName(): string {
  const pick = (list: string[]): string => list[Math.floor(Math.random() * list.length)]!;

  return `${pick(ADJECTIVES)}_${pick(SURNAMES)}`;
}
