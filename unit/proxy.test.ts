/**
 * The managed target's entry (helpers/harness/entry-servers/entry-proxy.ts): a real nginx and a real Caddy in
 * front of a tiny upstream, with the run's CA. The base config of each behaves as AsterDrive's
 * reverse-proxy guide asks; each fault's deviation makes the mistake the fault matrix relies on.
 * Also: the TLS trust of Node clients and the certificate preflight of a deployment.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { makeRunCa } from '../helpers/harness/entry-servers/ca.js';
import { SSE_READ_TIMEOUT_S } from '../helpers/harness/entry-servers/deviations.js';
import { SSE_PATH } from '../helpers/harness/entry-servers/nginx.js';
import { findServerBinary } from '../helpers/harness/entry-servers/server.js';
import {
  chooseServer,
  DEVIATIONS,
  type EntryProxy,
  type EntryServerName,
  GLOBAL_CSP,
  HSTS_VALUE,
  PROXY_FAULTS,
  PROXY_LIMIT_REQ,
  type ProxyFault,
  parseFaults,
  startEntry,
} from '../helpers/harness/entry-servers/entry-proxy.js';
import { CertificateProblem, verifyServerCertificate } from '../helpers/harness/trust.js';
import { CertificatePreflightError, preflightCertificate } from '../helpers/harness/target/preflight.js';

const SERVERS: EntryServerName[] = ['nginx', 'caddy'];
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bytes: number;
}

let upstream: http.Server;
let upstreamUrl: string;

test.beforeAll(async () => {
  for (const s of SERVERS) expect(findServerBinary(s), `${s} is not installed: apt-get install nginx caddy (.ci/run installs them)`).not.toBeNull();
  upstream = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      const seen: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes };
      if (u.pathname === '/big') {
        const n = Number(u.searchParams.get('n'));
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(n), 'x-request-id': 'up' });
        const chunk = Buffer.alloc(64 * 1024, 7);
        let sent = 0;
        const pump = () => {
          while (sent < n) {
            const part = chunk.subarray(0, Math.min(chunk.length, n - sent));
            sent += part.length;
            if (!res.write(part)) return res.once('drain', pump);
          }
          res.end();
        };
        return pump();
      }
      if (u.pathname === SSE_PATH) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': 'up' });
        res.write(': hello\n\n');
        // ?quiet: nothing after the first frame, like AsterDrive's stream between two heartbeats.
        if (u.searchParams.has('quiet')) return;
        const timer = setInterval(() => res.write('data: {"t":1}\n\n'), 200);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (u.pathname === '/page') {
        res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "default-src 'self'", 'x-request-id': 'up' });
        return res.end('<html></html>');
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'up', dav: '1, 2' });
      res.end(JSON.stringify({ code: 'success', msg: '', data: seen }));
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
});

test.afterAll(async () => {
  upstream?.closeAllConnections();
  await new Promise((r) => upstream?.close(r));
});

async function withEntry(server: EntryServerName, faults: ProxyFault[], fn: (p: EntryProxy, ca: string) => Promise<void>): Promise<void> {
  const p = await startEntry({ upstream: upstreamUrl, server, faults });
  expect(p.server, p.note).toBe(server);
  try {
    await fn(p, readFileSync(p.caPath, 'utf8'));
  } finally {
    await p.stop();
  }
}

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw request (node:http/https), trusting the run's CA only. */
function request(
  url: string,
  ca: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | ((req: http.ClientRequest) => void); timeoutMs?: number } = {},
): Promise<Got> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const headers = { ...opts.headers };
    if (Buffer.isBuffer(opts.body)) headers['content-length'] = String(opts.body.length);
    const req = mod.request(u, { method: opts.method ?? 'GET', headers, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(opts.timeoutMs ?? 20_000, () => req.destroy(new Error('client timeout')));
    if (typeof opts.body === 'function') opts.body(req);
    else req.end(opts.body);
  });
}

const failed = (e: Error): Got => ({ status: -1, headers: {}, body: Buffer.from(e.message) });

function upstreamSaw(got: Got): Seen {
  expect(got.headers['x-request-id'], `the answer came from the upstream (${got.status} ${got.body.toString().slice(0, 80)})`).toBe('up');
  return (JSON.parse(got.body.toString()) as { data: Seen }).data;
}

/** An answer the proxy made itself: no X-Request-ID, no envelope. */
function proxyMade(got: Got): void {
  expect(got.headers['x-request-id'], 'the answer came from the proxy, not the upstream').toBeUndefined();
}

