/**
 * Nothing a run makes stays behind, even when a browser check fails half way (issue 19): a check
 * that registered its upload by name removes it wherever the panel put it, and the end-of-run
 * teardown sweeps what a check never registered (anywhere in the account, the trash, shares,
 * WebDAV accounts, test users), reports it as `swept` with the test that left it, and fails with
 * the cleanup command for what it cannot remove. The "deployment" is the stand-in
 * (`npm run standin`), provisioned through the API like an operator would.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { OwnedData } from '../fixtures/owned-data.js';
import { AsterClient } from '../helpers/clients/api/aster.js';
import { ApiError } from '../helpers/clients/api/http.js';
import { snapshotOf } from '../helpers/judges/settings.js';
import { findLeftovers, findLive, leftBy, type SweepAccount, sweep, unremovedMessage } from '../helpers/harness/safety/sweep.js';
import { freePort } from '../helpers/harness/target/free-port.js';
import { bootstrapFresh, generatedPassword } from '../helpers/harness/target/provision.js';
import type { RunState } from '../helpers/harness/target/run-state.js';
import { waitFor } from '../helpers/harness/target/wait.js';

const ROOT = process.cwd();
test.describe.configure({ mode: 'serial', timeout: 300_000 });

let server: ChildProcess;
let baseURL: string;
let workdir: string;
let stopping = false;
const admin = { identifier: 'sweepadmin', password: generatedPassword() };
const user = { identifier: 'sweepuser', password: generatedPassword() };
const newRun = () => `r${randomBytes(3).toString('hex')}`;

test.beforeAll(async () => {
  workdir = mkdtempSync(path.join(os.tmpdir(), 'sweep-deployment-'));
  const port = await freePort();
  baseURL = `http://127.0.0.1:${port}`;
  const log = openSync(path.join(workdir, 'standin.log'), 'a');
  server = spawn('npm', ['--prefix', ROOT, 'run', 'standin'], {
    cwd: workdir,
    env: { ...process.env, ASTER__SERVER__PORT: String(port) },
    stdio: ['ignore', log, log],
    detached: true,
  });
  server.once('exit', (code, signal) => {
    if (!stopping) console.error(`the stand-in exited (${signal ?? code}); log: ${readFileSync(path.join(workdir, 'standin.log'), 'utf8').slice(-3000)}`);
  });
  await waitFor('the stand-in', async () => ((await fetch(`${baseURL}/health/ready`).catch(() => null))?.ok ? true : undefined), { timeoutMs: 90_000 });
  const a = await bootstrapFresh(baseURL, admin, 'sweep@launch.test');
  await a.createUser(user.identifier, 'sweepuser@launch.test', user.password);
  await a.createFolder('Existing team data');
});

test.afterAll(async () => {
  stopping = true;
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  if (workdir) rmSync(workdir, { recursive: true, force: true });
});

/** Every name anywhere in the account (live, any depth) and in its trash. */
async function everything(c: AsterClient): Promise<string[]> {
  const live = await findLive(c, '', () => true);
  const out = live.items.map((i) => i.name);
  for (const f of live.items.filter((i) => i.kind === 'folder')) out.push(...(await everythingUnder(c, f.id)));
  const trash = await c.trash();
  return [...out, ...trash.files.map((f) => `trash:${f.name}`), ...trash.folders.map((f) => `trash:${f.name}`)];
}
async function everythingUnder(c: AsterClient, id: number): Promise<string[]> {
  const list = await c.listFolder(id);
  const out = list.files.map((f) => f.name);
  for (const d of list.folders) out.push(d.name, ...(await everythingUnder(c, d.id)));
  return out;
}

