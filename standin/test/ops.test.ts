import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { test, expect, request as pwRequest } from '@playwright/test';
import { ADMIN, ROOT, bearer, bootstrap, login, startStandin, upload } from './support.js';
import { startSmtpSink } from './smtp-sink.js';

const run = promisify(execFile);
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const MAIN = path.join(ROOT, 'standin/src/main.ts');

async function doctor(
  cwd: string,
  args: string[],
): Promise<{ code: number; json: { ok: boolean; data: { status: string; checks: { name: string; status: string }[] } } }> {
  try {
    const r = await run(TSX, [MAIN, 'doctor', ...args], { cwd, env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    return { code: 0, json: JSON.parse(r.stdout) };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, json: JSON.parse(err.stdout) };
  }
}

test('[core acceptance] acknowledged writes, blobs and the jwt secret survive SIGKILL; doctor exit code follows status', async () => {
  const s = await startStandin();
  try {
    const fresh = await doctor(s.cwd, ['--database-url', 'sqlite://asterdrive.db?mode=rwc', '--output-format', 'json']);
    expect(fresh.code).toBe(1);
    expect(fresh.json.ok).toBe(true);
    expect(fresh.json.data.status).toBe('fail');
    expect(fresh.json.data.checks.find((c) => c.name === 'storage_policies')?.status).toBe('fail');

    const admin = await bootstrap(s.baseURL);
    const f = await upload(admin, 'durable.txt', 'persist me');
    await s.restart();
    const b = await bearer(s.baseURL, admin.access);
    const me = await b.get('/api/v1/auth/me');
    expect(me.status()).toBe(200);
    const dl = await b.get(`/api/v1/files/${f.id}/download`);
    expect(await dl.text()).toBe('persist me');
    await b.dispose();

    const ready = await doctor(s.cwd, ['--database-url', 'sqlite://asterdrive.db?mode=rwc', '--output-format', 'json']);
    expect(ready.json.data.status).toBe('warn');
    expect(ready.code).toBe(0);
    const strict = await doctor(s.cwd, ['--database-url', 'sqlite://asterdrive.db?mode=rwc', '--output-format', 'json', '--strict']);
    expect(strict.code).toBe(1);
    const names = ready.json.data.checks.map((c) => c.name);
    expect(names).toEqual([
      'static_config',
      'database_connection',
      'database_migrations',
      'sqlite_search_acceleration',
      'runtime_config',
      'public_site_url',
      'mail_configuration',
      'preview_apps',
      'storage_policies',
      'deployment_topology',
    ]);
    const missing = await run(TSX, [MAIN, 'doctor'], { cwd: s.cwd }).catch((e) => e as { code: number; stderr: string });
    expect((missing as { code: number }).code).toBe(1);
  } finally {
    await s.kill();
  }
});

// upstream src/api/routes/auth/public.rs
test('[setup] setup from an https origin stores public_site_url and flips auth_cookie_secure to "true"', async () => {
  const s = await startStandin();
  try {
    const r = await fetch(`${s.baseURL}/api/v1/auth/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'drive.example.com' },
      body: JSON.stringify(ADMIN),
    });
    expect(r.status).toBe(201);
    const lr = await fetch(`${s.baseURL}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: ADMIN.username, password: ADMIN.password }),
    });
    const cookies = lr.headers.getSetCookie();
    expect(cookies.every((c) => c.includes('; Secure'))).toBe(true);
    const access = /aster_access=([^;]+)/.exec(cookies.join('\n'))![1]!;
    const cfg = await (await fetch(`${s.baseURL}/api/v1/admin/config/public_site_url`, { headers: { authorization: `Bearer ${access}` } })).json();
    expect(cfg.data.value).toEqual(['https://drive.example.com']);
  } finally {
    await s.kill();
  }
});

// upstream src/api/routes/auth/mod.rs (response floor), src/api/middleware/rate_limit.rs, src/api/routes/health.rs
test('[auth] login is padded to >= 350 ms; [rate_limit] rate limit 429 rate_limited with Retry-After; [health] metrics feature', async () => {
  const s = await startStandin({ env: { STANDIN_FAULTS: '', ASTER__RATE_LIMIT__ENABLED: 'true', STANDIN_FEATURES: 'metrics' } });
  try {
    const t0 = Date.now();
    const r = await fetch(`${s.baseURL}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: 'x', password: 'y' }),
    });
    expect(r.status).toBe(401);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(345);
    let limited: Response | null = null;
    for (let i = 0; i < 8 && !limited; i++) {
      const x = await fetch(`${s.baseURL}/api/v1/auth/check`, { method: 'POST' });
      if (x.status === 429) limited = x;
    }
    expect(limited).not.toBeNull();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toMatchObject({ code: 'rate_limited', error: { retryable: false } });
    const m = await fetch(`${s.baseURL}/health/metrics`);
    expect(m.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await m.text();
    for (const fam of [
      'http_requests_total',
      'http_request_duration_seconds',
      'db_queries_total',
      'auth_events_total',
      'process_memory_rss_bytes',
      'process_cpu_milliseconds_total',
      'process_uptime_seconds',
    ]) {
      expect(text).toContain(`# TYPE ${fam} `);
    }
    expect(text).toContain('# TYPE process_cpu_milliseconds_total gauge');
    expect(text).toMatch(/http_requests_total\{method="POST",route="[^"]+",status="429"\} \d+/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/api\/v1\/auth\/login",status="401"\} 1/);
  } finally {
    await s.kill();
  }
  const plain = await startStandin();
  try {
    expect((await fetch(`${plain.baseURL}/health/metrics`)).status).toBe(404);
  } finally {
    await plain.kill();
  }
});

