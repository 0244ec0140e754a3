import { HttpException, HttpStatus } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** One bad field of a request: `path` is dotted (`params.ports.0.host`), empty for the whole body. */
export interface FieldError {
  path: string;
  message: string;
}

/** The body of every error response. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  /** Present on 400s caused by bad input: one entry per bad field. */
  errors?: FieldError[];
  /** A Switchyard error code from the catalogue, when the failure has one. */
  code?: string;
}

export function errorBody(
  statusCode: number,
  message: string,
  extra: Partial<ApiErrorBody> = {},
): ApiErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...extra };
}

/** Bad input: a 400 that names every bad field. */
export class InvalidRequestException extends HttpException {
  constructor(
    readonly fieldErrors: FieldError[],
    summary = summarize(fieldErrors),
  ) {
    super(
      errorBody(HttpStatus.BAD_REQUEST, summary, { errors: fieldErrors }),
      HttpStatus.BAD_REQUEST,
    );
  }
}

function summarize(fieldErrors: FieldError[]): string {
  const paths = [...new Set(fieldErrors.map((e) => e.path || '(body)'))];
  return `invalid request: ${paths.length} bad field${paths.length === 1 ? '' : 's'} (${paths.join(', ')})`;
}

export class NotFoundError extends HttpException {
  constructor(what: string, id: string) {
    super(errorBody(HttpStatus.NOT_FOUND, `no ${what} with id "${id}"`), HttpStatus.NOT_FOUND);
  }
}

export class ConflictError extends HttpException {
  constructor(message: string) {
    super(errorBody(HttpStatus.CONFLICT, message), HttpStatus.CONFLICT);
  }
}
