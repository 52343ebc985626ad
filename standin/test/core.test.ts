import { test, expect, request as pwRequest } from '@playwright/test';
import { ADMIN, bearer, cookieFrom, createUser, login, startStandin, type Session, type Standin } from './support.js';

let s: Standin;
let admin: Session;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  s = await startStandin();
});

test.afterAll(async () => {
  await s?.kill();
});

function setCookies(r: Response): string[] {
  return r.headers.getSetCookie();
}

// upstream src/api/common.rs
test('[api] unknown /api/v1 path is 404 endpoint.not_found', async () => {
  const r = await fetch(`${s.baseURL}/api/v1/definitely/not/here`);
  expect(r.status).toBe(404);
  expect(await r.json()).toEqual({ code: 'endpoint.not_found', msg: 'endpoint not found', error: { retryable: false } });
});

// upstream src/services/system_setup.rs, src/services/storage_policy/policy/policies.rs
test('[setup] setup state machine: needs_admin -> needs_storage -> ready', async () => {
  const ready = async () => (await (await fetch(`${s.baseURL}/health/ready`)).json()).data.status;
  expect(await ready()).toBe('needs_admin');
  const check = await (await fetch(`${s.baseURL}/api/v1/auth/check`, { method: 'POST' })).json();
  expect(check).toMatchObject({ code: 'success', msg: '', data: { setup_state: 'needs_admin', has_users: false } });

  const setup = await fetch(`${s.baseURL}/api/v1/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  expect(setup.status).toBe(201);
  expect(setCookies(setup)).toEqual([]);
  const info = (await setup.json()).data;
  expect(info).toMatchObject({ username: 'admin', role: 'admin', status: 'active', email_verified: true });
  expect(await ready()).toBe('needs_storage');

  const again = await fetch(`${s.baseURL}/api/v1/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  expect(again.status).toBe(400);
  expect((await again.json()).code).toBe('validation.system_already_initialized');

  const a = await login(s.baseURL, ADMIN.username, ADMIN.password);
  const early = await a.ctx.post('/api/v1/admin/users', { data: { username: 'early', email: 'early@example.com' }, headers: { 'X-CSRF-Token': a.csrf } });
  expect(early.status()).toBe(400);
  expect((await early.json()).code).toBe('validation.system_not_initialized');
  await a.ctx.dispose();

  admin = await bootstrapPolicyOnly();
  expect(await ready()).toBe('ready');
  const cfg = await admin.ctx.get('/api/v1/admin/config/public_site_url');
  expect((await cfg.json()).data.value).toEqual([s.baseURL]);
});

async function bootstrapPolicyOnly(): Promise<Session> {
  const a = await login(s.baseURL, ADMIN.username, ADMIN.password);
  const { localPolicyBody } = await import('./support.js');
  const p = await a.ctx.post('/api/v1/admin/policies', { data: localPolicyBody(), headers: { 'X-CSRF-Token': a.csrf } });
  expect(p.status()).toBe(201);
  const groups = await (await a.ctx.get('/api/v1/admin/policy-groups')).json();
  expect(groups.data.items).toHaveLength(1);
  expect(groups.data.items[0].is_default).toBe(true);
  return a;
}

// upstream src/api/routes/public.rs, src/services/ops/config/public.rs (PublicFrontendConfig)
test("[public] frontend-config has upstream's shape: version, branding, downloads, media", async () => {
  const r = await fetch(`${s.baseURL}/api/v1/public/frontend-config`);
  expect(r.status).toBe(200);
  const { data } = await r.json();
  expect(Object.keys(data).sort()).toEqual(['branding', 'downloads', 'media', 'version']);
  expect(data.version).toBe(2);
  expect(Object.keys(data.branding).sort()).toEqual([
    'allow_user_registration',
    'description',
    'favicon_url',
    'passkey_login_enabled',
    'site_urls',
    'title',
    'wordmark_dark_url',
    'wordmark_light_url',
  ]);
  expect(data.branding.title).toBe('AsterDrive');
  expect(Array.isArray(data.branding.site_urls)).toBe(true);
  expect(data.downloads).toEqual({ archive_download_user_enabled: true, archive_download_share_enabled: true });
  expect(data.media).toEqual({ image_preview_preference: 'original_first' });
});

// upstream src/runtime/components.rs (request id, default headers), src/api/routes/frontend.rs (CSP)
test('[runtime] X-Request-ID uuid, default security headers, no HSTS, no CSP on JSON', async () => {
  const r = await fetch(`${s.baseURL}/api/v1/auth/check`, { method: 'POST' });
  expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(r.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  expect(r.headers.get('strict-transport-security')).toBeNull();
  expect(r.headers.get('content-security-policy')).toBeNull();
  const spa = await fetch(`${s.baseURL}/some/spa/route`);
  expect(spa.status).toBe(200);
  expect(spa.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
  expect(spa.headers.get('cache-control')).toBe('no-cache');
});

// upstream src/api/extractors.rs
test('[api] JSON content-type, malformed JSON and 1 MiB limit', async () => {
  const url = `${s.baseURL}/api/v1/auth/login`;
  const noCt = await fetch(url, { method: 'POST', body: '{"identifier":"a","password":"b"}', headers: { 'content-type': 'text/plain' } });
  expect(noCt.status).toBe(400);
  expect((await noCt.json()).code).toBe('bad_request');
  const bad = await fetch(url, { method: 'POST', body: '{"identifier":', headers: { 'content-type': 'application/json' } });
  expect(bad.status).toBe(400);
  expect((await bad.json()).msg).toContain('invalid JSON request body');
  const big = await fetch(url, {
    method: 'POST',
    body: JSON.stringify({ identifier: 'x'.repeat(1024 * 1024 + 10), password: 'y' }),
    headers: { 'content-type': 'application/json' },
  });
  expect(big.status).toBe(413);
});

// upstream src/api/routes/auth/session.rs, src/api/routes/auth/cookies.rs
test('[auth] login body is only status+expires_in; cookies have exact flags', async () => {
  const r = await fetch(`${s.baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: ADMIN.email, password: ADMIN.password }),
  });
  expect(r.status).toBe(200);
  expect((await r.json()).data).toEqual({ status: 'authenticated', expires_in: 900 });
  const c = setCookies(r);
  const access = c.find((x) => x.startsWith('aster_access='))!;
  const refresh = c.find((x) => x.startsWith('aster_refresh='))!;
  const csrf = c.find((x) => x.startsWith('aster_csrf='))!;
  expect(access).toContain('Path=/;');
  expect(access).toContain('Max-Age=900');
  expect(access).toContain('HttpOnly');
  expect(access).toContain('SameSite=Lax');
  expect(access).not.toContain('Secure');
  expect(refresh).toContain('Path=/api/v1/auth');
  expect(refresh).toContain('Max-Age=604800');
  expect(refresh).toContain('HttpOnly');
  expect(csrf).toContain('Max-Age=604800');
  expect(csrf).not.toContain('HttpOnly');
  expect(cookieFrom(c, 'aster_csrf')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const wrong = await fetch(`${s.baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: 'admin', password: 'nope-nope' }),
  });
  expect(wrong.status).toBe(401);
  expect(await wrong.json()).toMatchObject({ code: 'auth.credentials_failed', msg: 'Invalid Credentials' });
});

// upstream src/api/middleware/auth.rs
test('[auth] cookie-authenticated POST without X-CSRF-Token is 403 auth.csrf_header_missing', async () => {
  const noHeader = await admin.ctx.post('/api/v1/folders', { data: { name: 'csrf-a', parent_id: null } });
  expect(noHeader.status()).toBe(403);
  expect((await noHeader.json()).code).toBe('auth.csrf_header_missing');
  const wrong = await admin.ctx.post('/api/v1/folders', { data: { name: 'csrf-b', parent_id: null }, headers: { 'X-CSRF-Token': 'x'.repeat(43) } });
  expect((await wrong.json()).code).toBe('auth.csrf_token_invalid');
  const origin = await admin.ctx.post('/api/v1/folders', {
    data: { name: 'csrf-c', parent_id: null },
    headers: { 'X-CSRF-Token': admin.csrf, Origin: 'https://evil.example' },
  });
  expect(origin.status()).toBe(403);
  expect((await origin.json()).code).toBe('auth.request_origin_untrusted');
  const referer = await admin.ctx.post('/api/v1/folders', {
    data: { name: 'csrf-d', parent_id: null },
    headers: { 'X-CSRF-Token': admin.csrf, Referer: 'https://evil.example/page' },
  });
  expect((await referer.json()).code).toBe('auth.request_referer_untrusted');
  const sfs = await admin.ctx.post('/api/v1/folders', {
    data: { name: 'csrf-e', parent_id: null },
    headers: { 'X-CSRF-Token': admin.csrf, 'Sec-Fetch-Site': 'cross-site' },
  });
  expect((await sfs.json()).code).toBe('auth.request_source_untrusted');
  const good = await admin.ctx.post('/api/v1/folders', {
    data: { name: 'csrf-ok', parent_id: null },
    headers: { 'X-CSRF-Token': admin.csrf, Origin: s.baseURL },
  });
  expect(good.status()).toBe(201);
  const noCookie = await fetch(`${s.baseURL}/api/v1/folders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `aster_access=${admin.access}`, 'x-csrf-token': 'abc' },
    body: '{"name":"x","parent_id":null}',
  });
  expect((await noCookie.json()).code).toBe('auth.csrf_cookie_missing');
  const b = await bearer(s.baseURL, admin.access);
  const viaBearer = await b.post('/api/v1/folders', { data: { name: 'bearer-ok', parent_id: null } });
  expect(viaBearer.status()).toBe(201);
  await b.dispose();
});

// upstream src/api/middleware/auth.rs
test('[auth] missing token is 401 auth.token_missing; refresh JWT as bearer is auth.token_invalid', async () => {
  const r = await fetch(`${s.baseURL}/api/v1/auth/me`);
  expect(r.status).toBe(401);
  expect((await r.json()).code).toBe('auth.token_missing');
  const lr = await fetch(`${s.baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: 'admin', password: ADMIN.password }),
  });
  const refresh = cookieFrom(setCookies(lr), 'aster_refresh')!;
  const me = await fetch(`${s.baseURL}/api/v1/auth/me`, { headers: { authorization: `Bearer ${refresh}` } });
  expect((await me.json()).code).toBe('auth.token_invalid');
});

