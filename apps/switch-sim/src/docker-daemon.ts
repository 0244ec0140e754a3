import type { DeviceClock } from './clock';
import type { DockerEngine, ShellIo } from './docker-engine';
import type { DeviceState } from './device-state';
import { CERTIFICATES_AND_START, LOSETUP_WARNING, ddOutput, mkfsOutput } from './linux-text';

/** Nominal length of the first start on a 9000v: dd of 300 MB takes most of it. */
export const FIRST_START_MS = 18_000;
const DD_SHARE = 0.9985;
/** Nominal length of a later start (storage already carved). */
export const LATER_START_MS = 2_000;
const STOP_MS = 1_000;

/** `service docker start|stop|status` on the switch's Linux side. */
export class DockerDaemon {
  private transition?: Promise<number>;

  constructor(
    private readonly state: DeviceState,
    private readonly engine: DockerEngine,
    private readonly clock: DeviceClock,
  ) {}

  async start(io: ShellIo): Promise<number> {
    if (this.transition) await this.transition.catch(() => undefined);
    if (this.state.docker.running) {
      io.write(`dockerd (pid  ${this.state.docker.pid}) is already running...\n`);
      return 0;
    }
    this.transition = this.doStart(io);
    try {
      return await this.transition;
    } finally {
      this.transition = undefined;
    }
  }

  async stop(io: ShellIo): Promise<number> {
    if (this.transition) await this.transition.catch(() => undefined);
    if (!this.state.docker.running) {
      io.write('dockerd is stopped\n');
      return 0;
    }
    io.write('Stopping dockerd: ');
    await this.engine.daemonStopping();
    await this.clock.wait(STOP_MS);
    this.state.docker.running = false;
    this.state.docker.pid = undefined;
    io.write('.\n');

    return 0;
  }

  status(io: ShellIo): number {
    if (this.state.docker.running) {
      io.write(`dockerd (pid  ${this.state.docker.pid}) is running...\n`);
      return 0;
    }
    io.write('dockerd is stopped\n');

    return 3;
  }

  /** Start at boot (`chkconfig --add docker`): no terminal. */
  async bootStart(): Promise<void> {
    await this.start({ namespace: 'default', write: () => undefined });
  }

  /** Reload: the daemon dies with the box. */
  async powerOff(): Promise<void> {
    await this.engine.daemonStopping();
    this.state.docker.running = false;
    this.state.docker.pid = undefined;
  }

  private async doStart(io: ShellIo): Promise<number> {
    const docker = this.state.docker;
    if (!docker.carved) {
      io.write(
        `Free bootflash: ${Math.floor(this.state.freeBootflashMb)} MB, total bootflash: ${this.state.totalBootflashMb} MB\n`,
      );
      if (this.state.freeBootflashMb < docker.storageMb) {
        io.write(
          `Insufficient bootflash space: carving docker storage needs ${docker.storageMb} MB, ${Math.floor(this.state.freeBootflashMb)} MB free.\n` +
            'Failed to start docker daemon: free space on bootflash and retry.\n',
        );
        return 1;
      }
      io.write(`Carving docker bootflash storage: ${docker.storageMb} MB\n`);
      const started = Date.now();
      await this.clock.wait(FIRST_START_MS * DD_SHARE);
      const seconds = Math.max(0.0001, this.clock.ageMs(started) / 1000);
      io.write(ddOutput(docker.storageMb, seconds));
      io.write(LOSETUP_WARNING);
      io.write(mkfsOutput(docker.storageMb, new Date()));
      docker.carved = true;
      docker.carvedAt = Date.now();
      this.state.freeBootflashMb -= docker.storageMb;
      await this.clock.wait(FIRST_START_MS * (1 - DD_SHARE));
    } else {
      io.write(LOSETUP_WARNING);
      await this.clock.wait(LATER_START_MS);
    }
    docker.running = true;
    docker.pid = 10_000 + Math.floor(Math.random() * 20_000);
    io.write(CERTIFICATES_AND_START);
    await this.engine.daemonStarted();

    return 0;
  }
}
