import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
} from '@nestjs/common';
import type { HttpRequest, HttpResponse } from './http-types';
import { isSwitchyardError, type ErrorCode } from '@switchyard/contracts';
import { SwitchEndpointTakenError, SwitchNameTakenError } from '@switchyard/inventory';
import type { Logger } from '@switchyard/logging';
import { RolloutStateError, TargetResolutionError } from '@switchyard/rollouts';
import { WebhookSecretKeyMissingError, WebhookTargetError } from '@switchyard/webhooks';
import { errorBody, type ApiErrorBody } from './api-error';
import { requestLogger } from './request-context';

/** Library failures the API answers with a client error, by error code. */
const STATUS_BY_ERROR_CODE: Partial<Record<ErrorCode, number>> = {
  SWITCH_NOT_FOUND: HttpStatus.NOT_FOUND,
  ADDRESS_NOT_ALLOWED: HttpStatus.BAD_REQUEST,
};

/**
 * Turns every failure into the one JSON error shape. Known failures of the libraries map
 * to client errors; anything else is a 500 whose details go to the log only.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger.child({ component: 'ErrorFilter' });
  }

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<HttpRequest>();
    const res = http.getResponse<HttpResponse>();
    const body = this.toBody(err, req);

    if (res.headersSent) {
      // A stream (SSE) already started: nothing can be said in JSON any more.
      res.end();
      return;
    }
    if (body.statusCode === HttpStatus.UNAUTHORIZED) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(body.statusCode).json(body);
  }

  private toBody(err: unknown, req: HttpRequest): ApiErrorBody {
    if (err instanceof HttpException) {
      // Nest wraps express.json failures; their own text may quote the body.
      return fromBodyParserError(err.cause) ?? fromHttpException(err);
    }

    if (isNamed(err, SwitchNameTakenError)) return errorBody(HttpStatus.CONFLICT, err.message);
    if (isNamed(err, SwitchEndpointTakenError)) return errorBody(HttpStatus.CONFLICT, err.message);

    if (isNamed(err, TargetResolutionError)) {
      const errors = Object.entries(err.fields).map(([path, message]) => ({ path, message }));
      return errorBody(HttpStatus.BAD_REQUEST, err.message, { errors });
    }

    if (isNamed(err, RolloutStateError)) return errorBody(HttpStatus.CONFLICT, err.message);

    if (isNamed(err, WebhookTargetError)) {
      return errorBody(HttpStatus.BAD_REQUEST, err.message, {
        errors: [{ path: 'url', message: err.message }],
      });
    }

    // A server configuration problem; the message says which variable to set.
    if (isNamed(err, WebhookSecretKeyMissingError))
      return errorBody(HttpStatus.SERVICE_UNAVAILABLE, err.message);

    if (isSwitchyardError(err) && STATUS_BY_ERROR_CODE[err.code]) {
      return errorBody(STATUS_BY_ERROR_CODE[err.code]!, err.message, { code: err.code });
    }

    const bodyParserFailure = fromBodyParserError(err);
    if (bodyParserFailure) return bodyParserFailure;

    requestLogger(this.logger, req).error({ err }, 'request failed');
    return errorBody(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'internal error; the server log has the details',
    );
  }
}

function isNamed<T extends abstract new (...args: never[]) => Error>(
  err: unknown,
  type: T,
): err is InstanceType<T> {
  // The name check covers a second copy of a library loaded from another path.
  return err instanceof type || (err instanceof Error && err.name === type.name);
}

function fromHttpException(err: HttpException): ApiErrorBody {
  const status = err.getStatus();
  const response = err.getResponse();
  if (
    typeof response === 'object' &&
    response !== null &&
    'statusCode' in response &&
    'error' in response
  ) {
    const { message } = response as { message?: unknown };
    // Nest's own exceptions may carry a list of messages.
    const text = Array.isArray(message) ? message.join('; ') : String(message ?? err.message);
    return { ...(response as ApiErrorBody), message: text };
  }
  return errorBody(status, typeof response === 'string' ? response : err.message);
}

/** express.json failures: malformed JSON, too large, wrong charset. Their messages are safe to show. */
function fromBodyParserError(err: unknown): ApiErrorBody | null {
  if (!(err instanceof Error) || !('type' in err) || typeof err.type !== 'string') return null;
  const status = (err as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status >= 500) return null;

  if (err.type === 'entity.parse.failed') {
    // The parser's own message quotes the body, which is not echoed back or logged.
    return errorBody(status, 'malformed JSON body', {
      errors: [{ path: '', message: 'the body is not valid JSON' }],
    });
  }
  if (err.type === 'entity.too.large') return errorBody(status, 'request body too large');
  return errorBody(status, err.message);
}
