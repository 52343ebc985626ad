import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import sharp from 'sharp';
import { FAULT_NAMES, type FaultName, parseFaults } from '../src/faults.js';
import { bootstrap, ROOT, scratchDir, startStandin, upload } from './support.js';

// upstream src/config/media_processing/registry.rs, src/services/task/dispatch/mod.rs: a real
// misconfiguration (vips_cli switched on with a vips that cannot write WebP) makes thumbnail tasks
// fail after their retries, with the command's error as last_error.
test('[tasks] a broken vips_cli in media_processing_registry_json: thumbnail tasks end failed with last_error', async () => {
  const s = await startStandin();
  try {
    const admin = await bootstrap(s.baseURL);
    const H = { 'X-CSRF-Token': admin.csrf };
    const vips = path.join(s.cwd, 'bin', 'vips');
    fs.mkdirSync(path.dirname(vips), { recursive: true });
    fs.writeFileSync(vips, '#!/bin/sh\necho "VipsForeignSave: $3 is not a known file format" >&2\nexit 1\n', { mode: 0o755 });
    const registry = JSON.parse((await (await admin.ctx.get('/api/v1/admin/config/media_processing_registry_json')).json()).data.value);
    const processor = registry.processors.find((p: { kind: string }) => p.kind === 'vips_cli');
    processor.enabled = true;
    processor.config = { ...processor.config, command: vips };
    const put = await admin.ctx.put('/api/v1/admin/config/media_processing_registry_json', { data: { value: JSON.stringify(registry) }, headers: H });
    expect(put.status()).toBe(200);
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#00f' } })
      .png()
      .toBuffer();
    const f = await upload(admin, 'p.png', png);
    expect((await admin.ctx.get(`/api/v1/files/${f.id}/thumbnail`)).status()).toBe(202);
    const failed = async () => (await (await admin.ctx.get('/api/v1/admin/tasks?status=failed')).json()).data;
    await expect.poll(async () => (await failed()).total, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    const t = (await failed()).items[0];
    expect(t.last_error).toContain('vips CLI thumbnail command failed');
    expect(t.attempt_count).toBe(t.max_attempts);
  } finally {
    await s.kill();
  }
});

// src/faults.ts: the fault matrix (faults/catalogue.ts) names only switches the stand-in has.
test('[faults] every STANDIN_FAULTS switch the fault matrix names is a known switch', () => {
  const catalogue = fs.readFileSync(path.join(ROOT, 'faults/catalogue.ts'), 'utf8');
  const named = [...catalogue.matchAll(/STANDIN_FAULTS:\s*'([^']*)'/g)].flatMap((m) => m[1]!.split(',').map((n) => n.trim()));
  expect(named.length).toBeGreaterThan(0);
  expect(named.filter((n) => !FAULT_NAMES.includes(n as FaultName))).toEqual([]);
  expect(() => parseFaults('slow-auth-off, no-such-fault')).toThrow(/unknown fault\(s\): no-such-fault; known faults: random-jwt-secret, /);
});

test('[faults] an unknown STANDIN_FAULTS name stops the start with the known ones listed', async () => {
  const cwd = scratchDir('standin-test-');
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const p = spawn(`${ROOT}/node_modules/.bin/tsx`, [`${ROOT}/standin/src/main.ts`], {
      cwd,
      env: { ...process.env, ASTER__SERVER__PORT: '0', STANDIN_FAULTS: 'failing-tasks', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });
  expect(r.code).toBe(1);
  expect(r.out).toContain('STANDIN_FAULTS names unknown fault(s): failing-tasks; known faults: ');
  expect(r.out).toContain('stalled-tasks');
  expect(fs.existsSync(path.join(cwd, 'data'))).toBe(false);
});

test('[fault missing-objects] blobs vanish after write: download fails with a storage error, doctor --deep fails tracked_blob_objects', async () => {
  const s = await startStandin({ env: { STANDIN_FAULTS: 'slow-auth-off,missing-objects' } });
  try {
    const admin = await bootstrap(s.baseURL);
    const f = await upload(admin, 'gone.txt', 'data');
    const r = await admin.ctx.get(`/api/v1/files/${f.id}/download`);
    expect(r.status()).toBe(500);
    expect((await r.json()).code).toBe('storage.not_found');
    const { execFile } = await import('node:child_process');
    const { ROOT } = await import('./support.js');
    const out = await new Promise<{ code: number; stdout: string }>((resolve) =>
      execFile(
        `${ROOT}/node_modules/.bin/tsx`,
        [`${ROOT}/standin/src/main.ts`, 'doctor', '--database-url', 'sqlite://asterdrive.db?mode=rwc', '--deep', '--output-format', 'json'],
        { cwd: s.cwd },
        (err, stdout) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
      ),
    );
    expect(out.code).toBe(1);
    const checks = JSON.parse(out.stdout).data.checks as { name: string; status: string }[];
    expect(checks.find((c) => c.name === 'tracked_blob_objects')?.status).toBe('fail');
  } finally {
    await s.kill();
  }
});

// upstream src/api/routes/admin/policies.rs, src/api/routes/health.rs
test('[storage] S3 policy test against a dead endpoint returns storage.* with diagnostic; ready is 503 when default storage is down', async () => {
  const s = await startStandin();
  try {
    const admin = await bootstrap(s.baseURL);
    const H = { 'X-CSRF-Token': admin.csrf };
    const connection = {
      connector_config: {
        format_version: 1,
        connector_id: 'asterdrive.storage.s3',
        schema_version: 1,
        values: { endpoint: 'http://127.0.0.1:9', bucket: 'b', base_path: '', s3_region: 'us-east-1', s3_path_style: true },
      },
      behavior: {},
      credential: { mode: 'static', values: { s3_access_key_id: 'AK', s3_secret_access_key: 'SECRETSECRET' } },
    };
    const t = await admin.ctx.post('/api/v1/admin/policies/test', { data: { connection }, headers: H });
    expect(t.status()).toBe(500);
    const body = await t.json();
    expect(body.code).toMatch(/^storage\./);
    expect(body.error.diagnostic.kind).toBeTruthy();
    expect(JSON.stringify(body)).not.toContain('SECRETSECRET');
    const unknown = await admin.ctx.post('/api/v1/admin/policies', { data: { name: 'x', connection, driver_type: 's3' }, headers: H });
    expect(unknown.status()).toBe(400);
    const created = await admin.ctx.post('/api/v1/admin/policies', { data: { name: 'S3', connection, is_default: true }, headers: H });
    expect(created.status()).toBe(201);
    const ready = await fetch(`${s.baseURL}/health/ready`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).msg).toBe('Storage unavailable');
    const localOk = await admin.ctx.post('/api/v1/admin/policies/1/test', { headers: H });
    expect(localOk.status()).toBe(200);
    expect(await localOk.json()).toEqual({ code: 'success', msg: '', data: {} });
  } finally {
    await s.kill();
  }
});

// upstream src/api/routes/webdav_accounts.rs, src/webdav/handlers/locks.rs, src/api/routes/admin/locks.rs
test('[webdav] WebDAV account over the Vfs: PUT creates, overwrite adds a version, LOCK shows as web_dav in admin locks', async () => {
  const s = await startStandin();
  try {
    const admin = await bootstrap(s.baseURL);
    const H = { 'X-CSRF-Token': admin.csrf };
    const acc = (
      await (await admin.ctx.post('/api/v1/webdav-accounts', { data: { username: 'davuser', password: null, root_folder_id: null }, headers: H })).json()
    ).data;
    expect(acc.password).toMatch(/^[A-Za-z0-9]{16}$/);
    const settings = (await (await admin.ctx.get('/api/v1/webdav-accounts/settings')).json()).data;
    expect(settings).toEqual({ prefix: '/webdav', endpoint: `${s.baseURL}/webdav/` });
    const auth = `Basic ${Buffer.from(`davuser:${acc.password}`).toString('base64')}`;
    const put1 = await fetch(`${s.baseURL}/webdav/dav.txt`, { method: 'PUT', headers: { authorization: auth }, body: 'v1' });
    expect(put1.status).toBe(201);
    const put2 = await fetch(`${s.baseURL}/webdav/dav.txt`, { method: 'PUT', headers: { authorization: auth }, body: 'v2!' });
    expect(put2.status).toBe(204);
    const root = (await (await admin.ctx.get('/api/v1/folders')).json()).data;
    const file = root.files.find((f: { name: string }) => f.name === 'dav.txt');
    const versions = (await (await admin.ctx.get(`/api/v1/files/${file.id}/versions`)).json()).data;
    expect(versions.map((v: { reason: string }) => v.reason)).toEqual(['overwrite', 'create']);
    const lock = await fetch(`${s.baseURL}/webdav/dav.txt`, {
      method: 'LOCK',
      headers: { authorization: auth, 'content-type': 'application/xml', timeout: 'Second-600' },
      body: '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>tests</D:href></D:owner></D:lockinfo>',
    });
    expect(lock.status, await lock.clone().text()).toBe(200);
    const locks = (await (await admin.ctx.get('/api/v1/admin/locks')).json()).data.items;
    expect(locks).toEqual([expect.objectContaining({ origin: 'web_dav', lockroot_path: '/dav.txt', root_kind: 'file' })]);
    const audit = (await (await admin.ctx.get(`/api/v1/admin/audit-logs?entity_type=file&entity_id=${file.id}`)).json()).data.items.map(
      (a: { action: string }) => a.action,
    );
    expect(audit).toEqual(expect.arrayContaining(['file_upload', 'file_edit']));
    await admin.ctx.put('/api/v1/admin/config/webdav_enabled', { data: { value: 'false' }, headers: H });
    const off = await fetch(`${s.baseURL}/webdav/`, { method: 'PROPFIND', headers: { authorization: auth, depth: '1' } });
    expect(off.status).toBe(503);
  } finally {
    await s.kill();
  }
});