test('every entry fault has an nginx or a Caddy form; a fault the chosen server cannot make runs on the other one', () => {
  for (const f of PROXY_FAULTS) expect(DEVIATIONS[f].nginx ?? DEVIATIONS[f].caddy, f).toBeDefined();
  expect(chooseServer('nginx', ['no-hsts'])).toEqual({ server: 'nginx' });
  expect(chooseServer('caddy', ['no-hsts'])).toEqual({ server: 'caddy' });
  expect(chooseServer('caddy', ['rate-limit-proxy'])).toMatchObject({ server: 'nginx', note: expect.stringContaining('rate-limit') });
  expect(chooseServer('nginx', ['idle-timeout-5s'])).toMatchObject({ server: 'caddy', note: expect.stringContaining('quiet connections') });
  expect(() => parseFaults('no-hsts,nope')).toThrow(/unknown fault\(s\) nope.*Known: no-hsts/);
  expect(parseFaults(' no-hsts , strip-host ')).toEqual(['no-hsts', 'strip-host']);
});

test('the nginx base config says what the deployment guide asks; a deviation is the only difference', async () => {
  await withEntry('nginx', [], async (p) => {
    const conf = readFileSync(p.configPath, 'utf8');
    for (const line of [
      'client_max_body_size 0;',
      'proxy_request_buffering off;',
      'proxy_http_version 1.1;',
      'proxy_set_header Host $http_host;',
      'proxy_set_header X-Forwarded-Proto $scheme;',
      'proxy_read_timeout 3600s;',
      'send_timeout 3600s;',
      `add_header Strict-Transport-Security "${HSTS_VALUE}" always;`,
      `location = ${SSE_PATH} {`,
      'proxy_buffering off;',
      'return 301 https://$host:',
    ])
      expect(conf, line).toContain(line);
    expect(conf).not.toMatch(/Content-Security-Policy|limit_except|limit_req/);
  });
  await withEntry('nginx', ['body-limit-1m', 'no-forwarded-proto'], async (p) => {
    const conf = readFileSync(p.configPath, 'utf8');
    expect(conf).toContain('client_max_body_size 1m;');
    expect(conf).not.toContain('proxy_set_header X-Forwarded-Proto');
    expect(conf).toMatch(/Deviation from the base.*body-limit-1m/);
  });
});

