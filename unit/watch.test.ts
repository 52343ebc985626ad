/**
 * The first-day watch: `npm run watch` reads the read-only signals of one deployment round after
 * round, keeps the trend (reports/watch.{json,html}), stops by itself, survives a failed round,
 * flags a signal that gets worse round after round, and writes nothing to the deployment. The
 * deployment is the stand-in started once with `npm run standin` and provisioned like an operator
 * would (as in unit/safety.test.ts); the trend page is checked in a real browser.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { chromium } from 'playwright-core';
import { z } from 'zod';
import { AsterClient } from '../helpers/clients/api/aster.js';
import { freePort } from '../helpers/harness/target/free-port.js';
import { bootstrapFresh, generatedPassword } from '../helpers/harness/target/provision.js';
import { waitFor } from '../helpers/harness/target/wait.js';
import { plannedRounds, runWatch } from '../helpers/harness/watch/run.js';
import { type WatchFile, type WatchRound, worsening } from '../helpers/harness/watch/trend.js';

const ROOT = process.cwd();

const round = (n: number, signals: WatchRound['signals'], error?: string): WatchRound => ({ n, startedAt: '', durationMs: 0, problems: [], signals, error });

test('a signal that rises in each of the last rounds is flagged; a level, a fall or a reset is not', () => {
  const disk = (...v: number[]) => v.map((x, i) => round(i + 1, { disk: { data: x } }));
  expect(worsening(disk(1, 2, 3)).map((f) => f.series)).toEqual(['data']);
  expect(worsening(disk(1, 2, 2))).toEqual([]);
  expect(worsening(disk(5, 1, 2)), 'a counter that fell (a restart) starts over').toEqual([]);
  expect(worsening(disk(1, 2)), 'two rounds are one step').toEqual([]);
  expect(worsening(disk(1, 2, 3, 4), 3)).toHaveLength(1);
  // A failed round in between reads nothing: the steps are between rounds that read the signal.
  expect(
    worsening([round(1, { tasks: { backlog: 1 } }), round(2, {}, 'down'), round(3, { tasks: { backlog: 4 } }), round(4, { tasks: { backlog: 9 } })]),
  ).toHaveLength(1);
  const health = (...v: number[]) => v.map((x, i) => round(i + 1, { health: { '/health/ready': x } }));
  expect(worsening(health(0, 1, 1)).map((f) => f.why)).toEqual(['/health/ready failed in each of the last 2 rounds']);
  expect(worsening(health(1, 1, 0))).toEqual([]);
});

test('the watch stops by itself after --for, on a fixed grid, and survives a failed round', async () => {
  expect(plannedRounds(0.1, 0.005)).toBe(3);
  expect(plannedRounds(5, 24)).toBe(288);
  expect(plannedRounds(0.1, 1, 4)).toBe(4);
  let clock = 0;
  const slept: number[] = [];
  const out = mkdtempSync(path.join(os.tmpdir(), 'aster-watch-unit-'));
  let n = 0;
  const file = await runWatch({
    target: 'https://drive.example',
    everyMinutes: 0.1,
    forHours: 0.005,
    outDir: out,
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    log: () => {},
    collect: async () => {
      n += 1;
      clock += 1000;
      if (n === 2) throw new Error('connect ECONNREFUSED');
      return { signals: { tasks: { backlog: n } }, problems: [] };
    },
  });
  expect(file.rounds.map((r) => r.error ?? 'ok')).toEqual(['ok', 'connect ECONNREFUSED', 'ok']);
  expect(slept, 'each round starts on its slot: 0 s, 6 s, 12 s').toEqual([5000, 5000]);
  expect(file.done).toBe(true);
  const saved = JSON.parse(readFileSync(path.join(out, 'watch.json'), 'utf8')) as WatchFile;
  expect(saved.rounds).toHaveLength(3);
  expect(readFileSync(path.join(out, 'watch.html'), 'utf8')).toContain('round 2 failed: connect ECONNREFUSED');
  rmSync(out, { recursive: true, force: true });
});

test.describe('against the stand-in started once', () => {
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  let server: ChildProcess;
  let baseURL: string;
  let workdir: string;
  const admin = { identifier: 'watchadmin', password: generatedPassword() };

  test.beforeAll(async () => {
    workdir = mkdtempSync(path.join(os.tmpdir(), 'aster-watch-'));
    const port = await freePort();
    baseURL = `http://127.0.0.1:${port}`;
    const log = openSync(path.join(workdir, 'standin.log'), 'a');
    server = spawn('npm', ['--prefix', ROOT, 'run', 'standin'], {
      cwd: workdir,
      env: { ...process.env, ASTER__SERVER__PORT: String(port), STANDIN_FEATURES: 'metrics' },
      stdio: ['ignore', log, log],
      detached: true,
    });
    await waitFor('the stand-in', async () => ((await fetch(`${baseURL}/health/ready`).catch(() => null))?.ok ? true : undefined), { timeoutMs: 60_000 });
    await bootstrapFresh(baseURL, admin, 'watch@launch.test');
  });

  test.afterAll(async () => {
    if (server?.pid) process.kill(-server.pid, 'SIGTERM');
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  const state = async () => {
    const a = await AsterClient.signIn(baseURL, admin);
    const root = await a.listFolder(null);
    return {
      settings: Object.fromEntries((await a.allConfig()).map((c) => [c.key, c.value])),
      users: (await a.users()).map((u) => u.username).sort(),
      files: [...root.files.map((f) => f.name), ...root.folders.map((f) => `${f.name}/`)].sort(),
      shares: (await a.myShares()).total,
      webdav: (await a.call('GET', '/api/v1/webdav-accounts', z.object({ items: z.array(z.unknown()) }).passthrough())).items.length,
    };
  };

  test('npm run watch: three rounds, a plot per signal, the growing one flagged, nothing written', async () => {
    const before = await state();
    const out = path.join(workdir, 'reports');
    // The operator's temporary directory fills up while the watch runs: 1 MiB every second.
    const tmp = path.join(workdir, 'data', '.tmp');
    mkdirSync(tmp, { recursive: true });
    const grow = setInterval(() => appendFileSync(path.join(tmp, 'filling.bin'), Buffer.alloc(1024 * 1024)), 1000);
    const r = await promisify(execFile)('npm', ['run', '--silent', 'watch', '--', '--every', '0.1', '--for', '0.005', '--out', out], {
      cwd: ROOT,
      env: {
        ...process.env,
        ASTER_ENV_FILE: '/nonexistent',
        ASTER_BASE_URL: baseURL,
        ASTER_ADMIN_USER: admin.identifier,
        ASTER_ADMIN_PASSWORD: admin.password,
        ASTER_METRICS_URL: `${baseURL}/health/metrics`,
        ASTER_DATA_DIR: path.join(workdir, 'data'),
        NODE_NO_WARNINGS: '1',
      },
      timeout: 180_000,
    }).then(
      (x) => ({ code: 0, out: x.stdout + x.stderr }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    clearInterval(grow);
    expect(r.code, `a signal got worse: exit 1\n${r.out}`).toBe(1);
    const file = JSON.parse(readFileSync(path.join(out, 'watch.json'), 'utf8')) as WatchFile;
    expect(file.rounds, r.out).toHaveLength(3);
    expect(file.done).toBe(true);
    expect(file.rounds.map((x) => x.error ?? 'ok')).toEqual(['ok', 'ok', 'ok']);
    for (const x of file.rounds) {
      expect(Object.keys(x.signals).sort(), JSON.stringify(x.problems)).toEqual(['disk', 'errors', 'health', 'locks', 'mail', 'tasks', 'uploads']);
      expect(x.signals.health).toEqual({ '/health': 0, '/health/ready': 0 });
    }
    expect(file.flags.map((f) => `${f.group}: ${f.series}`)).toContain('disk: temporary directories (.tmp, .uploads)');
    expect(r.out).toContain('WORSE: temporary directories (.tmp, .uploads) rose in each of the last 2 rounds');
    expect(await state(), 'the watch wrote nothing to the deployment').toEqual(before);

    // The trend page in a real browser: a plot per signal, the flagged one marked.
    const browser = await chromium.launch({ executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || '/usr/bin/chromium', args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`file://${path.join(out, 'watch.html')}`);
      await expect(page.locator('section.plot')).toHaveCount(7);
      await expect(page.locator('section.plot svg')).toHaveCount(7);
      await expect(page.locator('section.plot.flagged[data-group="disk"]')).toBeVisible();
      await expect(page.locator('.flags')).toContainText('temporary directories');
      await expect(page.locator('section.plot[data-group="disk"] circle')).toHaveCount(6);
      const shot = test.info().outputPath('watch.png');
      await page.screenshot({ path: shot, fullPage: true });
      if (process.env.WATCH_SCREENSHOT_PNG) await page.screenshot({ path: process.env.WATCH_SCREENSHOT_PNG, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
