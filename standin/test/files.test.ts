import { test, expect, request as pwRequest } from '@playwright/test';
import sharp from 'sharp';
import { bootstrap, startStandin, upload, type Session, type Standin } from './support.js';

let s: Standin;
let admin: Session;
const H = () => ({ 'X-CSRF-Token': admin.csrf });

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  s = await startStandin();
  admin = await bootstrap(s.baseURL, { chunk_size: 1024 });
});

test.afterAll(async () => {
  await s?.kill();
});

// upstream src/api/routes/files/upload.rs, src/db/repository/file_repo/query/names.rs (auto-rename)
test('[upload] direct upload: first file part wins, query folder_id, auto-rename name (1).ext', async () => {
  const folder = (await (await admin.ctx.post('/api/v1/folders', { data: { name: 'docs', parent_id: null }, headers: H() })).json()).data;
  const r = await admin.ctx.post(`/api/v1/files/upload?folder_id=${folder.id}`, {
    multipart: { note: 'ignored', file: { name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') } },
    headers: H(),
  });
  expect(r.status()).toBe(201);
  const f1 = (await r.json()).data;
  expect(f1).toMatchObject({ name: 'report.txt', folder_id: folder.id, size: 5, mime_type: 'text/plain', extension: 'txt', lock_state: { state: 'unlocked' } });
  const f2 = await upload(admin, 'report.txt', 'again', `?folder_id=${folder.id}`);
  expect(f2.name).toBe('report (1).txt');
  const none = await admin.ctx.post('/api/v1/files/upload', { multipart: { note: 'x' }, headers: H() });
  expect(none.status()).toBe(400);
  expect((await none.json()).code).toBe('upload.empty_file');
  const mismatch = await admin.ctx.post('/api/v1/files/upload?declared_size=99', {
    multipart: { file: { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('abc') } },
    headers: H(),
  });
  expect((await mismatch.json()).code).toBe('upload.request_size_mismatch');
  const list = (await (await admin.ctx.get(`/api/v1/folders/${folder.id}`)).json()).data;
  expect(list.files_total).toBe(2);
  expect(list.next_file_cursor).toBeNull();
});

// upstream src/api/routes/files/access.rs, src/services/files/file/download/range.rs
test('[download] download headers, single Range 206, invalid/multi/unsatisfiable Range 400 bad_request, If-None-Match 304', async () => {
  const f = await upload(admin, 'naïve file.bin', Buffer.from('0123456789'));
  const full = await admin.ctx.get(`/api/v1/files/${f.id}/download`);
  expect(full.status()).toBe(200);
  const h = full.headers();
  expect(h['content-disposition']).toBe("attachment; filename*=UTF-8''na%C3%AFve%20file.bin");
  expect(h['accept-ranges']).toBe('bytes');
  expect(h['content-encoding']).toBe('identity');
  expect(h['cache-control']).toBe('private, max-age=0, must-revalidate');
  const etag = h.etag!;
  const part = await admin.ctx.get(`/api/v1/files/${f.id}/download`, { headers: { Range: 'bytes=2-4' } });
  expect(part.status()).toBe(206);
  expect(part.headers()['content-range']).toBe('bytes 2-4/10');
  expect((await part.body()).toString()).toBe('234');
  const suffix = await admin.ctx.get(`/api/v1/files/${f.id}/download`, { headers: { Range: 'bytes=-3' } });
  expect((await suffix.body()).toString()).toBe('789');
  for (const bad of ['bytes=0-1,3-4', 'bytes=20-30', 'items=0-1', 'bytes=5-2']) {
    const r = await admin.ctx.get(`/api/v1/files/${f.id}/download`, { headers: { Range: bad } });
    expect(r.status(), bad).toBe(400);
    expect((await r.json()).code).toBe('bad_request');
  }
  const nm = await admin.ctx.get(`/api/v1/files/${f.id}/download`, { headers: { 'If-None-Match': etag } });
  expect(nm.status()).toBe(304);
  const inline = await admin.ctx.get(`/api/v1/files/${f.id}/download?disposition=inline`);
  expect(inline.headers()['content-disposition']).toMatch(/^inline; /);
  expect((await admin.ctx.get(`/api/v1/files/${f.id}/download?disposition=other`)).status()).toBe(400);
});

// upstream src/services/files/upload/chunk.rs, src/services/files/upload/complete/plan.rs
test('[upload] chunked upload: 0-based chunks, exact sizes, incomplete completion is 500 upload.incomplete_chunks', async () => {
  const direct = await admin.ctx.post('/api/v1/files/upload/init', { data: { filename: 'small.bin', total_size: 1024 }, headers: H() });
  expect((await direct.json()).data).toMatchObject({ mode: 'direct', upload_id: null });
  const zero = await admin.ctx.post('/api/v1/files/upload/init', { data: { filename: 'empty.bin', total_size: 0 }, headers: H() });
  expect((await zero.json()).data.mode).toBe('direct');
  const init = await admin.ctx.post('/api/v1/files/upload/init', { data: { filename: 'big.bin', total_size: 2500 }, headers: H() });
  expect(init.status()).toBe(201);
  const sess = (await init.json()).data;
  expect(sess).toMatchObject({ mode: 'chunked', chunk_size: 1024, total_chunks: 3 });
  const put = (n: number | string, len: number) =>
    admin.ctx.put(`/api/v1/files/upload/${sess.upload_id}/${n}`, {
      data: Buffer.alloc(len, 65 + Number(n)),
      headers: { ...H(), 'Content-Type': 'application/octet-stream' },
    });
  const short = await put(0, 1000);
  expect(short.status()).toBe(400);
  expect((await short.json()).code).toBe('upload.chunk_size_mismatch');
  const long = await put(0, 1100);
  expect(long.status()).toBe(413);
  expect((await long.json()).code).toBe('upload.chunk_too_large');
  const range = await put(3, 10);
  expect((await range.json()).code).toBe('upload.chunk_number_out_of_range');
  expect((await (await put(0, 1024)).json()).data).toEqual({ received_count: 1, total_chunks: 3 });
  expect((await put(0, 1024)).status()).toBe(200);
  const early = await admin.ctx.post(`/api/v1/files/upload/${sess.upload_id}/complete`, { headers: H() });
  expect(early.status()).toBe(500);
  expect(await early.json()).toMatchObject({ code: 'upload.incomplete_chunks', msg: 'Upload Assembly Failed' });
  expect((await put(2, 452)).status()).toBe(200);
  expect((await put(1, 1024)).status()).toBe(200);
  const prog = (await (await admin.ctx.get(`/api/v1/files/upload/${sess.upload_id}`)).json()).data;
  expect(prog).toMatchObject({ status: 'uploading', received_count: 3, chunks_on_disk: [0, 1, 2] });
  const done = await admin.ctx.post(`/api/v1/files/upload/${sess.upload_id}/complete`, { headers: H() });
  expect(done.status()).toBe(201);
  const info = (await done.json()).data;
  expect(info.size).toBe(2500);
  const body = await (await admin.ctx.get(`/api/v1/files/${info.id}/download`)).body();
  expect(body.subarray(1020, 1030).toString()).toBe('AAAABBBBBB');
  expect((await admin.ctx.get('/api/v1/files/upload/00000000-0000-0000-0000-000000000000')).status()).toBe(404);
});

// upstream src/api/routes/files/versions.rs, src/api/routes/files/mutations.rs
test('[versions] content update creates versions; If-Match mismatch 412 file.etag_mismatch; locked file 423', async () => {
  const f = await upload(admin, 'v.txt', 'one');
  const first = await admin.ctx.get(`/api/v1/files/${f.id}/download`);
  const etag = first.headers().etag!;
  const bad = await admin.ctx.put(`/api/v1/files/${f.id}/content`, { data: Buffer.from('x'), headers: { ...H(), 'If-Match': '"nope"' } });
  expect(bad.status()).toBe(412);
  expect((await bad.json()).code).toBe('file.etag_mismatch');
  const upd = await admin.ctx.put(`/api/v1/files/${f.id}/content`, {
    data: Buffer.from('two!'),
    headers: { ...H(), 'If-Match': etag, 'Content-Type': 'application/octet-stream' },
  });
  expect(upd.status()).toBe(200);
  expect(upd.headers().etag).not.toBe(etag);
  const versions = (await (await admin.ctx.get(`/api/v1/files/${f.id}/versions`)).json()).data;
  expect(versions.map((v: { version: number; current: boolean; reason: string }) => [v.version, v.current, v.reason])).toEqual([
    [2, true, 'overwrite'],
    [1, false, 'create'],
  ]);
  const delCurrent = await admin.ctx.delete(`/api/v1/files/${f.id}/versions/${versions[0].id}`, { headers: H() });
  expect(delCurrent.status()).toBe(400);
  const restored = await admin.ctx.post(`/api/v1/files/${f.id}/versions/${versions[1].id}/restore`, { headers: H() });
  expect((await restored.json()).data.size).toBe(3);
  const lock = await admin.ctx.post(`/api/v1/files/${f.id}/lock`, { data: { locked: true }, headers: H() });
  expect((await lock.json()).data.lock_state.state).toBe('direct');
  const locked = await admin.ctx.put(`/api/v1/files/${f.id}/content`, { data: Buffer.from('x'), headers: H() });
  expect(locked.status()).toBe(423);
  expect((await locked.json()).code).toBe('resource.locked');
  await admin.ctx.post(`/api/v1/files/${f.id}/lock`, { data: { locked: false }, headers: H() });
});

// upstream src/api/routes/trash.rs
test('[trash] trash: delete moves to trash, restore brings it back (audit file_restore), empty trash runs trash_purge_all', async () => {
  const f = await upload(admin, 'trashme.txt', 'bye');
  expect((await admin.ctx.delete(`/api/v1/files/${f.id}`, { headers: H() })).status()).toBe(200);
  expect((await admin.ctx.get(`/api/v1/files/${f.id}`)).status()).toBe(404);
  const trash = (await (await admin.ctx.get('/api/v1/trash')).json()).data;
  expect(trash.files.map((x: { id: number }) => x.id)).toContain(f.id);
  expect(trash.files[0].original_path).toBe('/trashme.txt');
  const rs = await admin.ctx.post(`/api/v1/trash/file/${f.id}/restore`, { headers: H() });
  expect(rs.status()).toBe(200);
  expect((await admin.ctx.get(`/api/v1/files/${f.id}`)).status()).toBe(200);
  const audit = (await (await admin.ctx.get('/api/v1/admin/audit-logs?action=file_restore')).json()).data;
  expect(audit.total).toBe(1);
  expect(audit.items[0]).toMatchObject({ action: 'file_restore', entity_type: 'file', entity_id: f.id });

  const folder = (await (await admin.ctx.post('/api/v1/folders', { data: { name: 'tree', parent_id: null }, headers: H() })).json()).data;
  await upload(admin, 'leaf.txt', 'leaf', `?folder_id=${folder.id}`);
  await admin.ctx.delete(`/api/v1/folders/${folder.id}`, { headers: H() });
  const empty = await admin.ctx.delete('/api/v1/trash', { headers: H() });
  const task = (await empty.json()).data;
  expect(task.kind).toBe('trash_purge_all');
  await expect.poll(async () => (await (await admin.ctx.get(`/api/v1/tasks/${task.id}`)).json()).data.status).toBe('succeeded');
  const after = (await (await admin.ctx.get(`/api/v1/tasks/${task.id}`)).json()).data;
  expect(after.result).toEqual({ purged: 1 });
  const tasks = (await (await admin.ctx.get('/api/v1/admin/tasks?kind=trash_purge_all')).json()).data;
  expect(tasks.total).toBeGreaterThanOrEqual(1);
});

// upstream src/api/routes/share_public.rs, src/services/share/access.rs
test('[shares] share password flow: 403 password_required, wrong 401, verify cookie, download counting and limit', async () => {
  const f = await upload(admin, 'shared.txt', 'secret content');
  const cr = await admin.ctx.post('/api/v1/shares', { data: { target: { type: 'file', id: f.id }, password: 'pw-1234', max_downloads: 1 }, headers: H() });
  expect(cr.status()).toBe(201);
  const share = (await cr.json()).data;
  expect(share.token).toMatch(/^[0-9a-f]{32}$/);
  const dup = await admin.ctx.post('/api/v1/shares', { data: { target: { type: 'file', id: f.id } }, headers: H() });
  expect(dup.status()).toBe(400);

  const anon = await pwRequest.newContext({ baseURL: s.baseURL });
  const info = await anon.get(`/api/v1/s/${share.token}`);
  expect((await info.json()).data).toMatchObject({ name: 'shared.txt', share_type: 'file', has_password: true, view_count: 1 });
  const locked = await anon.get(`/api/v1/s/${share.token}/download`);
  expect(locked.status()).toBe(403);
  expect((await locked.json()).code).toBe('share.password_required');
  expect(locked.headers()['cache-control']).toBe('no-store, max-age=0');
  const wrong = await anon.post(`/api/v1/s/${share.token}/verify`, { data: { password: 'nope' } });
  expect(wrong.status()).toBe(401);
  expect((await wrong.json()).code).toBe('auth.credentials_failed');
  const ok = await anon.post(`/api/v1/s/${share.token}/verify`, { data: { password: 'pw-1234' } });
  expect(ok.status()).toBe(200);
  const sc = ok.headers()['set-cookie']!;
  expect(sc).toContain(`aster_share_${share.token}=`);
  expect(sc).toContain(`Path=/api/v1/s/${share.token}`);
  expect(sc).toContain('Max-Age=3600');
  const dl = await anon.get(`/api/v1/s/${share.token}/download`);
  expect(dl.status()).toBe(200);
  expect(await dl.text()).toBe('secret content');
  const otherUa = await anon.get(`/api/v1/s/${share.token}/download`, { headers: { 'User-Agent': 'other-agent' } });
  expect(otherUa.status()).toBe(403);
  const limit = await anon.get(`/api/v1/s/${share.token}/download`);
  expect(limit.status()).toBe(403);
  expect((await limit.json()).code).toBe('share.download_limit_reached');
  const mine = (await (await admin.ctx.get('/api/v1/shares')).json()).data;
  expect(mine.items[0]).toMatchObject({ id: share.id, download_count: 1, status: 'exhausted', has_password: true });

  const f2 = await upload(admin, 'expired.txt', 'x');
  const ex = (
    await (await admin.ctx.post('/api/v1/shares', { data: { target: { type: 'file', id: f2.id }, expires_at: '2001-01-01T00:00:00Z' }, headers: H() })).json()
  ).data;
  const gone = await anon.get(`/api/v1/s/${ex.token}`);
  expect(gone.status()).toBe(404);
  expect((await gone.json()).code).toBe('share.expired');
  await admin.ctx.delete(`/api/v1/shares/${share.id}`, { headers: H() });
  expect((await (await anon.get(`/api/v1/s/${share.token}`)).json()).code).toBe('share.not_found');
  await anon.dispose();
});

// upstream src/api/routes/files/access.rs
test('[thumbnail] thumbnail: 202 + Retry-After 2 while a thumbnail_generate task renders, then 200 image/webp; unsupported type 400', async () => {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 10, b: 10 } } })
    .png()
    .toBuffer();
  const f = await upload(admin, 'pic.png', png);
  const first = await admin.ctx.get(`/api/v1/files/${f.id}/thumbnail`);
  expect(first.status()).toBe(202);
  expect(first.headers()['retry-after']).toBe('2');
  expect(await first.json()).toEqual({ code: 'success', msg: '' });
  await expect.poll(async () => (await admin.ctx.get(`/api/v1/files/${f.id}/thumbnail`)).status(), { timeout: 15_000 }).toBe(200);
  const done = await admin.ctx.get(`/api/v1/files/${f.id}/thumbnail`);
  expect(done.headers()['content-type']).toBe('image/webp');
  const meta = await sharp(await done.body()).metadata();
  expect(meta.format).toBe('webp');
  const txt = await upload(admin, 'plain.txt', 'x');
  expect((await admin.ctx.get(`/api/v1/files/${txt.id}/thumbnail`)).status()).toBe(400);
  const tasks = (await (await admin.ctx.get('/api/v1/admin/tasks?kind=thumbnail_generate&status=succeeded')).json()).data;
  expect(tasks.total).toBeGreaterThanOrEqual(1);
});