for (const server of SERVERS) {
  test.describe(`${server} entry: the base config`, () => {
    test('HTTPS with the run CA for localhost and 127.0.0.1; HSTS; Host and X-Forwarded-* set, client forwarding headers not trusted', async () => {
      await withEntry(server, [], async (p, ca) => {
        expect(p.httpsOrigin).toMatch(/^https:\/\/localhost:\d+$/);
        expect(p.spki[0]).toMatch(/^[A-Za-z0-9+/]{43}=$/);
        expect(p.description).toMatch(new RegExp(`^${server} \\d+\\.\\d+`));
        const got = await request(`${p.httpsOrigin}/api/v1/x?y=1`, ca, { headers: { 'x-forwarded-proto': 'http', forwarded: 'host=evil.example;proto=http' } });
        expect(got.status).toBe(200);
        expect(got.headers['strict-transport-security']).toBe(HSTS_VALUE);
        const seen = upstreamSaw(got);
        expect(seen.url).toBe('/api/v1/x?y=1');
        expect(seen.headers.host).toBe(new URL(p.httpsOrigin).host);
        expect(seen.headers['x-forwarded-proto']).toBe('https');
        expect(seen.headers['x-forwarded-host']).toBe(new URL(p.httpsOrigin).host);
        expect(seen.headers['x-forwarded-for']).toMatch(/127\.0\.0\.1|::1/);
        expect(seen.headers.forwarded, 'a client-supplied Forwarded header is dropped').toBeUndefined();
        const byIp = await request(`${p.httpsOrigin.replace('localhost', '127.0.0.1')}/x`, ca);
        expect(byIp.status, 'the certificate also covers 127.0.0.1').toBe(200);
        const untrusted = await request(`${p.httpsOrigin}/x`, '').catch(failed);
        expect(untrusted.status, 'without the run CA the certificate is refused').toBe(-1);
      });
    });

    test('plain HTTP answers 301 to the same path on the HTTPS port, from the proxy', async () => {
      await withEntry(server, [], async (p, ca) => {
        const got = await request(`${p.httpOrigin}/s/abc?x=1`, ca);
        expect(got.status).toBe(301);
        expect(got.headers.location).toBe(`${p.httpsOrigin}/s/abc?x=1`);
        proxyMade(got);
      });
    });

    test('WebDAV methods and headers pass; /health/metrics is refused on the public entry', async () => {
      await withEntry(server, [], async (p, ca) => {
        const davHeaders = {
          authorization: 'Basic dTpw',
          depth: '1',
          destination: `${p.httpsOrigin}/webdav/b`,
          overwrite: 'F',
          if: '(<urn:uuid:1>)',
          'lock-token': '<urn:uuid:1>',
          timeout: 'Second-60',
        };
        for (const method of ['OPTIONS', 'PROPFIND', 'PROPPATCH', 'MKCOL', 'PUT', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'DELETE']) {
          const got = await request(`${p.httpsOrigin}/webdav/a`, ca, { method, headers: davHeaders, body: Buffer.from('<x/>') });
          expect(got.status, method).toBe(200);
          const seen = upstreamSaw(got);
          expect(seen.method).toBe(method);
          for (const [k, v] of Object.entries(davHeaders)) expect(seen.headers[k], `${method} ${k}`).toBe(v);
        }
        const metrics = await request(`${p.httpsOrigin}/health/metrics`, ca);
        expect(metrics.status).toBe(403);
        proxyMade(metrics);
      });
    });

    test('streams a large upload and download; the storage-event stream (SSE) is not held in a buffer', async () => {
      await withEntry(server, [], async (p, ca) => {
        const size = 24 * 1024 * 1024;
        const up = await request(`${p.httpsOrigin}/upload`, ca, {
          method: 'PUT',
          headers: { 'content-length': String(size) },
          body: (req) => {
            const chunk = Buffer.alloc(1024 * 1024, 1);
            let n = 0;
            const write = () => {
              while (n < 24) {
                n++;
                if (!req.write(chunk)) return req.once('drain', write);
              }
              req.end();
            };
            write();
          },
        });
        expect(upstreamSaw(up).bytes).toBe(size);
        const down = await request(`${p.httpsOrigin}/big?n=${size}`, ca);
        expect(down.body.length).toBe(size);

        const t0 = Date.now();
        const sse = await new Promise<string>((resolve, reject) => {
          const req = https.get(`${p.httpsOrigin}${SSE_PATH}`, { ca, agent: false }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => {
              text += c.toString();
              if ((text.match(/data:/g) ?? []).length >= 3) {
                req.destroy();
                resolve(text);
              }
            });
          });
          req.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
          setTimeout(() => reject(new Error('three small events did not arrive within 5 s: the proxy buffers the stream')), 5000);
        });
        expect(sse).toContain(': hello');
        expect(Date.now() - t0).toBeLessThan(3000);
      });
    });
  });

  test.describe(`${server} entry: the faults' deviations`, () => {
    const can = (f: ProxyFault) => Boolean(DEVIATIONS[f][server]);

    test('no-hsts: no Strict-Transport-Security', async () => {
      await withEntry(server, ['no-hsts'], async (p, ca) => {
        const got = await request(`${p.httpsOrigin}/`, ca);
        expect(got.status).toBe(200);
        expect(got.headers['strict-transport-security']).toBeUndefined();
      });
    });

    test('no-https-redirect: plain HTTP serves the app, with X-Forwarded-Proto http', async () => {
      await withEntry(server, ['no-https-redirect'], async (p, ca) => {
        const got = await request(`${p.httpOrigin}/x`, ca);
        expect(got.status).toBe(200);
        expect(upstreamSaw(got).headers['x-forwarded-proto']).toBe('http');
      });
    });

    test('strip-host: the upstream sees its own address as Host and no X-Forwarded-Host', async () => {
      await withEntry(server, ['strip-host'], async (p, ca) => {
        const seen = upstreamSaw(await request(`${p.httpsOrigin}/x`, ca));
        expect(seen.headers.host).toBe(new URL(upstreamUrl).host);
        expect(seen.headers['x-forwarded-host']).toBeUndefined();
        expect(seen.headers['x-forwarded-proto']).toBe('https');
      });
    });

    test('no-forwarded-proto: no X-Forwarded-Proto', async () => {
      await withEntry(server, ['no-forwarded-proto'], async (p, ca) => {
        const seen = upstreamSaw(await request(`${p.httpsOrigin}/x`, ca));
        expect(seen.headers['x-forwarded-proto']).toBeUndefined();
        expect(seen.headers.host).toBe(new URL(p.httpsOrigin).host);
      });
    });

    test('block-webdav-methods: the proxy refuses WebDAV-only methods; GET/PUT/DELETE/OPTIONS pass', async () => {
      await withEntry(server, ['block-webdav-methods'], async (p, ca) => {
        for (const m of ['PROPFIND', 'MKCOL', 'MOVE', 'COPY', 'LOCK', 'UNLOCK', 'PROPPATCH']) {
          const got = await request(`${p.httpsOrigin}/webdav/a`, ca, { method: m });
          expect([403, 405], m).toContain(got.status);
          proxyMade(got);
        }
        for (const m of ['GET', 'PUT', 'DELETE', 'OPTIONS']) expect((await request(`${p.httpsOrigin}/webdav/a`, ca, { method: m })).status, m).toBe(200);
      });
    });

    test('body-limit-1m: a body over 1 MiB is refused by the proxy, 1 MiB passes', async () => {
      await withEntry(server, ['body-limit-1m'], async (p, ca) => {
        const small = await request(`${p.httpsOrigin}/u`, ca, { method: 'PUT', body: Buffer.alloc(1000 * 1000) });
        expect(small.status).toBe(200);
        const big = await request(`${p.httpsOrigin}/u`, ca, { method: 'PUT', body: Buffer.alloc(3 * 1024 * 1024) }).catch(failed);
        // nginx answers 413; Caddy's reverse_proxy turns the cut body into a 502. Either way no 2xx from the app.
        expect([413, 502, -1], `got ${big.status}`).toContain(big.status);
        if (big.status > 0) proxyMade(big);
      });
    });

    test('global-csp: every response carries a second, blocking CSP', async () => {
      await withEntry(server, ['global-csp'], async (p, ca) => {
        const page = await request(`${p.httpsOrigin}/page`, ca);
        const policies = String(page.headers['content-security-policy']).split(/,\s*/);
        expect(policies.sort()).toEqual([GLOBAL_CSP, "default-src 'self'"].sort());
        const api = await request(`${p.httpsOrigin}/api/v1/x`, ca);
        expect(api.headers['content-security-policy']).toBe(GLOBAL_CSP);
      });
    });

    const blocked: [ProxyFault, string[], string[]][] = [
      ['block-wopi', ['/api/v1/wopi/files/1', '/api/v1/wopi/files/1/contents'], ['/api/v1/files/1']],
      ['block-share', ['/s/abc', '/api/v1/s/abc', '/api/v1/s/abc/download'], ['/shares', '/api/v1/shares']],
      [
        'block-preview',
        ['/api/v1/files/1/thumbnail', '/api/v1/files/1/image-preview', '/api/v1/s/abc/thumbnail', '/pv/tok/a.png', '/api/v1/files/1/preview-link'],
        ['/api/v1/files/1/download', '/api/v1/files/1'],
      ],
      ['block-refresh', ['/api/v1/auth/refresh'], ['/api/v1/auth/login', '/api/v1/auth/me']],
      ['block-health', ['/health', '/health/ready'], ['/healthz', '/api/v1/health']],
    ];
    for (const [fault, denied, allowed] of blocked) {
      test(`${fault}: the proxy refuses ${denied[0]}…, other paths pass`, async () => {
        await withEntry(server, [fault], async (p, ca) => {
          for (const path of denied) {
            const got = await request(`${p.httpsOrigin}${path}`, ca);
            expect([403, 404], path).toContain(got.status);
            proxyMade(got);
          }
          for (const path of allowed) expect((await request(`${p.httpsOrigin}${path}`, ca)).status, path).toBe(200);
        });
      });
    }

    test('public-metrics: /health/metrics reaches the upstream', async () => {
      await withEntry(server, ['public-metrics'], async (p, ca) => {
        const got = await request(`${p.httpsOrigin}/health/metrics`, ca);
        expect(upstreamSaw(got).url).toBe('/health/metrics');
      });
    });

    test('idle-timeout-5s: a slow download is cut half way (Caddy only)', async () => {
      test.skip(!can('idle-timeout-5s'), DEVIATIONS['idle-timeout-5s'].only ?? '');
      test.setTimeout(60_000);
      await withEntry(server, ['idle-timeout-5s'], async (p, ca) => {
        const total = 64 * 1024 * 1024;
        const got = await new Promise<{ bytes: number; complete: boolean; seconds: number }>((resolve) => {
          const t0 = Date.now();
          const req = https.get(`${p.httpsOrigin}/big?n=${total}`, { ca, agent: false }, (res) => {
            let bytes = 0;
            res.pause();
            const timer = setInterval(() => {
              let budget = 400 * 1024; // ~4 MB/s: 64 MiB would take 16 s
              while (budget > 0) {
                const c = res.read(Math.min(budget, res.readableLength || budget)) as Buffer | null;
                if (!c) break;
                bytes += c.length;
                budget -= c.length;
              }
            }, 100);
            res.on('close', () => {
              clearInterval(timer);
              resolve({ bytes, complete: res.complete, seconds: (Date.now() - t0) / 1000 });
            });
          });
          req.on('error', () => resolve({ bytes: -1, complete: false, seconds: (Date.now() - t0) / 1000 }));
        });
        expect(got.complete, 'the slow download was cut').toBe(false);
        expect(got.bytes).toBeLessThan(total);
      });
    });

    test(`sse-read-timeout: a quiet event stream is cut after about ${SSE_READ_TIMEOUT_S} s`, async () => {
      test.setTimeout(60_000);
      await withEntry(server, ['sse-read-timeout'], async (p, ca) => {
        const got = await new Promise<{ text: string; seconds: number }>((resolve) => {
          const t0 = Date.now();
          let text = '';
          const done = () => resolve({ text, seconds: (Date.now() - t0) / 1000 });
          const req = https.get(`${p.httpsOrigin}${SSE_PATH}?quiet=1`, { ca, agent: false }, (res) => {
            res.on('data', (c: Buffer) => {
              text += c.toString();
            });
            res.on('close', done);
          });
          req.on('error', done);
          req.setTimeout(30_000, () => req.destroy(new Error('not cut within 30 s')));
        });
        expect(got.text, 'the first frame passed at once').toContain(': hello');
        expect(got.seconds, 'the proxy cut the quiet stream at its read timeout').toBeGreaterThan(SSE_READ_TIMEOUT_S - 1);
        expect(got.seconds).toBeLessThan(SSE_READ_TIMEOUT_S + 5);
      });
    });

    test('rate-limit-proxy: a parallel burst past the zones gets plain 503s from the proxy, auth paths have a tighter zone (nginx only)', async () => {
      test.skip(!can('rate-limit-proxy'), DEVIATIONS['rate-limit-proxy'].only ?? '');
      expect(PROXY_LIMIT_REQ, 'the zones the fault matrix runs with').toEqual({ perSecond: 50, burst: 20, authPerSecond: 5, authBurst: 10 });
      // Over a few keep-alive connections: requests, not TLS handshakes, arrive quickly on a busy machine.
      const burst = async (origin: string, ca: string, path: string, n: number) => {
        const agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca });
        try {
          return await Promise.all(
            Array.from(
              { length: n },
              () =>
                new Promise<Got>((resolve) => {
                  https
                    .get(`${origin}${path}`, { agent }, (res) => {
                      res.resume();
                      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) }));
                    })
                    .on('error', (e) => resolve(failed(e)));
                }),
            ),
          );
        } finally {
          agent.destroy();
        }
      };
      await withEntry(server, ['rate-limit-proxy'], async (p, ca) => {
        const got = await burst(p.httpsOrigin, ca, '/api/v1/folders', 200);
        const refused = got.filter((g) => g.status === 503);
        expect(refused.length, `statuses ${got.map((g) => g.status).join(' ')}`).toBeGreaterThan(50);
        for (const r of refused) {
          proxyMade(r);
          expect(r.headers['retry-after'], 'nginx limit_req sends no Retry-After').toBeUndefined();
        }
        await new Promise((r) => setTimeout(r, 2500));
        const auth = await burst(p.httpsOrigin, ca, '/api/v1/auth/check', 30);
        const authPassed = auth.filter((g) => g.status === 200).length;
        expect(authPassed, 'burst=10 nodelay on the auth zone').toBeGreaterThanOrEqual(PROXY_LIMIT_REQ.authBurst);
        expect(authPassed).toBeLessThan(20);
      });
      await withEntry(server, [], async (p, ca) => {
        const got = await burst(p.httpsOrigin, ca, '/api/v1/folders', 40);
        expect(
          got.map((g) => g.status).filter((s) => s !== 200),
          'a base entry refuses none of a parallel burst',
        ).toEqual([]);
      });
    });
  });
}

