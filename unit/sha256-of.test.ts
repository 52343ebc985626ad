/**
 * `Http.sha256Of`, the streamed, hashed download behind `AsterClient.downloadSha256` (10.5 and
 * `npm run bench`): the digest and length of the whole body whatever its chunking, an ApiError for
 * a non-2xx answer, and a failure (never a digest of part of the body) when the connection breaks
 * or the body stalls past the timeout.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { ApiError, Http } from '../helpers/clients/api/http.js';

const MiB = 1024 * 1024;
const body = randomBytes(24 * MiB + 12_345);

let server: http.Server;
let api: Http;

test.beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    if (req.url === '/file') {
      res.writeHead(200, { 'content-length': body.length });
      res.end(body);
    } else if (req.url === '/trickle') {
      // Small writes with pauses: many chunks of odd sizes, no content-length (chunked encoding).
      res.writeHead(200);
      for (let offset = 0; offset < body.length; ) {
        const n = Math.min(body.length - offset, 1 + ((offset * 7919) % 300_000));
        res.write(body.subarray(offset, offset + n));
        offset += n;
        if (offset % 7 === 0) await new Promise((r) => setImmediate(r));
      }
      res.end();
    } else if (req.url === '/broken') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 3 * MiB), () => res.destroy());
    } else if (req.url === '/stall') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, MiB));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'not_found', msg: 'no such file' }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = new Http(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});

test.afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test('the digest and length of the whole body, in one write or in many small ones', async () => {
  const whole = { sha256: createHash('sha256').update(body).digest('hex'), bytes: body.length, status: 200 };
  expect(await api.sha256Of('/file')).toEqual(whole);
  expect(await api.sha256Of('/trickle')).toEqual(whole);
});

test('a non-2xx answer is an ApiError with its status and code', async () => {
  const missing = await api.sha256Of('/missing').catch((e: unknown) => e);
  expect(missing).toBeInstanceOf(ApiError);
  expect((missing as ApiError).status).toBe(404);
  expect((missing as ApiError).code).toBe('not_found');
});

test('a connection that breaks mid-body, or a body that stalls past the timeout, fails', async () => {
  await expect(api.sha256Of('/broken')).rejects.toThrow('aborted');
  await expect(api.sha256Of('/stall', { timeoutMs: 1000 })).rejects.toThrow('GET /stall: no data for 1 s');
});
