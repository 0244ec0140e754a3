import { z } from 'zod';
import {
  DeploymentParamsSchema,
  STEP_NAMES,
  StepNameSchema,
  type DeploymentParams,
  type StepName,
  type StepResult,
} from './steps';

export const RolloutStrategySchema = z
  .object({
    /** Switches of this rollout running at once. */
    concurrency: z.number().int().min(1).max(1000).default(10),
    /** The first K switches run alone; the rest waits until all of them succeed. 0: no canary. */
    canary: z.number().int().min(0).default(0),
    /** After the canary, switches start in waves of this size; each waits for the last to end. Absent: one wave. */
    waveSize: z.number().int().min(1).optional(),
    /** Once failed switches exceed this share of all targets, switches not yet started are skipped. */
    maxFailurePercentage: z.number().min(0).max(100).default(0),
  })
  .strict();

export type RolloutStrategy = z.infer<typeof RolloutStrategySchema>;

const StepListSchema = z
  .array(StepNameSchema)
  .min(1)
  .refine((steps) => new Set(steps).size === steps.length, 'each step may appear once')
  .refine(
    (steps) =>
      steps.every(
        (step, i) => i === 0 || STEP_NAMES.indexOf(steps[i - 1]) < STEP_NAMES.indexOf(step),
      ),
    `steps must keep the procedure order: ${STEP_NAMES.join(', ')}`,
  );

export const RolloutInputSchema = z
  .object({
    switchIds: z.array(z.string().min(1)).min(1).max(10_000).optional(),
    tags: z.array(z.string().min(1)).min(1).max(32).optional(),
    steps: StepListSchema.default([...STEP_NAMES]),
    params: DeploymentParamsSchema.default(DeploymentParamsSchema.parse({})),
    strategy: RolloutStrategySchema.default(RolloutStrategySchema.parse({})),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .refine((input) => (input.switchIds === undefined) !== (input.tags === undefined), {
    message: 'give exactly one of switchIds or tags',
    path: ['switchIds'],
  });

export type RolloutInput = z.infer<typeof RolloutInputSchema>;

/** A single step on a single switch: `POST /v1/jobs`. */
export const JobInputSchema = z
  .object({
    switchId: z.string().min(1),
    step: StepNameSchema,
    params: DeploymentParamsSchema.default(DeploymentParamsSchema.parse({})),
    dryRun: z.boolean().default(false),
  })
  .strict();

export type JobInput = z.infer<typeof JobInputSchema>;

export const ROLLOUT_FINAL_STATES = ['succeeded', 'failed', 'cancelled'] as const;
export type RolloutState = 'running' | 'paused' | (typeof ROLLOUT_FINAL_STATES)[number];

export type SwitchRunState =
  'pending' | 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface SwitchRunView {
  switchId: string;
  switchName: string;
  /** 0 is the canary wave when there is one. */
  wave: number;
  state: SwitchRunState;
  jobId: string | null;
  attempts: number;
  steps: StepResult[];
  /** `hint` says what the operator should do next. */
  error: { code: string; message: string; hint: string } | null;
}

export interface RolloutCounts {
  total: number;
  pending: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

export interface RolloutView {
  id: string;
  state: RolloutState;
  dryRun: boolean;
  steps: StepName[];
  params: DeploymentParams;
  strategy: RolloutStrategy;
  counts: RolloutCounts;
  /** Why a rollout ended failed or skipped switches (failure budget exceeded, cancelled). */
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  switches: SwitchRunView[];
}

export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed' | 'unknown';

export interface JobView {
  id: string;
  switchId: string;
  rolloutId: string | null;
  steps: StepName[];
  dryRun: boolean;
  state: JobState;
  attempts: number;
  result: StepResult[];
  /** `hint` says what the operator should do next. */
  error: { code: string; message: string; hint: string } | null;
  createdAt: string;
  finishedAt: string | null;
}