// upstream src/services/auth/local/tokens/refresh.rs
test('[auth] refresh rotation: same-client replay within 15 s is stale, other replay revokes all sessions', async () => {
  await createUser(admin, 'rotator');
  const lr = await fetch(`${s.baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: 'rotator', password: 'UserPass123!' }),
  });
  const c0 = setCookies(lr);
  const r1 = cookieFrom(c0, 'aster_refresh')!;
  const csrf1 = cookieFrom(c0, 'aster_csrf')!;
  const access1 = cookieFrom(c0, 'aster_access')!;
  const refresh = (rt: string, csrf: string, ua = 'rot-client') =>
    fetch(`${s.baseURL}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { cookie: `aster_refresh=${rt}; aster_csrf=${csrf}`, 'x-csrf-token': csrf, 'user-agent': ua },
    });
  const noCsrf = await fetch(`${s.baseURL}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: `aster_refresh=${r1}; aster_csrf=${csrf1}` } });
  expect((await noCsrf.json()).code).toBe('auth.csrf_header_missing');
  const ok1 = await refresh(r1, csrf1);
  expect(ok1.status).toBe(200);
  expect((await ok1.json()).data).toEqual({ expires_in: 900 });
  const c1 = setCookies(ok1);
  const r2 = cookieFrom(c1, 'aster_refresh')!;
  const csrf2 = cookieFrom(c1, 'aster_csrf')!;
  expect(csrf2).not.toBe(csrf1);
  const stale = await refresh(r1, csrf1);
  expect(stale.status).toBe(401);
  expect((await stale.json()).code).toBe('auth.refresh_token_stale');
  const theft = await refresh(r1, csrf1, 'another-device');
  expect(theft.status).toBe(401);
  expect((await theft.json()).code).toBe('auth.refresh_token_reuse_detected');
  const after = await refresh(r2, csrf2);
  expect(after.status).toBe(401);
  const me = await fetch(`${s.baseURL}/api/v1/auth/me`, { headers: { authorization: `Bearer ${access1}` } });
  expect(me.status).toBe(401);
  expect((await me.json()).code).toBe('auth.token_invalid');
});

// upstream src/api/routes/auth/session.rs
test('[auth] logout clears cookies with Max-Age=0 but the access JWT stays valid', async () => {
  const lr = await fetch(`${s.baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: 'admin', password: ADMIN.password }),
  });
  const c = setCookies(lr);
  const access = cookieFrom(c, 'aster_access')!;
  const csrf = cookieFrom(c, 'aster_csrf')!;
  const refresh = cookieFrom(c, 'aster_refresh')!;
  const noCsrf = await fetch(`${s.baseURL}/api/v1/auth/logout`, {
    method: 'POST',
    headers: { cookie: `aster_access=${access}; aster_refresh=${refresh}; aster_csrf=${csrf}` },
  });
  expect(noCsrf.status).toBe(403);
  const out = await fetch(`${s.baseURL}/api/v1/auth/logout`, {
    method: 'POST',
    headers: { cookie: `aster_access=${access}; aster_refresh=${refresh}; aster_csrf=${csrf}`, 'x-csrf-token': csrf },
  });
  expect(out.status).toBe(200);
  expect(await out.json()).toEqual({ code: 'success', msg: '' });
  const cleared = setCookies(out);
  expect(cleared.filter((x) => x.includes('Max-Age=0'))).toHaveLength(3);
  const me = await fetch(`${s.baseURL}/api/v1/auth/me`, { headers: { authorization: `Bearer ${access}` } });
  expect(me.status).toBe(200);
  const body = (await me.json()).data;
  expect(typeof body.access_token_expires_at).toBe('number');
  const rf = await fetch(`${s.baseURL}/api/v1/auth/refresh`, {
    method: 'POST',
    headers: { cookie: `aster_refresh=${refresh}; aster_csrf=${csrf}`, 'x-csrf-token': csrf },
  });
  expect(rf.status).toBe(401);
});

