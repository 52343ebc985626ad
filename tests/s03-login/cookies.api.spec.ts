/**
 * 3.2, 3.3, 3.6: the real Set-Cookie headers of login and refresh (what the browser gets, after
 * the proxy), read by cookie name (anchors §6d), and the settings behind them, read only.
 */
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';
import { AUTH_COOKIES, type AuthCookieName, cookieProblems, freshLogin, logout, type ParsedCookie, refresh } from '../../helpers/judges/cookies.js';
import { entryOf } from '../../helpers/clients/entry/entry.js';
import { notChecked } from '../../helpers/catalogue/verdict.js';

const NAMES = Object.keys(AUTH_COOKIES) as AuthCookieName[];
const SETTING_FIX =
  'Admin → System Settings → Authentication and Cookies → "Send Authentication Cookies over HTTPS Only" (auth_cookie_secure = "true"); the suite never changes it on your deployment';

function shown(cookies: Map<string, ParsedCookie>) {
  return Object.fromEntries(NAMES.map((n) => [n, cookies.get(n)?.shown ?? '(not set)']));
}

test.describe('login cookies', () => {
  test(
    'login and refresh set aster_access, aster_refresh and aster_csrf Secure, HttpOnly where AsterDrive sets it, SameSite=Lax, with their paths',
    checks(['3.2'], '@readonly'),
    async ({ run, userCredentials, evidence }) => {
      const current = entryOf(run).current;
      const login = await freshLogin(current, userCredentials);
      expect(login.status, `POST /api/v1/auth/login answered ${login.status}: ${login.text.slice(0, 200)}`).toBe(200);
      try {
        const refreshed = await refresh(current, login.cookies);
        await evidence('Set-Cookie of login and refresh (values hidden)', {
          origin: current,
          login: shown(login.cookies),
          refresh: { status: refreshed.status, cookies: shown(refreshed.cookies) },
          expectation: 'cookies-secure-with-httponly-sessions-and-samesite',
        });
        expect(refreshed.status, `POST /api/v1/auth/refresh answered ${refreshed.status}: ${refreshed.text.slice(0, 200)}`).toBe(200);
        const problems = [
          ...NAMES.flatMap((n) => cookieProblems(login.cookies.get(n), n, 'login')),
          ...NAMES.flatMap((n) => cookieProblems(refreshed.cookies.get(n), n, 'refresh')),
        ];
        expect(
          problems,
          `the auth cookies are not what a production site sends (Observatory expectation cookies-secure-with-httponly-sessions-and-samesite)`,
        ).toEqual([]);
        for (const n of NAMES) login.cookies.set(n, refreshed.cookies.get(n) ?? (login.cookies.get(n) as ParsedCookie));
        if (![...login.cookies.keys()].some((k) => k.startsWith('__Host-'))) {
          test
            .info()
            .annotations.push({ type: 'recommendation', description: 'cookies without the __Host- prefix (RFC 6265bis): a recommendation, not a failure' });
        }
      } finally {
        await logout(current, login.cookies);
      }
    },
  );

  test(
    'cookie security is switched on after an HTTP bootstrap (auth_cookie_secure is "true")',
    checks(['3.6'], '@readonly'),
    async ({ adminApi, evidence }) => {
      const setting = await adminApi.getConfig('auth_cookie_secure');
      await evidence('auth_cookie_secure', setting);
      expect(
        String(setting.value),
        `auth_cookie_secure is "${setting.value}": the instance was bootstrapped over plain HTTP (bootstrap_insecure_cookies) and cookie security was never switched back on, so session cookies would travel over HTTP. ${SETTING_FIX}`,
      ).toBe('true');
    },
  );

  test(
    'access and refresh token lifetimes match the security policy (cookie Max-Age and settings)',
    checks(['3.3'], '@readonly'),
    async ({ run, adminApi, userCredentials, evidence }) => {
      const env = loadConfig().env;
      // Only the operator's plan counts: the suite supplying AsterDrive's defaults would compare them with themselves.
      const expectAccess = env.ASTER_EXPECT_ACCESS_TTL_S;
      const expectRefresh = env.ASTER_EXPECT_REFRESH_TTL_S;
      if (expectAccess === undefined && expectRefresh === undefined) {
        notChecked('ASTER_EXPECT_ACCESS_TTL_S and ASTER_EXPECT_REFRESH_TTL_S', 'the token lifetimes of your security policy are not known');
      }
      const access = Number((await adminApi.getConfig('auth_access_token_ttl_secs')).value);
      const refreshTtl = Number((await adminApi.getConfig('auth_refresh_token_ttl_secs')).value);
      const current = entryOf(run).current;
      const login = await freshLogin(current, userCredentials);
      expect(login.status, `POST /api/v1/auth/login answered ${login.status}`).toBe(200);
      try {
        const maxAge = Object.fromEntries(NAMES.map((n) => [n, login.cookies.get(n)?.maxAge]));
        const expiresIn = login.data && 'expires_in' in login.data ? login.data.expires_in : undefined;
        await evidence('token lifetimes', {
          expected: { access: expectAccess ?? '(not given)', refresh: expectRefresh ?? '(not given)' },
          settings: { auth_access_token_ttl_secs: access, auth_refresh_token_ttl_secs: refreshTtl },
          cookieMaxAge: maxAge,
          loginExpiresIn: expiresIn,
        });
        const fix = 'Admin → System Settings → Authentication and Cookies (auth_access_token_ttl_secs / auth_refresh_token_ttl_secs)';
        if (expectAccess !== undefined) {
          expect.soft(access, `auth_access_token_ttl_secs is ${access} s; the policy says ${expectAccess} s. Change it in ${fix}`).toBe(expectAccess);
          expect
            .soft(maxAge.aster_access, `the aster_access cookie lives ${maxAge.aster_access} s (Max-Age); the policy says ${expectAccess} s`)
            .toBe(expectAccess);
          if (expiresIn !== undefined) expect.soft(expiresIn, `login reports expires_in=${expiresIn}; the policy says ${expectAccess} s`).toBe(expectAccess);
        }
        if (expectRefresh !== undefined) {
          expect
            .soft(refreshTtl, `auth_refresh_token_ttl_secs is ${refreshTtl} s; the policy says ${expectRefresh} s. Change it in ${fix}`)
            .toBe(expectRefresh);
          expect
            .soft(maxAge.aster_refresh, `the aster_refresh cookie lives ${maxAge.aster_refresh} s (Max-Age); the policy says ${expectRefresh} s`)
            .toBe(expectRefresh);
          expect
            .soft(maxAge.aster_csrf, `the aster_csrf cookie lives ${maxAge.aster_csrf} s (Max-Age); it follows the refresh lifetime ${expectRefresh} s`)
            .toBe(expectRefresh);
        }
      } finally {
        await logout(current, login.cookies);
      }
      if (expectAccess === undefined)
        notChecked('ASTER_EXPECT_ACCESS_TTL_S', 'the access token lifetime of your policy is not known (the refresh lifetime matched)');
      if (expectRefresh === undefined)
        notChecked('ASTER_EXPECT_REFRESH_TTL_S', 'the refresh token lifetime of your policy is not known (the access lifetime matched)');
    },
  );
});
