/**
 * `npm run faults`: proves every check can fail. For each fault of faults/catalogue.ts it starts a
 * fresh managed target with the fault, runs only the tests of the affected items, and checks that
 * exactly the expected items are FAIL in that run's launch report while the rest of the subset
 * passes. A clean run of the same items must pass entirely. Writes reports/fault-matrix.md.
 *
 *   npm run faults                    all faults + the clean run, two at a time
 *   npm run faults -- audit-off       one fault
 *   npm run faults -- --no-clean      skip the clean run (npm test has just run the whole suite)
 *   ASTER_DRIVE_BIN=… npm run faults  the faults a real AsterDrive can have also run against that binary
 *   ASTER_FAULTS_OUT=/tmp/x npm run faults   the runs' reports and the matrix go there, not to reports/
 *   npm run faults -- --plan          only print which runs the faults would share
 *   npm run faults -- --coverage      only print which faults make each checked item fail
 *   npm run faults -- --store-durations   also write each run's time to faults/durations.json
 *
 * What a run costs besides its tests (global setup, provisioning, teardown) is paid per run, not
 * per fault: faults with identical inductions, and the faults of one `share` group
 * (faults/types.ts), run together on one managed target, and each is judged on its own items in
 * that run's report, exactly as strictly as alone. The whole-suite listing the launch reporter
 * compares every run with is made once (again whenever a test file changes) and handed to each run.
 *
 * On 2 cores the matrix is CPU-bound, and the code each Playwright process loads at its start is a
 * large part of it: each run has one worker (a worker per project, not two), and one run more than
 * there are cores goes at a time, longest first (faults/durations.ts), so that one run's waits
 * leave the cores to the others.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { combineFaults } from '../faults/active.js';
import { longestFirst, readDurations, storeDurations } from '../faults/durations.js';
import { positiveInt } from '../helpers/harness/config.js';
import { hashTree } from '../helpers/harness/tree-hash.js';
import { FAULTS } from '../faults/catalogue.js';
import { coverageTable } from '../faults/table.js';
import { type Fault, realAsterDrive } from '../faults/types.js';
import type { LaunchReport } from '../reporter/model.js';
import { parseListing } from '../reporter/suite-listing.js';
import { runLogged } from './support/run-logged.js';

interface Outcome {
  fault: string;
  induction: string;
  real: boolean;
  expected: string[];
  seen: string[];
  notPassing: string[];
  ok: boolean;
  seconds: number;
  /** The run this fault was judged in, when it shared the run with other faults. */
  sharedRun?: string;
  problem?: string;
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/** Where the matrix and each run's reports go (ASTER_FAULTS_OUT, default reports/). */
const REPORTS = path.resolve(process.env.ASTER_FAULTS_OUT || path.join(ROOT, 'reports'));
const OUT = path.join(REPORTS, 'faults');
const RESULTS = process.env.ASTER_FAULTS_OUT ? path.join(REPORTS, 'test-results') : path.join(ROOT, 'test-results', 'faults');
const PLAYWRIGHT_CLI = createRequire(path.join(ROOT, 'package.json')).resolve('@playwright/test/cli');

function grepFor(items: string[]): string {
  return `@item-(?:${items.map((i) => i.replace('.', '\\.')).join('|')})\\b`;
}

/** This process's environment without the runner's own variables. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.ASTER_FAULTS_OUT;
  delete env.ASTER_FAULT_PARALLEL;
  delete env.ASTER_FAULT_WORKERS;
  return env;
}

/** The inputs of the suite listing: every file under tests/, and the configuration. */
function suiteHash(): string {
  const h = hashTree(createHash('sha256'), path.join(ROOT, 'tests'));
  h.update(readFileSync(path.join(ROOT, 'playwright.config.ts')));
  return h.digest('hex').slice(0, 16);
}

const listings = new Map<string, Promise<string>>();
/**
 * The whole-suite listing (`playwright test --list --reporter=json`: every project, no filter)
 * that the launch reporter of each run compares its selection with (reporter/suite-listing.ts,
 * ASTER_RUN_SUITE_LISTING), made in the environment of a fault run, once per state of the test
 * files. Returns its file.
 */
