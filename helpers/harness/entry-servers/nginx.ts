/**
 * Writes the nginx configuration of a managed target's entry: a base that does what AsterDrive's
 * reverse-proxy guide asks of a production entry, plus at most the deviations of the active
 * fault (helpers/harness/entry-servers/deviations.ts), which are the mistakes operators make in it.
 *
 * The base, in the guide's terms:
 * - HTTPS with the run's certificate; plain HTTP answers 301 to the same path on HTTPS;
 * - HSTS on every HTTPS answer, error pages included (`always`);
 * - no body limit (`client_max_body_size 0`) and bodies streamed, not spooled
 *   (`proxy_request_buffering off`);
 * - the public Host kept (`$http_host`: with a non-default port, `$host` would drop it), the
 *   public scheme in X-Forwarded-Proto, the client in X-Forwarded-For / X-Real-IP, and no
 *   client-supplied Forwarded header passed on;
 * - long read/send timeouts, and the storage-event stream (SSE) unbuffered;
 * - every method and path passed through (WebDAV, WOPI, shares, previews), the site's own CSP
 *   untouched (no add_header for it);
 * - /health/metrics denied on the public entry (scrapers use the internal address).
 *
 * nginx's add_header and proxy_set_header are inherited by a location only when it sets none of
 * its own; the writer therefore repeats the server's headers in every location that adds one.
 */
import type { EntryListen } from './types.js';

/** The parts of the site a deviation may change. */
export interface NginxSite {
  /** add_header lines of the HTTPS server (HSTS, and a deviation's own). */
  headers: string[];
  /** client_max_body_size */
  bodySize: string;
  /** proxy_set_header name -> value; a deviation deletes or rewrites entries. */
  proxyHeaders: Map<string, string>;
  /** Timeout directives of the proxied locations. */
  timeouts: string[];
  /** The storage-event stream location turns buffering off. */
  sseUnbuffered: boolean;
  /** /health/metrics denied publicly. */
  metricsInternal: boolean;
  /** Plain HTTP redirects (true) or serves the site itself (false). */
  httpRedirect: boolean;
  /** TLS protocol and cipher lines of the HTTPS server. */
  tls: string[];
  /** Extra lines of the http block (limit_req_zone …). */
  http: string[];
  /** Extra lines of the server blocks, before the locations. */
  server: string[];
  /** Extra location blocks, placed before the base ones. */
  locations: string[];
}

export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';
/** Stands for the upstream address in a deviation's location blocks. */
export const UPSTREAM = '$UPSTREAM';
/** AsterDrive's storage change stream (SSE). */
export const SSE_PATH = '/api/v1/auth/events/storage';

export function baseNginxSite(): NginxSite {
  return {
    headers: [`add_header Strict-Transport-Security "${HSTS_VALUE}" always;`],
    bodySize: '0',
    proxyHeaders: new Map([
      ['Host', '$http_host'],
      ['X-Real-IP', '$remote_addr'],
      ['X-Forwarded-For', '$proxy_add_x_forwarded_for'],
      ['X-Forwarded-Proto', '$scheme'],
      ['X-Forwarded-Host', '$http_host'],
      // AsterDrive (actix) reads Forwarded before X-Forwarded-*: a client's own must not pass.
      ['Forwarded', '""'],
      ['Upgrade', '$http_upgrade'],
      ['Connection', '$entry_connection'],
    ]),
    timeouts: ['proxy_read_timeout 3600s;', 'proxy_send_timeout 3600s;', 'send_timeout 3600s;'],
    sseUnbuffered: true,
    metricsInternal: true,
    httpRedirect: true,
    tls: ['ssl_protocols TLSv1.2 TLSv1.3;'],
    http: [],
    server: [],
    locations: [],
  };
}

export interface NginxRender {
  /** Directory for the pid file, logs and temp files. */
  dir: string;
  listen: EntryListen;
  upstream: string;
  certPath: string;
  keyPath: string;
  /** Comment lines at the top (which run, which deviation). */
  banner: string[];
  /** Workers run as root when the master does (the run directory is private to root). */
  asRoot: boolean;
}

const indent = (lines: string[], n: number) => lines.map((l) => (l ? `${' '.repeat(n)}${l}` : l));

function block(head: string, body: string[]): string[] {
  return [`${head} {`, ...indent(body, 4), '}'];
}

/** The part both server blocks share when they serve the site (`https`: with HSTS). */
function siteBody(site: NginxSite, upstream: string, https: boolean): string[] {
  const headers = https ? site.headers : site.headers.filter((h) => !/Strict-Transport-Security/i.test(h));
  const proxied = (extra: string[] = []) => [`proxy_pass ${upstream};`, ...extra];
  const out: string[] = [
    `client_max_body_size ${site.bodySize};`,
    'proxy_request_buffering off;',
    'proxy_http_version 1.1;',
    ...[...site.proxyHeaders].map(([k, v]) => `proxy_set_header ${k} ${v};`),
    ...site.timeouts,
    ...headers,
    ...site.server,
    '',
    ...site.locations.map((l) => l.replaceAll(UPSTREAM, upstream)),
  ];
  if (site.metricsInternal) out.push(...block('location ^~ /health/metrics', ['# scraped on the internal address only', 'deny all;']));
  const sse = site.sseUnbuffered ? ['proxy_buffering off;', 'proxy_cache off;', ...headers, 'add_header X-Accel-Buffering no always;'] : [];
  out.push(...block(`location = ${SSE_PATH}`, proxied(sse)));
  out.push(...block('location /', proxied()));
  return out;
}

export function renderNginx(site: NginxSite, r: NginxRender): string {
  const upstream = new URL(r.upstream).origin;
  const listen = (port: number, tls: boolean) => r.listen.hosts.map((h) => `listen ${h.includes(':') ? `[${h}]` : h}:${port}${tls ? ' ssl http2' : ''};`);
  const httpServer = site.httpRedirect
    ? [...listen(r.listen.httpPort, false), `return 301 https://$host:${r.listen.httpsPort}$request_uri;`]
    : [...listen(r.listen.httpPort, false), ...siteBody(site, upstream, false)];
  const tmp = (name: string) => `${name}_temp_path ${r.dir}/tmp/${name};`;
  const lines = [
    ...r.banner.map((b) => `# ${b}`),
    '',
    'worker_processes 1;',
    ...(r.asRoot ? ['user root;'] : []),
    `pid ${r.dir}/nginx.pid;`,
    `error_log ${r.dir}/error.log warn;`,
    '',
    ...block('events', ['worker_connections 1024;']),
    '',
    ...block('http', [
      `access_log ${r.dir}/access.log;`,
      'server_tokens off;',
      'default_type application/octet-stream;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(tmp),
      '',
      ...block('map $http_upgrade $entry_connection', ['default upgrade;', "'' '';"]),
      ...site.http,
      '',
      '# plain HTTP',
      ...block('server', httpServer),
      '',
      '# HTTPS',
      ...block('server', [
        ...listen(r.listen.httpsPort, true),
        `ssl_certificate ${r.certPath};`,
        `ssl_certificate_key ${r.keyPath};`,
        ...site.tls,
        ...siteBody(site, upstream, true),
      ]),
    ]),
    '',
  ];
  return lines.join('\n');
}
