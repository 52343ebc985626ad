/**
 * 2.1 and 2.2: users reach the site over HTTPS with a certificate that is trusted, for its name
 * and not about to expire, on TLS 1.2 or newer only; plain HTTP redirects there, and the proxy
 * sends HSTS. Results carry the MDN HTTP Observatory expectation names (anchors §6a).
 */
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { entryOf } from '../../helpers/clients/entry/entry.js';
import { certMinDays, inspectTls, tlsProblems } from '../../helpers/judges/tls.js';
import { type Hop, hstsOf, REDIRECTION_PASSES, redirectionOf, SIX_MONTHS } from '../../helpers/judges/observatory.js';

const NGINX_REDIRECT = 'server { listen 80; server_name <your host>; return 301 https://$host$request_uri; }';
const NGINX_HSTS = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;';

/** Follows a plain-HTTP URL hop by hop (at most 6), or null when nothing listens there. */
async function route(url: string): Promise<{ hops: Hop[] | null; refused?: string }> {
  const hops: Hop[] = [];
  let next = url;
  for (let i = 0; i < 6; i++) {
    let res: Response;
    try {
      res = await fetch(next, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      if (i === 0 && /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|TimeoutError|timeout/i.test(cause)) return { hops: null, refused: cause };
      throw new Error(`following ${next} failed: ${cause}`);
    }
    await res.arrayBuffer();
    const location = res.headers.get('location') ?? undefined;
    hops.push({ url: next, status: res.status, location });
    if (res.status < 300 || res.status >= 400 || !location) return { hops };
    next = new URL(location, next).toString();
  }
  return { hops };
}

test.describe('HTTPS entry', () => {
  test(
    'the site is served over HTTPS and plain HTTP redirects to it (Observatory redirection-to-https)',
    checks(['2.1'], '@readonly'),
    async ({ run, evidence }) => {
      const entry = entryOf(run);
      await test.step('the origin users reach is HTTPS', async () => {
        expect(
          new URL(entry.current).protocol,
          `users reach ${entry.current} over plain HTTP: put the site behind an HTTPS proxy (nginx/Caddy with a certificate) and set ASTER_BASE_URL to its https:// origin`,
        ).toBe('https:');
        const res = await fetch(`${entry.current}/health`, { signal: AbortSignal.timeout(15_000) });
        expect(res.status, `GET ${entry.current}/health over HTTPS answered ${res.status}`).toBe(200);
      });

      await test.step('its certificate is trusted, for its name, valid long enough; TLS 1.0 and 1.1 are refused', async () => {
        const minDays = certMinDays();
        const view = await inspectTls(entry.current);
        await evidence('TLS (certificate and protocols)', { minDays, ...view });
        expect.soft(tlsProblems(view, minDays), 'TLS of the origin users reach').toEqual([]);
      });

      const deepPath = '/s/launch-check?from=http';
      const { hops, refused } = await test.step(`follow ${entry.http}${deepPath}`, () => route(`${entry.http}${deepPath}`));
      const result = redirectionOf(hops);
      await evidence('redirection (Observatory test "redirection")', {
        httpUrl: `${entry.http}${deepPath}`,
        hops,
        refused,
        result,
        expectation: 'redirection-to-https',
      });

      expect
        .soft(
          REDIRECTION_PASSES,
          `Observatory redirection result is "${result}" (expected redirection-to-https): ${
            result === 'redirection-missing'
              ? `${entry.http} serves the site over plain HTTP (${hops?.[0]?.status}) instead of redirecting. Add to nginx: ${NGINX_REDIRECT}`
              : result === 'redirection-off-host-from-http'
                ? 'the first redirect leaves the host; redirect to https:// on the same host first, so HSTS can apply'
                : `the plain-HTTP request does not end on https:// (hops: ${hops?.map((h) => `${h.status} ${h.location ?? ''}`).join(' -> ')}). ${NGINX_REDIRECT}`
          }`,
        )
        .toContain(result);
      if (hops && result === 'redirection-to-https') {
        const first = hops[0];
        expect
          .soft([301, 308], `the HTTP redirect is ${first.status}; use a permanent redirect (301 or 308) so browsers and links remember it`)
          .toContain(first.status);
        const target = new URL(String(first.location), first.url);
        expect
          .soft(
            `${target.pathname}${target.search}`,
            `the redirect drops the path or query (Location ${first.location}): shared links like /s/<token> would land on the front page. Use $request_uri in the redirect`,
          )
          .toBe(deepPath);
      }
    },
  );

  test(
    'HTTPS responses carry HSTS with max-age of at least six months (Observatory hsts-implemented-max-age-at-least-six-months)',
    checks(['2.2'], '@readonly'),
    async ({ run, evidence }) => {
      const entry = entryOf(run);
      const https = new URL(entry.current).protocol === 'https:';
      const paths = ['/', '/login', '/api/v1/auth/check', '/api/v1/auth/me'];
      const seen: Record<string, ReturnType<typeof hstsOf> & { status: number }> = {};
      for (const p of paths) {
        const res = await fetch(`${entry.current}${p}`, { method: p === '/api/v1/auth/check' ? 'POST' : 'GET', signal: AbortSignal.timeout(15_000) });
        await res.arrayBuffer();
        seen[p] = { status: res.status, ...hstsOf(res.headers.get('strict-transport-security'), https) };
      }
      await evidence('Strict-Transport-Security (Observatory test "strict-transport-security")', { minimumMaxAge: SIX_MONTHS, responses: seen });

      const front = seen['/'];
      expect(
        front.result,
        front.result === 'hsts-not-implemented-no-https'
          ? `${entry.current} is not HTTPS, so HSTS cannot apply (Observatory hsts-not-implemented-no-https); serve the site over HTTPS first (2.1)`
          : front.result === 'hsts-not-implemented'
            ? `GET ${entry.current}/ has no Strict-Transport-Security header (Observatory hsts-not-implemented). AsterDrive leaves HSTS to the proxy: ${NGINX_HSTS}`
            : front.result === 'hsts-header-invalid'
              ? `Strict-Transport-Security "${front.header}" is invalid or sent twice (Observatory hsts-header-invalid); send one header with max-age: ${NGINX_HSTS}`
              : `Strict-Transport-Security max-age=${front.maxAge} is below six months (${SIX_MONTHS} s) (Observatory hsts-implemented-max-age-less-than-six-months). ${NGINX_HSTS}`,
      ).toBe('hsts-implemented-max-age-at-least-six-months');
      for (const p of paths.slice(1)) {
        const s = seen[p];
        expect
          .soft(
            s.result,
            `${p} (${s.status}) has ${s.header ? `Strict-Transport-Security "${s.header}"` : 'no Strict-Transport-Security'}: HSTS must be on every HTTPS response, error responses included (nginx: add "always" to add_header: ${NGINX_HSTS})`,
          )
          .toBe('hsts-implemented-max-age-at-least-six-months');
      }
      if (!front.includeSubDomains)
        test.info().annotations.push({ type: 'recommendation', description: 'HSTS without includeSubDomains: add it when every subdomain is HTTPS' });
    },
  );
});
