import {
  type CallHandler,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpRequest, HttpResponse } from '../http/http-types';
import { from, type Observable, of, mergeMap, catchError } from 'rxjs';
import { ConflictError, InvalidRequestException } from '../http/api-error';
import { requestState } from '../http/request-context';
import { canonicalJson, IdempotencyStore, sha256Hex } from './idempotency.store';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Set on an answer that is a replay of the first one. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
/** Lists the fields of the first answer that a replay leaves out (secrets). */
export const IDEMPOTENCY_WITHHELD_HEADER = 'Idempotency-Withheld';

const VALID_KEY = /^[\x21-\x7e]{1,255}$/;
const WITHHELD_FIELDS = 'switchyard:idempotency-withheld';

/** Fields of this route's answer that are never stored, so a replay answers without them. */
export const WithholdOnReplay = (...fields: string[]) => SetMetadata(WITHHELD_FIELDS, fields);

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');

/**
 * `Idempotency-Key` on POST routes. The same key with the same request answers the first
 * answer again (status and body, marked by `Idempotent-Replayed: true`); the same key with
 * another request, or while the first is still running, is a 409. Failed requests release
 * the key. Keys are scoped by principal and kept 24 h.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const res = context.switchToHttp().getResponse<HttpResponse>();
    const key = req.header(IDEMPOTENCY_KEY_HEADER);
    if (req.method !== 'POST' || key === undefined) return next.handle();

    if (!VALID_KEY.test(key)) {
      throw new InvalidRequestException([
        { path: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' },
      ]);
    }
    const principal = requestState(req).principal;
    // Only authenticated routes are POSTs; the guard has run by now.
    if (!principal) return next.handle();

    const withheld = this.reflector.get<string[]>(WITHHELD_FIELDS, context.getHandler()) ?? [];
    const fingerprint = sha256Hex(
      `${req.method} ${req.originalUrl}\n${canonicalJson(req.body ?? null)}`,
    );

    return from(this.store.begin(principal.id, key, fingerprint)).pipe(
      mergeMap((outcome) => {
        switch (outcome.kind) {
          case 'different-request':
            throw new ConflictError(
              'this Idempotency-Key was already used with a different request; use a new key',
            );
          case 'in-flight':
            res.setHeader('Retry-After', '1');
            throw new ConflictError(
              'a request with this Idempotency-Key is still being processed; retry shortly',
            );
          case 'replay':
            res.status(outcome.response.status);
            res.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
            if (outcome.response.withheld.length > 0)
              res.setHeader(IDEMPOTENCY_WITHHELD_HEADER, outcome.response.withheld.join(', '));
            return of(outcome.response.body);
          case 'started':
            return next.handle().pipe(
              mergeMap(async (body: unknown) => {
                await this.store.complete(outcome.lease, {
                  status: res.statusCode || HttpStatus.OK,
                  body: without(body, withheld),
                  withheld,
                });
                return body;
              }),
              catchError(async (err: unknown) => {
                await this.store.abandon(outcome.lease);
                throw err;
              }),
            );
        }
      }),
    );
  }
}

function without(body: unknown, fields: string[]): unknown {
  if (fields.length === 0 || body === null || typeof body !== 'object') return body;
  const copy = { ...(body as Record<string, unknown>) };
  for (const field of fields) delete copy[field];
  return copy;
}
