import {
  isSwitchyardError,
  SwitchyardError,
  type ErrorCode,
  type NewEvent,
  type RunStepsJobData,
  type RunStepsJobProgress,
  type RunStepsJobResult,
  type StepName,
  type StepResult,
  type Switch,
} from '@switchyard/contracts';
import type { CredentialStore } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import type { CliSession } from '@switchyard/nxos-cli';
import type { SessionLease, SessionPool } from '@switchyard/ssh-pool';
import type { StepContext, StepHandler } from '@switchyard/steps';

/** Failures after which the session cannot be trusted with the next command. */
const SESSION_SPOILING_CODES: ReadonlySet<ErrorCode> = new Set([
  'COMMAND_TIMEOUT',
  'CONNECTION_DROPPED',
  'KEEPALIVE_TIMEOUT',
  'CHANNEL_OPEN_FAILED',
  'INTERNAL',
]);

export interface StepRunnerDeps {
  handlers: ReadonlyMap<StepName, StepHandler>;
  sessions: SessionPool;
  credentials: Pick<CredentialStore, 'get'>;
  events: { append(event: NewEvent): Promise<unknown> };
  httpGet: StepContext['httpGet'];
}

export interface StepRunRequest {
  jobId: string;
  data: RunStepsJobData;
  /** The switch as registered, or null when it was removed since the job was submitted. */
  target: Switch | null;
  /** 1 for the first try. */
  attempt: number;
  maxAttempts: number;
  /** The backoff before the next try, should this one fail with a retryable error, in ms. */
  retryDelayMs: number;
  log: Logger;
  signal: AbortSignal;
  reportProgress(progress: RunStepsJobProgress): Promise<void>;
  /** Asked before each step (and before login): an error to stop with (a cancel), or null. */
  checkBetweenSteps(): Promise<SwitchyardError | null>;
  /** Asked before each command: throws (LOCK_LOST) when the run must stop. */
  checkBeforeCommand(): void;
}

/** A run that ended with an error; carries what the steps did up to there. */
export class StepRunFailure extends SwitchyardError {
  constructor(
    cause: SwitchyardError,
    readonly result: RunStepsJobResult,
    /** False when the queue will try again. */
    readonly final: boolean,
  ) {
    super(cause.code, cause.message, { cause });
  }
}

/**
 * Runs a job's steps in order on one switch over one leased session, stopping at the first
 * failure. Knows nothing of BullMQ: the processor adapts it to the queue.
 */
export class StepRunner {
  constructor(private readonly deps: StepRunnerDeps) {}

  async run(request: StepRunRequest): Promise<RunStepsJobResult> {
    const { data } = request;
    const results: StepResult[] = [];
    const progress = (currentStep: StepName | null): RunStepsJobProgress => ({
      switchId: data.switchId,
      currentStep,
      steps: [...results],
    });
    let lease: SessionLease | null = null;
    let current: StepName = data.steps[0];
    let stepStartedAt = Date.now();

    // A retry starts from a clean slate: the steps are idempotent and run again in full.
    await request.reportProgress(progress(current));

    try {
      const target = this.requireTarget(request);
      const credentials = this.deps.credentials.get(target.credentialRef);

      for (const [index, step] of data.steps.entries()) {
        current = step;
        stepStartedAt = Date.now();
        const stop = await request.checkBetweenSteps();
        if (stop) throw stop;

        lease ??= await this.deps.sessions.acquire(
          {
            id: target.id,
            name: target.name,
            host: target.host,
            port: target.port,
            username: credentials.username,
            password: credentials.password,
            legacyAlgorithms: target.legacyAlgorithms,
            hostKey: target.hostKey,
          },
          { signal: request.signal },
        );
        if (index > 0) await request.reportProgress(progress(step));
        results.push(await this.runStep(step, lease.session, request));
        await request.reportProgress(progress(data.steps[index + 1] ?? null));
      }
    } catch (err) {
      const error = toSwitchyardError(err);
      // What the switch answered up to the failure, for the operator.
      const transcript = lease ? lease.session.takeTranscript() : [];
      results.push({ ...stoppedResult(current, error, stepStartedAt), transcript });
      for (const step of data.steps.slice(data.steps.indexOf(current) + 1))
        results.push(notRunResult(step));

      if (lease) disposeLease(lease, error);
      const final = !error.retryable || request.attempt >= request.maxAttempts;
      await request.reportProgress(progress(null));
      await this.reportFailure(request, current, error, final);
      throw new StepRunFailure(error, progress(null), final);
    }

    lease?.release();
    const changed = results.some((r) => r.changed);
    await this.emit(request, null, { type: 'job.completed', data: { changed } });
    request.log.info({ changed, steps: results.length }, 'job completed');
    return progress(null);
  }

