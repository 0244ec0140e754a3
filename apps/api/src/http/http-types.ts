import type { IncomingMessage, ServerResponse } from 'node:http';

// The parts of Express's request and response the API uses. The project carries no
// @types/express; these keep the controllers typed without it.

export interface HttpRequest extends IncomingMessage {
  method: string;
  /** Parsed JSON body; undefined when the request had none or was not JSON. */
  body?: unknown;
  /** The path without the query string. */
  path: string;
  /** The path and query string as the client sent them. */
  originalUrl: string;
  header(name: string): string | undefined;
}

export interface HttpResponse extends ServerResponse {
  status(code: number): this;
  json(body: unknown): this;
}

export type NextFunction = (err?: unknown) => void;
