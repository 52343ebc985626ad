/**
 * Sharded CI with one launch report: `--shard=i/n` runs write blobs, `merge-reports --config
 * merge.config.ts` replays them through the launch reporter, and the merged report gives every
 * item the status one unsharded run gives it. The disruptive checks run in one shard only.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { run } from './support/run.js';
import { combineTargets } from '../reporter/merge.js';
import { blobReporters, runsDisruptive, shardOf } from '../helpers/harness/shard.js';

test.describe.configure({ timeout: 900_000 });

async function sh(args: string[], env: Record<string, string>, timeout = 600_000): Promise<{ status: number; out: string }> {
  const r = await run('npx', args, {
    env: {
      ...process.env,
      ASTER_ENV_FILE: '/nonexistent',
      ASTER_BASE_URL: '',
      ASTER_JSON_REPORT: '',
      PLAYWRIGHT_JSON_OUTPUT_NAME: '',
      NODE_NO_WARNINGS: '1',
      ...env,
    },
    timeout,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

test('the shard and disruptive choices follow --shard and ASTER_SHARD_DISRUPTIVE', () => {
  expect(shardOf(['node', 'cli', 'test', '--shard=2/3'])).toEqual({ current: 2, total: 3 });
  expect(shardOf(['node', 'cli', 'test', '--shard', '1/2'])).toEqual({ current: 1, total: 2 });
  expect(shardOf(['node', 'cli', 'test'])).toBeUndefined();
  expect(blobReporters(['test'], {})).toEqual([]);
  expect(blobReporters(['test', '--shard=1/2'], {})).toHaveLength(1);
  expect(blobReporters(['test'], { ASTER_BLOB_REPORT: '1' })).toHaveLength(1);
  expect(runsDisruptive(['test'], {})).toBe(true);
  expect(runsDisruptive(['test', '--shard=1/2'], {})).toBe(false);
  expect(runsDisruptive(['test', '--shard=2/2'], {})).toBe(true);
  expect(runsDisruptive(['test', '--shard=2/2'], { ASTER_SHARD_DISRUPTIVE: 'none' })).toBe(false);
  expect(blobReporters(['test'], { ASTER_SHARD_DISRUPTIVE: 'only' }), 'the disruptive job after the shards writes a blob too').toHaveLength(1);
});

test('merged runs of different targets are no launch verdict', () => {
  const a = { baseURL: 'https://drive.example', kind: 'deployment', mode: 'existing', runId: 'r1' };
  expect(combineTargets([a, { ...a, runId: 'r2' }]).problem).toBeUndefined();
  expect(combineTargets([a, { ...a, baseURL: 'https://other.example', runId: 'r2' }]).problem).toMatch(/different deployments/);
  expect(combineTargets([a, { ...a, kind: 'standin', runId: 'r2' }]).problem).toMatch(/different kinds/);
  const m = { baseURL: 'https://localhost:1', kind: 'standin', mode: 'managed', runId: 'r3' };
  expect(combineTargets([m, { ...m, baseURL: 'https://localhost:2', runId: 'r4' }]).problem).toBeUndefined();
});

type Listed = Record<string, string[]>;
function projectsOf(json: string): Listed {
  type S = { specs?: { title: string; file: string; line: number; tests: { projectName: string }[] }[]; suites?: S[] };
  const out: Listed = {};
  const walk = (s: S) => {
    for (const spec of s.specs ?? [])
      for (const t of spec.tests) {
        out[t.projectName] = [...(out[t.projectName] ?? []), `${spec.file}:${spec.line} ${spec.title}`];
      }
    for (const c of s.suites ?? []) walk(c);
  };
  for (const s of (JSON.parse(json.slice(json.indexOf('{'))) as { suites: S[] }).suites) walk(s);
  return out;
}

test('two shards split the checks without overlap, and only the last runs the disruptive checks', async () => {
  const list = async (extra: string[], env: Record<string, string> = {}) => {
    const r = await sh(['playwright', 'test', '--list', '--reporter=json', ...extra], env);
    expect(r.status, r.out.slice(-2000)).toBe(0);
    return projectsOf(r.out);
  };
  const [whole, one, two] = await Promise.all([list([]), list(['--shard=1/2']), list(['--shard=2/2'])]);
  const split = (p: Listed) => [...(p.api ?? []), ...(p.browser ?? [])];
  expect(
    split(one).filter((t) => split(two).includes(t)),
    'no check in both shards',
  ).toEqual([]);
  expect([...split(one), ...split(two)].sort(), 'every check in one of them').toEqual(split(whole).sort());
  expect(whole.disruptive?.length).toBeGreaterThan(0);
  expect(one.disruptive ?? [], 'shard 1 runs no disruptive check').toEqual([]);
  expect(two.disruptive, 'shard 2 runs all of them, as the teardown of its checks gate').toEqual(whole.disruptive);
  // Every shard sets up, records its target and tears down.
  for (const p of [one, two]) expect(p.setup?.some((t) => t.includes('record the target'))).toBe(true);
  // Against one deployment whose shards run at the same time: no shard runs them, a job after the shards runs them alone.
  const [noneTwo, only] = await Promise.all([list(['--shard=2/2'], { ASTER_SHARD_DISRUPTIVE: 'none' }), list([], { ASTER_SHARD_DISRUPTIVE: 'only' })]);
  expect(noneTwo.disruptive ?? []).toEqual([]);
  expect(split(noneTwo)).toEqual(split(two));
  expect(Object.keys(only).sort()).toEqual(['checks', 'disruptive', 'setup', 'teardown']);
  expect(only.disruptive).toEqual(whole.disruptive);
});

/** Items across five sections; a filtered run is PARTIAL, the same in both ways of running it. */
const GREP = '@item-10\\.1\\b|@item-10\\.2\\b|@item-11\\.7\\b|@item-12\\.1\\b|@item-3\\.2\\b|@item-9\\.1\\b';

