import crypto from 'node:crypto';
import http from 'node:http';
import { test, expect } from '@playwright/test';
import { bootstrap, startStandin, upload, type Session, type Standin } from './support.js';

let s: Standin;
let admin: Session;
let discovery: http.Server;
let discoveryUrl = '';
const H = () => ({ 'X-CSRF-Token': admin.csrf });
const keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  s = await startStandin();
  admin = await bootstrap(s.baseURL);
  const jwk = keys.publicKey.export({ format: 'jwk' });
  const mod = Buffer.from(jwk.n!, 'base64url').toString('base64');
  const exp = Buffer.from(jwk.e!, 'base64url').toString('base64');
  discovery = http.createServer((_req, res) => {
    res.setHeader('content-type', 'text/xml');
    res.end(`<?xml version="1.0"?><wopi-discovery><net-zone name="external-http"><app name="Word" favIconUrl="http://office/word.ico">
<action name="view" ext="docx" urlsrc="http://office.test/we/view.aspx?"/><action name="edit" ext="docx" urlsrc="http://office.test/we/edit.aspx?"/></app></net-zone>
<proof-key oldvalue="" oldmodulus="" oldexponent="" modulus="${mod}" exponent="${exp}" value=""/></wopi-discovery>`);
  });
  await new Promise<void>((r) => discovery.listen(0, '127.0.0.1', () => r()));
  const a = discovery.address();
  discoveryUrl = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/hosting/discovery`;
  const registry = {
    version: 2,
    apps: [
      {
        key: 'custom.fakeoffice',
        provider: 'wopi',
        icon: '/static/preview-apps/file.svg',
        labels: { en: 'Fake Office' },
        extensions: ['docx'],
        config: { mode: 'iframe', action_url: 'http://127.0.0.1:9/edit?WOPISrc={{wopi_src}}' },
      },
      {
        key: 'custom.proofed',
        provider: 'wopi',
        icon: '/static/preview-apps/file.svg',
        labels: { en: 'Proofed' },
        extensions: ['docx'],
        config: { mode: 'new_tab', discovery_url: discoveryUrl },
      },
    ],
  };
  const put = await admin.ctx.put('/api/v1/admin/config/frontend_preview_apps_json', { data: { value: JSON.stringify(registry) }, headers: H() });
  expect(put.status()).toBe(200);
});

test.afterAll(async () => {
  discovery?.close();
  await s?.kill();
});

// upstream src/services/preview/apps/normalize.rs
test('[preview/apps] registry validation: unknown fields 400, wopi mode required, builtins auto-appended', async () => {
  const bad = await admin.ctx.put('/api/v1/admin/config/frontend_preview_apps_json', {
    data: { value: JSON.stringify({ version: 2, apps: [{ key: 'custom.x', provider: 'wopi', icon: '', labels: { en: 'x' }, extensions: [], config: {} }] }) },
    headers: H(),
  });
  expect(bad.status()).toBe(400);
  const unknown = await admin.ctx.put('/api/v1/admin/config/frontend_preview_apps_json', {
    data: { value: JSON.stringify({ version: 2, apps: [], extra: 1 }) },
    headers: H(),
  });
  expect(unknown.status()).toBe(400);
  const apps = (await (await admin.ctx.get('/api/v1/public/preview-apps')).json()).data.apps.map((a: { key: string }) => a.key);
  expect(apps).toContain('custom.fakeoffice');
  expect(apps).toContain('builtin.pdf');
});

// upstream src/api/routes/wopi.rs, src/services/preview/wopi/locks.rs
test('[wopi] PutFile on an unlocked non-empty file is 409 with X-WOPI-LockFailureReason; LOCK then PUT creates a version', async () => {
  const f = await upload(admin, 'report.docx', 'original');
  const open = await admin.ctx.post(`/api/v1/files/${f.id}/wopi/open`, { data: { app_key: 'custom.fakeoffice' }, headers: H() });
  expect(open.status()).toBe(200);
  const o = (await open.json()).data;
  expect(o.access_token).toMatch(/^wopi_/);
  expect(o.access_token_ttl).toBeGreaterThan(Date.now());
  const src = `${s.baseURL}/api/v1/wopi/files/${f.id}`;
  expect(o.action_url).toBe(`http://127.0.0.1:9/edit?WOPISrc=${encodeURIComponent(src)}`);
  const q = `?access_token=${encodeURIComponent(o.access_token)}`;

  const cfi = await fetch(`${src}${q}`);
  expect(cfi.headers.get('cache-control')).toBe('no-store');
  expect(await cfi.json()).toMatchObject({ BaseFileName: 'report.docx', Size: 8, SupportsLocks: true, UserCanWrite: true });

  const unlockedPut = await fetch(`${src}/contents${q}`, { method: 'POST', headers: { 'X-WOPI-Override': 'PUT' }, body: 'new' });
  expect(unlockedPut.status).toBe(409);
  expect(unlockedPut.headers.get('x-wopi-lock')).toBe('');
  expect(unlockedPut.headers.get('x-wopi-lockfailurereason')).toBe('existing file requires a WOPI lock');

  const lock = await fetch(`${src}${q}`, { method: 'POST', headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L1' } });
  expect(lock.status).toBe(200);
  const other = await fetch(`${src}${q}`, { method: 'POST', headers: { 'X-WOPI-Override': 'LOCK', 'X-WOPI-Lock': 'L2' } });
  expect(other.status).toBe(409);
  expect(other.headers.get('x-wopi-lock')).toBe('L1');
  const getLock = await fetch(`${src}${q}`, { method: 'POST', headers: { 'X-WOPI-Override': 'GET_LOCK' } });
  expect(getLock.headers.get('x-wopi-lock')).toBe('L1');
  const locks = (await (await admin.ctx.get('/api/v1/admin/locks')).json()).data.items;
  expect(locks.find((l: { root_file_id: number }) => l.root_file_id === f.id)).toMatchObject({ origin: 'wopi', lockroot_path: '/report.docx' });
  const restPut = await admin.ctx.put(`/api/v1/files/${f.id}/content`, { data: Buffer.from('x'), headers: H() });
  expect(restPut.status()).toBe(423);

  const noLockHdr = await fetch(`${src}/contents${q}`, { method: 'POST', headers: { 'X-WOPI-Override': 'PUT' }, body: 'v2' });
  expect(noLockHdr.status).toBe(400);
  const put = await fetch(`${src}/contents${q}`, { method: 'POST', headers: { 'X-WOPI-Override': 'PUT', 'X-WOPI-Lock': 'L1' }, body: 'edited!' });
  expect(put.status).toBe(200);
  const itemVersion = put.headers.get('x-wopi-itemversion');
  expect(itemVersion).toBeTruthy();
  const get = await fetch(`${src}/contents${q}`);
  expect(await get.text()).toBe('edited!');
  expect(get.headers.get('x-wopi-itemversion')).toBe(itemVersion);
  const mismatch = await fetch(`${src}${q}`, { method: 'POST', headers: { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': 'nope' } });
  expect(mismatch.status).toBe(409);
  expect(mismatch.headers.get('x-wopi-lockfailurereason')).toBe('WOPI lock mismatch');
  const unlock = await fetch(`${src}${q}`, { method: 'POST', headers: { 'X-WOPI-Override': 'UNLOCK', 'X-WOPI-Lock': 'L1' } });
  expect(unlock.status).toBe(200);
  const notLocked = await fetch(`${src}${q}`, { method: 'POST', headers: { 'X-WOPI-Override': 'REFRESH_LOCK', 'X-WOPI-Lock': 'L1' } });
  expect(notLocked.status).toBe(409);
  expect(notLocked.headers.get('x-wopi-lockfailurereason')).toBe('file is not locked');

  const versions = (await (await admin.ctx.get(`/api/v1/files/${f.id}/versions`)).json()).data;
  expect(versions[0]).toMatchObject({ current: true, reason: 'overwrite', etag: itemVersion });
  const audit = (await (await admin.ctx.get(`/api/v1/admin/audit-logs?entity_type=file&entity_id=${f.id}`)).json()).data.items.map(
    (a: { action: string }) => a.action,
  );
  expect(audit).toEqual(expect.arrayContaining(['file_wopi_open', 'file_lock', 'file_edit', 'file_unlock']));
  const evil = await fetch(`${src}${q}`, { headers: { Origin: 'https://evil.example' } });
  expect(evil.status).toBe(403);
  expect((await evil.json()).code).toBe('wopi.request_origin_untrusted');
});

// upstream src/services/preview/wopi/operations.rs
test('[wopi] RENAME_FILE, PUT_RELATIVE and PUT_USER_INFO; an unknown X-WOPI-Override is 501', async () => {
  await upload(admin, 'taken.docx', 'x');
  const f = await upload(admin, 'draft.docx', 'draft');
  const o = (await (await admin.ctx.post(`/api/v1/files/${f.id}/wopi/open`, { data: { app_key: 'custom.fakeoffice' }, headers: H() })).json()).data;
  const src = `${s.baseURL}/api/v1/wopi/files/${f.id}`;
  const q = `?access_token=${encodeURIComponent(o.access_token)}`;
  const post = (headers: Record<string, string>, body?: string) => fetch(`${src}${q}`, { method: 'POST', headers, body });

  const invalid = await post({ 'X-WOPI-Override': 'RENAME_FILE', 'X-WOPI-RequestedName': '///' });
  expect(invalid.status).toBe(400);
  expect(invalid.headers.get('x-wopi-invalidfilenameerror')).toBe('invalid file name');
  const renamed = await post({ 'X-WOPI-Override': 'RENAME_FILE', 'X-WOPI-RequestedName': 'taken' });
  expect(renamed.status).toBe(200);
  const stem = (await renamed.json()).Name as string;
  expect(stem).toMatch(/^taken./);
  expect((await (await admin.ctx.get(`/api/v1/files/${f.id}`)).json()).data.name).toBe(`${stem}.docx`);

  const both = await post({ 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': '.txt', 'X-WOPI-RelativeTarget': 'a.txt' }, 'rel');
  expect(both.status).toBe(400);
  const exists = await post({ 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-RelativeTarget': 'taken.docx' }, 'rel');
  expect(exists.status).toBe(409);
  expect(exists.headers.get('x-wopi-validrelativetarget')).toMatch(/^taken.+\.docx$/);
  const rel = await post({ 'X-WOPI-Override': 'PUT_RELATIVE', 'X-WOPI-SuggestedTarget': '.txt', 'X-WOPI-Size': '3' }, 'rel');
  expect(rel.status).toBe(200);
  const created = await rel.json();
  expect(created.Name).toBe(`${stem}.txt`);
  expect(created.Url).toMatch(/\/api\/v1\/wopi\/files\/\d+\?access_token=wopi_/);

  expect((await post({ 'X-WOPI-Override': 'PUT_USER_INFO' }, 'settings')).status).toBe(200);
  expect((await post({ 'X-WOPI-Override': 'PUT_USER_INFO' }, 'ü')).status).toBe(400);
  const audit = (await (await admin.ctx.get('/api/v1/admin/audit-logs?action=user_update_wopi_info')).json()).data.total;
  expect(audit).toBe(1);
  for (const override of ['BOGUS', 'constructor']) {
    const r = await post({ 'X-WOPI-Override': override });
    expect(r.status).toBe(501);
    expect((await r.json()).code).toBe('not_implemented');
  }
});

function sign(token: string, url: string, ticks: bigint): string {
  const t = Buffer.from(token);
  const u = Buffer.from(url.toUpperCase());
  const b = Buffer.alloc(4 + t.length + 4 + u.length + 12);
  let o = b.writeUInt32BE(t.length, 0);
  o += t.copy(b, o);
  o = b.writeUInt32BE(u.length, o);
  o += u.copy(b, o);
  o = b.writeUInt32BE(8, o);
  b.writeBigInt64BE(ticks, o);
  return crypto.sign('sha256', b, keys.privateKey).toString('base64');
}

// upstream src/services/preview/wopi/proof.rs
test('[wopi] proof keys from discovery: valid X-WOPI-Proof passes, a bad one is 500 and deletes the session', async () => {
  const f = await upload(admin, 'proof.docx', 'p');
  const o = (await (await admin.ctx.post(`/api/v1/files/${f.id}/wopi/open`, { data: { app_key: 'custom.proofed' }, headers: H() })).json()).data;
  expect(o.mode).toBe('new_tab');
  expect(o.action_url).toContain('http://office.test/we/edit.aspx?WOPISrc=');
  const url = `${s.baseURL}/api/v1/wopi/files/${f.id}?access_token=${encodeURIComponent(o.access_token)}`;
  const ticks = BigInt(Date.now()) * 10000n + 621355968000000000n;
  const good = await fetch(url, { headers: { 'X-WOPI-TimeStamp': String(ticks), 'X-WOPI-Proof': sign(o.access_token, url, ticks) } });
  expect(good.status).toBe(200);
  const bad = await fetch(url, { headers: { 'X-WOPI-TimeStamp': String(ticks), 'X-WOPI-Proof': sign('other', url, ticks) } });
  expect(bad.status).toBe(500);
  const after = await fetch(url, { headers: { 'X-WOPI-TimeStamp': String(ticks), 'X-WOPI-Proof': sign(o.access_token, url, ticks) } });
  expect(after.status).toBe(401);
});

// upstream src/services/ops/config/actions.rs, src/services/preview/wopi/discovery/apps.rs
test('[preview/apps] build_wopi_discovery_preview_config imports discovery apps', async () => {
  const r = await admin.ctx.post('/api/v1/admin/config/frontend_preview_apps_json/action', {
    data: { action: 'build_wopi_discovery_preview_config', discovery_url: discoveryUrl, value: JSON.stringify({ version: 2, apps: [] }) },
    headers: H(),
  });
  expect(r.status()).toBe(200);
  const reg = JSON.parse((await r.json()).data.value);
  const port = new URL(discoveryUrl).port;
  const app = reg.apps.find((a: { key: string }) => a.key === `custom.wopi.127-0-0-1.${port}.hosting.discovery__wopi_discovery__word`);
  expect(app).toMatchObject({ provider: 'wopi', extensions: ['docx'], config: { mode: 'iframe', action: 'edit', discovery_url: discoveryUrl } });
});

// upstream src/services/preview/wopi/session.rs
test('[wopi] wopi/open without public_site_url is 400 wopi.public_site_url_required', async () => {
  const f = await upload(admin, 'nosite.docx', 'n');
  await admin.ctx.put('/api/v1/admin/config/public_site_url', { data: { value: [] }, headers: H() });
  const r = await admin.ctx.post(`/api/v1/files/${f.id}/wopi/open`, { data: { app_key: 'custom.fakeoffice' }, headers: H() });
  expect(r.status()).toBe(400);
  expect((await r.json()).code).toBe('wopi.public_site_url_required');
});