test.describe('TLS trust', () => {
  test('a certificate from an unknown CA is named at preflight with ASTER_CA_FILE; with the CA file it verifies and Chromium gets its SPKI', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aster-trust-'));
    const saved = { spki: process.env.ASTER_RUN_ENTRY_SPKI, extra: process.env.NODE_EXTRA_CA_CERTS, ca: process.env.ASTER_RUN_CA_FILE };
    try {
      await withEntry('nginx', [], async (p, ca) => {
        const problem = await verifyServerCertificate(p.httpsOrigin).catch((e: Error) => e);
        expect(problem).toBeInstanceOf(CertificateProblem);
        expect((problem as CertificateProblem).code).toBe('SELF_SIGNED_CERT_IN_CHAIN');
        const cert = await verifyServerCertificate(p.httpsOrigin, ca);
        expect(cert.spki, 'leaf first, then the CA the server sends').toEqual(p.spki);

        const refused = await preflightCertificate(p.httpsOrigin, undefined, dir).catch((e: Error) => e);
        expect(refused).toBeInstanceOf(CertificatePreflightError);
        expect((refused as Error).message).toMatch(/not trusted.*SELF_SIGNED_CERT_IN_CHAIN.*ASTER_CA_FILE/s);

        const caFile = path.join(dir, 'private-ca.pem');
        writeFileSync(caFile, ca);
        await preflightCertificate(p.httpsOrigin, caFile, dir);
        expect(process.env.ASTER_RUN_ENTRY_SPKI?.split(',')).toEqual(p.spki);
        expect(readFileSync(String(process.env.NODE_EXTRA_CA_CERTS), 'utf8')).toContain(ca.trim());
        // This process now trusts the CA for fetch too (it started without it).
        const res = await fetch(`${p.httpsOrigin}/x`);
        expect(res.headers.get('x-request-id')).toBe('up');

        // Another run's CA is not the issuer.
        const other = makeRunCa(mkdtempSync(path.join(dir, 'other-')), 'localhost', 'other').caPath;
        const wrong = await preflightCertificate(p.httpsOrigin.replace('localhost', '127.0.0.1'), other, dir).catch((e: Error) => e);
        expect((wrong as Error).message).toMatch(/does not verify, even with ASTER_CA_FILE/);
      });
    } finally {
      for (const [k, v] of [
        ['ASTER_RUN_ENTRY_SPKI', saved.spki],
        ['NODE_EXTRA_CA_CERTS', saved.extra],
        ['ASTER_RUN_CA_FILE', saved.ca],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** `npx playwright test --project api` against `origin` as an existing deployment; its exit code and output. */
  async function preflightRun(origin: string, extraEnv: Record<string, string> = {}): Promise<{ code: number; out: string }> {
    const run = spawn('npx', ['playwright', 'test', '--project', 'api', '--output', test.info().outputPath('run')], {
      cwd: ROOT,
      env: {
        ...process.env,
        ASTER_BASE_URL: origin,
        ASTER_ADMIN_USER: 'admin',
        ASTER_ADMIN_PASSWORD: 'not-used-here',
        ASTER_ENV_FILE: path.join(os.tmpdir(), 'no-such-env-file'),
        ASTER_REPORTS_DIR: test.info().outputPath('reports'),
        PLAYWRIGHT_HTML_OUTPUT_DIR: test.info().outputPath('html'),
        ASTER_JSON_REPORT: '',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    run.stdout.on('data', (d) => {
      out += d;
    });
    run.stderr.on('data', (d) => {
      out += d;
    });
    const [code] = (await once(run, 'close')) as [number];
    return { code, out };
  }

  test('a deployment with an untrusted certificate stops the run at preflight: exit 2, the problem and ASTER_CA_FILE named; with ASTER_CA_FILE preflight goes on', async () => {
    test.setTimeout(120_000);
    await withEntry('nginx', [], async (p) => {
      const refused = await preflightRun(p.httpsOrigin);
      expect(refused.out).toMatch(/TLS certificate is not trusted/);
      expect(refused.out).toMatch(/ASTER_CA_FILE/);
      expect(refused.code, refused.out.slice(-1500)).toBe(2);
      // With the CA the certificate step passes and the next preflight step (in the same process,
      // over fetch) reaches the server: the tiny upstream is not AsterDrive.
      const trusted = await preflightRun(p.httpsOrigin, { ASTER_CA_FILE: p.caPath });
      expect(trusted.out).not.toMatch(/not trusted/);
      expect(trusted.out, trusted.out.slice(-1500)).toMatch(/does not look like AsterDrive/);
    });
  });
});
