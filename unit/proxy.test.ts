/**
 * The entry proxy (helpers/proxy/entry-proxy.ts) in front of a tiny upstream: the correct
 * behaviour of a good nginx config by default, and each fault the fault matrix relies on.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { expect, test } from '@playwright/test';
import { type EntryProxy, PROXY_LIMIT_REQ, PROXY_SERVER, type ProxyFault, parseFaults, startEntryProxy } from '../helpers/proxy/entry-proxy.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bytes: number;
}

let upstream: http.Server;
let upstreamUrl: string;
let lastSeen: Seen | undefined;

test.beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      lastSeen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes };
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
      if (u.pathname === '/sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write(': hello\n\n');
        const every = Number(u.searchParams.get('every') ?? 1000);
        const timer = setInterval(() => res.write('data: {"t":1}\n\n'), every);
        res.on('close', () => clearInterval(timer));
        return;
      }
      if (u.pathname === '/page') {
        res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "default-src 'self'", 'x-request-id': 'up' });
        return res.end('<html></html>');
      }
      const body = JSON.stringify({ code: 'success', msg: '', data: lastSeen });
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'up', dav: '1, 2' });
      res.end(body);
    });
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
});

test.afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((r) => upstream.close(r));
});

async function withProxy(faults: ProxyFault[], fn: (p: EntryProxy, ca: string) => Promise<void>): Promise<void> {
  const p = await startEntryProxy({ upstream: upstreamUrl, faults });
  try {
    await fn(p, readFileSync(p.certPath, 'utf8'));
  } finally {
    await p.stop();
  }
}

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw request (node:http/https), trusting the proxy's certificate only. */
function request(
  url: string,
  ca: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | ((req: http.ClientRequest) => void); timeoutMs?: number } = {},
): Promise<Got> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const headers = { ...opts.headers };
    // Node sends no Content-Length for a DELETE/OPTIONS body unless told (a client detail, not the proxy's).
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

function upstreamSaw(got: Got): Seen {
  expect(got.headers['x-request-id'], 'the answer came from the upstream').toBe('up');
  return (JSON.parse(got.body.toString()) as { data: Seen }).data;
}