  private async runStep(
    step: StepName,
    session: CliSession,
    request: StepRunRequest,
  ): Promise<StepResult> {
    const handler = this.deps.handlers.get(step);
    if (!handler)
      throw new SwitchyardError('INTERNAL', `this worker has no handler for step "${step}"`);

    const log = request.log.child({ step });
    const startedAt = new Date();
    await this.emit(request, step, { type: 'step.started', data: { attempt: request.attempt } });
    log.info({ attempt: request.attempt, dryRun: request.data.dryRun }, 'step started');

    const outcome = await handler.run({
      session: guardSession(session, request.checkBeforeCommand),
      switchName: request.target?.name ?? request.data.switchId,
      params: request.data.params,
      dryRun: request.data.dryRun,
      log,
      signal: request.signal,
      httpGet: this.deps.httpGet,
    });

    const durationMs = Date.now() - startedAt.getTime();
    const status = request.data.dryRun ? 'planned' : 'succeeded';
    await this.emit(request, step, {
      type: 'step.finished',
      data: { changed: outcome.changed, status, durationMs },
    });
    log.info({ changed: outcome.changed, durationMs, status }, 'step finished');

    return {
      step,
      status,
      changed: outcome.changed,
      facts: outcome.facts,
      commands: outcome.commands,
      transcript: outcome.transcript,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationMs,
      error: null,
    };
  }

  private requireTarget(request: StepRunRequest): Switch {
    if (request.target) return request.target;
    throw new SwitchyardError(
      'SWITCH_NOT_FOUND',
      `switch ${request.data.switchId} is no longer registered`,
    );
  }

  private async reportFailure(
    request: StepRunRequest,
    step: StepName,
    error: SwitchyardError,
    final: boolean,
  ): Promise<void> {
    const log = request.log.child({ step });
    const { code, message } = error;

    await this.emit(request, step, {
      type: 'step.failed',
      data: { code, message, attempt: request.attempt, final },
    });
    if (final) {
      await this.emit(request, step, { type: 'job.failed', data: { code, message } });
      log.warn({ err: error, code, attempt: request.attempt }, 'job failed for good');
      return;
    }
    await this.emit(request, step, {
      type: 'step.retrying',
      data: { code, attempt: request.attempt, delayMs: request.retryDelayMs },
    });
    log.warn(
      { err: error, code, attempt: request.attempt, delayMs: request.retryDelayMs },
      'step failed; retrying',
    );
  }

  /** Events speed status up and are never the truth; losing one must not fail the job. */
  private async emit(
    request: StepRunRequest,
    step: StepName | null,
    event: Pick<NewEvent, 'type' | 'data'>,
  ): Promise<void> {
    try {
      await this.deps.events.append({
        ...event,
        rolloutId: request.data.rolloutId,
        jobId: request.jobId,
        switchId: request.data.switchId,
        step,
      } as NewEvent);
    } catch (err) {
      request.log.warn({ err, type: event.type }, 'could not append an event');
    }
  }
}

function toSwitchyardError(err: unknown): SwitchyardError {
  if (isSwitchyardError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SwitchyardError('INTERNAL', message, { cause: err });
}

/** A session that had a timeout or a drop may still deliver late output: never reuse it. */
function disposeLease(lease: SessionLease, error: SwitchyardError): void {
  if (lease.session.broken || SESSION_SPOILING_CODES.has(error.code))
    lease.discard(`${error.code}: ${error.message}`);
  else lease.release();
}

/** The session as a step sees it: each command first asks whether the run may go on. */
function guardSession(session: CliSession, checkBeforeCommand: () => void): CliSession {
  return {
    get hostname() {
      return session.hostname;
    },
    get mode() {
      return session.mode;
    },
    get broken() {
      return session.broken;
    },
    run(command, options) {
      checkBeforeCommand();
      return session.run(command, options);
    },
    ensureMode(mode, options) {
      checkBeforeCommand();
      return session.ensureMode(mode, options);
    },
    takeTranscript: () => session.takeTranscript(),
    close: () => session.close(),
  };
}

/** The step the run stopped in: failed, or skipped when it stopped before the step began. */
function stoppedResult(step: StepName, error: SwitchyardError, startedAtMs: number): StepResult {
  const stoppedBefore = error.code === 'CANCELLED';
  return {
    step,
    status: stoppedBefore ? 'skipped' : 'failed',
    changed: false,
    facts: {},
    commands: [],
    transcript: [],
    startedAt: stoppedBefore ? null : new Date(startedAtMs).toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: stoppedBefore ? null : Date.now() - startedAtMs,
    error: {
      code: error.code,
      message: error.message,
      retryable: error.retryable,
      hint: error.hint,
    },
  };
}

function notRunResult(step: StepName): StepResult {
  return {
    step,
    status: 'skipped',
    changed: false,
    facts: {},
    commands: [],
    transcript: [],
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    error: null,
  };
}
