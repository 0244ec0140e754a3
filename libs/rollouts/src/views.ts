import type { JobView, RolloutView, SwitchRunView } from '@switchyard/contracts';
import { loadJob, switchStateOf, type ObservedJob } from './job-status';
import type { SwitchRunsQueue } from './queue';
import { countSwitches, IN_FLIGHT_STATES, type RolloutRecord } from './rollout-record';

export async function readJob(queue: SwitchRunsQueue, jobId: string): Promise<ObservedJob | null> {
  const loaded = await loadJob(queue, jobId);
  return loaded ? loaded.observed : null;
}

export function toJobView(observed: ObservedJob): JobView {
  return {
    id: observed.id,
    switchId: observed.data.switchId,
    rolloutId: observed.data.rolloutId,
    steps: observed.data.steps,
    dryRun: observed.data.dryRun,
    state: observed.state,
    attempts: observed.attempts,
    result: observed.steps,
    error: observed.error,
    createdAt: observed.createdAt,
    finishedAt: observed.finishedAt,
  };
}

/**
 * The record, with each switch that has a job brought up to the job's true state (read
 * only: the coordinator writes the record). Step details come from the job. Without jobs
 * (`withJobs: false`, for lists) it is the record as the coordinator last wrote it, at most
 * one sweep behind, and without step details.
 */
export async function toRolloutView(
  queue: SwitchRunsQueue,
  record: RolloutRecord,
  options: { withJobs: boolean } = { withJobs: true },
): Promise<RolloutView> {
  const switches = await Promise.all(
    record.switches.map(async (entry): Promise<SwitchRunView> => {
      const view: SwitchRunView = {
        switchId: entry.switchId,
        switchName: entry.switchName,
        wave: entry.wave,
        state: entry.state,
        jobId: entry.jobId,
        attempts: entry.attempts,
        steps: [],
        error: entry.error,
      };
      if (!entry.jobId || !options.withJobs) return view;

      const observed = await readJob(queue, entry.jobId);
      if (!observed) return view;

      view.steps = observed.steps;
      if (IN_FLIGHT_STATES.includes(entry.state)) {
        view.state = switchStateOf(observed);
        view.attempts = observed.attempts;
        view.error = observed.error;
      }
      return view;
    }),
  );

  return {
    id: record.id,
    state: record.state,
    dryRun: record.dryRun,
    steps: record.steps,
    params: record.params,
    strategy: record.strategy,
    counts: countSwitches(switches),
    reason: record.reason,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    finishedAt: record.finishedAt,
    switches,
  };
}
