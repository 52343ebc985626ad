import { test, expect } from '@playwright/test';
import { bootstrap, createUser, login, startStandin, upload, type Session, type Standin } from './support.js';

let s: Standin;
let admin: Session;
let eve: Session;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  s = await startStandin();
  admin = await bootstrap(s.baseURL);
  await createUser(admin, 'evelyn');
  eve = await login(s.baseURL, 'evelyn', 'UserPass123!');
});

test.afterAll(async () => {
  await s?.kill();
});

interface Frame {
  /** ms since the stream opened */
  at: number;
  raw: string;
}

/** Reads an SSE body frame by frame (frames end with a blank line). */
async function openStream(access: string) {
  const t0 = Date.now();
  const abort = new AbortController();
  const res = await fetch(`${s.baseURL}/api/v1/auth/events/storage`, { headers: { authorization: `Bearer ${access}` }, signal: abort.signal });
  const frames: Frame[] = [];
  let ended: number | null = null;
  let wake = () => {};
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let i = buf.indexOf('\n\n');
        while (i >= 0) {
          frames.push({ at: Date.now() - t0, raw: `${buf.slice(0, i)}\n\n` });
          buf = buf.slice(i + 2);
          i = buf.indexOf('\n\n');
        }
        wake();
      }
    } catch {
      /* aborted */
    }
    ended = Date.now() - t0;
    wake();
  })();
  let seen = 0;
  /** The next frame after those already taken, or null when the stream ends or `ms` pass. */
  const next = async (ms: number): Promise<Frame | null> => {
    const deadline = Date.now() + ms;
    while (seen >= frames.length && ended === null && Date.now() < deadline) {
      await new Promise<void>((r) => {
        const t = setTimeout(r, deadline - Date.now());
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
    }
    return seen < frames.length ? frames[seen++]! : null;
  };
  return { res, frames, next, ended: () => ended, close: () => abort.abort() };
}

const data = (f: Frame | null) => {
  expect(f?.raw, 'a data frame').toMatch(/^data: \{.*\}\n\n$/);
  return JSON.parse(f!.raw.slice('data: '.length)) as Record<string, unknown>;
};

// upstream src/api/routes/auth/mod.rs (/events/storage wrapped in JwtAuth), src/api/middleware/auth.rs
test('[events] the storage change stream needs a session: 401 auth.token_missing without a token', async () => {
  const r = await fetch(`${s.baseURL}/api/v1/auth/events/storage`);
  expect(r.status).toBe(401);
  expect((await r.json()).code).toBe('auth.token_missing');
});

// upstream src/api/routes/auth/session.rs (get_storage_events), src/api/routes/auth/mod.rs (storage_event_frame),
// src/services/events/storage_change.rs (StorageChangeEvent), src/services/workspace/storage/store/mod.rs (file.created with its storage delta)
test('[events] 200 text/event-stream, `: keep-alive` at once and every 15 s, a `data:` frame per change in the own space only', async () => {
  test.setTimeout(60_000);
  const stream = await openStream(admin.access);
  try {
    expect(stream.res.status).toBe(200);
    const h = stream.res.headers;
    expect(h.get('content-type')).toBe('text/event-stream');
    expect(h.get('cache-control')).toBe('no-cache');
    expect(h.get('x-accel-buffering')).toBe('no');
    expect(h.get('content-encoding')).toBe('identity');
    expect(h.get('content-length')).toBeNull();
    expect(h.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const first = await stream.next(2_000);
    expect(first?.raw, 'the first heartbeat comes at once').toBe(': keep-alive\n\n');

    // Another user's change is not delivered: the next frame is the admin's own folder.
    await upload(eve, 'evelyn.txt', 'not yours');
    const folder = (
      await (await admin.ctx.post('/api/v1/folders', { data: { name: 'watched', parent_id: null }, headers: { 'X-CSRF-Token': admin.csrf } })).json()
    ).data;
    const created = data(await stream.next(2_000));
    expect(Object.keys(created), 'the field order of StorageChangeEvent').toEqual([
      'kind',
      'workspace',
      'file_ids',
      'folder_ids',
      'affected_parent_ids',
      'root_affected',
      'affects_quota',
      'storage_delta',
      'at',
    ]);
    expect(created).toMatchObject({
      kind: 'folder.created',
      workspace: { kind: 'personal' },
      file_ids: [],
      folder_ids: [folder.id],
      affected_parent_ids: [],
      root_affected: true,
      affects_quota: false,
      storage_delta: null,
    });
    expect(Date.now() - Date.parse(created.at as string)).toBeLessThan(5_000);

    const file = await upload(admin, 'hello.txt', 'hello', `?folder_id=${folder.id}`);
    expect(data(await stream.next(2_000))).toMatchObject({
      kind: 'file.created',
      file_ids: [file.id],
      folder_ids: [],
      affected_parent_ids: [folder.id],
      root_affected: false,
      affects_quota: true,
      storage_delta: 5,
    });
    const del = await admin.ctx.delete(`/api/v1/files/${file.id}`, { headers: { 'X-CSRF-Token': admin.csrf } });
    expect(del.status()).toBe(200);
    expect(data(await stream.next(2_000))).toMatchObject({ kind: 'file.trashed', file_ids: [file.id], affected_parent_ids: [folder.id], storage_delta: null });

    const second = await stream.next(20_000);
    expect(second?.raw, 'the next heartbeat').toBe(': keep-alive\n\n');
    expect(second!.at, 'heartbeats are 15 s apart').toBeGreaterThanOrEqual(14_500 + first!.at);
    expect(second!.at).toBeLessThan(17_000 + first!.at);
    expect(stream.ended(), 'the stream stays open').toBeNull();
  } finally {
    stream.close();
  }
});

// upstream src/api/routes/auth/session.rs (revalidate_storage_event_stream at every heartbeat and event)
test('[events] a disabled account loses its stream at the next event', async () => {
  const stream = await openStream(eve.access);
  try {
    expect((await stream.next(2_000))?.raw).toBe(': keep-alive\n\n');
    const users = (await (await admin.ctx.get('/api/v1/admin/users?limit=100')).json()).data.items as { id: number; username: string }[];
    const id = users.find((u) => u.username === 'evelyn')!.id;
    const off = await admin.ctx.patch(`/api/v1/admin/users/${id}`, { data: { status: 'disabled' }, headers: { 'X-CSRF-Token': admin.csrf } });
    expect(off.status()).toBe(200);
    await upload(admin, 'wake.txt', 'x');
    expect(await stream.next(5_000), 'no frame after the account was disabled').toBeNull();
    expect(stream.ended(), 'the stream ended').not.toBeNull();
  } finally {
    stream.close();
  }
});
