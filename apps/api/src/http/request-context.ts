import { randomUUID } from 'node:crypto';
import type { HttpRequest, HttpResponse, NextFunction } from './http-types';
import type { Logger } from '@switchyard/logging';
import type { Principal } from '../auth/principals';

/** A client-supplied request id is kept only when it looks like an id (no log injection). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** What the API attaches to each request. */
export interface ApiRequestState {
  requestId: string;
  /** Set by the bearer guard once the token is accepted. */
  principal?: Principal;
}

export type ApiRequest = HttpRequest & { switchyard: ApiRequestState };

export function requestState(req: HttpRequest): ApiRequestState {
  const withState = req as Partial<ApiRequest>;
  withState.switchyard ??= { requestId: randomUUID() };
  return withState.switchyard;
}

/** The class logger with the request id bound. */
export function requestLogger(logger: Logger, req: HttpRequest): Logger {
  return logger.child({ requestId: requestState(req).requestId });
}

/**
 * Express middleware that gives each request its id (echoed in `X-Request-Id`) and logs
 * one line when the response ends. Only method, path, status and timing are logged: never
 * headers, so no Authorization value, and never bodies, so no secret.
 */
export function requestContextMiddleware(logger: Logger) {
  const log = logger.child({ component: 'HttpAccess' });

  return (req: HttpRequest, res: HttpResponse, next: NextFunction): void => {
    const offered = req.header(REQUEST_ID_HEADER);
    const state = requestState(req);
    if (offered && CLIENT_REQUEST_ID.test(offered)) state.requestId = offered;
    res.setHeader('X-Request-Id', state.requestId);

    const started = process.hrtime.bigint();
    res.once('close', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      log.info(
        {
          requestId: state.requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 10) / 10,
          principal: state.principal?.id ?? null,
        },
        'request',
      );
    });
    next();
  };
}
