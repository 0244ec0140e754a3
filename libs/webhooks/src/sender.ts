import http from 'node:http';
import https from 'node:https';
import { pinnedLookup, type CheckedTarget } from './target-policy';

export interface AttemptOutcome {
  /** The HTTP status, or null when no response arrived. */
  responseCode: number | null;
  latencyMs: number;
  /** Why the attempt failed, or null when it succeeded. */
  error: string | null;
}

export interface SendInput {
  target: CheckedTarget;
  body: Buffer;
  headers: Record<string, string>;
  /** Deadline for connecting and receiving the response headers, in ms. */
  timeoutMs: number;
}

/**
 * One POST of a delivery. Connects to the checked address only, follows no redirect (a 3xx
 * is a failure like any other non-2xx answer) and gives up at the deadline.
 */
export function sendWebhookAttempt({
  target,
  body,
  headers,
  timeoutMs,
}: SendInput): Promise<AttemptOutcome> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  const signal = AbortSignal.timeout(timeoutMs);
  const client = target.url.protocol === 'https:' ? https : http;

  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };

    const request = client.request(
      target.url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(body.length),
        },
        lookup: pinnedLookup(target),
        // A fresh connection per attempt: a pooled one could lead to an address checked earlier.
        agent: false,
        signal,
      },
      (response) => {
        const code = response.statusCode ?? 0;
        // The answer's body is not needed; drain it so the connection can close normally.
        response.resume();
        response.on('error', () => undefined);
        const ok = code >= 200 && code < 300;
        settle({
          responseCode: code,
          latencyMs: latency(),
          error: ok ? null : describeStatus(code),
        });
      },
    );

    request.on('error', (err: NodeJS.ErrnoException) => {
      const timedOut = signal.aborted;
      settle({
        responseCode: null,
        latencyMs: latency(),
        error: timedOut
          ? `timed out: no response within ${timeoutMs} ms`
          : `network error: ${err.code ?? err.message}`,
      });
    });
    request.end(body);
  });
}

function describeStatus(code: number): string {
  if (code >= 300 && code < 400)
    return `answered ${code}; redirects are not followed, register the final URL`;
  return `answered ${code}, not 2xx`;
}