// upstream src/services/ops/config/actions.rs, src/services/mail/sender.rs, src/services/mail/template.rs
test('[mail] test email: 503 mail.not_configured, then delivery to SMTP; activation mail link from the first public_site_url', async () => {
  const sink = await startSmtpSink();
  const s = await startStandin();
  try {
    const admin = await bootstrap(s.baseURL);
    const H = { 'X-CSRF-Token': admin.csrf };
    const nc = await admin.ctx.post('/api/v1/admin/config/mail/action', { data: { action: 'send_test_email' }, headers: H });
    expect(nc.status()).toBe(503);
    expect((await nc.json()).code).toBe('mail.not_configured');
    for (const [k, v] of Object.entries({
      mail_smtp_host: '127.0.0.1',
      mail_smtp_port: '1',
      mail_security: 'false',
      mail_from_address: 'drive@example.com',
      mail_outbox_dispatch_interval_secs: '1',
    })) {
      expect((await admin.ctx.put(`/api/v1/admin/config/${k}`, { data: { value: v }, headers: H })).status()).toBe(200);
    }
    const dead = await admin.ctx.post('/api/v1/admin/config/mail/action', { data: { action: 'send_test_email' }, headers: H });
    expect(dead.status()).toBe(503);
    expect((await dead.json()).code).toBe('mail.delivery_failed');
    await admin.ctx.put('/api/v1/admin/config/mail_smtp_port', { data: { value: String(sink.port) }, headers: H });
    const sent = await admin.ctx.post('/api/v1/admin/config/mail/action', { data: { action: 'send_test_email', target_email: 'ops@example.com' }, headers: H });
    expect(sent.status()).toBe(200);
    expect((await sent.json()).data.message).toBe('Test email sent to ops@example.com');
    expect(sink.messages.some((m) => m.includes('Subject: AsterDrive SMTP test'))).toBe(true);

    await admin.ctx.put('/api/v1/admin/config/public_site_url', { data: { value: ['http://first.example:8080', s.baseURL] }, headers: H });
    const reg = await fetch(`${s.baseURL}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'newbie', email: 'newbie@example.com', password: 'Newbie123!' }),
    });
    expect(reg.status).toBe(201);
    await expect.poll(() => sink.messages.some((m) => m.includes('Activate Your AsterDrive Account')), { timeout: 10_000 }).toBe(true);
    const mail = sink.messages
      .find((m) => m.includes('Activate Your AsterDrive Account'))!
      .replace(/=\r\n/g, '')
      .replace(/=3D/g, '=');
    const link = /href="http:\/\/first\.example:8080\/api\/v1\/auth\/contact-verification\/confirm\?token=(cv_[A-Za-z0-9_-]+)/.exec(mail);
    expect(link).not.toBeNull();
    const confirm = await fetch(`${s.baseURL}/api/v1/auth/contact-verification/confirm?token=${link![1]}`, { redirect: 'manual' });
    expect(confirm.status).toBe(302);
    expect(confirm.headers.get('location')).toBe('http://first.example:8080/login?contact_verification=register-activated');
    const again = await fetch(`${s.baseURL}/api/v1/auth/contact-verification/confirm?token=${link![1]}`, { redirect: 'manual' });
    expect(again.headers.get('location')).toContain('contact_verification=invalid');
    const user = await login(s.baseURL, 'newbie', 'Newbie123!');
    expect((await user.ctx.get('/api/v1/auth/me')).status()).toBe(200);
    const audit = (await (await admin.ctx.get('/api/v1/admin/audit-logs?entity_type=mail')).json()).data.items.map((a: { action: string }) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['mail_send', 'mail_delivery_failed']));
  } finally {
    sink.close();
    await s.kill();
  }
});

test('[task brief] a 256 MiB direct upload streams to disk without buffering (RSS growth well below the file size)', async () => {
  const s = await startStandin({ env: { STANDIN_FEATURES: 'metrics' } });
  try {
    const admin = await bootstrap(s.baseURL);
    const rss = async () => Number(/process_memory_rss_bytes (\d+)/.exec(await (await fetch(`${s.baseURL}/health/metrics`)).text())![1]);
    const before = await rss();
    const size = 256 * 1024 * 1024;
    const boundary = 'xxBOUNDARYxx';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const body = new ReadableStream<Uint8Array>({
      start(c: ReadableStreamDefaultController<Uint8Array>) {
        c.enqueue(head);
      },
      i: 0,
      pull(c: ReadableStreamDefaultController<Uint8Array>) {
        const self = this as unknown as { i: number };
        self.i = (self.i ?? 0) + 1;
        if (self.i <= 256) c.enqueue(chunk);
        else {
          c.enqueue(tail);
          c.close();
        }
      },
    } as never);
    const r = await fetch(`${s.baseURL}/api/v1/files/upload?declared_size=${size}`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${admin.access}` },
    } as RequestInit);
    expect(r.status).toBe(201);
    expect((await r.json()).data.size).toBe(size);
    const after = await rss();
    expect(after - before).toBeLessThan(96 * 1024 * 1024);
  } finally {
    await s.kill();
  }
});

test('[fault random-jwt-secret] a new secret on every start invalidates tokens after restart', async () => {
  const s = await startStandin({ env: { STANDIN_FAULTS: 'slow-auth-off,random-jwt-secret' } });
  try {
    const admin = await bootstrap(s.baseURL);
    expect(s.log()).toContain('active faults: slow-auth-off, random-jwt-secret');
    await s.restart();
    const b = await pwRequest.newContext({ baseURL: s.baseURL, extraHTTPHeaders: { Authorization: `Bearer ${admin.access}` } });
    expect((await b.get('/api/v1/auth/me')).status()).toBe(401);
    await b.dispose();
  } finally {
    await s.kill();
  }
});
