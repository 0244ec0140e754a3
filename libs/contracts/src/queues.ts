import type { DeploymentParams, StepName, StepResult } from './steps';

/** Queue names: kebab-case, one per kind of work. */
export const QUEUE_NAMES = {
  switchRuns: 'switch-runs',
  webhookDeliveries: 'webhook-deliveries',
} as const;

/** Job names: kebab-case verbs. Each has exactly one handler in the worker. */
export const JOB_NAMES = {
  runSteps: 'run-steps',
  deliverWebhook: 'deliver-webhook',
} as const;

/**
 * One job runs an ordered list of steps on one switch over one SSH login. A single-step
 * submission (`POST /v1/jobs`) is the same job with one step; a rollout creates one per
 * switch. Holds no secret: credentials are looked up by the worker from the switch's
 * credentialRef.
 */
export interface RunStepsJobData {
  switchId: string;
  rolloutId: string | null;
  steps: StepName[];
  params: DeploymentParams;
  /** Observe and plan only: report what would change and the exact commands, change nothing. */
  dryRun: boolean;
}

/** Written as the job's progress while it runs and as its return value when it ends. */
export interface RunStepsJobProgress {
  switchId: string;
  currentStep: StepName | null;
  steps: StepResult[];
}

export type RunStepsJobResult = RunStepsJobProgress;

export interface DeliverWebhookJobData {
  webhookId: string;
  deliveryId: string;
}

/** Where each job name goes: the single source of truth the API and the worker share. */
export interface JobDataByName {
  [JOB_NAMES.runSteps]: RunStepsJobData;
  [JOB_NAMES.deliverWebhook]: DeliverWebhookJobData;
}
