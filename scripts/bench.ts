/**
 * `npm run bench`: performance figures measured side by side in one run, on the stand-in and, when
 * ASTER_DRIVE_BIN names one, on a real AsterDrive binary. Writes reports/bench.md and
 * reports/bench.json (ASTER_BENCH_OUT: another directory).
 *
 * - Transfers (helpers/harness/bench/transfer.ts, one process per target, behind the managed nginx entry):
 *   the suite's chunked upload of 64 MiB and 512 MiB vs curl (same protocol on one connection, and
 *   one multipart request), the suite's streamed, hashed download vs curl's (to /dev/null, and
 *   through sha256sum), the test process's peak RSS per size. Goals: at least 0.8x curl's
 *   throughput; under 50 MiB more peak RSS for 512 MiB than for 64 MiB.
 * - The whole launch run with 1 and with 2 workers (helpers/harness/bench/timing-reporter.ts): speed-up
 *   (goal: at least 1.6x) and the share of wall time in setup and sign-ins (goal: at most 10%).
 *
 *   npm run bench                          everything (the suite runs take a few minutes each)
 *   npm run bench -- --no-suite            transfers only
 *   npm run bench -- --no-transfer         suite runs only
 *   (either keeps the other half's figures from the earlier reports/bench.json; --render: only rewrite bench.md)
 *   ASTER_BENCH_SIZES=64,512 ASTER_BENCH_ROUNDS=2   sizes (MiB) and rounds per size
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Timing } from '../helpers/harness/bench/timing-reporter.js';
import { machineBusyS } from '../helpers/harness/proc.js';
import { type LoggedRun, runLogged } from './support/run-logged.js';
import type { SizeResult, TransferResult, TransferRound } from '../helpers/harness/bench/transfer.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const OUT = path.resolve(process.env.ASTER_BENCH_OUT || path.join(ROOT, 'reports'));
const WORK = path.join(OUT, 'bench');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const PLAYWRIGHT = path.join(ROOT, 'node_modules', '@playwright', 'test', 'cli.js');

/** What `npm test` gives the suite run (scripts/project-tests.mjs): the operator's plan, AsterDrive's defaults. */
const OPERATOR_PLAN = JSON.parse(readFileSync(path.join(ROOT, 'scripts', 'operator-plan.json'), 'utf8')) as Record<string, string>;

interface Target {
  key: string;
  label: string;
  binary?: string;
}

interface SuiteRun {
  workers: number;
  wallS: number;
  exit: number;
  tests: number;
  failed: number;
  /** From start to the end of the gate: global setup (target, entry, services), provisioning, the gate. */
  setupS: number;
  /** Sign-in fixture setups, summed over workers, and divided by the workers (wall time). */
  signInSumS: number;
  signInS: number;
  signIns: number;
  /** The teardown project (sweep) and global teardown, to the exit. */
  teardownS: number;
  /** Summed durations of the checks that share workers (api, browser) and of those that run one at a time (disruptive). */
  parallelChecksS: number;
  disruptiveS: number;
  /** 1-minute load average at the start and at the end of the run. */
  load: [number, number];
  /** CPU seconds the whole machine spent busy during the run (/proc/stat): the runner, workers, browsers, target, entry, services. */
  machineCpuS?: number;
  log: string;
}

interface TargetResult {
  target: Target;
  transfer?: TransferResult;
  transferError?: string;
  /** Set when the transfers (or the suite runs) were kept from an earlier run (--no-transfer, --no-suite). */
  transferKeptFrom?: string;
  suite: SuiteRun[];
  suiteError?: string;
  suiteKeptFrom?: string;
}

interface BenchJson {
  measuredAt: string;
  load: string;
  results: TargetResult[];
}

