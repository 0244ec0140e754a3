import type { DeploymentParams, StepFacts, StepName, TranscriptEntry } from '@switchyard/contracts';
import type { Logger } from '@switchyard/logging';
import type { CliSession } from '@switchyard/nxos-cli';

export interface HttpCheckResult {
  status: number;
  body: string;
}

export interface StepContext {
  /** A leased session in exec mode. */
  session: CliSession;
  switchName: string;
  params: DeploymentParams;
  /** Observe and plan only: no command that changes the switch may be sent. */
  dryRun: boolean;
  log: Logger;
  signal: AbortSignal;
  /**
   * An HTTP GET from outside the switch. Refuses addresses outside the allowed networks
   * with ADDRESS_NOT_ALLOWED.
   */
  httpGet(url: string, timeoutMs: number): Promise<HttpCheckResult>;
}

export interface StepOutcome {
  changed: boolean;
  facts: StepFacts;
  /** Commands that changed the switch, or in a dry run the exact ones that would. */
  commands: string[];
  transcript: TranscriptEntry[];
}

/**
 * One step of the procedure: observe, act only when needed, verify. Throws
 * SwitchyardError with a code for every failure it understands.
 */
export interface StepHandler {
  readonly name: StepName;
  /** Deadline for the slowest command of the step at time scale 1, in ms. */
  readonly commandTimeoutMs: number;
  run(context: StepContext): Promise<StepOutcome>;
}