test.describe('entry proxy: correct behaviour by default', () => {
  test('HTTPS with a certificate for localhost and 127.0.0.1; HSTS; Host and X-Forwarded-* set', async () => {
    await withProxy([], async (p, ca) => {
      expect(p.httpsOrigin).toMatch(/^https:\/\/localhost:\d+$/);
      expect(p.spkiSha256Base64).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      const got = await request(`${p.httpsOrigin}/api/v1/x?y=1`, ca, { headers: { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example' } });
      expect(got.status).toBe(200);
      expect(got.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      const seen = upstreamSaw(got);
      expect(seen.url).toBe('/api/v1/x?y=1');
      expect(seen.headers.host).toBe(new URL(p.httpsOrigin).host);
      expect(seen.headers['x-forwarded-proto']).toBe('https');
      expect(seen.headers['x-forwarded-host']).toBe(new URL(p.httpsOrigin).host);
      expect(seen.headers['x-forwarded-for']).toMatch(/127\.0\.0\.1|::1/);
      const byIp = await request(`${p.httpsOrigin.replace('localhost', '127.0.0.1')}/x`, ca);
      expect(byIp.status, 'the certificate also covers 127.0.0.1').toBe(200);
    });
  });

  test('plain HTTP answers 301 to the same path on HTTPS, from the proxy', async () => {
    await withProxy([], async (p, ca) => {
      const got = await request(`${p.httpOrigin}/s/abc?x=1`, ca);
      expect(got.status).toBe(301);
      expect(got.headers.location).toBe(`${p.httpsOrigin}/s/abc?x=1`);
      expect(got.headers.server).toBe(PROXY_SERVER);
      expect(got.headers['content-type']).toContain('text/plain');
    });
  });

  test('WebDAV methods and headers pass; /health/metrics is 404 on the public entry', async () => {
    await withProxy([], async (p, ca) => {
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
      expect(metrics.status).toBe(404);
      expect(metrics.headers.server).toBe(PROXY_SERVER);
    });
  });

  test('streams a large upload and download; an SSE stream flows through', async () => {
    await withProxy([], async (p, ca) => {
      const size = 24 * 1024 * 1024;
      const up = await request(`${p.httpsOrigin}/upload`, ca, {
        method: 'PUT',
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

      const sse = await new Promise<string>((resolve, reject) => {
        const req = https.get(`${p.httpsOrigin}/sse?every=200`, { ca, agent: false }, (res) => {
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
      });
      expect(sse).toContain(': hello');
    });
  });

  test('an unknown fault name is refused with the known ones', () => {
    expect(() => parseFaults('no-hsts,nope')).toThrow(/unknown fault\(s\) nope.*Known: no-hsts/);
    expect(parseFaults(' no-hsts , strip-host ')).toEqual(['no-hsts', 'strip-host']);
  });
});

test.describe('entry proxy: faults', () => {
  test('no-hsts: no Strict-Transport-Security', async () => {
    await withProxy(['no-hsts'], async (p, ca) => {
      const got = await request(`${p.httpsOrigin}/`, ca);
      expect(got.status).toBe(200);
      expect(got.headers['strict-transport-security']).toBeUndefined();
    });
  });

  test('no-https-redirect: plain HTTP serves the app, with X-Forwarded-Proto http', async () => {
    await withProxy(['no-https-redirect'], async (p, ca) => {
      const got = await request(`${p.httpOrigin}/x`, ca);
      expect(got.status).toBe(200);
      expect(upstreamSaw(got).headers['x-forwarded-proto']).toBe('http');
      expect(got.headers['strict-transport-security']).toBeUndefined();
    });
  });

  test('strip-host: the upstream sees its own address as Host and no X-Forwarded-Host', async () => {
    await withProxy(['strip-host'], async (p, ca) => {
      const seen = upstreamSaw(await request(`${p.httpsOrigin}/x`, ca));
      expect(seen.headers.host).toBe(new URL(upstreamUrl).host);
      expect(seen.headers['x-forwarded-host']).toBeUndefined();
      expect(seen.headers['x-forwarded-proto']).toBe('https');
    });
  });

  test('no-forwarded-proto: no X-Forwarded-Proto, even when the client sends one', async () => {
    await withProxy(['no-forwarded-proto'], async (p, ca) => {
      const seen = upstreamSaw(await request(`${p.httpsOrigin}/x`, ca, { headers: { 'x-forwarded-proto': 'https' } }));
      expect(seen.headers['x-forwarded-proto']).toBeUndefined();
      expect(seen.headers.host).toBe(new URL(p.httpsOrigin).host);
    });
  });

  test('block-webdav-methods: 405 from the proxy for WebDAV-only methods; GET/PUT/DELETE/OPTIONS pass', async () => {
    await withProxy(['block-webdav-methods'], async (p, ca) => {
      for (const m of ['PROPFIND', 'MKCOL', 'MOVE', 'COPY', 'LOCK', 'UNLOCK', 'PROPPATCH']) {
        const got = await request(`${p.httpsOrigin}/webdav/a`, ca, { method: m });
        expect(got.status, m).toBe(405);
        expect(got.headers.server).toBe(PROXY_SERVER);
      }
      for (const m of ['GET', 'PUT', 'DELETE', 'OPTIONS']) expect((await request(`${p.httpsOrigin}/webdav/a`, ca, { method: m })).status, m).toBe(200);
    });
  });

  test('body-limit-1m: 413 over 1 MiB (declared or chunked), smaller bodies pass', async () => {
    await withProxy(['body-limit-1m'], async (p, ca) => {
      const small = await request(`${p.httpsOrigin}/u`, ca, { method: 'PUT', body: Buffer.alloc(1024 * 1024) });
      expect(small.status).toBe(200);
      const big = await request(`${p.httpsOrigin}/u`, ca, { method: 'PUT', body: Buffer.alloc(1024 * 1024 + 1) });
      expect(big.status).toBe(413);
      expect(big.headers.server).toBe(PROXY_SERVER);
      const chunked = await request(`${p.httpsOrigin}/u`, ca, {
        method: 'PUT',
        headers: { 'transfer-encoding': 'chunked' },
        body: (req) => {
          for (let i = 0; i < 3; i++) req.write(Buffer.alloc(512 * 1024));
          req.end();
        },
      }).catch((e: Error) => ({ status: -1, headers: {}, body: Buffer.from(e.message) }) as Got);
      expect([413, -1], 'a chunked body over the limit is refused or cut').toContain(chunked.status);
    });
  });

  test('global-csp: every response carries a second, blocking CSP', async () => {
    await withProxy(['global-csp'], async (p, ca) => {
      const page = await request(`${p.httpsOrigin}/page`, ca);
      expect(page.headers['content-security-policy']).toBe("default-src 'self', default-src 'none'");
      const api = await request(`${p.httpsOrigin}/api/v1/x`, ca);
      expect(api.headers['content-security-policy']).toBe("default-src 'none'");
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
  ];
  for (const [fault, denied, allowed] of blocked) {
    test(`${fault}: 403 from the proxy for ${denied[0]}…, other paths pass`, async () => {
      await withProxy([fault], async (p, ca) => {
        for (const path of denied) {
          const got = await request(`${p.httpsOrigin}${path}`, ca);
          expect(got.status, path).toBe(403);
          expect(got.headers.server).toBe(PROXY_SERVER);
          expect(got.headers['x-request-id']).toBeUndefined();
        }
        for (const path of allowed) expect((await request(`${p.httpsOrigin}${path}`, ca)).status, path).toBe(200);
      });
    });
  }

  test('public-metrics: /health/metrics reaches the upstream', async () => {
    await withProxy(['public-metrics'], async (p, ca) => {
      const got = await request(`${p.httpsOrigin}/health/metrics`, ca);
      expect(got.status).toBe(200);
      expect(upstreamSaw(got).url).toBe('/health/metrics');
    });
  });

  test('idle-timeout-5s: a quiet stream is cut after 5 s, a slow download after 10 s; a default proxy cuts neither', async () => {
    test.setTimeout(60_000);
    const sseLifetime = (p: EntryProxy, ca: string) =>
      new Promise<number>((resolve) => {
        const t0 = Date.now();
        const req = https.get(`${p.httpsOrigin}/sse?every=7000`, { ca, agent: false }, (res) => {
          res.resume();
          res.on('close', () => resolve(Date.now() - t0));
        });
        req.on('error', () => resolve(Date.now() - t0));
        setTimeout(() => {
          req.destroy();
        }, 12_000);
      });
    await withProxy(['idle-timeout-5s'], async (p, ca) => {
      const lived = await sseLifetime(p, ca);
      expect(lived, 'cut after 5 s without bytes').toBeGreaterThanOrEqual(4_500);
      expect(lived).toBeLessThan(6_900);
      // A steady slow read: bytes keep flowing, but the response is cut at 10 s in total.
      const total = 64 * 1024 * 1024;
      const got = await new Promise<{ bytes: number; complete: boolean }>((resolve) => {
        const req = https.get(`${p.httpsOrigin}/big?n=${total}`, { ca, agent: false }, (res) => {
          let bytes = 0;
          res.pause();
          const timer = setInterval(() => {
            let c: Buffer | null;
            let budget = 400 * 1024; // ~4 MB/s: 64 MiB would take 16 s
            // biome-ignore lint/suspicious/noAssignInExpressions: read loop
            while (budget > 0 && (c = res.read() as Buffer | null)) {
              bytes += c.length;
              budget -= c.length;
            }
          }, 100);
          res.on('close', () => {
            clearInterval(timer);
            resolve({ bytes, complete: res.complete });
          });
        });
        req.on('error', () => resolve({ bytes: -1, complete: false }));
      });
      expect(got.complete, 'the slow download was cut').toBe(false);
      expect(got.bytes).toBeLessThan(total);
    });
    await withProxy([], async (p, ca) => {
      const lived = await sseLifetime(p, ca);
      expect(lived, 'a default proxy keeps a quiet stream open').toBeGreaterThanOrEqual(11_500);
    });
  });
});

test.describe('entry proxy: rate-limit-proxy', () => {
  /** `n` GETs at once, each on its own connection. */
  const burst = (origin: string, ca: string, path: string, n: number) =>
    Promise.all(
      Array.from({ length: n }, () => request(`${origin}${path}`, ca).catch((e: Error) => ({ status: -1, headers: {}, body: Buffer.from(e.message) }) as Got)),
    );

  const proxyMade = (got: Got[]) => {
    for (const r of got) {
      expect(r.headers.server).toBe(PROXY_SERVER);
      expect(r.headers['content-type']).toContain('text/plain');
      expect(r.headers['x-request-id'], 'the refusal never reached the upstream').toBeUndefined();
      expect(r.headers['retry-after'], 'nginx limit_req sends no Retry-After').toBeUndefined();
    }
  };

  test('rate-limit-proxy: per client, a parallel burst past the zone is refused with plain-text 503s, auth paths have their own tighter zone', async () => {
    expect(PROXY_LIMIT_REQ, 'the zones the fault matrix runs with').toEqual({ perSecond: 50, burst: 20, authPerSecond: 5, authBurst: 10 });
    // Slow zones (1 request a second) make the accounting visible whatever the machine's load.
    const p = await startEntryProxy({
      upstream: upstreamUrl,
      faults: ['rate-limit-proxy'],
      limitReq: { perSecond: 1, burst: 5, authPerSecond: 1, authBurst: 2 },
    });
    try {
      const ca = readFileSync(p.certPath, 'utf8');
      const got = await burst(p.httpsOrigin, ca, '/api/v1/folders', 20);
      const passed = got.filter((g) => g.status === 200).length;
      expect(passed, 'burst=5 nodelay lets 6 through (plus what leaked back meanwhile)').toBeGreaterThanOrEqual(6);
      expect(passed).toBeLessThan(12);
      const refused = got.filter((g) => g.status === 503);
      expect(refused.length + passed).toBe(20);
      proxyMade(refused);
      const auth = await burst(p.httpsOrigin, ca, '/api/v1/auth/check', 10);
      const authPassed = auth.filter((g) => g.status === 200).length;
      expect(authPassed, 'the auth zone is separate from the general one, and tighter').toBeGreaterThanOrEqual(3);
      expect(authPassed).toBeLessThan(7);
      proxyMade(auth.filter((g) => g.status === 503));
    } finally {
      await p.stop();
    }
  });

  test('rate-limit-proxy: paced traffic under the zones passes; a default proxy refuses none of a parallel burst', async () => {
    await withProxy(['rate-limit-proxy'], async (p, ca) => {
      for (let i = 0; i < 30; i++) {
        expect((await request(`${p.httpsOrigin}/api/v1/folders`, ca)).status, `paced request ${i}`).toBe(200);
        await new Promise((r) => setTimeout(r, 40));
      }
    });
    await withProxy([], async (p, ca) => {
      const got = await burst(p.httpsOrigin, ca, '/api/v1/folders', 40);
      expect(
        got.map((g) => g.status).filter((s) => s !== 200),
        'a default proxy refuses none of a parallel burst',
      ).toEqual([]);
      const auth = await burst(p.httpsOrigin, ca, '/api/v1/auth/check', 20);
      expect(auth.map((g) => g.status).filter((s) => s !== 200)).toEqual([]);
    });
  });
});