/** The earlier reports/bench.json, whose figures a run that measures one half keeps for the other. */
function earlier(): BenchJson | undefined {
  const file = path.join(OUT, 'bench.json');
  try {
    const b = JSON.parse(readFileSync(file, 'utf8')) as BenchJson;
    for (const r of b.results)
      for (const s of r.suite) {
        // Figures added later: recomputed from the run's timing.
        const timing = path.join(WORK, `suite-${r.target.key}-w${s.workers}`, 'timing.json');
        if ((s.parallelChecksS === undefined || s.disruptiveS === undefined) && existsSync(timing)) {
          const t = JSON.parse(readFileSync(timing, 'utf8')) as Timing;
          s.parallelChecksS = sumOf(t, ['api', 'browser']);
          s.disruptiveS = sumOf(t, ['disruptive']);
        }
        s.load ??= [Number.NaN, Number.NaN];
      }
    return b;
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, log: string): Promise<LoggedRun> {
  return runLogged(cmd, args, { cwd: ROOT, env, log });
}

function baseEnv(target: Target): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ASTER_DRIVE_BIN: target.binary ?? '', NODE_NO_WARNINGS: '1' };
  for (const [k, v] of Object.entries(OPERATOR_PLAN)) env[k] ??= v;
  delete env.ASTER_BENCH_OUT;
  delete env.ASTER_BASE_URL;
  return env;
}

async function transfer(target: Target): Promise<TransferResult> {
  const out = path.join(WORK, `transfer-${target.key}.json`);
  rmSync(out, { force: true });
  const log = path.join(WORK, `transfer-${target.key}.log`);
  const r = await run(process.execPath, ['--expose-gc', TSX, path.join(ROOT, 'helpers', 'harness', 'bench', 'transfer.ts'), out], baseEnv(target), log);
  if (r.code !== 0 || !existsSync(out)) throw new Error(`the transfer bench failed (exit ${r.code}); see ${path.relative(ROOT, log)}`);
  return JSON.parse(readFileSync(out, 'utf8')) as TransferResult;
}

async function suiteRun(target: Target, workers: number): Promise<SuiteRun> {
  const name = `suite-${target.key}-w${workers}`;
  const dir = path.join(WORK, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const timingFile = path.join(dir, 'timing.json');
  const log = path.join(dir, 'run.log');
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(target),
    ASTER_REPORTS_DIR: dir,
    PLAYWRIGHT_HTML_OUTPUT_DIR: path.join(dir, 'html'),
    ASTER_JSON_REPORT: '',
    ASTER_BENCH_TIMING: timingFile,
  };
  const args = [
    PLAYWRIGHT,
    'test',
    '--workers',
    String(workers),
    '--output',
    path.join(dir, 'test-results'),
    // The configuration's reporters but html and junit (their cost is the same either way), plus the timing.
    '--reporter=dot,./reporter/launch-reporter.ts,./helpers/harness/bench/timing-reporter.ts',
  ];
  const load0 = os.loadavg()[0];
  const cpu0 = machineBusyS();
  const r = await run(process.execPath, args, env, log);
  const cpu1 = machineBusyS();
  if (!existsSync(timingFile)) throw new Error(`the suite run with ${workers} worker(s) wrote no timing (exit ${r.code}); see ${path.relative(ROOT, log)}`);
  const t = JSON.parse(readFileSync(timingFile, 'utf8')) as Timing;
  const setupEnds = t.tests.filter((x) => x.project === 'setup' || x.project === 'checks').map((x) => x.end);
  const teardownStarts = t.tests.filter((x) => x.project === 'teardown').map((x) => x.start);
  const signInSum = t.signIns.reduce((a, s) => a + s.ms, 0) / 1000;
  return {
    workers,
    wallS: r.seconds,
    exit: r.code,
    tests: t.tests.length,
    failed: t.tests.filter((x) => x.status === 'failed' || x.status === 'timedOut').length,
    setupS: setupEnds.length ? (Math.max(...setupEnds) - r.started) / 1000 : Number.NaN,
    signInSumS: signInSum,
    signInS: signInSum / workers,
    signIns: t.signIns.length,
    teardownS: teardownStarts.length ? (r.ended - Math.min(...teardownStarts)) / 1000 : Number.NaN,
    load: [load0, os.loadavg()[0]],
    machineCpuS: cpu1 - cpu0,
    parallelChecksS: sumOf(t, ['api', 'browser']),
    disruptiveS: sumOf(t, ['disruptive']),
    log: path.relative(ROOT, log),
  };
}

type Timed = Exclude<keyof TransferRound, 'cpu' | 'serverCpu'>;
const sumOf = (t: Timing, projects: string[]) => t.tests.filter((x) => projects.includes(x.project)).reduce((a, x) => a + (x.end - x.start) / 1000, 0);
const best = (rounds: TransferRound[], k: Timed) => Math.min(...rounds.map((r) => r[k]));
/** Mean client CPU seconds over the rounds. */
const cpu = (rounds: TransferRound[], k: keyof TransferRound['cpu']) => rounds.reduce((a, r) => a + r.cpu[k], 0) / rounds.length;
/** Mean CPU seconds of the target and the entry over the rounds (NaN for figures from before they were measured). */
const serverCpu = (rounds: TransferRound[], k: keyof NonNullable<TransferRound['serverCpu']>) =>
  rounds.reduce((a, r) => a + (r.serverCpu?.[k] ?? Number.NaN), 0) / rounds.length;
