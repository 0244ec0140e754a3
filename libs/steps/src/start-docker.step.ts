import { SwitchyardError } from '@switchyard/contracts';
import {
  compareReleases,
  parseChkconfigList,
  parseDockerServiceStatus,
  parseDockerStart,
  parseShowVersion,
} from '@switchyard/nxos-parsers';
import type { StepContext, StepHandler, StepOutcome } from './step';
import { StepRun, type StepTimings } from './step-run';

/** Docker on Nexus 9000/3000 needs this release or later. */
export const MIN_DOCKER_RELEASE = '9.2(1)';

/** Size of the storage file the first `service docker start` carves on bootflash, in MB. */
export const DOCKER_STORAGE_MB = 300;

/**
 * Deadline of `service docker start`, in ms. The first start carves and formats the
 * storage file (about 18 s on a Nexus 9000v) before dockerd starts; slower flash takes
 * several times that.
 */
export const DOCKER_START_TIMEOUT_MS = 180_000;

/**
 * Step 2: the Docker daemon running in the switch's Linux, and (by default) started at boot.
 *
 * Facts: `daemon` (`running`, or in a dry run possibly `stopped`), `pid`, `persistent`
 * (`chkconfig` has docker on; null when persistence was not asked for), `storageCarved`
 * (this run carved /bootflash/dockerpart).
 */
export class StartDockerStep implements StepHandler {
  readonly name = 'start-docker' as const;
  readonly commandTimeoutMs = DOCKER_START_TIMEOUT_MS;

  constructor(private readonly timings: StepTimings) {}

  async run(context: StepContext): Promise<StepOutcome> {
    const run = new StepRun(context, this.timings);
    await context.session.ensureMode('exec');

    const { release } = parseShowVersion(await run.observe('show version'));
    if (compareReleases(release, MIN_DOCKER_RELEASE) < 0) {
      throw new SwitchyardError(
        'UNSUPPORTED_VERSION',
        `NX-OS ${release} cannot run Docker; upgrade to ${MIN_DOCKER_RELEASE} or later`,
      );
    }

    // Without the Bash shell yet (a dry run before configure-mgmt), docker cannot be running.
    const bash = await run.enterRootBash();
    let status = bash
      ? parseDockerServiceStatus(await run.observe('service docker status'))
      : { running: false, pid: null };
    let storageCarved = false;

    if (!status.running) {
      const output = await run.change('service docker start', { timeoutMs: this.commandTimeoutMs });
      if (output !== null) {
        storageCarved = this.checkStart(output);
        status = await run.poll(
          this.timings.dockerReadyTimeoutMs,
          async () => {
            const current = parseDockerServiceStatus(await run.observe('service docker status'));
            return current.running ? current : null;
          },
          () =>
            new SwitchyardError(
              'DOCKER_NOT_RUNNING',
              `dockerd did not report running within ${this.timings.dockerReadyTimeoutMs} ms of "service docker start"; see the step transcript`,
            ),
        );
      }
    }

    const persistent = context.params.persistDocker ? await this.ensurePersistent(run, bash) : null;

    return run.outcome({
      daemon: status.running ? 'running' : 'stopped',
      pid: status.pid,
      persistent,
      storageCarved,
    });
  }

  /**
   * Reads the start's output: the first start's carving, dd, mke2fs and losetup lines are
   * normal; a lack of bootflash space is permanent. Returns whether storage was carved.
   */
  private checkStart(output: string): boolean {
    const report = parseDockerStart(output);
    const tooLittleFree =
      report.freeBootflashMb !== null &&
      report.carvedMb === null &&
      report.freeBootflashMb < DOCKER_STORAGE_MB;
    if (report.insufficientSpace || tooLittleFree) {
      const free = report.freeBootflashMb === null ? '' : ` (${report.freeBootflashMb} MB free)`;
      throw new SwitchyardError(
        'INSUFFICIENT_BOOTFLASH',
        `bootflash has too little space for the ${DOCKER_STORAGE_MB} MB docker storage${free}; free space on bootflash and run again`,
      );
    }
    return report.carvedMb !== null;
  }

  /** `chkconfig --add docker` when docker is not on at boot. Returns the resulting state. */
  private async ensurePersistent(run: StepRun, canRead: boolean): Promise<boolean> {
    if (canRead && parseChkconfigList(await run.observe('chkconfig --list docker')).enabled)
      return true;

    if ((await run.change('chkconfig --add docker')) === null) return false;
    const after = parseChkconfigList(await run.observe('chkconfig --list docker'));
    if (!after.enabled) {
      throw new SwitchyardError(
        'VERIFY_FAILED',
        '"chkconfig --add docker" ran but docker is still off at boot',
      );
    }
    return true;
  }
}