interface Report {
  verdict: string;
  partial: boolean;
  selfTest: boolean;
  target: { kind?: string; description?: string };
  scope: { selectedItems: string[]; selectedTests: number };
  sections: { items: { id: string; status: string; inScope: boolean; tests: { status: string }[] }[] }[];
}
const statuses = (r: Report) => Object.fromEntries(r.sections.flatMap((s) => s.items).map((i) => [i.id, `${i.status}${i.inScope ? '' : ' (not selected)'}`]));

test('a merged 2-shard run of the stand-in gives the items the statuses of one unsharded run', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aster-shards-'));
  const base = { ASTER_WITHOUT: 's3,mailpit' };
  const run = (name: string, extra: string[] = [], env: Record<string, string> = {}) =>
    sh(['playwright', 'test', '--grep', GREP, '--output', `${dir}/${name}/results`, ...extra], {
      ...base,
      ASTER_REPORTS_DIR: `${dir}/${name}/reports`,
      PLAYWRIGHT_HTML_OUTPUT_DIR: `${dir}/${name}/html`,
      ...env,
    });
  try {
    const whole = await run('whole');
    // The shards run at the same time, as on CI runners; each starts its own managed target.
    const shards = await Promise.all([1, 2].map((i) => run(`shard${i}`, [`--shard=${i}/2`], { ASTER_BLOB_DIR: `${dir}/shard${i}/blob` })));
    mkdirSync(`${dir}/blobs`);
    for (const i of [1, 2]) for (const f of readdirSync(`${dir}/shard${i}/blob`)) copyFileSync(`${dir}/shard${i}/blob/${f}`, `${dir}/blobs/${f}`);
    expect(readdirSync(`${dir}/blobs`), shards.map((s) => s.out.slice(-1500)).join('\n')).toHaveLength(2);
    const merged = await sh(['playwright', 'merge-reports', '--config', 'merge.config.ts', `${dir}/blobs`], {
      ASTER_REPORTS_DIR: `${dir}/merged/reports`,
      PLAYWRIGHT_HTML_OUTPUT_DIR: `${dir}/merged/html`,
    });
    const read = (name: string) => JSON.parse(readFileSync(`${dir}/${name}/reports/launch-report.json`, 'utf8')) as Report;
    const w = read('whole');
    const m = read('merged');
    expect(statuses(m), merged.out.slice(-3000)).toEqual(statuses(w));
    expect(m.scope.selectedItems.sort()).toEqual(w.scope.selectedItems.sort());
    expect(m.scope.selectedTests).toBe(w.scope.selectedTests);
    expect(w.scope.selectedItems).toHaveLength(6);
    expect([m.verdict, m.partial, m.selfTest]).toEqual([w.verdict, w.partial, w.selfTest]);
    expect(merged.status, 'the merge exits as the unsharded run did').toBe(whole.status);
    expect(m.target.kind).toBe('standin');
    expect(m.target.description).toContain('2 runs merged, each against its own managed target');
    // Each shard alone is partial: only the merge covers the selection.
    for (const i of [1, 2]) expect(read(`shard${i}`).scope.selectedTests).toBeLessThan(w.scope.selectedTests);
    // One merged HTML report and one JUnit file with every selected check.
    expect(readFileSync(`${dir}/merged/html/index.html`, 'utf8').length).toBeGreaterThan(1000);
    const junit = readFileSync(`${dir}/merged/reports/junit.xml`, 'utf8');
    for (const item of ['10.1', '10.2', '11.7', '12.1', '3.2', '9.1']) expect(junit).toContain(`value="${item}"`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
