/**
 * Upstream AsterDrive's WebDAV behaviour (upstream src/webdav/mod.rs, src/webdav/auth.rs,
 * src/webdav/handlers/, src/webdav/system_file.rs) proved against the stand-in's
 * WebDAV front end over the in-memory Vfs. List/upload/download/lock go through the `webdav`
 * client the suite uses; status-code facts use raw fetch.
 */
import { expect, test } from '@playwright/test';
import { createClient, type DiskQuota, type FileStat, type WebDAVClient } from 'webdav';
import { type MemoryServer, startMemoryServer } from './server.js';

let server: MemoryServer;
let client: WebDAVClient;
const AUTH = `Basic ${Buffer.from('alice:secret').toString('base64')}`;

function url(path: string): string {
  return `${server.origin}/webdav${path}`;
}

function dav(method: string, path: string, init: { headers?: Record<string, string>; body?: string | Uint8Array } = {}) {
  const body = typeof init.body === 'string' || init.body === undefined ? init.body : new Uint8Array(init.body);
  return fetch(url(path), { method, headers: { Authorization: AUTH, ...init.headers }, body });
}

function control(path: string) {
  return fetch(`${server.origin}/__test/${path}`, { method: 'POST' });
}

const LOCK_BODY =
  '<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>' +
  '<D:locktype><D:write/></D:locktype><D:owner><D:href>tests</D:href></D:owner></D:lockinfo>';

async function lockRaw(path: string, headers: Record<string, string> = {}): Promise<{ status: number; token: string; body: string }> {
  const res = await dav('LOCK', path, { headers: { 'Content-Type': 'application/xml', ...headers }, body: LOCK_BODY });
  return { status: res.status, token: (res.headers.get('Lock-Token') ?? '').replace(/^<|>$/g, ''), body: await res.text() };
}

test.beforeAll(async () => {
  server = await startMemoryServer();
  client = createClient(`${server.origin}/webdav/`, { username: 'alice', password: 'secret' });
});

test.afterAll(async () => {
  await server?.stop();
});