// upstream src/services/user/account/admin.rs, src/api/middleware/auth.rs
test('[users] generated password forces password_change_required', async () => {
  const r = await admin.ctx.post('/api/v1/admin/users', { data: { username: 'genpw', email: 'genpw@example.com' }, headers: { 'X-CSRF-Token': admin.csrf } });
  expect(r.status()).toBe(201);
  const data = (await r.json()).data;
  expect(data.generated_password).toHaveLength(24);
  expect(data.user.must_change_password).toBe(true);
  const ctx = await pwRequest.newContext({ baseURL: s.baseURL });
  const lr = await ctx.post('/api/v1/auth/login', { data: { identifier: 'genpw', password: data.generated_password } });
  expect((await lr.json()).data.status).toBe('password_change_required');
  expect((await ctx.get('/api/v1/auth/me')).status()).toBe(200);
  const blocked = await ctx.get('/api/v1/folders');
  expect(blocked.status()).toBe(403);
  expect((await blocked.json()).code).toBe('auth.password_change_required');
  await ctx.dispose();
});

// upstream src/services/auth/local/password.rs
test('[auth] pending-activation login is 401 auth.credentials_failed', async () => {
  const reg = await fetch(`${s.baseURL}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'pending1', email: 'pending1@example.com', password: 'Pending123!' }),
  });
  expect(reg.status).toBe(201);
  const lr = await fetch(`${s.baseURL}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: 'pending1', password: 'Pending123!' }),
  });
  expect(lr.status).toBe(401);
  expect((await lr.json()).code).toBe('auth.credentials_failed');
});

