import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { HttpRequest } from '../http/http-types';
import { errorBody } from '../http/api-error';
import { requestState } from '../http/request-context';
import { PRINCIPAL_RESOLVER, type PrincipalResolver } from './principals';

const PUBLIC_ROUTE = 'switchyard:public-route';

/** Marks a route (or controller) that needs no token: the health check. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

const BEARER = /^Bearer ([^\s]+)$/i;

/**
 * Every route needs `Authorization: Bearer <token>` unless marked `@Public()`. The
 * principal found is stored on the request for what follows (idempotency keys are scoped
 * by it). A 401 carries `WWW-Authenticate: Bearer` (set by the error filter).
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PRINCIPAL_RESOLVER) private readonly principals: PrincipalResolver,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;

    const req = context.switchToHttp().getRequest<HttpRequest>();
    const match = BEARER.exec(req.header('authorization') ?? '');
    if (!match) throw unauthorized('missing bearer token: send Authorization: Bearer <token>');

    const principal = this.principals.resolve(match[1]);
    if (!principal) throw unauthorized('invalid bearer token');

    requestState(req).principal = principal;
    return true;
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException(errorBody(HttpStatus.UNAUTHORIZED, message));
}
