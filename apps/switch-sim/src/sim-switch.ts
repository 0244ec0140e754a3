import { createECDH, createHash, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server as NetServer, type Socket } from 'node:net';

import {
  Server as SshServer,
  utils as sshUtils,
  type AuthContext,
  type Connection,
  type ServerChannel,
} from 'ssh2';

import type { Logger } from '@switchyard/logging';

import { CliSession, type SwitchHost } from './cli-session';
import type { DeviceClock } from './clock';
import { DockerDaemon } from './docker-daemon';
import { DockerEngine } from './docker-engine';
import { DeviceState, defaultGatewayFor } from './device-state';
import { validateSwitchOptions, type SimSwitchOptions } from './options';
import { Terminal } from './terminal';

/** NX-OS allows 10 channels at once on one SSH connection. */
export const DEFAULT_MAX_CHANNELS_PER_CONNECTION = 10;
/** Nominal delay between `ip address dhcp` and the lease. */
export const DHCP_LEASE_MS = 2_000;
const SESSION_LIMIT_MESSAGE =
  '% Session limit reached: all vty sessions are in use. Closing the connection.\n';
/** The SSH version string NX-OS 9.x sends. */
const SSH_IDENT = 'OpenSSH_7.5 PKIX[10.1]';

interface HostKey {
  pem: string;
  fingerprint: string;
}

interface ConnectionRecord {
  client: Connection;
  socket?: Socket;
  user?: string;
  authenticated: boolean;
  /** Shell and exec channels running a CLI right now. */
  cliSessions: number;
  since: number;
  from: string;
  channelsOpen: number;
  channelsOpened: number;
  commandsReceived: number;
}

/** OpenSSH fingerprint form: `SHA256:` and the unpadded base64 of the key blob's digest. */
export function fingerprintOf(pem: string): string {
  const parsed = sshUtils.parseKey(pem);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  const digest = createHash('sha256').update(key.getPublicSSH()).digest('base64');

  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/**
 * The same ECDSA P-256 key for the same seed and switch name, so a simulator restarted with
 * a seed presents the keys its switches had before (pins keep matching, as on a real
 * switch that reboots). The private scalar is SHA-256(seed:name), far below the curve order.
 */
function seededHostKey(seed: string, name: string): HostKey {
  const scalar = createHash('sha256').update(`${seed}:${name}`).digest();
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(scalar);
  const point = ecdh.getPublicKey();
  const pem = createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: scalar.toString('base64url'),
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
  })
    .export({ type: 'sec1', format: 'pem' })
    .toString();

  return { pem, fingerprint: fingerprintOf(pem) };
}

