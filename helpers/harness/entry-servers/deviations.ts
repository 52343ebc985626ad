/**
 * The entry mistakes of the fault matrix, each written as what the operator changed in the
 * nginx config or the Caddyfile. A fault that one server cannot express has no deviation for it;
 * the run then uses the other server (helpers/harness/entry-servers/entry-proxy.ts says so at start).
 */
import type { LeafOptions } from './ca.js';
import type { CaddySite } from './caddy.js';
import { type NginxSite, UPSTREAM } from './nginx.js';

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
  'block-refresh',
  'public-metrics',
  'block-health',
  'idle-timeout-5s',
  'sse-read-timeout',
  'rate-limit-proxy',
  'cert-expiring-soon',
  'cert-one-name',
  'legacy-tls',
] as const;

export type ProxyFault = (typeof PROXY_FAULTS)[number];

export const GLOBAL_CSP = "default-src 'none'";
/**
 * `rate-limit-proxy`: the usual "protect the site" limit_req zones, keyed by client address,
 * `nodelay`, nginx's default 503 once the burst is spent:
 * - the whole site: rate=50r/s burst=20, so one panel page's burst of parallel reads is cut;
 * - /api/v1/auth/: rate=5r/s burst=10, which refuses before AsterDrive's own auth limit answers
 *   429 with Retry-After.
 * The rest of the suite's traffic (measured: at most 7 requests over 50/s, 5 auth requests over
 * 5/s) passes both.
 */
export const PROXY_LIMIT_REQ = { perSecond: 50, burst: 20, authPerSecond: 5, authBurst: 10 };
/** `idle-timeout-5s` */
export const SHORT_TIMEOUT_S = 5;
/** `idle-timeout-5s` on Caddy: a whole response must be written within this. */
export const WRITE_TIMEOUT_S = 10;
/**
 * `sse-read-timeout`: how long the proxy waits for the next bytes from AsterDrive. Under the
 * storage-event stream's 15 s heartbeat, so the quiet stream is cut between two heartbeats.
 */
export const SSE_READ_TIMEOUT_S = 10;

const WEBDAV_ONLY = 'PROPFIND PROPPATCH MKCOL COPY MOVE LOCK UNLOCK';
const PREVIEW_RE = '/(thumbnail|image-preview|media-metadata|preview-link)(/|$)';

export interface Deviation {
  /** What the operator wrote, in one line (printed at start and in the config's banner). */
  summary: string;
  nginx?: (site: NginxSite) => void;
  caddy?: (site: CaddySite) => void;
  /** The certificate the entry is given instead of the base one (both servers). */
  certificate?: LeafOptions;
  /** Why one server has no deviation for this fault. */
  only?: string;
}

/** Days left on the `cert-expiring-soon` certificate: under the 21 the checks require by default. */
export const SHORT_CERT_DAYS = 7;

const deny = (location: string) => `location ${location} { deny all; }`;

