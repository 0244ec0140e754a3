import { request } from 'node:http';
import { isIP } from 'node:net';
import type { NetworkList } from '@switchyard/config';
import { SwitchyardError } from '@switchyard/contracts';
import type { StepContext } from './step';

/** Most of a response body the checker keeps, in bytes; the rest is not read. */
export const MAX_HTTP_BODY_BYTES = 64 * 1024;

/**
 * The HTTP GET verify-nat uses. It connects only to IP addresses inside `allowed`
 * (refused with ADDRESS_NOT_ALLOWED before any connection), follows no redirect (a 3xx is
 * returned as is), gives up after `timeoutMs` and keeps at most 64 KiB of the body.
 */
export function createHttpChecker(allowed: NetworkList): StepContext['httpGet'] {
  return (url, timeoutMs) => {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (target.protocol !== 'http:') {
      return Promise.reject(
        new SwitchyardError(
          'HTTP_CHECK_FAILED',
          `only http:// URLs are checked, not ${target.protocol}`,
        ),
      );
    }
    if (isIP(host) === 0 || !allowed.has(host)) {
      return Promise.reject(
        new SwitchyardError(
          'ADDRESS_NOT_ALLOWED',
          `${host} is outside the allowed networks (${allowed.cidrs.join(', ') || 'none'})`,
        ),
      );
    }

    return new Promise((resolve, reject) => {
      const fail = (message: string) =>
        reject(new SwitchyardError('HTTP_CHECK_FAILED', `GET ${url}: ${message}`));
      const req = request(
        target,
        { method: 'GET', agent: false, headers: { connection: 'close' } },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          const finish = () => {
            clearTimeout(timer);
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).subarray(0, MAX_HTTP_BODY_BYTES).toString('utf8'),
            });
          };
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= MAX_HTTP_BODY_BYTES) {
              res.removeAllListeners('end');
              req.destroy();
              finish();
            }
          });
          res.on('end', finish);
          res.on('error', (err) => fail(err.message));
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        fail(`no complete answer within ${timeoutMs} ms`);
      }, timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        fail(err.message);
      });
      req.end();
    });
  };
}