function suiteListing(): Promise<string> {
  const hash = suiteHash();
  let p = listings.get(hash);
  if (!p) {
    const file = path.join(OUT, `.suite-listing-${hash}.json`);
    p = new Promise<string>((resolve, reject) => {
      const env: NodeJS.ProcessEnv = { ...childEnv(), ASTER_FAULT: FAULTS[0].name, PLAYWRIGHT_JSON_OUTPUT_FILE: file, ASTER_JSON_REPORT: '' };
      delete env.PLAYWRIGHT_JSON_OUTPUT_NAME;
      delete env.PLAYWRIGHT_JSON_OUTPUT_DIR;
      delete env.ASTER_RUN_SUITE_LISTING;
      let stderr = '';
      const child = spawn(process.execPath, [PLAYWRIGHT_CLI, 'test', '--list', '--reporter=json', '--config', path.join(ROOT, 'playwright.config.ts')], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('close', (code) => {
        if (code === 0 && existsSync(file)) resolve(file);
        else reject(new Error(`listing the suite failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      });
    });
    listings.set(hash, p);
  }
  return p;
}

/**
 * The spec files that hold the tests of these items, from the whole-suite listing, plus the
 * set-up files: the runner then loads only those instead of every spec (the grep still selects).
 */
function specFilesFor(items: string[], listing: string | undefined): string[] {
  if (!listing) return [];
  const files = parseListing(readFileSync(listing, 'utf8'), ROOT)
    .filter((t) => t.items.some((i) => items.includes(i)))
    .map((t) => t.file.replace(/:\d+$/, ''));
  return files.length ? ['tests/setup', ...new Set(files)] : [];
}

function runPlaywright(name: string, items: string[], env: Record<string, string>, files: string[], workers: number): Promise<{ code: number; log: string }> {
  const dir = path.join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'run.log');
  // No traces unless asked for (ASTER_TRACE=on): a fault run fails on purpose, and recording every
  // check (a quarter of Chromium's CPU time in the browser checks, and the traces' files) made the
  // matrix take over 5 minutes instead of under 4 on 2 cores. Its failures keep their messages,
  // evidence and screenshots; re-run one fault with ASTER_TRACE=on to see a trace.
  const trace = process.env.ASTER_TRACE === 'on' ? [] : ['--trace', 'off'];
  const args = [PLAYWRIGHT_CLI, 'test', '--grep', grepFor(items), '--output', path.join(RESULTS, name), '--workers', String(workers), ...trace, ...files];
  const runEnv = {
    ...childEnv(),
    ...env,
    ASTER_REPORTS_DIR: dir,
    PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(dir, 'html'),
    ASTER_JSON_REPORT: '',
    NODE_NO_WARNINGS: '1',
  };
  return runLogged(process.execPath, args, { cwd: ROOT, env: runEnv, log }).then((r) => ({ code: r.code, log }));
}

function readReport(name: string): LaunchReport | undefined {
  const file = path.join(OUT, name, 'launch-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LaunchReport) : undefined;
}

/** One run of the matrix: no fault (the clean run), one fault, or several that share the run. */
interface Job {
  faults: Fault[];
  items: string[];
  /** Against the real AsterDrive in ASTER_DRIVE_BIN; otherwise against the stand-in. */
  binary?: string;
}

function jobName(j: Job): string {
  const base = j.faults.length === 0 ? 'clean' : j.faults.length === 1 ? j.faults[0].name : `shared-${j.faults[0].share ?? j.faults[0].name}`;
  return `${base}${j.binary ? '@asterdrive' : ''}`;
}

/** Runs a job, then judges each of its faults on its own items in the run's launch report. */
async function runJob(j: Job, workersPerRun: number): Promise<Outcome[]> {
  const name = jobName(j);
  const started = Date.now();
  const combined = j.faults.length ? combineFaults(j.faults) : undefined;
  let listing: string | undefined;
  let listError: string | undefined;
  try {
    listing = await suiteListing();
  } catch (e) {
    // The run's reporter then lists the suite itself, as without the runner.
    listError = (e as Error).message;
  }
  const env: Record<string, string> = {
    ASTER_DRIVE_BIN: j.binary ?? '',
    ...(combined?.env ?? {}),
    ...(combined ? { ASTER_FAULT: combined.name } : {}),
    ...(listing ? { ASTER_RUN_SUITE_LISTING: listing } : {}),
  };
  // One worker: a second one per project costs more CPU to start than its overlap of the waiting
  // checks (a slow download, the event stream, the audit log) gains while other runs use the
  // cores (measured on 2 cores, 3 runs at a time: 193 s with one, 200 s with two; 285 vs 326
  // CPU-s). ASTER_FAULT_WORKERS gives more; a fault whose checks read each other's signals keeps one.
  const workers = j.faults.some((f) => f.serial) ? 1 : workersPerRun;
  const { log } = await runPlaywright(name, j.items, env, specFilesFor(j.items, listing), workers);
  if (listError) writeFileSync(log, `${readFileSync(log, 'utf8')}\n[faults] ${listError}\n`);
  const report = readReport(name);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (j.faults.length === 0) return [judge(undefined, j.items, report, log, seconds, j)];
  return j.faults.map((f) => judge(f, f.runs, report, log, seconds, j));
}

/** A fault's `fails` are FAIL and the rest of its `runs` pass (PASS, MANUAL or N_A); the clean run: every item passes. */
function judge(f: Fault | undefined, items: string[], report: LaunchReport | undefined, log: string, seconds: number, j: Job): Outcome {
  const expected = f?.fails ?? [];
  const base = {
    fault: `${f?.name ?? 'clean'}${j.binary ? '@asterdrive' : ''}`,
    induction: f?.induction ?? '-',
    real: f ? realAsterDrive(f) : true,
    expected,
    seconds,
    sharedRun: j.faults.length > 1 ? jobName(j) : undefined,
  };
  if (!report) return { ...base, seen: [], notPassing: items, ok: false, problem: `no launch report; see ${path.relative(ROOT, log)}` };
  const byId = new Map(report.sections.flatMap((s) => s.items).map((i) => [i.id, i]));
  const seen = items.filter((id) => byId.get(id)?.status === 'FAIL');
  // Items that are neither expected to fail nor passing (e.g. not checked, or a test that did not run).
  const notPassing = items.filter((id) => !expected.includes(id) && !['PASS', 'MANUAL', 'N_A'].includes(byId.get(id)?.status ?? ''));
  const missing = expected.filter((id) => !seen.includes(id));
  const extra = seen.filter((id) => !expected.includes(id));
  const ok = missing.length === 0 && extra.length === 0 && notPassing.length === 0;
  const problem = ok
    ? undefined
    : [
        missing.length ? `not caught: ${missing.join(', ')}` : '',
        extra.length ? `also failed: ${extra.join(', ')}` : '',
        notPassing.length ? `did not pass: ${notPassing.map((id) => `${id} ${byId.get(id)?.status}`).join(', ')}` : '',
        `log: ${path.relative(ROOT, log)}`,
      ]
        .filter(Boolean)
        .join('; ');
  return { ...base, seen, notPassing, ok, problem };
}

/** A fault's inductions as a comparable key: equal keys make the same target, entry and expectations. */
function inductionKey(f: Fault, fns: Map<unknown, number>): string {
  const id = (fn: unknown) => {
    if (!fn) return 0;
    if (!fns.has(fn)) fns.set(fn, fns.size + 1);
    return fns.get(fn);
  };
  const sorted = (r?: Record<string, string>) => Object.entries(r ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([
    sorted(f.env),
    sorted(f.targetEnv),
    [...(f.proxy ?? [])].sort(),
    Boolean(f.skipStorage),
    Boolean(f.s3Unversioned),
    Boolean(f.serial),
    id(f.beforeStart),
    id(f.afterProvision),
  ]);
}

/** Why the faults of one `share` group cannot run together (the rules of faults/types.ts), or undefined. */
function cannotShare(group: Fault[]): string | undefined {
  const startKeys = new Map<string, string>();
  for (const f of group) {
    if (!['expectation', 'setting', 'proxy', 'start-option', 'service', 'provisioning'].includes(f.induction)) return `${f.name} is induced by ${f.induction}`;
    // A bucket without versioning is read by its own item only; a missing storage policy or a
    // changed data directory reaches every check that stores a file.
    if (f.beforeStart || f.skipStorage) return `${f.name} changes how the target is made or provisioned`;
    // Start options share a target only as variables no other fault of the group sets.
    for (const k of Object.keys(f.targetEnv ?? {})) {
      const other = startKeys.get(k);
      if (other) return `${other} and ${f.name} both set the target variable ${k}`;
      startKeys.set(k, f.name);
    }
  }
  for (let a = 0; a < group.length; a++)
    for (let b = a + 1; b < group.length; b++) {
      const both = group[a].runs.filter((i) => group[b].runs.includes(i));
      if (both.length) return `${group[a].name} and ${group[b].name} both run ${both.join(', ')}`;
    }
  try {
    combineFaults(group);
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/** The runs for the selected faults: one per `share` group and per set of faults with identical inductions. */
function plan(selected: Fault[]): { jobs: Job[]; notes: string[] } {
  const notes: string[] = [];
  const groups = new Map<string, Fault[]>();
  const fns = new Map<unknown, number>();
  for (const f of selected) {
    const key = f.share ? `share:${f.share}` : `same:${inductionKey(f, fns)}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const jobs: Job[] = [];
  for (const [key, group] of groups) {
    const why = key.startsWith('share:') && group.length > 1 ? cannotShare(group) : undefined;
    if (why) {
      notes.push(`share group ${key.slice('share:'.length)} runs one fault at a time: ${why}`);
      for (const f of group) jobs.push({ faults: [f], items: f.runs });
    } else jobs.push({ faults: group, items: [...new Set(group.flatMap((f) => f.runs))] });
  }
  return { jobs, notes };
}

async function pool<T, R>(items: T[], size: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
        console.log(`  ${i + 1}/${items.length} done`);
      }
    }),
  );
  return out;
}

function matrix(outcomes: Outcome[], runs: number, minutes: string, notes: string[]): string {
  const lines = [
    '# Fault matrix',
    '',
    `Run ${new Date().toISOString()}: ${outcomes.filter((o) => o.ok).length} of ${outcomes.length} as expected, in ${runs} runs (${minutes} min).`,
    ...notes.map((n) => `Note: ${n}.`),
    '',
    '| fault | induced by | real AsterDrive | must fail | failed | result | time |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const o of outcomes) {
    lines.push(
      `| ${o.fault} | ${o.induction} | ${o.real ? 'yes' : 'stand-in only'} | ${o.expected.join(', ') || '(none)'} | ${o.seen.join(', ') || '(none)'} | ${o.ok ? '✅ as expected' : `❌ ${o.problem}`} | ${o.seconds}s${o.sharedRun ? ` (${o.sharedRun})` : ''} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

const OPTIONS = ['--no-clean', '--plan', '--coverage', '--store-durations'];
const USAGE = `npm run faults -- [fault ...] [--no-clean] [--plan] [--coverage] [--store-durations]
  (no fault named)  every fault, plus a clean run of the same items unless --no-clean
  --plan            print which runs the faults would share, in the order they start, run nothing
  --coverage        print which faults make each checked item fail, run nothing
  --store-durations write each run's time to faults/durations.json (the order runs start in)
  ASTER_FAULTS_OUT=dir       where the matrix and each run's reports go (default reports/)
  ASTER_DRIVE_BIN=path       also run the faults a real AsterDrive can have against that binary
  ASTER_FAULT_PARALLEL=n     runs at a time (default: one more than the cores, at most 4)
  ASTER_FAULT_WORKERS=n      Playwright workers per run (default 1)`;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = positiveInt.safeParse(raw);
  if (!parsed.success) throw new Error(`${name}=${raw} ${parsed.error.issues[0]?.message}; unset it or give e.g. ${name}=${fallback}`);
  return parsed.data;
}

async function main(): Promise<void> {
  const started = Date.now();
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.filter((a) => a.startsWith('-') && !OPTIONS.includes(a));
  if (unknown.length) throw new Error(`unknown option(s): ${unknown.join(', ')}\n${USAGE}`);
  const names = args.filter((a) => !a.startsWith('--'));
  const selected = names.length ? FAULTS.filter((f) => names.includes(f.name)) : FAULTS;
  if (names.length && selected.length !== names.length)
    throw new Error(`unknown fault(s): ${names.filter((n) => !FAULTS.some((f) => f.name === n)).join(', ')}`);
  // One run more than cores: a run spends part of its time waiting (checks held open on purpose,
  // targets starting), and the extra run uses those gaps (2 cores: 3 runs of one worker at a time
  // took 193-207 s, 2 runs of two workers 224-228 s).
  const parallel = positive('ASTER_FAULT_PARALLEL', Math.min(os.cpus().length + 1, 4));
  const workersPerRun = positive('ASTER_FAULT_WORKERS', 1);
  mkdirSync(OUT, { recursive: true });
  const { jobs, notes } = plan(selected);
  if (!args.includes('--no-clean') && names.length === 0) jobs.unshift({ faults: [], items: [...new Set(FAULTS.flatMap((f) => f.runs))] });
  // With a real binary, every fault that a real AsterDrive can have runs against it too.
  const binary = process.env.ASTER_DRIVE_BIN;
  if (binary) {
    console.log(`Also against the real AsterDrive ${binary}: ${selected.filter(realAsterDrive).length} fault(s)`);
    for (const j of plan(selected.filter(realAsterDrive)).jobs) jobs.push({ ...j, binary });
  }
  // The longest runs first (the clean run, of every item, before all), so that no long run starts alone at the end.
  const ordered = longestFirst(jobs, jobName, readDurations(), (j) => j.faults.length === 0);
  console.log(
    `Fault matrix: ${selected.length} fault(s) in ${jobs.length} run(s), ${parallel} at a time, ${workersPerRun} worker(s) each${notes.map((n) => `\n  note: ${n}`).join('')}`,
  );
  if (args.includes('--coverage')) {
    const checked = new Set(parseListing(readFileSync(await suiteListing(), 'utf8'), ROOT).flatMap((t) => t.items));
    console.log(coverageTable(checked));
    return;
  }
  if (args.includes('--plan')) {
    for (const j of ordered) console.log(`  ${jobName(j)}: ${j.faults.map((f) => f.name).join(', ') || '(no fault)'}; items ${j.items.join(', ')}`);
    return;
  }
  const byRun = await pool(ordered, parallel, (j) => runJob(j, workersPerRun));
  const outcomes = byRun.flat();
  if (args.includes('--store-durations')) {
    const seconds = Object.fromEntries(ordered.map((j, i) => [jobName(j), byRun[i][0].seconds]));
    storeDurations(seconds, `${os.cpus().length} cores, ${parallel} runs at a time, ${workersPerRun} worker(s) each, ${new Date().toISOString().slice(0, 10)}`);
    console.log(`Stored ${Object.keys(seconds).length} run times in faults/durations.json`);
  }
  const order = new Map(FAULTS.map((f, i) => [f.name, i]));
  const rank = (o: Outcome) => (order.get(o.fault.replace(/@asterdrive$/, '')) ?? -1) + (o.fault.endsWith('@asterdrive') ? FAULTS.length : 0);
  outcomes.sort((a, b) => rank(a) - rank(b));
  const md = matrix(outcomes, jobs.length, ((Date.now() - started) / 60000).toFixed(1), notes);
  writeFileSync(path.join(REPORTS, 'fault-matrix.md'), md);
  writeFileSync(path.join(REPORTS, 'fault-matrix.json'), `${JSON.stringify(outcomes, null, 2)}\n`);
  console.log(`\n${md}`);
  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(`${outcomes.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(2);
});