function generateHostKey(legacy: boolean): HostKey {
  const pem = legacy
    ? generateKeyPairSync('rsa', {
        modulusLength: 2048,
        privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey
    : generateKeyPairSync('ec', {
        namedCurve: 'prime256v1',
        privateKeyEncoding: { type: 'sec1', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      }).privateKey;

  return { pem, fingerprint: fingerprintOf(pem) };
}

/** One simulated Nexus 9000v: an SSH server on its own loopback address, and its device state. */
export class SimSwitch implements SwitchHost {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly state: DeviceState;
  readonly engine: DockerEngine;
  readonly daemon: DockerDaemon;
  readonly release: string;

  private hostKey: HostKey;
  private ssh: SshServer;
  private readonly tcp: NetServer;
  private readonly sockets = new Map<string, Socket>();
  private readonly connections = new Set<ConnectionRecord>();
  private leaseTimer?: NodeJS.Timeout;
  private commandCount = 0;
  private logins = 0;
  private rebooting = false;
  private closed = false;

  private constructor(
    readonly options: SimSwitchOptions,
    readonly clock: DeviceClock,
    readonly logger?: Logger,
  ) {
    this.name = options.name;
    this.address = options.address;
    this.port = options.port;
    this.release = options.release ?? '9.3(1)';
    this.state = new DeviceState(options);
    this.engine = new DockerEngine(this.state, options, clock, logger);
    this.daemon = new DockerDaemon(this.state, this.engine, clock);
    this.hostKey =
      options.hostKeySeed && !options.legacyOnly
        ? seededHostKey(options.hostKeySeed, options.name)
        : generateHostKey(options.legacyOnly ?? false);
    this.ssh = this.createSshServer();
    this.tcp = createServer((socket) => this.onSocket(socket));
  }

  static async start(
    options: SimSwitchOptions,
    clock: DeviceClock,
    logger?: Logger,
  ): Promise<SimSwitch> {
    const sim = new SimSwitch(validateSwitchOptions(options), clock, logger);
    await sim.seedDocker();
    await new Promise<void>((resolve, reject) => {
      sim.tcp.once('error', reject);
      sim.tcp.listen(sim.port, sim.address, () => {
        sim.tcp.off('error', reject);
        resolve();
      });
    });

    return sim;
  }

  /** Successful SSH logins since the switch started (a rollout should cost one). */
  loginCount(): number {
    return this.logins;
  }

  /** Real ms the device spent on its own work; see DeviceClock.busyMs. */
  deviceBusyMs(): number {
    return this.clock.busyMs;
  }

  /**
   * The device state as plain data, for tests that compare before and after (a dry run
   * must leave it equal).
   */
  snapshot(): Record<string, unknown> {
    const { mgmt0, docker } = this.state;
    return {
      hostname: this.state.hostname,
      features: [...this.state.features].sort(),
      mgmt0: {
        mode: mgmt0.mode,
        address: mgmt0.address ?? null,
        gateway: mgmt0.gateway ?? null,
        vrf: mgmt0.vrf,
      },
      docker: { running: docker.running, carved: docker.carved, persistent: docker.persistent },
      containers: [...this.state.containers.values()]
        .map((c) => ({
          name: c.name,
          image: c.image,
          status: c.status,
          ports: c.ports,
          files: [...c.files.keys()].sort(),
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      images: [...this.state.images.keys()].sort(),
      files: [...this.state.files.keys()].sort(),
    };
  }

  get hostKeyFingerprint(): string {
    return this.hostKey.fingerprint;
  }

  /** CLI sessions (shell or exec channels, each a vty on NX-OS) open right now. */
  activeSessions(): number {
    let open = 0;
    for (const c of this.connections) open += c.cliSessions;

    return open;
  }

  /** Authenticated SSH connections open right now, with or without a CLI session. */
  openConnections(): number {
    return [...this.connections].filter((c) => c.authenticated).length;
  }

  users(): { user: string; line: string; since: number; from: string }[] {
    const users: { user: string; line: string; since: number; from: string }[] = [];
    for (const c of this.connections) {
      for (let i = 0; i < c.cliSessions; i++)
        users.push({
          user: c.user ?? '',
          line: `pts/${users.length}`,
          since: c.since,
          from: c.from,
        });
    }

    return users;
  }

  rotateHostKey(): void {
    this.hostKey = generateHostKey(this.options.legacyOnly ?? false);
    // ssh2 fixes host keys per server object: new logins go to a fresh one, open ones stay.
    this.ssh = this.createSshServer();
  }

  commandShouldDrop(): boolean {
    this.commandCount++;
    const { dropAfterCommands, dropProbability } = this.options;
    if (dropAfterCommands && this.commandCount % dropAfterCommands === 0) return true;

    return dropProbability !== undefined && Math.random() < dropProbability;
  }

  requestDhcpLease(): void {
    const m = this.state.mgmt0;
    Object.assign(m, { mode: 'dhcp', address: undefined, gateway: undefined });
    clearTimeout(this.leaseTimer);
    this.clock.record(this.options.dhcpLeaseMs ?? DHCP_LEASE_MS);
    this.leaseTimer = setTimeout(
      () => {
        if (m.mode !== 'dhcp') return;
        const address = this.options.mgmtAddress ?? this.address;
        Object.assign(m, {
          address,
          prefixLength: 24,
          gateway: this.options.gateway ?? defaultGatewayFor(address),
          since: Date.now(),
        });
      },
      this.clock.scale(this.options.dhcpLeaseMs ?? DHCP_LEASE_MS),
    );
  }

  /**
   * Simulated reload: every session is dropped, docker stops (its `--rm` containers go,
   * the others exit), the DHCP lease is asked again, and the daemon comes back only when
   * `chkconfig --add docker` was set, bringing back containers with a restart policy.
   */
  async reload(): Promise<void> {
    this.rebooting = true;
    for (const c of this.connections) {
      if (c.socket) c.socket.destroy();
      else c.client.end();
    }
    await this.daemon.powerOff();
    if (this.options.reloadLosesUnsavedConfig) this.state.restoreStartupConfig();
    this.state.bootedAt = Date.now();
    this.state.mgmt0.since = Date.now();
    if (this.state.mgmt0.mode === 'dhcp') this.requestDhcpLease();
    this.rebooting = false;
    if (this.state.docker.persistent && this.state.docker.carved) await this.daemon.bootStart();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.leaseTimer);
    for (const socket of this.sockets.values()) socket.destroy();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    await this.engine.close();
  }

  private async seedDocker(): Promise<void> {
    const o = this.options;
    if (o.dockerRunning || (o.preexistingContainers?.length ?? 0) > 0) {
      this.state.docker.carved = true;
      this.state.docker.carvedAt = Date.now();
      this.state.freeBootflashMb -= this.state.docker.storageMb;
    }
    if (o.dockerRunning) {
      this.state.docker.running = true;
      this.state.docker.pid = 10_000 + Math.floor(Math.random() * 20_000);
    }
    await this.engine.seed(o.preexistingContainers ?? []);
  }

  private onSocket(socket: Socket): void {
    if (this.rebooting || this.closed) {
      socket.destroy();
      return;
    }
    const key = `${socket.remoteAddress}:${socket.remotePort}`;
    this.sockets.set(key, socket);
    socket.once('close', () => this.sockets.delete(key));
    socket.on('error', () => undefined);
    // A CLI writes echo, output and prompt as separate small packets; with Nagle's algorithm
    // each would wait for the peer's delayed ACK (about 40 ms a command).
    socket.setNoDelay(true);
    this.ssh.injectSocket(socket);
  }

  private createSshServer(): SshServer {
    const legacy = this.options.legacyOnly ?? false;
    const server = new SshServer(
      {
        hostKeys: [this.hostKey.pem],
        ident: SSH_IDENT,
        banner: this.options.sshBanner,
        algorithms: legacy
          ? { kex: ['diffie-hellman-group14-sha1'], serverHostKey: ['ssh-rsa'] }
          : undefined,
      },
      (client, info) => this.onConnection(client, info),
    );
    server.on('error', (err: Error) =>
      this.logger?.warn({ err, switch: this.name }, 'ssh server error'),
    );

    return server;
  }

  private onConnection(client: Connection, info: { ip: string; port: number }): void {
    const record: ConnectionRecord = {
      client,
      socket: this.sockets.get(`${info.ip}:${info.port}`),
      authenticated: false,
      cliSessions: 0,
      since: Date.now(),
      from: info.ip,
      channelsOpen: 0,
      channelsOpened: 0,
      commandsReceived: 0,
    };
    this.connections.add(record);
    client.on('error', () => undefined);
    client.on('close', () => this.connections.delete(record));
    client.on('authentication', (ctx) => this.authenticate(ctx, record));
    client.on('ready', () => this.onReady(record));
  }

  private authenticate(ctx: AuthContext, record: ConnectionRecord): void {
    const kbdOnly = this.options.keyboardInteractiveOnly ?? false;
    const methods: ('password' | 'keyboard-interactive')[] = kbdOnly
      ? ['keyboard-interactive']
      : ['password', 'keyboard-interactive'];
    const decide = (password: string | undefined): void => {
      if (ctx.username === this.options.username && password === this.options.password) {
        record.user = ctx.username;
        ctx.accept();
      } else ctx.reject(methods);
    };

    if (ctx.method === 'password' && !kbdOnly) {
      decide(ctx.password);
    } else if (ctx.method === 'keyboard-interactive') {
      ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => decide(answers[0]));
    } else {
      ctx.reject(methods);
    }
  }

  private onReady(record: ConnectionRecord): void {
    record.authenticated = true;
    this.logins++;
    record.client.on('session', (accept, reject) => {
      const maxOpen = this.options.maxChannelsPerConnection ?? DEFAULT_MAX_CHANNELS_PER_CONNECTION;
      const maxOpens = this.options.maxChannelOpensPerConnection;
      if (
        record.channelsOpen >= maxOpen ||
        (maxOpens !== undefined && record.channelsOpened >= maxOpens)
      ) {
        reject();
        return;
      }
      record.channelsOpen++;
      record.channelsOpened++;
      const session = accept();
      let closed = false;
      session.once('close', () => {
        if (!closed) record.channelsOpen--;
        closed = true;
      });
      session.on('pty', (acceptPty) => acceptPty?.());
      session.on('window-change', (acceptChange) => acceptChange?.());
      session.on('env', (acceptEnv) => acceptEnv?.());
      session.on('shell', (acceptShell) => {
        const stream = acceptShell();
        if (this.atSessionLimit()) return this.refuseOverLimit(record, stream);
        this.countSession(record, stream);
        this.runShell(record, stream);
      });
      session.on('exec', (acceptExec, _reject, info) => {
        const stream = acceptExec();
        if (this.atSessionLimit()) return this.refuseOverLimit(record, stream);
        this.countSession(record, stream);
        void this.runExec(record, stream, info.command);
      });
    });
  }

  private atSessionLimit(): boolean {
    const limit = this.options.maxSessions;

    return limit !== undefined && this.activeSessions() >= limit;
  }

  private countSession(record: ConnectionRecord, stream: ServerChannel): void {
    record.cliSessions++;
    let counted = true;
    const release = (): void => {
      if (counted) record.cliSessions--;
      counted = false;
    };
    stream.once('close', release);
    record.client.once('close', release);
  }

  /** NX-OS prints the refusal on the new session and closes the login. */
  private refuseOverLimit(record: ConnectionRecord, stream: ServerChannel): void {
    stream.write(SESSION_LIMIT_MESSAGE.replace(/\n/g, '\r\n'));
    stream.exit(1);
    stream.end();
    record.client.end();
  }

  private channelFor(record: ConnectionRecord, stream: ServerChannel, terminal?: Terminal) {
    return {
      terminal,
      user: record.user ?? this.options.username,
      write: (text: string) => {
        if (stream.writable) stream.write(text);
      },
      end: () => {
        stream.exit(0);
        stream.end();
      },
      takeFirstCommand: () => record.commandsReceived++ === 0,
      drop: () => {
        if (record.socket) record.socket.destroy();
        else record.client.end();
      },
    };
  }

  private runShell(record: ConnectionRecord, stream: ServerChannel): void {
    const terminal = new Terminal((text) => {
      if (stream.writable) stream.write(text);
    });
    stream.on('data', (data: Buffer) => terminal.feed(data.toString('utf8')));
    stream.on('close', () => terminal.close());
    stream.on('error', () => terminal.close());
    const session = new CliSession(this, this.channelFor(record, stream, terminal));
    session.runShell().catch((err: unknown) => {
      this.logger?.error({ err, switch: this.name }, 'CLI session failed');
      stream.end();
    });
  }

  private async runExec(
    record: ConnectionRecord,
    stream: ServerChannel,
    command: string,
  ): Promise<void> {
    const session = new CliSession(this, this.channelFor(record, stream));
    stream.on('error', () => undefined);
    try {
      const status = await session.runExec(command);
      if (stream.writable) {
        stream.exit(status);
        stream.end();
      }
    } catch (err) {
      this.logger?.error({ err, switch: this.name }, 'exec command failed');
      stream.end();
    }
  }
}
