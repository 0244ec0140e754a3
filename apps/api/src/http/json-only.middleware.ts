import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from './api-error';

/**
 * A body in another format than JSON is refused before the routes see it: they would
 * otherwise report every field of an empty body as missing. Bodiless requests pass.
 */
export function jsonOnlyMiddleware(
  req: IncomingMessage,
  res: ServerResponse,
  next: () => void,
): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 ||
    req.headers['transfer-encoding'] !== undefined;
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!hasBody || mediaType === 'application/json') {
    next();
    return;
  }

  const message = `the body must be JSON (Content-Type: application/json), not ${mediaType || 'untyped'}`;
  res.statusCode = 400;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(errorBody(400, message, { errors: [{ path: '', message }] })));
}
