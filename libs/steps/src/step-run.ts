import { setTimeout as sleep } from 'node:timers/promises';
import { SwitchyardError, type StepFacts } from '@switchyard/contracts';
import type { CommandOptions } from '@switchyard/nxos-cli';
import { isFeatureEnabled, parseFeatures } from '@switchyard/nxos-parsers';
import type { StepContext, StepOutcome } from './step';

/**
 * Longest pause between two reads while a step waits for the switch (DHCP lease, dockerd),
 * in ms. Waits start at FIRST_POLL_DELAY_MS and double up to this, so a quick answer is
 * seen quickly and a slow one is not read over and over.
 */
export const POLL_INTERVAL_MS = 1_000;

/** First pause of a wait, in ms. */
const FIRST_POLL_DELAY_MS = 100;

/** Longest a step waits for mgmt0 to get a DHCP address and default route, in ms. */
export const MGMT_READY_TIMEOUT_MS = 60_000;

/** Longest a step waits for dockerd to report running after `service docker start`, in ms. */
export const DOCKER_READY_TIMEOUT_MS = 60_000;

/** Longest verify-nat keeps trying the published port (nginx needs a moment after start), in ms. */
export const HTTP_READY_TIMEOUT_MS = 15_000;

/** Deadline of one HTTP GET against the published port, in ms. */
export const HTTP_REQUEST_TIMEOUT_MS = 5_000;

/** Waits the steps use; tests shorten them. */
export interface StepTimings {
  pollIntervalMs: number;
  mgmtReadyTimeoutMs: number;
  dockerReadyTimeoutMs: number;
  httpReadyTimeoutMs: number;
  httpRequestTimeoutMs: number;
}

export const DEFAULT_STEP_TIMINGS: StepTimings = {
  pollIntervalMs: POLL_INTERVAL_MS,
  mgmtReadyTimeoutMs: MGMT_READY_TIMEOUT_MS,
  dockerReadyTimeoutMs: DOCKER_READY_TIMEOUT_MS,
  httpReadyTimeoutMs: HTTP_READY_TIMEOUT_MS,
  httpRequestTimeoutMs: HTTP_REQUEST_TIMEOUT_MS,
};

/**
 * One run of one step: sends observations always and changes only outside a dry run,
 * keeping the list of changing commands (sent, or in a dry run planned) for the outcome.
 */
export class StepRun {
  private readonly changes: string[] = [];

  constructor(
    readonly context: StepContext,
    readonly timings: StepTimings,
  ) {}

  get dryRun(): boolean {
    return this.context.dryRun;
  }

  /** Sends a command that only reads the switch; returns its output. */
  async observe(command: string, options?: CommandOptions): Promise<string> {
    return (await this.context.session.run(command, options)).output;
  }

  /**
   * Records a command that changes the switch and sends it unless this is a dry run.
   * Returns its output, or null in a dry run.
   */
  async change(command: string, options?: CommandOptions): Promise<string | null> {
    this.changes.push(command);
    if (this.dryRun) return null;
    return (await this.context.session.run(command, options)).output;
  }

  /** Records the mode change into config mode (`configure terminal`) and makes it unless a dry run. */
  async enterConfig(): Promise<void> {
    this.changes.push('configure terminal');
    if (!this.dryRun) await this.context.session.ensureMode('config');
  }

  /** Records `end` and leaves config mode unless a dry run. */
  async endConfig(): Promise<void> {
    this.changes.push('end');
    if (!this.dryRun) await this.context.session.ensureMode('exec');
  }

  /**
   * Moves to the root Bash shell. `run bash` needs `feature bash-shell`, which a dry run
   * may only have planned (configure-mgmt): then it returns false and the step plans
   * without reading the Linux side. Outside a dry run it always enters (or throws).
   */
  async enterRootBash(): Promise<boolean> {
    if (this.dryRun) {
      await this.context.session.ensureMode('exec');
      if (!isFeatureEnabled(parseFeatures(await this.observe('show feature')), 'bash-shell'))
        return false;
    }
    await this.context.session.ensureMode('root-bash');
    return true;
  }

  get changed(): boolean {
    return this.changes.length > 0;
  }

  /**
   * Calls `probe` every poll interval until it returns a value, or throws `onTimeout()`
   * once `timeoutMs` has passed.
   */
  async poll<T>(
    timeoutMs: number,
    probe: () => Promise<T | null>,
    onTimeout: () => SwitchyardError,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let delayMs = Math.min(FIRST_POLL_DELAY_MS, this.timings.pollIntervalMs);
    for (;;) {
      const value = await probe();
      if (value !== null) return value;
      if (Date.now() + delayMs > deadline) throw onTimeout();
      await sleep(delayMs, undefined, { signal: this.context.signal });
      delayMs = Math.min(delayMs * 2, this.timings.pollIntervalMs);
    }
  }

  outcome(facts: StepFacts): StepOutcome {
    return {
      changed: this.changed,
      facts,
      commands: [...this.changes],
      transcript: this.context.session.takeTranscript(),
    };
  }
}
