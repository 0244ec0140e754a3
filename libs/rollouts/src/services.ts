import type { JobInput, JobView, RolloutInput, RolloutView } from '@switchyard/contracts';

/** A request that names switches that do not exist, or tags that match none: HTTP 400. */
export class TargetResolutionError extends Error {
  override readonly name = 'TargetResolutionError';

  constructor(
    message: string,
    /** Field path (e.g. `switchIds.2`) to message, for the 400 body. */
    readonly fields: Record<string, string>,
  ) {
    super(message);
  }
}

/** An action that the rollout's state does not allow (e.g. resume a finished one): HTTP 409. */
export class RolloutStateError extends Error {
  override readonly name = 'RolloutStateError';
}

/** What the API needs of rollouts. Implemented in this library; the API only calls it. */
export interface RolloutApi {
  create(input: RolloutInput): Promise<RolloutView>;
  get(id: string): Promise<RolloutView | null>;
  list(limit?: number): Promise<RolloutView[]>;
  pause(id: string): Promise<RolloutView | null>;
  resume(id: string): Promise<RolloutView | null>;
  /** Lets running steps end cleanly and starts nothing new. */
  cancel(id: string): Promise<RolloutView | null>;
}

/** Single-step jobs: `POST /v1/jobs`. */
export interface JobApi {
  submit(input: JobInput): Promise<JobView>;
  get(id: string): Promise<JobView | null>;
}