export const DEVIATIONS: Record<ProxyFault, Deviation> = {
  'no-hsts': {
    summary: 'no Strict-Transport-Security header',
    nginx: (s) => {
      s.headers = s.headers.filter((h) => !/Strict-Transport-Security/i.test(h));
    },
    caddy: (s) => {
      s.headers = s.headers.filter((h) => !/Strict-Transport-Security/i.test(h));
    },
  },
  'no-https-redirect': {
    summary: 'the plain-HTTP listener serves the site instead of redirecting to HTTPS',
    nginx: (s) => {
      s.httpRedirect = false;
    },
    caddy: (s) => {
      s.httpRedirect = false;
    },
  },
  'strip-host': {
    summary: 'Host is the upstream address (nginx: no `proxy_set_header Host`, so its default $proxy_host; Caddy: header_up Host {upstream_hostport})',
    nginx: (s) => {
      s.proxyHeaders.delete('Host');
      s.proxyHeaders.delete('X-Forwarded-Host');
    },
    caddy: (s) => {
      s.proxy.push('header_up Host {upstream_hostport}', 'header_up -X-Forwarded-Host');
    },
  },
  'no-forwarded-proto': {
    summary: 'no X-Forwarded-Proto to AsterDrive',
    nginx: (s) => {
      s.proxyHeaders.delete('X-Forwarded-Proto');
    },
    caddy: (s) => {
      s.proxy.push('header_up -X-Forwarded-Proto');
    },
  },
  'block-webdav-methods': {
    summary: `only GET/HEAD/POST/PUT/DELETE/OPTIONS allowed on /webdav/ (nginx: limit_except; Caddy: respond 405 to ${WEBDAV_ONLY})`,
    nginx: (s) => {
      s.locations.push('location ^~ /webdav/ {', '    limit_except GET HEAD POST PUT DELETE OPTIONS { deny all; }', `    proxy_pass ${UPSTREAM};`, '}');
    },
    caddy: (s) => {
      s.site.push(`@entry_webdav_methods method ${WEBDAV_ONLY}`, 'respond @entry_webdav_methods 405');
    },
  },
  'body-limit-1m': {
    summary: "request bodies limited to 1 MiB (nginx's default client_max_body_size 1m; Caddy: request_body max_size 1MB)",
    nginx: (s) => {
      s.bodySize = '1m';
    },
    caddy: (s) => {
      s.site.push('request_body {', '\tmax_size 1MB', '}');
    },
  },
  'global-csp': {
    summary: `a site-wide Content-Security-Policy "${GLOBAL_CSP}" on top of AsterDrive's own`,
    nginx: (s) => {
      s.headers.push(`add_header Content-Security-Policy "${GLOBAL_CSP}" always;`);
    },
    caddy: (s) => {
      s.headers.push(`header Content-Security-Policy "${GLOBAL_CSP}"`);
    },
  },
  'block-wopi': {
    summary: 'the WOPI callback paths /api/v1/wopi/ denied',
    nginx: (s) => {
      s.locations.push(deny('^~ /api/v1/wopi/'));
    },
    caddy: (s) => {
      s.site.push('respond /api/v1/wopi/* 403');
    },
  },
  'block-share': {
    summary: 'the share page /s/ and the share API /api/v1/s/ denied',
    nginx: (s) => {
      s.locations.push(deny('^~ /s/'), deny('^~ /api/v1/s/'));
    },
    caddy: (s) => {
      s.site.push('@entry_share path /s/* /api/v1/s/*', 'respond @entry_share 403');
    },
  },
  'block-preview': {
    summary: 'thumbnail, preview and /pv/ paths denied',
    nginx: (s) => {
      s.locations.push(deny(`~ "${PREVIEW_RE}"`), deny('^~ /pv/'));
    },
    caddy: (s) => {
      s.site.push(`@entry_preview path_regexp ${PREVIEW_RE}`, 'respond @entry_preview 403', 'respond /pv/* 403');
    },
  },
  'block-refresh': {
    summary: 'POST /api/v1/auth/refresh denied (an auth-endpoint rule that spares only the login)',
    nginx: (s) => {
      s.locations.push(deny('= /api/v1/auth/refresh'));
    },
    caddy: (s) => {
      s.site.push('respond /api/v1/auth/refresh 403');
    },
  },
  'public-metrics': {
    summary: '/health/metrics proxied to the internet like everything else',
    nginx: (s) => {
      s.metricsInternal = false;
    },
    caddy: (s) => {
      s.metricsInternal = false;
    },
  },
  'block-health': {
    summary: '/health and /health/ready not routed to AsterDrive (404 from the proxy)',
    nginx: (s) => {
      s.locations.push('location = /health { return 404; }', 'location = /health/ready { return 404; }');
    },
    caddy: (s) => {
      s.site.push('@entry_health path /health /health/ready', 'respond @entry_health 404');
    },
  },
  'idle-timeout-5s': {
    summary: `Caddy servers timeouts { write ${WRITE_TIMEOUT_S}s }: a response still being written after ${WRITE_TIMEOUT_S} s is cut; no flush_interval for SSE`,
    // nginx's timeouts (proxy_read_timeout, send_timeout) only run while a connection is quiet, so a
    // download that keeps flowing is never cut by them; the quiet storage-event stream is, which
    // is the `sse-read-timeout` deviation.
    only: 'nginx timeouts only cut quiet connections; the slow-download check (2.9) keeps bytes flowing, so this fault runs on Caddy',
    caddy: (s) => {
      s.servers.push('timeouts {', `\twrite ${WRITE_TIMEOUT_S}s`, '}');
      s.proxy = s.proxy.filter((l) => !/flush_interval|\(SSE\)/.test(l));
    },
  },
  'sse-read-timeout': {
    summary: `the proxy waits at most ${SSE_READ_TIMEOUT_S} s for the next bytes from AsterDrive (nginx: proxy_read_timeout ${SSE_READ_TIMEOUT_S}s server-wide, set to drop hung requests; Caddy: reverse_proxy transport http { read_timeout ${SSE_READ_TIMEOUT_S}s }), below the storage-event stream's 15 s heartbeat`,
    // Server-wide, as operators write it: the events location inherits it. Downloads that keep
    // flowing and quick API answers are not affected; only the quiet event stream is.
    nginx: (s) => {
      s.timeouts = s.timeouts.map((t) => (t.startsWith('proxy_read_timeout') ? `proxy_read_timeout ${SSE_READ_TIMEOUT_S}s;` : t));
    },
    caddy: (s) => {
      s.proxy.push('transport http {', `\tread_timeout ${SSE_READ_TIMEOUT_S}s`, '}');
    },
  },
  'rate-limit-proxy': {
    summary: `limit_req zones rate=${PROXY_LIMIT_REQ.perSecond}r/s burst=${PROXY_LIMIT_REQ.burst} (site) and rate=${PROXY_LIMIT_REQ.authPerSecond}r/s burst=${PROXY_LIMIT_REQ.authBurst} (/api/v1/auth/), nodelay, 503`,
    only: "Debian's Caddy has no rate-limit module, so this fault runs on nginx",
    nginx: (s) => {
      const z = PROXY_LIMIT_REQ;
      s.http.push(
        `limit_req_zone $binary_remote_addr zone=entry_site:1m rate=${z.perSecond}r/s;`,
        `limit_req_zone $binary_remote_addr zone=entry_auth:1m rate=${z.authPerSecond}r/s;`,
      );
      s.server.push(`limit_req zone=entry_site burst=${z.burst} nodelay;`);
      s.locations.push('location ^~ /api/v1/auth/ {', `    limit_req zone=entry_auth burst=${z.authBurst} nodelay;`, `    proxy_pass ${UPSTREAM};`, '}');
    },
  },
  'cert-expiring-soon': {
    summary: `the certificate expires in ${SHORT_CERT_DAYS} days (renewal did not run)`,
    certificate: { days: SHORT_CERT_DAYS },
    nginx: () => {},
    caddy: () => {},
  },
  'cert-one-name': {
    summary: 'the certificate names only the public host, not 127.0.0.1, which is a Public Site URL too',
    certificate: { hostOnly: true },
    nginx: () => {},
    caddy: () => {},
  },
  'legacy-tls': {
    summary: 'ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3 with ssl_ciphers DEFAULT:@SECLEVEL=0 (an old config carried over)',
    only: 'Caddy cannot be configured below TLS 1.2, so this fault runs on nginx',
    nginx: (s) => {
      s.tls = ['ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;', "ssl_ciphers 'DEFAULT:@SECLEVEL=0';"];
    },
  },
};

/** The entry's certificate under these faults. */
export function leafOptionsOf(faults: readonly ProxyFault[]): LeafOptions {
  return Object.assign({}, ...faults.map((f) => DEVIATIONS[f].certificate ?? {}));
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