const mibps = (mib: number, s: number) => mib / s;
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
const mark = (ok: boolean) => (ok ? '✅' : '❌');

function transferRows(s: SizeResult, cores: number): string[] {
  const up = best(s.rounds, 'suiteUploadS');
  const upCurl = best(s.rounds, 'curlChunkedUploadS');
  const upSingle = best(s.rounds, 'curlSingleUploadS');
  const down = best(s.rounds, 'suiteDownloadS');
  const downCurl = best(s.rounds, 'curlDownloadS');
  const downCurlHash = best(s.rounds, 'curlDownloadHashS');
  const r = s.rounds;
  // The suite's side cannot be faster than its CPU (client, target, entry) spread over every core.
  const cpuBound = downCurl / ((cpu(r, 'suiteDownload') + serverCpu(r, 'suiteDownload')) / cores);
  const downGoal = `${mark(downCurl / down >= 0.8)} ≥ 0.8x${downCurl / down < 0.8 && Number.isFinite(cpuBound) ? ` (its CPU allows at most ${f2(cpuBound)}x here)` : ''}`;
  return [
    `| ${s.mib} MiB upload (chunked, ${s.chunks} × ${s.chunkMiB} MiB) | ${f1(mibps(s.mib, up))} MiB/s; client CPU ${f2(cpu(r, 'suiteUpload'))} s | ${f1(mibps(s.mib, upCurl))} MiB/s (same chunks on one connection; client CPU ${f2(cpu(r, 'curlChunkedUpload'))} s); one multipart request: ${f1(mibps(s.mib, upSingle))} MiB/s | **${f2(upCurl / up)}x** (vs one request: ${f2(upSingle / up)}x) | ${mark(upCurl / up >= 0.8)} ≥ 0.8x |`,
    `| ${s.mib} MiB download, streamed + SHA-256 | ${f1(mibps(s.mib, down))} MiB/s; client CPU ${f2(cpu(r, 'suiteDownload'))} s, target + entry ${f2(serverCpu(r, 'suiteDownload'))} s | ${f1(mibps(s.mib, downCurl))} MiB/s to /dev/null (client CPU ${f2(cpu(r, 'curlDownload'))} s, target + entry ${f2(serverCpu(r, 'curlDownload'))} s); ${f1(mibps(s.mib, downCurlHash))} MiB/s through sha256sum (CPU ${f2(cpu(r, 'curlDownloadHash'))} s) | **${f2(downCurl / down)}x** (vs curl + sha256sum: ${f2(downCurlHash / down)}x) | ${downGoal} |`,
  ];
}

