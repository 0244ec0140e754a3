import type { StepName } from './steps';
import type { RolloutCounts, RolloutState } from './rollouts';

/**
 * What the event log records. Events speed status up (SSE, webhooks); they are never the
 * source of truth: the API always reads state from the stored jobs and rollouts.
 */
export const EVENT_TYPES = [
  'step.started',
  'step.finished',
  'step.failed',
  'step.retrying',
  'job.completed',
  'job.failed',
  'rollout.state-changed',
  'rollout.completed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface EventDataByType {
  'step.started': { attempt: number };
  'step.finished': { changed: boolean; status: 'succeeded' | 'planned'; durationMs: number };
  'step.failed': { code: string; message: string; attempt: number; final: boolean };
  'step.retrying': { code: string; attempt: number; delayMs: number };
  'job.completed': { changed: boolean };
  'job.failed': { code: string; message: string };
  'rollout.state-changed': { from: RolloutState | null; to: RolloutState; reason: string | null };
  'rollout.completed': { state: RolloutState; counts: RolloutCounts; reason: string | null };
}

/** The shape of an event before the log gives it an id and a time. */
export type NewEvent = {
  [T in EventType]: {
    type: T;
    rolloutId: string | null;
    jobId: string | null;
    switchId: string | null;
    step: StepName | null;
    data: EventDataByType[T];
  };
}[EventType];

/** A stored event. `id` is the event log's position and serves as the SSE id and Last-Event-ID. */
export type SwitchyardEvent = NewEvent & { id: string; at: string };
