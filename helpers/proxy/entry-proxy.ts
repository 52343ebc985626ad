/**
 * The entry proxy: a small reverse proxy that stands in front of a managed target the way an
 * operator's nginx or Caddy does. It terminates TLS with a self-signed certificate made at start
 * (SANs `localhost` and `127.0.0.1`), redirects plain HTTP to HTTPS, sends HSTS, preserves Host,
 * sets X-Forwarded-*, streams bodies both ways (large uploads and downloads, SSE) and passes every
 * WebDAV method and header. It keeps `/health/metrics` internal.
 *
 * Faults make it behave like the proxy mistakes real deployments make (checklist section 2).
 * They come from `opts.faults` and from `ASTER_PROXY_FAULTS=a,b`.
 *
 * Responses the proxy makes itself are plain text (like nginx's) with `Server: launch-entry-proxy`,
 * so a check can tell them from AsterDrive's (JSON envelope, X-Request-ID).
 *
 * Node built-ins only; the certificate comes from the `openssl` CLI.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROXY_FAULTS = [
  'no-hsts',
  'no-https-redirect',
  'strip-host',
  'no-forwarded-proto',
  'block-webdav-methods',
  'body-limit-1m',
  'global-csp',
  'block-wopi',
  'block-share',
  'block-preview',
  'public-metrics',
  'block-health',
  'idle-timeout-5s',
  'rate-limit-proxy',
] as const;

export type ProxyFault = (typeof PROXY_FAULTS)[number];

/** The Server header of every response the proxy generates itself. */
export const PROXY_SERVER = 'launch-entry-proxy';
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';
export const GLOBAL_CSP = "default-src 'none'";
export const BODY_LIMIT = 1024 * 1024;
export const IDLE_TIMEOUT_MS = 5_000;
export const TOTAL_TIMEOUT_MS = 10_000;
/**
 * `rate-limit-proxy`: nginx `limit_req` zones keyed by `$binary_remote_addr`, answering a plain-text
 * 503 (nginx's default limit_req_status) once a client's excess passes the burst (`nodelay`):
 * - `location /`: rate=50r/s burst=20, so a panel-sized burst of parallel reads is cut;
 * - `location /api/v1/auth/`: rate=5r/s burst=10, the usual "protect the login" rule, which
 *   refuses before AsterDrive's own auth limit can answer 429 with Retry-After.
 * The rest of the suite's traffic (measured: at most 7 requests over 50/s, 5 auth requests over
 * 5/s) passes both.
 */
export interface LimitReqZones {
  perSecond: number;
  burst: number;
  authPerSecond: number;
  authBurst: number;
}
export const PROXY_LIMIT_REQ: LimitReqZones = { perSecond: 50, burst: 20, authPerSecond: 5, authBurst: 10 };

const WEBDAV_ONLY_METHODS = new Set(['PROPFIND', 'PROPPATCH', 'MKCOL', 'MOVE', 'COPY', 'LOCK', 'UNLOCK']);
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
  'http2-settings',
]);

export interface EntryProxyOptions {
  /** The target, e.g. http://127.0.0.1:3000 */
  upstream: string;
  faults?: ProxyFault[];
  /** Public host name of the origins; default `localhost`. */
  host?: string;
  /** Fixed ports (default: free ones). */
  httpsPort?: number;
  httpPort?: number;
  /** Zones of the `rate-limit-proxy` fault (default PROXY_LIMIT_REQ; unit tests use small ones). */
  limitReq?: Partial<LimitReqZones>;
}

export interface EntryProxy {
  /** https://localhost:P */
  httpsOrigin: string;
  /** http://localhost:Q, redirects to httpsOrigin (unless `no-https-redirect`) */
  httpOrigin: string;
  /** PEM of the self-signed certificate (for NODE_EXTRA_CA_CERTS). */
  certPath: string;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo (chromium --ignore-certificate-errors-spki-list). */
  spkiSha256Base64: string;
  /** The faults in effect. */
  faults: ProxyFault[];
  stop(): Promise<void>;
}