test.describe('switch and authentication', () => {
  test('[webdav] every request answers 503 "WebDAV is disabled" while webdav_enabled is false, before auth', async () => {
    await control('enabled/false');
    try {
      for (const method of ['OPTIONS', 'PROPFIND', 'GET']) {
        const res = await fetch(url('/'), { method });
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await res.text()).toBe('WebDAV is disabled');
      }
    } finally {
      await control('enabled/true');
    }
    expect((await dav('PROPFIND', '/', { headers: { Depth: '0' } })).status).toBe(207);
  });

  test('[webdav/auth] missing credentials answer 401 with realm "AsterDrive WebDAV", no-store and body Unauthorized', async () => {
    const res = await fetch(url('/'), { method: 'PROPFIND', headers: { Depth: '0' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="AsterDrive WebDAV"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('Unauthorized');
  });

  test('[webdav/auth] OPTIONS is authenticated like every other method', async () => {
    const res = await fetch(url('/'), { method: 'OPTIONS' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Basic realm="AsterDrive WebDAV"');
  });

  test('[webdav/auth] a Bearer token or a wrong password answers 401', async () => {
    const bearer = await fetch(url('/'), { method: 'PROPFIND', headers: { Depth: '0', Authorization: 'Bearer abc.def.ghi' } });
    expect(bearer.status).toBe(401);
    const wrong = Buffer.from('alice:nope').toString('base64');
    const bad = await fetch(url('/'), { method: 'PROPFIND', headers: { Depth: '0', Authorization: `Basic ${wrong}` } });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toBe('Unauthorized');
  });
});

test.describe('methods', () => {
  test('[webdav/handlers] OPTIONS answers 200 with DAV 1 and 2, MS-Author-Via: DAV and a resource-aware Allow', async () => {
    const root = await dav('OPTIONS', '/');
    expect(root.status).toBe(200);
    const classes = (root.headers.get('dav') ?? '').split(',').map((c) => c.trim());
    expect(classes).toEqual(expect.arrayContaining(['1', '2']));
    expect(root.headers.get('ms-author-via')).toBe('DAV');
    expect(root.headers.get('allow')).toBe('OPTIONS, PROPFIND, LOCK, UNLOCK');
    const missing = await dav('OPTIONS', '/no-such-thing');
    expect(missing.headers.get('allow')).toBe('OPTIONS, PUT, MKCOL, LOCK, UNLOCK');
  });

  test('[webdav/handlers] PROPFIND Depth: infinity on a collection answers 403 with DAV:propfind-finite-depth', async () => {
    const res = await dav('PROPFIND', '/', { headers: { Depth: 'infinity' } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('propfind-finite-depth');
    const noDepth = await dav('PROPFIND', '/');
    expect(noDepth.status).toBe(403);
  });

  test('[webdav/handlers] collections expose quota-used-bytes and quota-available-bytes', async () => {
    await client.putFileContents('/quota.bin', Buffer.alloc(100));
    await control('quota/1000000');
    try {
      const quota = (await client.getQuota()) as DiskQuota | null;
      expect(quota).not.toBeNull();
      expect(quota?.used).toBeGreaterThanOrEqual(100);
      expect(quota?.available).toBe(1000000 - (quota?.used ?? 0));
    } finally {
      await control('quota/none');
      await client.deleteFile('/quota.bin');
    }
  });

  test('[webdav/handlers] PROPFIND Depth 1 lists live props (etag, length, type, lastmodified) through the webdav client', async () => {
    await client.createDirectory('/list');
    await client.putFileContents('/list/a.txt', 'hello');
    await client.createDirectory('/list/sub');
    const items = (await client.getDirectoryContents('/list')) as FileStat[];
    expect(items.map((i) => `${i.type}:${i.basename}`).sort()).toEqual(['directory:sub', 'file:a.txt']);
    const file = items.find((i) => i.basename === 'a.txt');
    expect(file?.size).toBe(5);
    expect(file?.mime).toBe('text/plain');
    expect(file?.etag).toBeTruthy();
    expect(Number.isNaN(Date.parse(file?.lastmod ?? ''))).toBe(false);
    await client.deleteFile('/list');
  });

  test('[webdav/handlers] PUT of a new file answers 201 with Content-Location', async () => {
    const res = await dav('PUT', '/new.txt', { body: 'one' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-location')).toBe('/webdav/new.txt');
  });

  test('[webdav/handlers] PUT over an existing file answers 204 and the content is replaced', async () => {
    await dav('PUT', '/over.txt', { body: 'first' });
    const res = await dav('PUT', '/over.txt', { body: 'second' });
    expect(res.status).toBe(204);
    expect(await client.putFileContents('/over.txt', 'third', { overwrite: true })).toBe(true);
    expect(await client.getFileContents('/over.txt', { format: 'text' })).toBe('third');
  });

  test('[webdav/handlers] PUT into a missing folder answers 409 and PUT over a folder answers 405', async () => {
    expect((await dav('PUT', '/missing/dir/file.txt', { body: 'x' })).status).toBe(409);
    await dav('MKCOL', '/afolder');
    const res = await dav('PUT', '/afolder', { body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).not.toContain('PUT');
  });

  test('[webdav/handlers] PUT failures from the data model map to 507 (quota) and 413 (too large)', async () => {
    await control('quota/10');
    try {
      const full = await dav('PUT', '/big.bin', { body: Buffer.alloc(64) });
      expect(full.status).toBe(507);
      expect(full.headers.get('cache-control')).toBe('no-store');
    } finally {
      await control('quota/none');
    }
    await control('max-file-size/16');
    try {
      expect((await dav('PUT', '/big.bin', { body: Buffer.alloc(64) })).status).toBe(413);
    } finally {
      await control('max-file-size/none');
    }
  });

  test('[webdav/handlers] MKCOL answers 201, 405 when the target exists, 409 without parent, 415 with a body', async () => {
    expect((await dav('MKCOL', '/mk')).status).toBe(201);
    expect((await dav('MKCOL', '/mk')).status).toBe(405);
    await dav('PUT', '/mkfile', { body: 'x' });
    expect((await dav('MKCOL', '/mkfile')).status).toBe(405);
    expect((await dav('MKCOL', '/nope/child')).status).toBe(409);
    const withBody = await dav('MKCOL', '/mk-body', { headers: { 'Content-Type': 'application/xml' }, body: '<x/>' });
    expect(withBody.status).toBe(415);
  });

  test('[webdav/handlers] GET/HEAD send ETag, Last-Modified, Accept-Ranges; a single Range answers 206', async () => {
    await client.putFileContents('/range.txt', '0123456789');
    const head = await dav('HEAD', '/range.txt');
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(head.headers.get('last-modified')).toBeTruthy();
    expect(head.headers.get('accept-ranges')).toBe('bytes');
    const part = await dav('GET', '/range.txt', { headers: { Range: 'bytes=2-5' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await part.text()).toBe('2345');
    const tail = await dav('GET', '/range.txt', { headers: { Range: 'bytes=-3' } });
    expect(await tail.text()).toBe('789');
  });

  test('[webdav/handlers] an unsatisfiable Range answers 416 with Content-Range: bytes */size', async () => {
    await client.putFileContents('/range416.txt', '0123456789');
    const res = await dav('GET', '/range416.txt', { headers: { Range: 'bytes=50-60' } });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe('bytes */10');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  test('[webdav/handlers] a 4 MiB file uploads and downloads byte-for-byte through the webdav client', async () => {
    const data = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
    await client.putFileContents('/large.bin', data);
    const back = Buffer.from((await client.getFileContents('/large.bin')) as ArrayBuffer);
    expect(back.equals(data)).toBe(true);
  });

  test('[webdav/handlers] DELETE answers 204 and the resource is gone (404 afterwards, with no-store)', async () => {
    await dav('PUT', '/del.txt', { body: 'x' });
    expect((await dav('DELETE', '/del.txt')).status).toBe(204);
    const gone = await dav('GET', '/del.txt');
    expect(gone.status).toBe(404);
    expect(gone.headers.get('cache-control')).toBe('no-store');
    await client.createDirectory('/deldir');
    await client.putFileContents('/deldir/x.txt', 'x');
    await client.deleteFile('/deldir');
    expect(await client.exists('/deldir')).toBe(false);
  });

  test('[webdav/handlers] COPY and MOVE answer 201 for a new target, 204 when overwriting, 412 with Overwrite: F', async () => {
    await dav('PUT', '/cm-src.txt', { body: 'src' });
    const copy = await dav('COPY', '/cm-src.txt', { headers: { Destination: url('/cm-copy.txt') } });
    expect(copy.status).toBe(201);
    const again = await dav('COPY', '/cm-src.txt', { headers: { Destination: url('/cm-copy.txt') } });
    expect(again.status).toBe(204);
    const refused = await dav('COPY', '/cm-src.txt', { headers: { Destination: url('/cm-copy.txt'), Overwrite: 'F' } });
    expect(refused.status).toBe(412);
    const move = await dav('MOVE', '/cm-copy.txt', { headers: { Destination: url('/cm-moved.txt') } });
    expect(move.status).toBe(201);
    await dav('PUT', '/cm-other.txt', { body: 'other' });
    const moveOver = await dav('MOVE', '/cm-other.txt', { headers: { Destination: url('/cm-moved.txt') } });
    expect(moveOver.status).toBe(204);
    expect(await client.getFileContents('/cm-moved.txt', { format: 'text' })).toBe('other');
    await client.copyFile('/cm-moved.txt', '/cm-client-copy.txt');
    await client.moveFile('/cm-client-copy.txt', '/cm-client-moved.txt');
    expect(await client.exists('/cm-client-moved.txt')).toBe(true);
    expect(await client.exists('/cm-client-copy.txt')).toBe(false);
  });

  test('[webdav/handlers] MOVE of a folder keeps its whole subtree', async () => {
    await client.createDirectory('/tree/a/b', { recursive: true });
    await client.putFileContents('/tree/a/b/leaf.txt', 'leaf');
    await client.moveFile('/tree', '/tree2');
    expect(await client.getFileContents('/tree2/a/b/leaf.txt', { format: 'text' })).toBe('leaf');
    expect(await client.exists('/tree')).toBe(false);
  });

  test('[webdav/handlers] a Destination outside the WebDAV prefix is rejected', async () => {
    await dav('PUT', '/dest-src.txt', { body: 'x' });
    const outside = await dav('COPY', '/dest-src.txt', { headers: { Destination: `${server.origin}/elsewhere/x.txt` } });
    expect(outside.status).toBeGreaterThanOrEqual(400);
    const otherHost = await dav('MOVE', '/dest-src.txt', { headers: { Destination: 'http://example.com/webdav/x.txt' } });
    expect(otherHost.status).toBeGreaterThanOrEqual(400);
    expect(await client.exists('/dest-src.txt')).toBe(true);
  });

  test("[webdav/handlers] a method outside the resource's Allow set answers 405 with Allow (GET on a folder)", async () => {
    await dav('MKCOL', '/no-get');
    const res = await dav('GET', '/no-get/');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('OPTIONS, DELETE, COPY, MOVE, PROPFIND, PROPPATCH, LOCK, UNLOCK');
    expect((await dav('DELETE', '/')).status).toBe(405);
  });

  test('[webdav/handlers] partial PUT (Content-Range) is rejected with 400', async () => {
    await dav('PUT', '/partial.txt', { body: '0123456789' });
    const res = await dav('PUT', '/partial.txt', { body: 'ab', headers: { 'Content-Range': 'bytes 0-1/10' } });
    expect(res.status).toBe(400);
    expect(await client.getFileContents('/partial.txt', { format: 'text' })).toBe('0123456789');
  });

  test('[webdav/handlers] PROPPATCH on the mount root answers 403', async () => {
    const body = '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x:a xmlns:x="urn:t">1</x:a></D:prop></D:set></D:propertyupdate>';
    const res = await dav('PROPPATCH', '/', { headers: { 'Content-Type': 'application/xml' }, body });
    expect(res.status).toBe(403);
    expect(await res.text()).toBe('PROPPATCH on the WebDAV mount root is not supported');
  });
});

test.describe('locks', () => {
  test('[webdav/handlers/locks] webdav client lock() (body without Content-Type) gets a urn:uuid token and a 7-day timeout', async () => {
    await client.putFileContents('/locked-client.txt', 'x');
    const lock = await client.lock('/locked-client.txt');
    expect(lock.token).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(lock.serverTimeout).toBe('Second-604800');
    await client.unlock('/locked-client.txt', `<${lock.token}>`);
  });

  test('[webdav/handlers/locks] LOCK without Timeout gets 604800 s; Timeout lists use the first valid entry', async () => {
    await dav('PUT', '/timeouts.txt', { body: 'x' });
    const plain = await lockRaw('/timeouts.txt');
    expect(plain.status).toBe(200);
    expect(plain.body).toContain('Second-604800');
    await dav('UNLOCK', '/timeouts.txt', { headers: { 'Lock-Token': `<${plain.token}>` } });
    const listed = await lockRaw('/timeouts.txt', { Timeout: 'nonsense, Second-60' });
    expect(listed.body).toContain('Second-60<');
    await dav('UNLOCK', '/timeouts.txt', { headers: { 'Lock-Token': `<${listed.token}>` } });
    expect((await lockRaw('/timeouts.txt', { Timeout: 'nonsense' })).status).toBe(400);
  });

  test('[webdav/handlers/locks] LOCK on a missing path creates an empty file (201)', async () => {
    const res = await lockRaw('/lock-null.txt');
    expect(res.status).toBe(201);
    expect((await client.stat('/lock-null.txt')) as FileStat).toMatchObject({ type: 'file', size: 0 });
    await dav('UNLOCK', '/lock-null.txt', { headers: { 'Lock-Token': `<${res.token}>` } });
  });

  test('[webdav/handlers/locks] writes to a locked file without the token in If answer 423; the Lock-Token header does not count', async () => {
    await client.putFileContents('/locked.txt', 'v1');
    const { token } = await client.lock('/locked.txt');
    expect((await dav('PUT', '/locked.txt', { body: 'v2' })).status).toBe(423);
    expect((await dav('PUT', '/locked.txt', { body: 'v2', headers: { 'Lock-Token': `<${token}>` } })).status).toBe(423);
    expect((await dav('DELETE', '/locked.txt')).status).toBe(423);
    await expect(client.putFileContents('/locked.txt', 'v2')).rejects.toMatchObject({ status: 423 });
    await client.putFileContents('/locked.txt', 'v3', { headers: { If: `(<${token}>)` } });
    const tagged = await dav('PUT', '/locked.txt', { body: 'v4', headers: { If: `<${url('/locked.txt')}> (<${token}>)` } });
    expect(tagged.status).toBe(204);
    expect(await client.getFileContents('/locked.txt', { format: 'text' })).toBe('v4');
    await client.unlock('/locked.txt', `<${token}>`);
    expect((await dav('PUT', '/locked.txt', { body: 'v5' })).status).toBe(204);
  });

  test('[webdav/handlers/locks] a depth-infinity folder lock covers descendants, which may submit the folder token', async () => {
    await client.createDirectory('/lockdir');
    await client.putFileContents('/lockdir/child.txt', 'x');
    const { token } = await client.lock('/lockdir');
    expect((await dav('PUT', '/lockdir/child.txt', { body: 'y' })).status).toBe(423);
    expect((await dav('PUT', '/lockdir/child.txt', { body: 'y', headers: { If: `(<${token}>)` } })).status).toBe(204);
    await client.unlock('/lockdir', `<${token}>`);
  });

  test('[webdav/handlers/locks] LOCK refresh with the token in If answers 200 without a Lock-Token header', async () => {
    await dav('PUT', '/refresh.txt', { body: 'x' });
    const { token } = await lockRaw('/refresh.txt', { Timeout: 'Second-100' });
    const res = await dav('LOCK', '/refresh.txt', { headers: { If: `(<${token}>)`, Timeout: 'Second-500' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('lock-token')).toBeNull();
    expect(await res.text()).toContain('Second-500');
    await dav('UNLOCK', '/refresh.txt', { headers: { 'Lock-Token': `<${token}>` } });
  });

  test('[webdav/handlers/locks] UNLOCK needs the token in angle brackets (400 otherwise, as the webdav client sends it)', async () => {
    await dav('PUT', '/unlock.txt', { body: 'x' });
    const { token } = await client.lock('/unlock.txt');
    const bare = await dav('UNLOCK', '/unlock.txt', { headers: { 'Lock-Token': token } });
    expect(bare.status).toBe(400);
    expect(bare.headers.get('cache-control')).toBe('no-store');
    await expect(client.unlock('/unlock.txt', token)).rejects.toMatchObject({ status: 400 });
    const ok = await dav('UNLOCK', '/unlock.txt', { headers: { 'Lock-Token': `<${token}>` } });
    expect(ok.status).toBe(204);
  });

  test('[webdav/handlers/locks] UNLOCK of a URI the lock does not cover answers 409', async () => {
    await dav('PUT', '/unlock-a.txt', { body: 'x' });
    await dav('PUT', '/unlock-b.txt', { body: 'x' });
    const { token } = await lockRaw('/unlock-a.txt');
    expect((await dav('UNLOCK', '/unlock-b.txt', { headers: { 'Lock-Token': `<${token}>` } })).status).toBe(409);
    expect((await dav('UNLOCK', '/unlock-a.txt', { headers: { 'Lock-Token': `<${token}>` } })).status).toBe(204);
  });
});

test.describe('system file names', () => {
  test('[webdav/system_file] PUT/MKCOL of OS junk names answers 403 "WebDAV system file name is blocked"', async () => {
    for (const name of ['.DS_Store', '._report.docx', 'Thumbs.db', 'THUMBS.DB', 'desktop.ini']) {
      const res = await dav('PUT', `/${encodeURIComponent(name)}`, { body: 'junk' });
      expect(res.status, name).toBe(403);
      expect(await res.text()).toBe('WebDAV system file name is blocked');
    }
    for (const name of ['.Trashes', '$RECYCLE.BIN', 'System Volume Information', '.fseventsd', '.Spotlight-V100']) {
      expect((await dav('MKCOL', `/${encodeURIComponent(name)}`)).status, name).toBe(403);
    }
    expect((await dav('PUT', '/not._junk.txt', { body: 'fine' })).status).toBe(201);
  });

  test('[webdav/system_file] COPY/MOVE to a blocked name answers 403', async () => {
    await dav('PUT', '/plain.txt', { body: 'x' });
    const move = await dav('MOVE', '/plain.txt', { headers: { Destination: url('/.DS_Store') } });
    expect(move.status).toBe(403);
    expect(await move.text()).toBe('WebDAV system file name is blocked');
    const copy = await dav('COPY', '/plain.txt', { headers: { Destination: url('/._plain.txt') } });
    expect(copy.status).toBe(403);
    expect(await client.exists('/plain.txt')).toBe(true);
  });
});