// upstream src/services/ops/config/system.rs
test('[config] config values are strings; booleans validated; unknown keys are custom; SMTP password redacted', async () => {
  const h = { 'X-CSRF-Token': admin.csrf };
  const jsonBool = await admin.ctx.put('/api/v1/admin/config/webdav_enabled', { data: { value: false }, headers: h });
  expect(jsonBool.status()).toBe(400);
  const yes = await admin.ctx.put('/api/v1/admin/config/webdav_enabled', { data: { value: 'yes' }, headers: h });
  expect(yes.status()).toBe(400);
  const num = await admin.ctx.put('/api/v1/admin/config/auth_access_token_ttl_secs', { data: { value: 900 }, headers: h });
  expect(num.status()).toBe(400);
  const okBool = await admin.ctx.put('/api/v1/admin/config/webdav_enabled', { data: { value: 'true' }, headers: h });
  expect((await okBool.json()).data).toMatchObject({ key: 'webdav_enabled', value: 'true', value_type: 'boolean', source: 'system' });
  const strForArray = await admin.ctx.put('/api/v1/admin/config/public_site_url', { data: { value: s.baseURL }, headers: h });
  expect(strForArray.status()).toBe(400);
  const custom = await admin.ctx.put('/api/v1/admin/config/webdav_enabeld', { data: { value: 'false' }, headers: h });
  expect((await custom.json()).data.source).toBe('custom');
  const pw = await admin.ctx.put('/api/v1/admin/config/mail_smtp_password', { data: { value: 'hunter2' }, headers: h });
  expect((await pw.json()).data.value).toBe('***REDACTED***');
  const audit = await (await admin.ctx.get('/api/v1/admin/audit-logs?action=config_update&limit=200')).json();
  expect(audit.data.items.length).toBeGreaterThan(0);
  expect(JSON.stringify(audit.data.items)).not.toContain('hunter2');
});
