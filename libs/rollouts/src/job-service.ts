import { randomUUID } from 'node:crypto';
import { JOB_NAMES, type JobInput, type JobView } from '@switchyard/contracts';
import type { SwitchRepository } from '@switchyard/inventory';
import { runStepsJobOptions, type SwitchRunsQueue } from './queue';
import { TargetResolutionError, type JobApi } from './services';
import { readJob, toJobView } from './views';

/** Single-step jobs: the same run-steps job a rollout uses, with one step and no rollout. */
export class JobService implements JobApi {
  constructor(
    private readonly queue: SwitchRunsQueue,
    private readonly switches: SwitchRepository,
  ) {}

  async submit(input: JobInput): Promise<JobView> {
    const target = await this.switches.get(input.switchId);
    if (!target) {
      throw new TargetResolutionError(`no switch with id "${input.switchId}"`, {
        switchId: `no switch with id "${input.switchId}"`,
      });
    }

    const jobId = randomUUID();
    await this.queue.add(
      JOB_NAMES.runSteps,
      {
        switchId: target.id,
        rolloutId: null,
        steps: [input.step],
        params: input.params,
        dryRun: input.dryRun,
      },
      runStepsJobOptions(jobId),
    );
    const view = await this.get(jobId);
    if (!view) throw new Error(`job ${jobId} was not found right after it was added`);
    return view;
  }

  async get(id: string): Promise<JobView | null> {
    const observed = await readJob(this.queue, id);
    return observed ? toJobView(observed) : null;
  }
}
