import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request as pwRequest, type APIRequestContext, test } from '@playwright/test';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = path.join(ROOT, 'standin/src/main.ts');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A fresh directory in the current test's own output (test-results/unit/…), which Playwright clears on the next run. */
export function scratchDir(prefix: string): string {
  const base = test.info().outputPath();
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, prefix));
}

export interface Standin {
  baseURL: string;
  port: number;
  cwd: string;
  proc: ChildProcess;
  log: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
  restart(): Promise<void>;
}

export async function startStandin(opts: { env?: Record<string, string>; cwd?: string; port?: number } = {}): Promise<Standin> {
  const cwd = opts.cwd ?? scratchDir('standin-test-');
  const port = opts.port ?? (await freePort());
  let out = '';
  const env = {
    ...process.env,
    ASTER__SERVER__HOST: '127.0.0.1',
    ASTER__SERVER__PORT: String(port),
    STANDIN_FAULTS: 'slow-auth-off',
    NODE_NO_WARNINGS: '1',
    ...opts.env,
  };
  const spawnIt = () => {
    // detached: own process group, so a signal reaches the node process tsx spawns, not only tsx itself
    const proc = spawn(TSX, [MAIN], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    proc.stdout!.on('data', (d) => (out += d));
    proc.stderr!.on('data', (d) => (out += d));
    return proc;
  };
  const baseURL = `http://127.0.0.1:${port}`;
  const waitReady = async () => {
    const t0 = Date.now();
    while (Date.now() - t0 < 30_000) {
      try {
        const r = await fetch(`${baseURL}/health/ready`);
        if (r.status === 200 || r.status === 503) return;
      } catch {
        /* not yet */
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`stand-in did not become ready:\n${out}`);
  };
  const s: Standin = {
    baseURL,
    port,
    cwd,
    proc: spawnIt(),
    log: () => out,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      const p = s.proc;
      if (p.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        try {
          process.kill(-p.pid!, signal);
        } catch {
          p.kill(signal);
        }
      });
    },
    async restart() {
      await s.kill('SIGKILL');
      s.proc = spawnIt();
      await waitReady();
    },
  };
  await waitReady();
  return s;
}

export function cookieFrom(setCookies: string[], name: string): string | undefined {
  for (const c of setCookies) {
    const m = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (m) return m[1];
  }
  return undefined;
}

export function setCookieHeaders(res: { headersArray(): { name: string; value: string }[] }): string[] {
  return res
    .headersArray()
    .filter((h) => h.name.toLowerCase() === 'set-cookie')
    .map((h) => h.value);
}

export const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'AdminPass123!' };

export interface Session {
  ctx: APIRequestContext;
  csrf: string;
  access: string;
}

/** Login with a fresh cookie jar; returns the context and the CSRF cookie value. */
export async function login(baseURL: string, identifier: string, password: string): Promise<Session> {
  const ctx = await pwRequest.newContext({ baseURL });
  const res = await ctx.post('/api/v1/auth/login', { data: { identifier, password } });
  if (res.status() !== 200) throw new Error(`login failed: ${res.status()} ${await res.text()}`);
  const cookies = setCookieHeaders(res);
  return { ctx, csrf: cookieFrom(cookies, 'aster_csrf')!, access: cookieFrom(cookies, 'aster_access')! };
}

export function localPolicyBody(basePath = './data/uploads', extra: Record<string, unknown> = {}) {
  return {
    name: 'System Storage',
    connection: {
      connector_config: {
        format_version: 1,
        connector_id: 'asterdrive.storage.local',
        schema_version: 1,
        values: { base_path: basePath, content_dedup: false },
      },
      behavior: {},
      credential: { mode: 'none' },
    },
    max_file_size: 0,
    chunk_size: 5242880,
    is_default: true,
    ...extra,
  };
}

/** Fresh instance -> admin + default local policy. Returns an admin cookie session. */
export async function bootstrap(baseURL: string, policyExtra: Record<string, unknown> = {}): Promise<Session> {
  const anon = await pwRequest.newContext({ baseURL });
  const r = await anon.post('/api/v1/auth/setup', { data: ADMIN });
  if (r.status() !== 201) throw new Error(`setup failed: ${r.status()} ${await r.text()}`);
  await anon.dispose();
  const admin = await login(baseURL, ADMIN.username, ADMIN.password);
  const p = await admin.ctx.post('/api/v1/admin/policies', { data: localPolicyBody('./data/uploads', policyExtra), headers: { 'X-CSRF-Token': admin.csrf } });
  if (p.status() !== 201) throw new Error(`policy failed: ${p.status()} ${await p.text()}`);
  return admin;
}

export async function createUser(admin: Session, username: string, password = 'UserPass123!'): Promise<void> {
  const r = await admin.ctx.post('/api/v1/admin/users', {
    data: { username, email: `${username}@example.com`, password },
    headers: { 'X-CSRF-Token': admin.csrf },
  });
  if (r.status() !== 201) throw new Error(`create user failed: ${r.status()} ${await r.text()}`);
}

export async function bearer(baseURL: string, access: string): Promise<APIRequestContext> {
  return pwRequest.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${access}` } });
}

export async function upload(s: Session, name: string, content: Buffer | string, query = ''): Promise<Record<string, unknown>> {
  const r = await s.ctx.post(`/api/v1/files/upload${query}`, {
    multipart: { file: { name, mimeType: 'application/octet-stream', buffer: Buffer.isBuffer(content) ? content : Buffer.from(content) } },
    headers: { 'X-CSRF-Token': s.csrf },
  });
  if (r.status() !== 201) throw new Error(`upload failed: ${r.status()} ${await r.text()}`);
  return (await r.json()).data;
}

declare global {
  // Test code reads JSON bodies of fetch() responses without declaring their shape.
  interface Response {
    // biome-ignore lint/suspicious/noExplicitAny: test-only convenience for reading JSON bodies
    json(): Promise<any>;
  }
}
