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
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FAULTS } from '../faults/catalogue.js';
import { type Fault, realAsterDrive } from '../faults/types.js';
import type { LaunchReport } from '../reporter/model.js';

interface Outcome {
  fault: string;
  induction: string;
  real: boolean;
  expected: string[];
  seen: string[];
  notPassing: string[];
  ok: boolean;
  seconds: number;
  problem?: string;
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const OUT = path.join(ROOT, 'reports', 'faults');

function grepFor(items: string[]): string {
  return `@item-(?:${items.map((i) => i.replace('.', '\\.')).join('|')})\\b`;
}

function runPlaywright(name: string, items: string[], env: Record<string, string>, serial: boolean): Promise<{ code: number; log: string }> {
  const dir = path.join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'run.log');
  const args = [
    'playwright',
    'test',
    '--grep',
    grepFor(items),
    '--output',
    path.join(ROOT, 'test-results', 'faults', name),
    ...(serial ? ['--workers', '1'] : []),
  ];
  return new Promise((resolve) => {
    const child = spawn('npx', args, {
      cwd: ROOT,
      env: { ...process.env, ...env, ASTER_REPORTS_DIR: dir, PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(dir, 'html'), ASTER_JSON_REPORT: '', NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.stderr.on('data', (d) => {
      text += d;
    });
    child.on('close', (code) => {
      writeFileSync(log, text);
      resolve({ code: code ?? 1, log });
    });
  });
}

function readReport(name: string): LaunchReport | undefined {
  const file = path.join(OUT, name, 'launch-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LaunchReport) : undefined;
}

/** `binary`: run against the real AsterDrive in ASTER_DRIVE_BIN; otherwise against the stand-in. */
async function runFault(f: Fault | undefined, items: string[], binary?: string): Promise<Outcome> {
  const name = `${f?.name ?? 'clean'}${binary ? '@asterdrive' : ''}`;
  const started = Date.now();
  const target = { ASTER_DRIVE_BIN: binary ?? '' };
  const { log } = await runPlaywright(name, items, { ...target, ...(f?.env ?? {}), ...(f ? { ASTER_FAULT: f.name } : {}) }, f?.serial ?? false);
  const report = readReport(name);
  const seconds = Math.round((Date.now() - started) / 1000);
  const expected = f?.fails ?? [];
  if (!report) {
    return {
      fault: name,
      induction: f?.induction ?? '-',
      real: f ? realAsterDrive(f) : true,
      expected,
      seen: [],
      notPassing: items,
      ok: false,
      seconds,
      problem: `no launch report; see ${path.relative(ROOT, log)}`,
    };
  }
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
  return { fault: name, induction: f?.induction ?? '-', real: f ? realAsterDrive(f) : true, expected, seen, notPassing, ok, seconds, problem };
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

function matrix(outcomes: Outcome[]): string {
  const lines = [
    '# Fault matrix',
    '',
    `Run ${new Date().toISOString()}: ${outcomes.filter((o) => o.ok).length} of ${outcomes.length} runs as expected.`,
    '',
    '| fault | induced by | real AsterDrive | must fail | failed | result | time |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const o of outcomes) {
    lines.push(
      `| ${o.fault} | ${o.induction} | ${o.real ? 'yes' : 'stand-in only'} | ${o.expected.join(', ') || '(none)'} | ${o.seen.join(', ') || '(none)'} | ${o.ok ? '✅ as expected' : `❌ ${o.problem}`} | ${o.seconds}s |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith('--'));
  const selected = names.length ? FAULTS.filter((f) => names.includes(f.name)) : FAULTS;
  if (names.length && selected.length !== names.length)
    throw new Error(`unknown fault(s): ${names.filter((n) => !FAULTS.some((f) => f.name === n)).join(', ')}`);
  const parallel = Number(process.env.ASTER_FAULT_PARALLEL ?? Math.max(1, Math.min(2, os.cpus().length)));
  mkdirSync(OUT, { recursive: true });
  console.log(`Fault matrix: ${selected.length} fault(s), ${parallel} at a time`);
  const jobs: { fault?: Fault; items: string[]; binary?: string }[] = selected.map((f) => ({ fault: f, items: f.runs }));
  if (!args.includes('--no-clean') && names.length === 0) jobs.unshift({ items: [...new Set(FAULTS.flatMap((f) => f.runs))] });
  // With a real binary, every fault that a real AsterDrive can have runs against it too.
  const binary = process.env.ASTER_DRIVE_BIN;
  if (binary) {
    console.log(`Also against the real AsterDrive ${binary}: ${selected.filter(realAsterDrive).length} fault(s)`);
    jobs.push(...selected.filter(realAsterDrive).map((f) => ({ fault: f, items: f.runs, binary })));
  }
  const outcomes = await pool(jobs, parallel, (j) => runFault(j.fault, j.items, j.binary));
  const md = matrix(outcomes);
  writeFileSync(path.join(ROOT, 'reports', 'fault-matrix.md'), md);
  writeFileSync(path.join(ROOT, 'reports', 'fault-matrix.json'), `${JSON.stringify(outcomes, null, 2)}\n`);
  console.log(`\n${md}`);
  const failed = outcomes.filter((o) => !o.ok).length;
  console.log(`${outcomes.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exit(2);
});
