import { createHash } from 'node:crypto';
import { SwitchyardError, isSwitchyardError, type PortMapping } from '@switchyard/contracts';
import {
  classifyDockerFailure,
  parseDockerPs,
  type DockerContainer,
} from '@switchyard/nxos-parsers';
import type { StepContext, StepHandler, StepOutcome } from './step';
import { StepRun, type StepTimings } from './step-run';

/** Deadline of `docker run`, which may pull the image over the management network, in ms. */
export const DOCKER_RUN_TIMEOUT_MS = 300_000;

/** Where the nginx image serves its page from. */
export const PAGE_PATH = '/usr/share/nginx/html/index.html';

/**
 * Longest base64 text sent in one shell line, in characters. Keeps each command line far
 * below the terminal's line limits; 768 is a multiple of 4, so chunks split cleanly.
 */
export const PAGE_CHUNK_CHARS = 768;

/**
 * Staging files on the switch, named after the container so that runs for different
 * containers never share one.
 */
function stagingFiles(containerName: string): { base64: string; page: string } {
  return {
    base64: `/tmp/switchyard-${containerName}.b64`,
    page: `/tmp/switchyard-${containerName}.html`,
  };
}

/**
 * Step 3: the container running with its published ports (and page, when given).
 *
 * Facts: `containerId` (12 hex digits), `containerName`, `image`, `ports` (`30080->80`,
 * comma-separated when several).
 */
export class DeployContainerStep implements StepHandler {
  readonly name = 'deploy-container' as const;
  readonly commandTimeoutMs = DOCKER_RUN_TIMEOUT_MS;

  constructor(private readonly timings: StepTimings) {}

  async run(context: StepContext): Promise<StepOutcome> {
    const run = new StepRun(context, this.timings);
    const { containerName, image, ports } = context.params;
    const all = await this.observeContainers(run);
    const existing = all.find((c) => c.name === containerName) ?? null;
    this.checkPortsFree(all, containerName, ports);

    if (existing && !sameImage(existing.image, image)) {
      throw new SwitchyardError(
        'NAME_IN_USE',
        `container "${containerName}" already runs image ${existing.image}, not ${image}; remove it or choose another containerName`,
      );
    }

    let running = existing !== null && existing.running && samePorts(existing, ports);
    const stoppedOfOurs =
      existing !== null &&
      !existing.running &&
      (existing.ports.length === 0 || samePorts(existing, ports));
    if (stoppedOfOurs) {
      // A stopped container shows no ports in `docker ps -a`; start it and check them after.
      // One that will not start (a leftover of a failed run whose port is taken) is replaced
      // below rather than blocking every later run.
      running = await this.dockerCommand(run, `docker start ${containerName}`).then(
        () => true,
        (err: unknown) => {
          if (isSwitchyardError(err) && !err.retryable) return false;
          throw err;
        },
      );
      if (running && !run.dryRun) {
        const started = (await this.listContainers(run, 'docker ps')).find(
          (c) => c.name === containerName,
        );
        running = started !== undefined && samePorts(started, ports);
      }
    }

    if (!running) {
      if (existing || run.changed) await this.dockerCommand(run, `docker rm -f ${containerName}`);
      await this.dockerCommand(run, runCommand(containerName, image, ports), {
        timeoutMs: this.commandTimeoutMs,
      });
    }

    if (context.params.pageContent !== undefined) {
      await this.ensurePage(run, containerName, context.params.pageContent, existing);
    }

    const container = run.dryRun ? existing : await this.verify(run, containerName, ports);
    return run.outcome({
      containerId: container?.id.slice(0, 12) ?? null,
      containerName,
      image,
      ports: ports.map((p) => `${p.host}->${p.container}`).join(','),
    });
  }

  /**
   * Every container, running or not. A dry run planned before the Bash shell or the daemon
   * exists (the earlier steps only planned them) sees none and plans a fresh run.
   */
  private async observeContainers(run: StepRun): Promise<DockerContainer[]> {
    if (!(await run.enterRootBash())) return [];
    try {
      return await this.listContainers(run, 'docker ps -a');
    } catch (err) {
      if (run.dryRun && isSwitchyardError(err) && err.code === 'DOCKER_NOT_RUNNING') return [];
      throw err;
    }
  }

  private async listContainers(
    run: StepRun,
    command: 'docker ps' | 'docker ps -a',
  ): Promise<DockerContainer[]> {
    const output = await run.observe(command);
    throwDockerFailure(output, command);
    return parseDockerPs(output).containers;
  }