/** Parses a fault list (`a,b`), refusing unknown names with the list of known ones. */
export function parseFaults(list: string | undefined): ProxyFault[] {
  const names = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(PROXY_FAULTS as readonly string[]).includes(n));
  if (unknown.length) {
    throw new Error(
      `ASTER_PROXY_FAULTS: unknown fault(s) ${unknown.join(', ')}. Known: ${PROXY_FAULTS.join(', ')}. Example: ASTER_PROXY_FAULTS=no-hsts,strip-host`,
    );
  }
  return names as ProxyFault[];
}

/** A self-signed certificate for localhost + 127.0.0.1, made with the openssl CLI in a temp dir. */
export function makeCertificate(dir: string, host = 'localhost'): { certPath: string; keyPath: string; cert: string; key: string; spki: string } {
  const certPath = path.join(dir, 'entry-proxy.crt');
  const keyPath = path.join(dir, 'entry-proxy.key');
  const sans = new Set([`DNS:${host}`, 'DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
  if (net.isIP(host)) sans.add(`IP:${host}`);
  execFileSync(
    process.env.OPENSSL_BIN ?? 'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-sha256',
      '-days',
      '7',
      '-subj',
      `/CN=${host}/O=AsterDrive launch suite entry proxy`,
      '-addext',
      `subjectAltName=${[...sans].join(',')}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,digitalSignature,keyCertSign',
      '-addext',
      'extendedKeyUsage=serverAuth',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const cert = readFileSync(certPath, 'utf8');
  const key = readFileSync(keyPath, 'utf8');
  const der = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
  return { certPath, keyPath, cert, key, spki: createHash('sha256').update(der).digest('base64') };
}

function listenOn(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/**
 * Listens on 127.0.0.1 and, when the machine has it, ::1 with the same port (`localhost` may
 * resolve to either), handing every accepted socket to `target`.
 */
async function loopbackListeners(port: number, target: http.Server): Promise<{ port: number; servers: net.Server[] }> {
  const v4 = net.createServer((s) => target.emit('connection', s));
  const bound = await listenOn(v4, port, '127.0.0.1');
  const servers = [v4];
  const v6 = net.createServer((s) => target.emit('connection', s));
  try {
    await listenOn(v6, bound, '::1');
    servers.push(v6);
  } catch {
    v6.close();
  }
  return { port: bound, servers };
}

function hostnameOf(hostHeader: string | undefined, fallback: string): string {
  if (!hostHeader) return fallback;
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] || fallback;
}

function isPreviewPath(p: string): boolean {
  return /\/(thumbnail|image-preview|media-metadata|preview-link)(\/|$)/.test(p) || p.startsWith('/pv/');
}

export async function startEntryProxy(opts: EntryProxyOptions): Promise<EntryProxy> {
  const faults = new Set<ProxyFault>([...(opts.faults ?? []), ...parseFaults(process.env.ASTER_PROXY_FAULTS)]);
  const has = (f: ProxyFault) => faults.has(f);
  const upstream = new URL(opts.upstream);
  if (upstream.protocol !== 'http:') throw new Error(`startEntryProxy: upstream must be http://host:port, got ${opts.upstream}`);
  const publicHost = opts.host ?? 'localhost';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aster-entry-proxy-'));
  const tls = makeCertificate(dir, publicHost);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const sockets = new Set<net.Socket>();

  let httpsPort = 0;

  /** `rate-limit-proxy`: nginx limit_req accounting (excess requests, leaking at the rate), per zone and client address. */
  const zones = { ...PROXY_LIMIT_REQ, ...opts.limitReq };
  const limitReq = new Map<string, { excess: number; at: number }>();
  const overBudget = (key: string, perSecond: number, burst: number): boolean => {
    const now = Date.now();
    const prev = limitReq.get(key);
    const excess = prev ? Math.max(0, prev.excess - ((now - prev.at) / 1000) * perSecond) + 1 : 0;
    if (excess > burst) return true;
    limitReq.set(key, { excess, at: now });
    return false;
  };
  const limited = (client: string, pathname: string): boolean =>
    pathname.startsWith('/api/v1/auth/')
      ? overBudget(`auth|${client}`, zones.authPerSecond, zones.authBurst)
      : overBudget(`all|${client}`, zones.perSecond, zones.burst);

  /** A response made by the proxy itself, like nginx's error pages: plain text, its own Server header. */
  const reply = (res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}, secure = false) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = `${status} ${http.STATUS_CODES[status] ?? ''}\n${text}\n`;
    const h: Record<string, string> = {
      server: PROXY_SERVER,
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      ...headers,
    };
    if (secure && !has('no-hsts')) h['strict-transport-security'] = HSTS_VALUE;
    if (has('global-csp')) h['content-security-policy'] = GLOBAL_CSP;
    res.writeHead(status, h);
    res.end(body);
  };

  const proxy = (req: http.IncomingMessage, res: http.ServerResponse, secure: boolean) => {
    const url = req.url ?? '/';
    const pathname = url.split('?')[0] ?? '/';
    const method = (req.method ?? 'GET').toUpperCase();

    if (has('rate-limit-proxy') && limited(req.socket.remoteAddress ?? '', pathname)) {
      req.resume();
      return reply(res, 503, 'Service Temporarily Unavailable (limit_req: too many requests from this address)', {}, secure);
    }
    // Rules an operator writes in the server block, checked before anything reaches the app.
    if ((pathname === '/health/metrics' || pathname.startsWith('/health/metrics/')) && !has('public-metrics')) {
      return reply(res, 404, 'Not Found (internal endpoint; scrape it on the internal address)', {}, secure);
    }
    if (has('block-webdav-methods') && WEBDAV_ONLY_METHODS.has(method))
      return reply(res, 405, 'Not Allowed', { allow: 'GET, HEAD, POST, PUT, DELETE, OPTIONS' }, secure);
    if (has('block-wopi') && pathname.startsWith('/api/v1/wopi/')) return reply(res, 403, 'Forbidden', {}, secure);
    if (has('block-share') && (pathname.startsWith('/s/') || pathname.startsWith('/api/v1/s/'))) return reply(res, 403, 'Forbidden', {}, secure);
    if (has('block-preview') && isPreviewPath(pathname)) return reply(res, 403, 'Forbidden', {}, secure);
    if (has('block-health') && (pathname === '/health' || pathname === '/health/ready')) return reply(res, 404, 'Not Found', {}, secure);
    const declared = Number(req.headers['content-length'] ?? 0);
    if (has('body-limit-1m') && declared > BODY_LIMIT) {
      req.resume();
      return reply(res, 413, 'Request Entity Too Large', { connection: 'close' }, secure);
    }

    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k)) continue;
      // A proxy sets these itself; client-supplied values are never passed on.
      if (k === 'forwarded' || k.startsWith('x-forwarded-') || k === 'x-real-ip') continue;
      headers[k] = v;
    }
    const clientIp = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const prior = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = prior ? `${String(prior)}, ${clientIp}` : clientIp;
    headers['x-real-ip'] = clientIp;
    if (has('strip-host')) {
      // nginx's default `proxy_set_header Host $proxy_host;` and no X-Forwarded-Host.
      headers.host = upstream.host;
    } else {
      headers.host = req.headers.host ?? `${publicHost}:${httpsPort}`;
      headers['x-forwarded-host'] = req.headers.host ?? `${publicHost}:${httpsPort}`;
    }
    if (!has('no-forwarded-proto')) headers['x-forwarded-proto'] = secure ? 'https' : 'http';

    let done = false;
    let idleTimer: NodeJS.Timeout | undefined;
    let totalTimer: NodeJS.Timeout | undefined;
    const cut = (why: string) => {
      if (done) return;
      done = true;
      clearTimeout(idleTimer);
      clearTimeout(totalTimer);
      upstreamReq.destroy();
      if (!res.headersSent) reply(res, 504, `Gateway Time-out (${why})`, { connection: 'close' }, secure);
      else res.destroy();
      req.socket.destroy();
    };
    const touch = () => {
      if (!has('idle-timeout-5s') || done) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => cut(`no bytes for ${IDLE_TIMEOUT_MS / 1000} s`), IDLE_TIMEOUT_MS);
    };

    const upstreamReq = http.request({
      protocol: 'http:',
      hostname: upstream.hostname,
      port: upstream.port || 80,
      method,
      path: url,
      headers,
      agent,
    });
    if (has('idle-timeout-5s')) {
      touch();
      totalTimer = setTimeout(() => cut(`response not finished within ${TOTAL_TIMEOUT_MS / 1000} s`), TOTAL_TIMEOUT_MS);
    }

    upstreamReq.on('response', (up) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(up.headers)) {
        if (v === undefined || HOP_BY_HOP.has(k)) continue;
        out[k] = v;
      }
      if (secure && !has('no-hsts') && !out['strict-transport-security']) out['strict-transport-security'] = HSTS_VALUE;
      if (has('global-csp')) {
        // nginx `add_header Content-Security-Policy ... always;` in the server block: a second policy.
        const prev = out['content-security-policy'];
        out['content-security-policy'] = prev ? [...(Array.isArray(prev) ? prev : [prev]), GLOBAL_CSP] : GLOBAL_CSP;
      }
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
      res.flushHeaders();
      up.on('data', touch);
      up.pipe(res);
      up.on('error', () => res.destroy());
      up.on('aborted', () => res.destroy());
    });
    upstreamReq.on('error', (e) => {
      if (done) return;
      done = true;
      clearTimeout(idleTimer);
      clearTimeout(totalTimer);
      reply(res, 502, `Bad Gateway (${(e as NodeJS.ErrnoException).code ?? e.message})`, {}, secure);
    });
    res.on('close', () => {
      done = true;
      clearTimeout(idleTimer);
      clearTimeout(totalTimer);
      if (!res.writableFinished) upstreamReq.destroy();
    });

    let received = 0;
    req.on('data', (chunk: Buffer) => {
      touch();
      received += chunk.length;
      if (has('body-limit-1m') && received > BODY_LIMIT && !done) {
        // A chunked body without Content-Length that grows past the limit.
        done = true;
        upstreamReq.destroy();
        reply(res, 413, 'Request Entity Too Large', { connection: 'close' }, secure);
        req.unpipe(upstreamReq);
        req.resume();
      }
    });
    req.pipe(upstreamReq);
    req.on('aborted', () => upstreamReq.destroy());
  };

  const track = (server: http.Server) => {
    server.on('connection', (s: net.Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    // Long uploads and downloads: no whole-request or socket timeout (nginx has none on streamed bodies).
    server.requestTimeout = 0;
    server.timeout = 0;
    server.headersTimeout = 60_000;
    server.keepAliveTimeout = 5_000;
  };

  const httpsServer = https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => proxy(req, res, true));
  track(httpsServer);
  httpsServer.on('tlsClientError', (_e, s) => s.destroy());
  const httpServer = http.createServer((req, res) => {
    if (has('no-https-redirect')) return proxy(req, res, false);
    const target = `https://${hostnameOf(req.headers.host, publicHost)}:${httpsPort}${req.url ?? '/'}`;
    req.resume();
    reply(res, 301, `Moved Permanently: ${target}`, { location: target });
  });
  track(httpServer);
  for (const s of [httpsServer, httpServer]) s.on('clientError', (_e, sock) => sock.destroy());

  const tlsListen = await loopbackListeners(opts.httpsPort ?? 0, httpsServer);
  httpsPort = tlsListen.port;
  const plainListen = await loopbackListeners(opts.httpPort ?? 0, httpServer);
  const listeners = [...tlsListen.servers, ...plainListen.servers];

  return {
    httpsOrigin: `https://${publicHost}:${httpsPort}`,
    httpOrigin: `http://${publicHost}:${plainListen.port}`,
    certPath: tls.certPath,
    spkiSha256Base64: tls.spki,
    faults: [...faults],
    async stop() {
      await Promise.all(listeners.map((l) => new Promise<void>((r) => l.close(() => r()))));
      for (const s of sockets) s.destroy();
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