test('a browser check that fails after its upload still removes the file: owned.byName finds it wherever the panel put it', async () => {
  const R = newRun();
  const u = await AsterClient.signIn(baseURL, user);
  const owned = new OwnedData();
  const work = await u.createFolder(`lt-${R}-a-small-file-uploads-thr-folder-1`);
  owned.folder(u, work.id);
  const name = `lt-${R}-a-small-file-uploads-thr-small-2.txt`;
  owned.byName(u, name, { folderId: work.id });
  // The "panel" uploads it into the root instead of the work folder (issue 19), and shares it;
  // then the check fails before it ever learns the file's id.
  const file = await u.uploadBytes(name, Buffer.from('uploaded by the panel\n'), null, 'text/plain');
  await u.createShare({ type: 'file', id: file.id });
  const failed = await (async () => {
    throw new Error('expect(listed).toBeDefined(): the file is not in the work folder');
  })().catch((e: Error) => e.message);
  expect(failed).toContain('not in the work folder');

  expect(await owned.cleanup(), 'cleanup problems').toEqual([]);
  expect((await everything(u)).filter((n) => n.includes(R))).toEqual([]);
  expect((await u.myShares()).items.filter((s) => s.resource_name === name)).toEqual([]);
  expect(() => owned.byName(u, 'Quarterly report.xlsx'), 'names outside the namespace are never removed by name').toThrow(/run-namespaced/);
});

interface JsonTest {
  status: string;
  annotations?: { type: string; description?: string }[];
  results: { status: string; annotations?: { type: string; description?: string }[]; errors?: { message?: string }[] }[];
}
interface JsonSpec {
  title: string;
  tests: JsonTest[];
}
interface JsonSuite {
  specs?: JsonSpec[];
  suites?: JsonSuite[];
}
const specsOf = (s: JsonSuite): JsonSpec[] => [...(s.specs ?? []), ...(s.suites ?? []).flatMap(specsOf)];