  /** Another container already publishing one of our host ports would make `docker run` fail. */
  private checkPortsFree(all: DockerContainer[], name: string, ports: PortMapping[]): void {
    for (const other of all.filter((c) => c.name !== name && c.running)) {
      const clash = other.ports.find((published) =>
        ports.some((p) => p.host === published.hostPort),
      );
      if (clash) {
        throw new SwitchyardError(
          'PORT_IN_USE',
          `host port ${clash.hostPort} is already published by container "${other.name}"; free it or choose another port`,
        );
      }
    }
  }

  /** Sends a changing docker command and turns a known failure in its output into its code. */
  private async dockerCommand(
    run: StepRun,
    command: string,
    options?: { timeoutMs: number },
  ): Promise<void> {
    const output = await run.change(command, options);
    if (output !== null) throwDockerFailure(output, command);
  }

  /**
   * Writes the page only when it differs. The content never enters a shell line as is: it
   * goes as base64 (quote-free) in chunks, decoded on the switch. It is compared by SHA-256,
   * never by reading it back through the terminal, whose handling of control characters,
   * trailing spaces and prompt-like lines would change what is read.
   */
  private async ensurePage(
    run: StepRun,
    name: string,
    content: string,
    existing: DockerContainer | null,
  ): Promise<void> {
    const wanted = createHash('sha256').update(content, 'utf8').digest('hex');
    const canRead = !run.dryRun || (existing !== null && existing.running);
    if (canRead && (await this.pageDigest(run, name)) === wanted) return;

    const files = stagingFiles(name);
    const encoded = Buffer.from(content, 'utf8').toString('base64');
    const chunks = encoded.match(new RegExp(`.{1,${PAGE_CHUNK_CHARS}}`, 'g')) ?? [''];
    for (const [i, chunk] of chunks.entries()) {
      await run.change(`printf '%s' '${chunk}' ${i === 0 ? '>' : '>>'} ${files.base64}`);
    }
    await run.change(`base64 -d ${files.base64} > ${files.page}`);
    await this.dockerCommand(run, `docker cp ${files.page} ${name}:${PAGE_PATH}`);
    await run.change(`rm -f ${files.base64} ${files.page}`);

    if (!run.dryRun && (await this.pageDigest(run, name)) !== wanted) {
      throw new SwitchyardError(
        'VERIFY_FAILED',
        `the page in container "${name}" still differs after it was copied in`,
      );
    }
  }

  /** SHA-256 of the served page, or null when it cannot be read. */
  private async pageDigest(run: StepRun, name: string): Promise<string | null> {
    const output = await run.observe(`docker exec ${name} sha256sum ${PAGE_PATH}`);
    return /^([0-9a-f]{64})\s/m.exec(output)?.[1] ?? null;
  }

  private async verify(run: StepRun, name: string, ports: PortMapping[]): Promise<DockerContainer> {
    const container = (await this.listContainers(run, 'docker ps')).find((c) => c.name === name);
    const wanted = ports.map((p) => `0.0.0.0:${p.host}->${p.container}/tcp`).join(', ');
    if (!container?.running || !samePorts(container, ports, '0.0.0.0')) {
      const found = container ? `${container.status} ${container.portsText}`.trim() : 'not listed';
      throw new SwitchyardError(
        'VERIFY_FAILED',
        `container "${name}" should be Up with ${wanted}; docker ps shows: ${found}`,
      );
    }
    return container;
  }
}

function runCommand(name: string, image: string, ports: PortMapping[]): string {
  // Pulls resolve and reach the registry only from the management namespace (the VRF).
  const publish = ports.map((p) => `-p ${p.host}:${p.container}`).join(' ');
  return `ip netns exec management docker run -d ${publish} --name ${name} ${image}`;
}

function throwDockerFailure(output: string, command: string): void {
  const code = classifyDockerFailure(output);
  if (code) throw new SwitchyardError(code, `"${command}" failed: ${lastLines(output)}`);
}

function lastLines(output: string): string {
  return output.trim().split('\n').slice(-3).join(' | ');
}

/** `nginx` and `nginx:latest` name the same image. */
function sameImage(a: string, b: string): boolean {
  const tagged = (image: string) => (/:[^/]+$/.test(image) ? image : `${image}:latest`);
  return tagged(a) === tagged(b);
}

/** The container publishes exactly these host->container TCP ports (on `hostIp` when given). */
function samePorts(container: DockerContainer, ports: PortMapping[], hostIp?: string): boolean {
  const published = new Set(
    container.ports
      .filter(
        (p) =>
          p.hostPort !== null &&
          p.protocol === 'tcp' &&
          (hostIp === undefined || p.hostIp === hostIp),
      )
      .map((p) => `${p.hostPort}->${p.containerPort}`),
  );
  const wanted = new Set(ports.map((p) => `${p.host}->${p.container}`));
  return published.size === wanted.size && [...wanted].every((entry) => published.has(entry));
}
