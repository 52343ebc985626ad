/**
 * The suite is safe against an existing deployment: a read-only run writes nothing, and a run
 * killed half way leaves only namespaced data that `npm run cleanup` removes, with every setting
 * unchanged. The "deployment" is the stand-in started with `npm run standin` and provisioned
 * through the API like an operator would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { type RunResult, run } from './support/run.js';
import { z } from 'zod';
import { AsterClient } from '../helpers/clients/api/aster.js';
import { freePort } from '../helpers/harness/target/free-port.js';
import { bootstrapFresh, generatedPassword } from '../helpers/harness/target/provision.js';
import { waitFor } from '../helpers/harness/target/wait.js';

const ROOT = process.cwd();
test.describe.configure({ mode: 'serial', timeout: 600_000 });

let server: ChildProcess;
let baseURL: string;
let workdir: string;
let stopping = false;
const admin = { identifier: 'opsadmin', password: generatedPassword() };
const user = { identifier: 'opsuser', password: generatedPassword() };

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeout = 400_000): Promise<RunResult> {
  return run(cmd, args, { env, cwd: ROOT, timeout });
}

function suiteEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ASTER_ENV_FILE: '/nonexistent',
    ASTER_BASE_URL: baseURL,
    ASTER_ADMIN_USER: admin.identifier,
    ASTER_ADMIN_PASSWORD: admin.password,
    ASTER_USER: user.identifier,
    ASTER_USER_PASSWORD: user.password,
    ASTER_JSON_REPORT: '',
    NODE_NO_WARNINGS: '1',
    ...extra,
  };
}

/** Everything a run could change: every file and folder of both accounts, trash, shares, users, WebDAV accounts, settings. */
async function snapshot(): Promise<unknown> {
  const a = await AsterClient.signIn(baseURL, admin);
  const u = await AsterClient.signIn(baseURL, user);
  const tree = async (c: AsterClient, id: number | null, prefix = ''): Promise<string[]> => {
    const list = await c.listFolder(id);
    const out = list.files.map((f) => `${prefix}${f.name} (${f.size})`);
    for (const d of list.folders) out.push(`${prefix}${d.name}/`, ...(await tree(c, d.id, `${prefix}${d.name}/`)));
    return out.sort();
  };
  const dav = z.object({ items: z.array(z.object({ username: z.string() }).passthrough()) }).passthrough();
  return {
    files: { admin: await tree(a, null), user: await tree(u, null) },
    trash: { admin: (await a.trash()).files.map((f) => f.name), user: (await u.trash()).files.map((f) => f.name) },
    shares: { admin: (await a.myShares()).total, user: (await u.myShares()).total },
    webdav: (await u.call('GET', '/api/v1/webdav-accounts', dav)).items.map((x) => x.username),
    users: (await a.users()).map((x) => x.username).sort(),
    settings: Object.fromEntries((await a.allConfig()).map((c) => [c.key, c.value])),
  };
}

test.beforeAll(async () => {
  workdir = mkdtempSync(path.join(os.tmpdir(), 'ops-deployment-'));
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  const log = openSync(path.join(workdir, 'standin.log'), 'a');
  server = spawn('npm', ['--prefix', ROOT, 'run', 'standin'], {
    cwd: workdir,
    env: { ...process.env, ASTER__SERVER__PORT: String(port), STANDIN_FEATURES: 'metrics' },
    stdio: ['ignore', log, log],
    detached: true,
  });
  server.once('exit', (code, signal) => {
    if (!stopping) console.error(`the stand-in exited (${signal ?? code}); log: ${readFileSync(path.join(workdir, 'standin.log'), 'utf8').slice(-3000)}`);
  });
  await waitFor('the stand-in', async () => ((await fetch(`${baseURL}/health/ready`).catch(() => null))?.ok ? true : undefined), { timeoutMs: 60_000 });
  // Provisioned like an operator: first admin, default storage, an ordinary user.
  const a = await bootstrapFresh(baseURL, admin, 'ops@launch.test');
  await a.call('POST', '/api/v1/admin/users', z.unknown(), { json: { username: user.identifier, email: 'opsuser@launch.test', password: user.password } });
  await a.createFolder('Existing team data');
});

test.afterAll(async () => {
  stopping = true;
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

test('a read-only run against a deployment writes nothing', async () => {
  const before = await snapshot();
  const out = path.join(workdir, 'ro');
  const r = await sh(
    'npx',
    ['playwright', 'test', '--project', 'api', '--output', `${out}/results`],
    suiteEnv({ ASTER_READONLY: '1', ASTER_REPORTS_DIR: `${out}/reports`, PLAYWRIGHT_HTML_OUTPUT_DIR: `${out}/html` }),
  );
  expect(r.stdout, r.stderr).toContain('read-only');
  const report = JSON.parse(readFileSync(`${out}/reports/launch-report.json`, 'utf8')) as {
    sections: { items: { status: string; reason?: string }[] }[];
  };
  const readOnlyItems = report.sections.flatMap((s) => s.items).filter((i) => i.reason?.includes('read-only run'));
  expect(readOnlyItems.length, 'writing checks are reported NOT_CHECKED (read-only run)').toBeGreaterThan(0);
  expect(await snapshot()).toEqual(before);
});

test('a run killed half way leaves nothing that `npm run cleanup` does not remove, and no setting changed', async () => {
  const before = await snapshot();
  const out = path.join(workdir, 'killed');
  // The run's own temp directory, to see what it leaves on this machine.
  const tmp = path.join(out, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const ownTemp = () => readdirSync(tmp).filter((n) => n.startsWith('aster-'));
  const run = spawn('npx', ['playwright', 'test', '--project', 'api', '--output', `${out}/results`], {
    cwd: ROOT,
    env: suiteEnv({ ASTER_REPORTS_DIR: `${out}/reports`, PLAYWRIGHT_HTML_OUTPUT_DIR: `${out}/html`, TMPDIR: tmp }),
    stdio: 'ignore',
    detached: true,
  });
  // Half way: as soon as the run's own data exists on the deployment.
  const u = await AsterClient.signIn(baseURL, user);
  await waitFor('the run to create its data', async () => ((await u.listFolder(null)).folders.some((f) => f.name.startsWith('lt-r')) ? true : undefined), {
    timeoutMs: 120_000,
    intervalMs: 100,
  });
  const exited = new Promise((r) => run.once('exit', r));
  process.kill(-(run.pid ?? 0), 'SIGKILL');
  await exited;
  expect(ownTemp().length, 'the killed run left its state and secrets directories').toBeGreaterThan(0);
  const dry = await sh('npm', ['run', '--silent', 'cleanup', '--', '--dry-run'], suiteEnv({ TMPDIR: tmp }));
  expect(dry.stdout, 'the dry run lists the interrupted run’s data').toMatch(/Would remove \d+ leftover/);
  const clean = await sh('npm', ['run', '--silent', 'cleanup'], suiteEnv({ TMPDIR: tmp }));
  expect(clean.status, clean.stdout + clean.stderr).toBe(0);
  expect(ownTemp(), 'cleanup removed the killed run’s temporary directories').toEqual([]);
  expect(await snapshot(), 'after cleanup the deployment is as it was, settings included').toEqual(before);
  const again = await sh('npm', ['run', '--silent', 'cleanup', '--', '--dry-run'], suiteEnv());
  expect(again.stdout).toContain('No leftovers');
});
