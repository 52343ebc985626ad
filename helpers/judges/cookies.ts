/**
 * AsterDrive's auth cookies as the browser receives them (the real Set-Cookie lines of login and
 * refresh), and the audit rules of upstream src/api/routes/auth/cookies.rs / anchors §6a–6d by
 * cookie name.
 */
import { z } from 'zod';
import { LoginResp } from '../clients/api/schemas.js';
import { registerSecret } from '../harness/secrets.js';

export interface ParsedCookie {
  name: string;
  /** Never shown: registered as a secret. */
  value: string;
  path?: string;
  domain?: string;
  maxAge?: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: string;
  /** The attributes as sent, value hidden: for evidence. */
  shown: string;
}

export function parseSetCookie(line: string): ParsedCookie {
  const [pair, ...attrs] = line.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  const c: ParsedCookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), httpOnly: false, secure: false, shown: '' };
  registerSecret(c.value);
  for (const a of attrs) {
    const i = a.indexOf('=');
    const key = (i < 0 ? a : a.slice(0, i)).toLowerCase();
    const val = i < 0 ? '' : a.slice(i + 1);
    if (key === 'path') c.path = val;
    else if (key === 'domain') c.domain = val;
    else if (key === 'max-age') c.maxAge = Number(val);
    else if (key === 'httponly') c.httpOnly = true;
    else if (key === 'secure') c.secure = true;
    else if (key === 'samesite') c.sameSite = val;
  }
  c.shown = [`${c.name}=(hidden)`, ...attrs].join('; ');
  return c;
}

export function cookiesOf(res: Response): Map<string, ParsedCookie> {
  const out = new Map<string, ParsedCookie>();
  for (const line of res.headers.getSetCookie()) {
    const c = parseSetCookie(line);
    out.set(c.name, c);
  }
  return out;
}

/** What AsterDrive sets (upstream src/api/routes/auth/cookies.rs): HttpOnly and Path per cookie; Secure and SameSite for all. */
export const AUTH_COOKIES = {
  aster_access: { httpOnly: true, path: '/', ttl: 'access' },
  aster_refresh: { httpOnly: true, path: '/api/v1/auth', ttl: 'refresh' },
  aster_csrf: { httpOnly: false, path: '/', ttl: 'refresh' },
} as const;

export type AuthCookieName = keyof typeof AUTH_COOKIES;

/** One problem per flag, each naming the cookie, the Observatory expectation and the fix. */
export function cookieProblems(c: ParsedCookie | undefined, name: AuthCookieName, where: string): string[] {
  const want = AUTH_COOKIES[name];
  if (!c) return [`${where}: no ${name} cookie was set`];
  const problems: string[] = [];
  const session = name !== 'aster_csrf';
  if (!c.secure) {
    problems.push(
      `${where}: ${name} has no Secure flag (Observatory ${session ? 'cookies-session-without-secure-flag' : 'cookies-without-secure-flag'}): the browser would send it over plain HTTP. Turn on "Send Authentication Cookies over HTTPS Only" (auth_cookie_secure = true) in Admin → System Settings → Authentication and Cookies`,
    );
  }
  if (want.httpOnly && !c.httpOnly)
    problems.push(`${where}: ${name} is not HttpOnly (Observatory cookies-session-without-httponly-flag): scripts could read the session`);
  if (!want.httpOnly && c.httpOnly) problems.push(`${where}: ${name} is HttpOnly, but the panel must read it to send X-CSRF-Token`);
  const ss = c.sameSite?.toLowerCase();
  if (ss !== 'lax' && ss !== 'strict') {
    problems.push(
      `${where}: ${name} has SameSite=${c.sameSite ?? '(none)'}; expected Lax or Strict (Observatory ${name === 'aster_csrf' ? 'cookies-anticsrf-without-samesite-flag' : 'cookies-samesite-flag-invalid'}). Check that the proxy does not rewrite Set-Cookie (proxy_cookie_flags / proxy_cookie_path)`,
    );
  }
  if (c.path !== want.path)
    problems.push(
      `${where}: ${name} has Path=${c.path ?? '(none)'}; AsterDrive sets Path=${want.path}. Does the proxy rewrite cookie paths (proxy_cookie_path)?`,
    );
  if (c.domain)
    problems.push(`${where}: ${name} has Domain=${c.domain}; AsterDrive sets host-only cookies. Does the proxy add a Domain (proxy_cookie_domain)?`);
  return problems;
}

/** A login of its own (its own refresh token, upstream src/services/auth/local/tokens/refresh.rs); the caller logs out with `logout`. */
export async function freshLogin(baseURL: string, creds: { identifier: string; password: string }, headers: Record<string, string> = {}) {
  const res = await fetch(new URL('/api/v1/auth/login', baseURL), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(creds),
    redirect: 'manual',
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  const cookies = cookiesOf(res);
  let data: z.output<typeof LoginResp> | undefined;
  try {
    const parsed = z.object({ data: LoginResp }).safeParse(JSON.parse(text));
    if (parsed.success) data = parsed.data.data;
  } catch {
    /* not JSON */
  }
  return { res, status: res.status, text, cookies, data };
}

export function cookieHeader(cookies: Map<string, ParsedCookie>, names: string[]): string {
  return names
    .map((n) => cookies.get(n))
    .filter((c): c is ParsedCookie => Boolean(c?.value))
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}

/** POST /auth/refresh with the refresh and CSRF cookies and the X-CSRF-Token header (upstream src/api/routes/auth/session.rs). */
export async function refresh(baseURL: string, cookies: Map<string, ParsedCookie>) {
  const res = await fetch(new URL('/api/v1/auth/refresh', baseURL), {
    method: 'POST',
    headers: { cookie: cookieHeader(cookies, ['aster_refresh', 'aster_csrf']), 'x-csrf-token': cookies.get('aster_csrf')?.value ?? '' },
    redirect: 'manual',
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { res, status: res.status, text, cookies: cookiesOf(res) };
}

/** Ends a session the test made (revokes its refresh token). Never throws. */
export async function logout(baseURL: string, cookies: Map<string, ParsedCookie>, headers: Record<string, string> = {}): Promise<number> {
  try {
    const res = await fetch(new URL('/api/v1/auth/logout', baseURL), {
      method: 'POST',
      headers: {
        cookie: cookieHeader(cookies, ['aster_access', 'aster_refresh', 'aster_csrf']),
        'x-csrf-token': cookies.get('aster_csrf')?.value ?? '',
        ...headers,
      },
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return -1;
  }
}
