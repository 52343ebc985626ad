/**
 * The MDN HTTP Observatory's expectations for redirection, HSTS and cookies (anchors §6a), so a
 * launch report reads like an Observatory scan; the suite goes further (it signs in, follows the
 * real cookies, tests error responses).
 */

/** Observatory's SIX_MONTHS (15 552 000 s: "a lot of sites use 15552000, so a white lie is in order"). */
export const SIX_MONTHS = 15_552_000;

export type HstsResult =
  | 'hsts-implemented-max-age-at-least-six-months'
  | 'hsts-implemented-max-age-less-than-six-months'
  | 'hsts-not-implemented'
  | 'hsts-header-invalid'
  | 'hsts-not-implemented-no-https';

export interface Hsts {
  result: HstsResult;
  header: string | null;
  maxAge?: number;
  includeSubDomains: boolean;
  preload: boolean;
}

export function hstsOf(header: string | null, https = true): Hsts {
  const out: Hsts = { result: 'hsts-not-implemented', header, includeSubDomains: false, preload: false };
  if (!https) return { ...out, result: 'hsts-not-implemented-no-https' };
  if (!header) return out;
  if (header.includes(',')) return { ...out, result: 'hsts-header-invalid' }; // set twice
  for (const p of header.split(';').map((s) => s.trim().toLowerCase())) {
    if (p.startsWith('max-age=')) out.maxAge = Number.parseInt(p.slice(8).replace(/"/g, ''), 10);
    else if (p === 'includesubdomains') out.includeSubDomains = true;
    else if (p === 'preload') out.preload = true;
  }
  if (out.maxAge === undefined || Number.isNaN(out.maxAge)) return { ...out, result: 'hsts-header-invalid' };
  return { ...out, result: out.maxAge < SIX_MONTHS ? 'hsts-implemented-max-age-less-than-six-months' : 'hsts-implemented-max-age-at-least-six-months' };
}

export type RedirectionResult =
  | 'redirection-to-https'
  | 'redirection-not-needed-no-http'
  | 'redirection-missing'
  | 'redirection-not-to-https'
  | 'redirection-not-to-https-on-initial-redirection'
  | 'redirection-off-host-from-http';

export interface Hop {
  url: string;
  status: number;
  location?: string;
}

/** Observatory's redirection test over the hops of a plain-HTTP request (first hop = the http:// URL). */
export function redirectionOf(route: Hop[] | null): RedirectionResult {
  if (!route) return 'redirection-not-needed-no-http';
  const urls = route.map((h) => new URL(h.url));
  if (urls.length === 1) return 'redirection-missing';
  if (urls.at(-1)?.protocol !== 'https:') return 'redirection-not-to-https';
  if (urls[1]?.protocol === 'http:') return 'redirection-not-to-https-on-initial-redirection';
  if (urls[0]?.hostname !== urls[1]?.hostname) return 'redirection-off-host-from-http';
  return 'redirection-to-https';
}

export const REDIRECTION_PASSES: RedirectionResult[] = ['redirection-to-https', 'redirection-not-needed-no-http'];
