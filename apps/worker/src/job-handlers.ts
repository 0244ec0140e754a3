import type { Job } from 'bullmq';
import { STEP_NAMES, type StepName } from '@switchyard/contracts';
import type { StepHandler } from '@switchyard/steps';

/** The one handler of one job name. */
export interface JobHandler {
  readonly jobName: string;
  handle(job: Job, token: string | undefined, signal: AbortSignal | undefined): Promise<unknown>;
}

/**
 * Maps each job name the queue carries to exactly one handler. Refuses to build (and so the
 * worker refuses to start) when a name has no handler, two handlers, or a handler names a
 * job the queue does not carry.
 */
export function buildJobHandlerRegistry(
  queueName: string,
  jobNames: readonly string[],
  handlers: readonly JobHandler[],
): ReadonlyMap<string, JobHandler> {
  const problems: string[] = [];

  for (const name of jobNames) {
    const found = handlers.filter((h) => h.jobName === name);
    if (found.length === 0) {
      problems.push(
        `job "${name}" of queue "${queueName}" has no handler: pass one to startWorker (apps/worker/src/worker.ts)`,
      );
    }
    if (found.length > 1) {
      problems.push(
        `job "${name}" of queue "${queueName}" has ${found.length} handlers: keep exactly one`,
      );
    }
  }
  for (const handler of handlers) {
    if (!jobNames.includes(handler.jobName)) {
      problems.push(
        `a handler is registered for "${handler.jobName}", which queue "${queueName}" does not carry: remove it or add the name to JOB_NAMES`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`the worker cannot start:\n  ${problems.join('\n  ')}`);

  return new Map(handlers.map((h) => [h.jobName, h]));
}

/** Exactly one handler per step of the procedure, or a message saying what to fix. */
export function buildStepHandlerMap(
  handlers: readonly StepHandler[],
): ReadonlyMap<StepName, StepHandler> {
  const problems: string[] = [];

  for (const step of STEP_NAMES) {
    const count = handlers.filter((h) => h.name === step).length;
    if (count === 0)
      problems.push(
        `step "${step}" has no handler: add it to the step handlers given to startWorker`,
      );
    if (count > 1) problems.push(`step "${step}" has ${count} handlers: keep exactly one`);
  }
  for (const handler of handlers) {
    if (!(STEP_NAMES as readonly string[]).includes(handler.name)) {
      problems.push(
        `a step handler is named "${handler.name}", which is not a step (${STEP_NAMES.join(', ')})`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`the worker cannot start:\n  ${problems.join('\n  ')}`);

  return new Map(handlers.map((h) => [h.name, h]));
}
