import type { JobInput, JobView, RolloutView, Switch, SwitchInput } from '@switchyard/contracts';

/** The API's error body: `errors` names each bad field of a 400. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: { path: string; message: string }[];
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | string,
  ) {
    super(
      `HTTP ${status}: ${typeof body === 'string' ? body : `${body.message}${formatFieldErrors(body)}`}`,
    );
  }
}

function formatFieldErrors(body: ApiErrorBody): string {
  return body.errors?.length
    ? ` (${body.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})`
    : '';
}

/** Input as the API takes it: fields with defaults may be left out. */
export type SwitchRegistration = Partial<SwitchInput> &
  Pick<SwitchInput, 'name' | 'host' | 'credentialRef'>;

export interface RolloutRequest {
  switchIds?: string[];
  tags?: string[];
  steps?: string[];
  params?: Record<string, unknown>;
  strategy?: Record<string, unknown>;
  dryRun?: boolean;
}

const FINAL_ROLLOUT_STATES = new Set(['succeeded', 'failed', 'cancelled']);

/** A small typed client of the Switchyard REST API, for scripts, CI and the demo. */
export class SwitchyardClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  registerSwitch(input: SwitchRegistration): Promise<Switch> {
    return this.request('POST', '/v1/switches', input);
  }

  listSwitches(): Promise<Switch[]> {
    return this.request('GET', '/v1/switches');
  }

  submitJob(input: Partial<JobInput> & Pick<JobInput, 'switchId' | 'step'>): Promise<JobView> {
    return this.request('POST', '/v1/jobs', input);
  }

  getJob(id: string): Promise<JobView> {
    return this.request('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  }

  createRollout(input: RolloutRequest, idempotencyKey?: string): Promise<RolloutView> {
    return this.request(
      'POST',
      '/v1/rollouts',
      input,
      idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
    );
  }

  getRollout(id: string): Promise<RolloutView> {
    return this.request('GET', `/v1/rollouts/${encodeURIComponent(id)}`);
  }

  /**
   * Polls until the rollout reaches a final state. `onUpdate` sees every poll's view, so
   * callers can render progress.
   */
  async waitForRollout(
    id: string,
    options: { pollMs?: number; timeoutMs?: number; onUpdate?: (view: RolloutView) => void } = {},
  ): Promise<RolloutView> {
    const pollMs = options.pollMs ?? 250;
    const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);

    for (;;) {
      const view = await this.getRollout(id);
      options.onUpdate?.(view);
      if (FINAL_ROLLOUT_STATES.has(view.state)) return view;
      if (Date.now() > deadline) {
        throw new Error(
          `rollout ${id} still ${view.state} after ${options.timeoutMs} ms: ${JSON.stringify(view.counts)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text ? safeJson(text) : undefined;
    if (!response.ok)
      throw new ApiError(response.status, (parsed as ApiErrorBody | undefined) ?? text);
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
