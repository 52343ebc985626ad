/**
 * Writes the Caddyfile of a managed target's entry (ASTER_ENTRY=caddy): the same base as the
 * nginx one (helpers/harness/entry-servers/nginx.ts), in Caddy's terms, plus the active fault's deviation.
 *
 * Caddy already does much of what the guide asks without being told: no body limit, Host kept,
 * X-Forwarded-For/-Proto/-Host set, no timeout on a response that keeps flowing. The base adds
 * what it does not do by itself: HSTS (Caddy sends none), immediate flushing for the SSE stream
 * (`flush_interval -1`), the internal-only /health/metrics, and the redirect to the HTTPS port
 * (automatic HTTPS is off: the run brings its own certificate and ports).
 */
import { HSTS_VALUE } from './nginx.js';
import type { EntryListen } from './types.js';

export interface CaddySite {
  /** `header` lines of the HTTPS site (HSTS, a deviation's own). */
  headers: string[];
  /** Lines of the global `servers` option (protocols, timeouts). */
  servers: string[];
  /** Site lines before the proxy: request_body, matchers and `respond` rules. */
  site: string[];
  /** Lines inside `reverse_proxy { }`. */
  proxy: string[];
  metricsInternal: boolean;
  httpRedirect: boolean;
}

export function baseCaddySite(): CaddySite {
  return {
    headers: [`header Strict-Transport-Security "${HSTS_VALUE}"`],
    servers: ['protocols h1 h2'],
    site: [],
    proxy: [
      '# the storage-event stream (SSE) must not wait in a buffer',
      'flush_interval -1',
      "# AsterDrive reads Forwarded before X-Forwarded-*: a client's own must not pass",
      'header_up -Forwarded',
    ],
    metricsInternal: true,
    httpRedirect: true,
  };
}

export interface CaddyRender {
  dir: string;
  listen: EntryListen;
  upstream: string;
  certPath: string;
  keyPath: string;
  banner: string[];
}

const tab = (lines: string[], n = 1) => lines.map((l) => (l ? `${'\t'.repeat(n)}${l}` : l));

function siteBody(site: CaddySite, upstream: string, https: boolean): string[] {
  const out = [...(https ? site.headers : []), ...site.site];
  if (site.metricsInternal) out.push('@entry_metrics path /health/metrics /health/metrics/*', 'respond @entry_metrics 403');
  out.push(`reverse_proxy ${new URL(upstream).host} {`, ...tab(site.proxy), '}');
  return out;
}

export function renderCaddyfile(site: CaddySite, r: CaddyRender): string {
  const bind = `bind ${r.listen.hosts.join(' ')}`;
  const http = site.httpRedirect ? [bind, `redir https://{host}:${r.listen.httpsPort}{uri} permanent`] : [bind, ...siteBody(site, r.upstream, false)];
  return [
    ...r.banner.map((b) => `# ${b}`),
    '',
    '{',
    ...tab([
      // One entry per run, several runs at once: no admin endpoint, no shared state.
      'admin off',
      'auto_https off',
      `storage file_system ${r.dir}/data`,
      'servers {',
      ...tab(site.servers),
      '}',
    ]),
    '}',
    '',
    `https://:${r.listen.httpsPort} {`,
    ...tab([bind, `tls ${r.certPath} ${r.keyPath}`, ...siteBody(site, r.upstream, true)]),
    '}',
    '',
    `http://:${r.listen.httpPort} {`,
    ...tab(http),
    '}',
    '',
  ].join('\n');
}
