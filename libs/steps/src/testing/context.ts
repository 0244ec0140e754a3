import type { DeploymentParams } from '@switchyard/contracts';
import { DEFAULT_DEPLOYMENT_PARAMS } from '@switchyard/contracts';
import { createRootLogger } from '@switchyard/logging';
import type { CliSession } from '@switchyard/nxos-cli';
import type { HttpCheckResult, StepContext } from '../step';
import type { StepTimings } from '../step-run';

/** Waits shortened so unit tests of polling run in milliseconds. */
export const FAST_TIMINGS: StepTimings = {
  pollIntervalMs: 1,
  mgmtReadyTimeoutMs: 50,
  dockerReadyTimeoutMs: 50,
  httpReadyTimeoutMs: 20,
  httpRequestTimeoutMs: 1_000,
};

export interface TestContextOptions {
  params?: Partial<DeploymentParams>;
  dryRun?: boolean;
  httpGet?: StepContext['httpGet'];
}

/** A step context over the given session; `httpCalls` records each GET asked for. */
export function testContext(
  session: CliSession,
  options: TestContextOptions = {},
): StepContext & { httpCalls: string[] } {
  const httpCalls: string[] = [];
  const httpGet =
    options.httpGet ??
    (async (): Promise<HttpCheckResult> => ({ status: 200, body: 'NX-OS9000v\n' }));
  return {
    session,
    switchName: 'NX-OS9000v-1',
    params: { ...DEFAULT_DEPLOYMENT_PARAMS, ...options.params },
    dryRun: options.dryRun ?? false,
    log: createRootLogger({ level: 'silent' }),
    signal: new AbortController().signal,
    httpCalls,
    httpGet: (url, timeoutMs) => {
      httpCalls.push(url);
      return httpGet(url, timeoutMs);
    },
  };
}