function markdown(results: TargetResult[], notes: string[], load: string): string {
  const lines = [
    '# Performance: the suite against the transport limit',
    '',
    `Measured ${new Date().toISOString()} by \`npm run bench\` on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), Node ${process.version}; load average before the run: ${load}.`,
    'Each ratio compares figures taken side by side in the same run (interleaved rounds, best round of each), through the same managed nginx entry (TLS) to the same target.',
    '',
  ];
  for (const r of results) {
    lines.push(`## ${r.target.label}`, '');
    if (r.transfer) {
      lines.push(
        `Entry: ${r.transfer.entry}. Rounds per size: ${r.transfer.sizes[0]?.rounds.length ?? 0}.${r.transferKeptFrom ? ` Transfers measured ${r.transferKeptFrom} (kept from that run).` : ''}`,
        '',
      );
      lines.push('| transfer | the suite | curl | suite / curl throughput | goal |', '| --- | --- | --- | --- | --- |');
      for (const s of r.transfer.sizes) lines.push(...transferRows(s, r.transfer.cores ?? os.cpus().length));
      const sizes = r.transfer.sizes;
      if (sizes.length >= 2) {
        const [small, large] = [sizes[0], sizes.at(-1) as SizeResult];
        const growth = large.peakRssMiB - small.peakRssMiB;
        lines.push(
          '',
          `Peak RSS of the test process: ${sizes.map((s) => `${s.mib} MiB: ${f1(s.peakRssMiB)} MiB (${f1(s.peakRssMiB - s.baselineRssMiB)} MiB over its baseline)`).join('; ')}. ` +
            `${large.mib} MiB vs ${small.mib} MiB: **${f1(growth)} MiB** more ${mark(growth < 50)} (goal: under 50 MB).`,
        );
      }
    } else lines.push(`Transfers: not measured${r.transferError ? ` (${r.transferError})` : ''}.`);
    lines.push('');
    if (r.suite.length) {
      if (r.suiteKeptFrom) lines.push(`Whole launch runs measured ${r.suiteKeptFrom} (kept from that run).`, '');
      lines.push(
        "| whole launch run | wall | tests (failed) | exit | setup (global setup, provisioning, gate) | sign-ins (worker time / workers) | teardown (sweep) | checks' time (api + browser, summed) | machine CPU (cores busy) | load average (start, end) |",
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      );
      for (const s of r.suite)
        lines.push(
          `| ${s.workers} worker${s.workers > 1 ? 's' : ''} | ${f1(s.wallS)} s | ${s.tests} (${s.failed}) | ${s.exit} | ${f1(s.setupS)} s (${f1((100 * s.setupS) / s.wallS)}%) | ${f1(s.signInS)} s for ${s.signIns} sign-ins (${f1((100 * s.signInS) / s.wallS)}%) | ${f1(s.teardownS)} s (${f1((100 * s.teardownS) / s.wallS)}%) | ${f1(s.parallelChecksS)} s | ${f1(s.machineCpuS ?? Number.NaN)} s (${f2((s.machineCpuS ?? Number.NaN) / s.wallS)}) | ${s.load.map((l) => (typeof l === 'number' && Number.isFinite(l) ? l.toFixed(1) : '?')).join(', ')} |`,
        );
      const one = r.suite.find((s) => s.workers === 1);
      const two = r.suite.find((s) => s.workers === 2);
      if (one && two) {
        const speedup = one.wallS / two.wallS;
        // Amdahl from the 1-worker run: setup, teardown and the disruptive checks run once and alone; the rest can share 2 workers.
        const serial = Math.min(one.wallS, one.setupS + one.teardownS + one.disruptiveS);
        const bound = one.wallS / (serial + (one.wallS - serial) / 2);
        lines.push(
          '',
          `From the 1-worker run: setup and teardown ${f1(one.setupS + one.teardownS)} s and the disruptive checks ${f1(one.disruptiveS)} s (one at a time, by design) run alone; the other ${f1(one.wallS - serial)} s (api and browser checks ${f1(one.parallelChecksS)} s, the rest worker start-up) can share workers. On idle cores, 2 workers are therefore at best **${f2(bound)}x** faster.`,
        );
        const cores = os.cpus().length;
        if (Number.isFinite(two.machineCpuS ?? Number.NaN)) {
          // The 2-worker run cannot end before its CPU work is done on every core.
          const cpuBound = one.wallS / (Number(two.machineCpuS) / cores);
          lines.push(
            '',
            `The 2-worker run kept ${f2(Number(two.machineCpuS) / two.wallS)} of ${cores} cores busy on average, and the same checks took ${f1(two.parallelChecksS)} s of worker time against ${f1(one.parallelChecksS)} s with 1 worker: they compete for the cores with the target, the entry and the browser. The run's CPU work alone would allow at most **${f2(cpuBound)}x** here.`,
          );
        }
        const share = (two.setupS + two.signInS) / two.wallS;
        lines.push(
          '',
          `2 workers vs 1: **${f2(speedup)}x** faster ${mark(speedup >= 1.6)} (goal: at least 1.6x). Setup and sign-ins with 2 workers: **${f1(100 * share)}%** of wall time ${mark(share <= 0.1)} (goal: at most 10%).`,
        );
      }
    } else lines.push(`Whole launch run: not measured${r.suiteError ? ` (${r.suiteError})` : ''}.`);
    lines.push('');
  }
  lines.push(
    '## How to read this',
    '',
    '- Throughput ratios are suite / curl of the best round of each side. Client CPU is the mean over the rounds: `process.cpuUsage()` of the test process, `/usr/bin/time` of curl (and of `sha256sum`). Wall-time ratios need an idle machine; CPU seconds do not.',
    '- Upload: curl sends the same chunks (split beforehand) on one connection (`--next`), the suite reads each chunk from the file into one buffer and sends it with Node\'s fetch. "one multipart request" is the transport limit of a single request, another server path (no chunk assembly).',
    "- Download: curl to /dev/null does no work on the bytes; the suite verifies every byte (SHA-256) as it streams in, so curl piped through `sha256sum` does the same work. The suite reads the body with Node's http(s) and hashes each chunk as it arrives (`Http.sha256Of`; fetch's web stream was about 0.7x of that). Target + entry: the CPU seconds of their processes during the download (/proc).",
    "- Download, the limit: with the target and the entry on the same machine, the suite's download takes at least (client + target + entry CPU) / cores of wall time, the \"at most\" of the goal column. On 2 cores (measured 2026-12-02, 512 MiB) target and entry take about 1.4 s of CPU per download (1.2-1.8 s; the stand-in and AsterDrive's debug build alike) and curl 0.55 s, so curl's download alone keeps both cores nearly busy; the suite must also hash every byte (0.45 s of CPU at 1.1 GB/s with SHA-NI, as `openssl speed sha256`) and Node's TLS and HTTP reading takes 0.7-0.9 s where curl's takes 0.55 s: 0.8x is out of reach there. Hashing on a worker thread, to overlap it with reading, measured slower (median of 8 side by side: 2.99 s against 2.67 s hashing on the reading thread) and took more CPU: there is no idle core to overlap on; it could pay with the target on another machine.",
    "- Peak RSS is sampled every 10 ms in the test process during the suite's upload and download of each size; curl runs in its own process.",
    '- 2 workers can at best halve the wall time, and only with two idle cores: with a load average above the core count, the second worker gets less than a core.',
    '- Sign-ins: the setups of the worker-scoped `adminApi` and `userApi` fixtures; a worker started after a failed test signs in again. Checks that sign in on purpose (session, cookie, rate-limit checks) count as checks.',
    '',
  );
  if (notes.length) lines.push('## Notes', '', ...notes.map((n) => `- ${n}`), '');
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  mkdirSync(WORK, { recursive: true });
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
  const targets: Target[] = [{ key: 'standin', label: 'Stand-in (standin/, managed)' }];
  const notes: string[] = [];
  const bin = process.env.ASTER_DRIVE_BIN;
  if (bin && existsSync(bin)) targets.push({ key: 'asterdrive', label: `AsterDrive binary ${bin} (managed)`, binary: bin });
  else notes.push(bin ? `ASTER_DRIVE_BIN=${bin} does not exist: the stand-in only.` : 'No ASTER_DRIVE_BIN: the stand-in only.');
  const results: TargetResult[] = targets.map((target) => ({ target, suite: [] }));
  const before = earlier();
  for (const r of results) {
    const old = before?.results.find((x) => x.target.key === r.target.key);
    if (!old) continue;
    const render = args.includes('--render');
    if ((render || args.includes('--no-transfer')) && old.transfer)
      Object.assign(r, { transfer: old.transfer, transferKeptFrom: old.transferKeptFrom ?? before?.measuredAt });
    if ((render || args.includes('--no-suite')) && old.suite.length)
      Object.assign(r, { suite: old.suite, suiteKeptFrom: old.suiteKeptFrom ?? before?.measuredAt });
  }
  if (args.includes('--render')) {
    // Only write the report again from the kept figures.
  } else if (!args.includes('--no-transfer'))
    for (const r of results) {
      console.log(`[bench] transfers on ${r.target.label}`);
      r.transfer = await transfer(r.target).catch((e: Error) => {
        r.transferError = e.message;
        return undefined;
      });
    }
  if (!args.includes('--no-suite') && !args.includes('--render'))
    for (const r of results)
      try {
        // 1 worker, 2 workers, side by side (each a fresh managed target).
        for (const w of [1, 2]) {
          console.log(`[bench] whole launch run with ${w} worker(s) on ${r.target.label}`);
          r.suite.push(await suiteRun(r.target, w));
        }
      } catch (e) {
        r.suiteError = (e as Error).message;
      }
  const md = markdown(results, notes, load);
  writeFileSync(path.join(OUT, 'bench.md'), md);
  const json: BenchJson = { measuredAt: new Date().toISOString(), load, results };
  writeFileSync(path.join(OUT, 'bench.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(md);
  const broken = results.some((r) => r.transferError || r.suiteError);
  process.exit(broken ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