/** Runs the suite's real end-of-run teardown (tests/setup/verify.teardown.ts) for a run. */
function runTeardown(R: string, label: string) {
  const dir = path.join(workdir, label);
  const state: RunState = {
    runId: R,
    baseURL,
    mode: 'existing',
    targetKind: 'deployment',
    admin,
    user,
    startedAt: new Date().toISOString(),
  };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'run-state.json'), JSON.stringify(state), { mode: 0o600 });
  // The gate was opened: checks ran, so the teardown compares and sweeps (tests/setup/verify.teardown.ts).
  writeFileSync(path.join(dir, 'run-state.json.checks-started'), new Date().toISOString());
  const config = path.join(dir, 'teardown.config.mjs');
  writeFileSync(
    config,
    `export default { testDir: ${JSON.stringify(path.join(ROOT, 'tests/setup'))}, testMatch: /verify\\.teardown\\.ts$/, workers: 1, timeout: 240000,
      outputDir: ${JSON.stringify(path.join(dir, 'results'))}, reporter: [['json', { outputFile: ${JSON.stringify(path.join(dir, 'report.json'))} }]] };\n`,
  );
  return {
    dir,
    run: async () => {
      const r = await promisify(execFile)('npx', ['playwright', 'test', '--config', config], {
        cwd: ROOT,
        env: { ...process.env, ASTER_RUN_STATE: path.join(dir, 'run-state.json'), NODE_NO_WARNINGS: '1' },
        timeout: 280_000,
        maxBuffer: 64 * 1024 * 1024,
      }).then(
        (x) => ({ status: 0, out: x.stdout + x.stderr }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({ status: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
      );
      const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as { suites: JsonSuite[] };
      const tests = Object.fromEntries(
        report.suites.flatMap(specsOf).map((s) => {
          const t = s.tests[0];
          const all = [...(t.annotations ?? []), ...t.results.flatMap((x) => x.annotations ?? [])];
          const annotations = all.filter((x, i) => all.findIndex((y) => y.type === x.type && y.description === x.description) === i);
          const errors = t.results.flatMap((x) => x.errors ?? []).map((e) => e.message ?? '');
          return [s.title, { status: t.results.at(-1)?.status ?? t.status, annotations, errors: errors.join('\n') }];
        }),
      );
      return { ...r, tests };
    },
  };
}

test('the teardown sweeps what failed checks left anywhere, reports it as swept with the test that left it, and touches nothing else', async () => {
  const R = newRun();
  const other = newRun();
  const a = await AsterClient.signIn(baseURL, admin);
  const u = await AsterClient.signIn(baseURL, user);
  const td = runTeardown(R, 'swept');
  writeFileSync(path.join(td.dir, 'settings-before.json'), JSON.stringify(snapshotOf(await a.allConfig())), { mode: 0o600 });

  // What checks that failed half way left, none of it registered with `owned`:
  const upload = `lt-${R}-a-small-file-uploads-thr-small-1.txt`;
  await u.uploadBytes(upload, Buffer.from('x\n'), null, 'text/plain'); // in the root (issue 19)
  const projects = await u.createFolder('Projects');
  const shared = `lt-${R}-a-share-link-made-in-the-shared-1.txt`;
  const sharedFile = await u.uploadBytes(shared, Buffer.from('y\n'), projects.id, 'text/plain'); // deep in the user's own folders
  await u.createShare({ type: 'file', id: sharedFile.id });
  const trashed = `lt-${R}-a-file-deleted-in-the-pa-restore-me-1.bin`;
  const t = await u.uploadBytes(trashed, Buffer.from('z'), projects.id);
  await u.deleteFile(t.id); // in the trash
  const locked = `lt-${R}-locks-hold-lock-1.txt`;
  const l = await u.uploadBytes(locked, Buffer.from('locked\n'), null, 'text/plain');
  await u.call('POST', `/api/v1/files/${l.id}/lock`, z.unknown(), { json: { locked: true } }); // still locked
  const dav = await u.createWebdavAccount(`lt${R}dav1`);
  const folder = await a.createFolder(`lt-${R}-tasks-api-folder-1`);
  await a.uploadBytes(`lt-${R}-tasks-api-inner-2.txt`, Buffer.from('w'), folder.id);
  const testUser = `lt${R}u1`;
  await a.createUser(testUser, `launch+${R}u1@launch.test`, generatedPassword());
  // Another run's data and the team's own data stay.
  const otherRun = `lt-${other}-a-small-file-uploads-thr-small-1.txt`;
  await u.uploadBytes(otherRun, Buffer.from('other run\n'), null, 'text/plain');
  await u.uploadBytes('Team notes.txt', Buffer.from('team\n'), projects.id, 'text/plain');

  const result = await td.run();
  const data = result.tests['this run left none of its data behind'];
  expect(data?.status, result.out).toBe('passed');
  const swept = data.annotations.filter((x) => x.type === 'swept').map((x) => String(x.description));
  expect(swept, 'each removed item reported once').toHaveLength(8);
  for (const n of [upload, shared, trashed, locked, `lt${R}dav1`, `lt-${R}-tasks-api-folder-1`, testUser]) {
    expect(
      swept.some((s) => s.includes(`"${n}"`)),
      `${n} reported as swept in ${JSON.stringify(swept, null, 1)}`,
    ).toBe(true);
  }
  expect(swept.find((s) => s.includes(upload))).toContain('left by the test "a small file uploads thr…" (name label "small")');
  expect(swept.find((s) => s.includes(shared) && s.includes('share'))).toBeDefined();
  expect(result.out).toContain(`[sweep] `);
  expect(result.tests['the existing deployment has the same instance settings as before the run']?.status, result.out).toBe('passed');

  const names = [...(await everything(u)), ...(await everything(a))];
  expect(names.filter((n) => n.includes(R))).toEqual([]);
  expect(names).toEqual(expect.arrayContaining([otherRun, 'Projects', 'Team notes.txt', 'Existing team data']));
  const davAccounts = await u.call('GET', '/api/v1/webdav-accounts', z.object({ items: z.array(z.object({ id: z.number() }).passthrough()) }).passthrough());
  expect(davAccounts.items.map((x) => x.id)).not.toContain(dav.id);
  expect((await a.users()).map((x) => x.username)).not.toContain(testUser);
  // Tidy: the other run's file (as `npm run cleanup -- --run <other>` would).
  const tidy = await sweep([{ label: user.identifier, client: u }], a, { run: other });
  expect(tidy.removed.map((x) => x.name)).toEqual([otherRun]);
});

test('a setting the suite changed during the run fails the teardown, naming the key, old and new value, who and when', async () => {
  const R = newRun();
  const a = await AsterClient.signIn(baseURL, admin);
  const td = runTeardown(R, 'settings');
  const config = await a.allConfig();
  writeFileSync(path.join(td.dir, 'settings-before.json'), JSON.stringify(snapshotOf(config)), { mode: 0o600 });
  const key = 'branding_title';
  const old = config.find((c) => c.key === key)?.value;
  expect(old, `${key} exists on the stand-in`).toBeDefined();
  await a.setConfig(key, `Launch check ${R}`);
  try {
    const result = await td.run();
    const settings = result.tests['the existing deployment has the same instance settings as before the run'];
    expect(settings?.status, result.out).toBe('failed');
    expect(settings.errors).toContain('SETTINGS CHANGED DURING THE RUN');
    expect(settings.errors).toContain(key);
    expect(settings.errors).toContain(`the suite: ${admin.identifier}`);
    expect(result.tests['this run left none of its data behind']?.status, 'the data check still runs after a failed settings check').toBe('passed');
  } finally {
    await a.setConfig(key, String(old));
  }
});

test('what the sweep cannot remove fails with the command that removes it', async () => {
  const R = newRun();
  const name = `lt-${R}-a-small-file-uploads-thr-small-1.txt`;
  // A server that lists the file but refuses to delete it.
  const stubborn = {
    identifier: 'opsuser',
    async call(method: string, p: string) {
      if (p === '/api/v1/search') return { files: [{ id: 7, name }], folders: [], total_files: 1, total_folders: 0 };
      if (p === '/api/v1/trash' || p.startsWith('/api/v1/folders')) return { folders: [], files: [], folders_total: 0, next_file_cursor: null };
      if (method === 'GET') return { items: [], total: 0 };
      return {};
    },
    async deleteFile() {
      throw new ApiError('DELETE', `${baseURL}/api/v1/files/7`, 500, 'internal_error', 'disk on fire');
    },
    async purge() {
      return {};
    },
  } as unknown as AsterClient;
  const accounts: SweepAccount[] = [{ label: 'opsuser', client: stubborn }];
  expect((await findLeftovers(accounts, undefined, { run: R })).leftovers.map((l) => l.name)).toEqual([name]);
  const result = await sweep(accounts, undefined, { run: R });
  expect(result.removed).toEqual([]);
  expect(result.remaining.map((l) => l.name)).toEqual([name]);
  const message = unremovedMessage(result.remaining, result.failed, R, false);
  expect(message).toContain(`npm run cleanup -- --run ${R}`);
  expect(message).toContain('disk on fire');
  expect(message).toContain('left by the test "a small file uploads thr…"');
  expect(unremovedMessage(result.remaining, result.failed, R, true)).toContain('report a bug');
});

test('the test that left a name is read from the name', () => {
  expect(leftBy('lt-r1a2b3c-a-small-file-uploads-thr-small-1.txt')).toEqual({ run: 'r1a2b3c', testSlug: 'a-small-file-uploads-thr', label: 'small', n: 1 });
  expect(leftBy('lt-r1a2b3c-a-file-deleted-in-the-pa-restore-me-12.bin')).toMatchObject({ testSlug: 'a-file-deleted-in-the-pa', label: 'restore-me', n: 12 });
  expect(leftBy('lt-r1a2b3c-short-title-folder-3')).toMatchObject({ testSlug: 'short-title', label: 'folder', n: 3 });
  expect(leftBy('Quarterly report.xlsx')).toBeUndefined();
});
