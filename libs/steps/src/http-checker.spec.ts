import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseNetworkList } from '@switchyard/config';
import { isSwitchyardError, type ErrorCode } from '@switchyard/contracts';
import { MAX_HTTP_BODY_BYTES, createHttpChecker } from './http-checker';

const hasCode = (code: ErrorCode) => (err: unknown) => isSwitchyardError(err) && err.code === code;

describe('createHttpChecker', () => {
  let server: Server;
  let base: string;
  const httpGet = createHttpChecker(parseNetworkList('127.0.0.1/32'));

  before(async () => {
    server = createServer((req, res) => {
      if (req.url === '/page') res.end('NX-OS9000v\n');
      else if (req.url === '/moved') res.writeHead(302, { location: '/page' }).end();
      else if (req.url === '/huge') res.end(Buffer.alloc(MAX_HTTP_BODY_BYTES * 3, 'x'));
      // /silent never answers.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('returns the status and body', async () => {
    assert.deepEqual(await httpGet(`${base}/page`, 5_000), { status: 200, body: 'NX-OS9000v\n' });
  });

  it('returns a redirect as is instead of following it', async () => {
    assert.equal((await httpGet(`${base}/moved`, 5_000)).status, 302);
  });

  it('keeps at most 64 KiB of the body', async () => {
    const answer = await httpGet(`${base}/huge`, 5_000);

    assert.equal(answer.status, 200);
    assert.equal(answer.body.length, MAX_HTTP_BODY_BYTES);
  });

  it('gives up with HTTP_CHECK_FAILED after the timeout', async () => {
    await assert.rejects(
      httpGet(`${base}/silent`, 200),
      (err: unknown) => hasCode('HTTP_CHECK_FAILED')(err) && /200 ms/.test((err as Error).message),
    );
  });

  it('refuses an address outside the allowed networks before connecting', async () => {
    // A listener on the refused address proves no connection was even tried.
    let refusedConnections = 0;
    const outside = createServer((_req, res) => res.end('should not be reached'));
    outside.on('connection', () => refusedConnections++);
    await new Promise<void>((resolve) => outside.listen(0, '127.0.0.2', resolve));
    const port = (outside.address() as AddressInfo).port;

    try {
      await assert.rejects(
        httpGet(`http://127.0.0.2:${port}/page`, 1_000),
        hasCode('ADDRESS_NOT_ALLOWED'),
      );
      await assert.rejects(
        httpGet(`http://localhost:${port}/page`, 1_000),
        hasCode('ADDRESS_NOT_ALLOWED'),
      );
      assert.equal(refusedConnections, 0);
    } finally {
      await new Promise((resolve) => outside.close(resolve));
    }
  });
});
