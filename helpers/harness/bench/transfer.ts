/**
 * The transfer half of `npm run bench` (scripts/bench.ts), one target per process: starts a
 * managed target (the stand-in, or the real binary in ASTER_DRIVE_BIN) behind the same nginx entry
 * the suite uses, and measures side by side, file size by file size and round by round:
 *
 * - the suite's chunked upload (AsterClient.uploadFileChunked) vs curl doing the same protocol
 *   (init, one PUT per chunk on one connection, complete), and vs one curl multipart upload of
 *   the whole file (the transport limit of one request);
 * - the suite's streamed download with SHA-256 (AsterClient.downloadSha256) vs curl's download to /dev/null;
 * - the peak RSS of this process (the suite's side of the transfers; curl is another process);
 * - the CPU seconds of the target and the entry (from /proc) during each download: on a machine that
 *   runs them too, they share its cores with the client, which bounds the suite's download.
 *
 * Writes its result as JSON to the file named by the last argument. Run with --expose-gc.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type AsterClient, LoginError } from '../../clients/api/aster.js';
import { writeRandomFile } from '../../clients/files/generate.js';
import { startEntry } from '../entry-servers/entry-proxy.js';
import { trustInThisProcess } from '../trust.js';
import { startManagedTarget } from '../target/managed.js';
import { bootstrapFresh, generatedPassword, LOCAL_POLICY } from '../target/provision.js';
import { CLK_TCK, procStat } from '../proc.js';
import { makeTempDir } from '../temp-dirs.js';

const MiB = 1024 * 1024;

export interface TransferRound {
  suiteUploadS: number;
  curlChunkedUploadS: number;
  curlSingleUploadS: number;
  suiteDownloadS: number;
  curlDownloadS: number;
  /** curl's download piped through sha256sum: the same work as the suite's download (hash included). */
  curlDownloadHashS: number;
  /** CPU seconds on the client side: the test process for the suite, curl (and sha256sum) for curl. */
  cpu: { suiteUpload: number; curlChunkedUpload: number; suiteDownload: number; curlDownload: number; curlDownloadHash: number };
  /** CPU seconds of the target and the entry (their process groups) during the suite's and curl's download; absent in older figures. */
  serverCpu?: { suiteDownload: number; curlDownload: number };
}

export interface SizeResult {
  mib: number;
  chunkMiB: number;
  chunks: number;
  rounds: TransferRound[];
  /** Peak RSS of this process while the suite uploaded and downloaded this size, and its baseline. */
  peakRssMiB: number;
  baselineRssMiB: number;
}

export interface TransferResult {
  target: string;
  entry: string;
  sizes: SizeResult[];
  /** Cores of the machine that ran client, entry and target. */
  cores?: number;
}

/** /usr/bin/time, to count the CPU seconds of curl (and of sha256sum) as process.cpuUsage counts the suite's. */
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
let cpuFile = '';
/** CPU seconds of the curl processes since the last reset. */
let curlCpu = 0;

function readCpu(): number {
  if (!TIME || !existsSync(cpuFile)) return Number.NaN;
  const [u, s] = readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
  rmSync(cpuFile, { force: true });
  return u + s;
}

function withTime(argv: string[]): [string, string[]] {
  return TIME ? [TIME, ['-f', '%U %S', '-o', cpuFile, ...argv]] : [argv[0], argv.slice(1)];
}

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const [cmd, argv] = withTime(['curl', '-sS', '--fail-with-body', ...args]);
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      curlCpu += readCpu();
      if (code === 0) resolve(out);
      else reject(new Error(`curl ${args.slice(0, 3).join(' ')} …: exit ${code} ${err.trim()} ${out.slice(0, 300)}`));
    });
  });
}

/**
 * CPU seconds (user + system) used so far by the processes of the target's process group and of the
 * entry's (the group of the process started with its configuration file), from /proc; NaN without /proc.
 */
function serverCpu(targetGroup: number, entryConfig: string): number {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  const procs: { pgrp: number; ticks: number; cmd: string }[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)))
    try {
      const f = procStat(pid);
      if (!f) continue;
      procs.push({ pgrp: Number(f[2]), ticks: Number(f[11]) + Number(f[12]), cmd: readFileSync(`/proc/${pid}/cmdline`, 'utf8') });
    } catch {
      // Gone meanwhile.
    }
  const groups = new Set([targetGroup, ...procs.filter((p) => p.cmd.includes(entryConfig)).map((p) => p.pgrp)]);
  return procs.filter((p) => groups.has(p.pgrp)).reduce((a, p) => a + p.ticks, 0) / CLK_TCK;
}

/** Wall seconds, and CPU seconds of this process (`cpu`) and of the curl processes it ran (`curlCpu`). */
async function timed<T>(fn: () => Promise<T>): Promise<{ s: number; cpu: number; curlCpu: number; value: T }> {
  curlCpu = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, cpu: (c.user + c.system) / 1e6, curlCpu, value };
}

/** The `{ data }` of an AsterDrive API answer. */
function data<T>(json: string): T {
  const body = JSON.parse(json) as { code?: number; data?: T; msg?: string };
  if (body.data === undefined) throw new Error(`unexpected answer: ${json.slice(0, 300)}`);
  return body.data;
}

async function main(): Promise<void> {
  const out = process.argv.at(-1) as string;
  const sizes = (process.env.ASTER_BENCH_SIZES ?? '64,512').split(',').map(Number).filter(Boolean);
  const rounds = Number(process.env.ASTER_BENCH_ROUNDS ?? 2);
  const binary = process.env.ASTER_DRIVE_BIN || undefined;
  const dir = makeTempDir('bench');
  cpuFile = path.join(dir, 'cpu.txt');
  const target = await startManagedTarget({ binary, env: { STANDIN_FAULTS: 'slow-auth-off' } });
  const entry = await startEntry({ upstream: target.baseURL, server: 'nginx', dir: path.join(dir, 'entry') });
  try {
    await trustInThisProcess(readFileSync(entry.caPath, 'utf8'));
    const base = entry.httpsOrigin;
    const api: AsterClient = await bootstrapFresh(base, { identifier: 'benchadmin', password: generatedPassword() }).catch((e) => {
      throw e instanceof LoginError ? new Error(e.message) : e;
    });
    const auth = () => ['--cacert', entry.caPath, '-H', `authorization: Bearer ${api.accessToken}`];
    const result: TransferResult = { target: binary ? `AsterDrive ${binary}` : 'stand-in', entry: entry.description, sizes: [], cores: os.cpus().length };
    const server = () => serverCpu(target.group, entry.configPath);
    for (const mib of sizes) {
      const file = path.join(dir, `bench-${mib}.bin`);
      const sent = await writeRandomFile(file, mib * MiB);
      // The chunking the server chooses for the suite's default policy (helpers/harness/target/provision.ts).
      const chunkSize = LOCAL_POLICY.chunk_size;
      const chunks = Math.ceil((mib * MiB) / chunkSize);
      // curl sends each chunk from its own file, split beforehand (the suite reads ranges of the page-cached file).
      const parts = path.join(dir, `parts-${mib}`);
      mkdirSync(parts);
      const split = spawnSync('split', ['-b', String(chunkSize), '-d', '-a', '5', file, `${parts}/`]);
      if (split.status !== 0) throw new Error(`split: ${split.stderr}`);
      const part = (n: number) => path.join(parts, String(n).padStart(5, '0'));
      const size: SizeResult = { mib, chunkMiB: chunkSize / MiB, chunks, rounds: [], peakRssMiB: 0, baselineRssMiB: 0 };
      (globalThis as { gc?: () => void }).gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 10);
      for (let r = 0; r < rounds; r++) {
        const up = await timed(() => api.uploadFileChunked(file, null, `suite-${mib}-${r}.bin`));
        const server0 = server();
        const down = await timed(() => api.downloadSha256(up.value.file.id));
        const serverDown = server() - server0;
        if (down.value.sha256 !== sent) throw new Error(`hash mismatch after the suite's upload and download of ${mib} MiB`);
        const curlChunked = await timed(async () => {
          const init = data<{ upload_id: string; total_chunks: number }>(
            await curl([
              ...auth(),
              '-H',
              'content-type: application/json',
              '--data-binary',
              JSON.stringify({ filename: `curl-${mib}-${r}.bin`, total_size: mib * MiB, folder_id: null }),
              `${base}/api/v1/files/upload/init`,
            ]),
          );
          const puts: string[] = [];
          for (let n = 0; n < init.total_chunks; n++) {
            if (n > 0) puts.push('--next');
            puts.push(
              ...auth(),
              '-o',
              '/dev/null',
              '-X',
              'PUT',
              '-H',
              'content-type: application/octet-stream',
              '--data-binary',
              `@${part(n)}`,
              `${base}/api/v1/files/upload/${init.upload_id}/${n}`,
            );
          }
          await curl(puts);
          return data<{ id: number }>(await curl([...auth(), '-X', 'POST', `${base}/api/v1/files/upload/${init.upload_id}/complete`]));
        });
        const curlSingle = await timed(async () =>
          data<{ id: number }>(
            await curl([...auth(), '-F', `file=@${file};filename=single-${mib}-${r}.bin`, `${base}/api/v1/files/upload?declared_size=${mib * MiB}`]),
          ),
        );
        const server1 = server();
        const curlDown = await timed(() => curl([...auth(), '-o', '/dev/null', `${base}/api/v1/files/${curlChunked.value.id}/download`]));
        const serverCurlDown = server() - server1;
        const curlDownHash = await timed(async () => {
          const [cmd, argv] = withTime([
            'bash',
            '-o',
            'pipefail',
            '-c',
            'curl -sS --fail "$@" | sha256sum',
            'curl',
            ...auth(),
            `${base}/api/v1/files/${curlChunked.value.id}/download`,
          ]);
          const r = spawnSync(cmd, argv, { encoding: 'utf8' });
          curlCpu += readCpu();
          if (r.status !== 0 || r.stdout.split(' ')[0] !== sent)
            throw new Error(`curl | sha256sum of the ${mib} MiB file: exit ${r.status}, ${r.stdout}${r.stderr}`);
        });
        size.rounds.push({
          suiteUploadS: up.s,
          curlChunkedUploadS: curlChunked.s,
          curlSingleUploadS: curlSingle.s,
          suiteDownloadS: down.s,
          curlDownloadS: curlDown.s,
          curlDownloadHashS: curlDownHash.s,
          cpu: {
            suiteUpload: up.cpu,
            curlChunkedUpload: curlChunked.curlCpu,
            suiteDownload: down.cpu,
            curlDownload: curlDown.curlCpu,
            curlDownloadHash: curlDownHash.curlCpu,
          },
          serverCpu: { suiteDownload: serverDown, curlDownload: serverCurlDown },
        });
        for (const id of [up.value.file.id, curlChunked.value.id, curlSingle.value.id]) await api.deleteFile(id);
        console.error(`[bench] ${result.target}: ${mib} MiB round ${r + 1}/${rounds}: ${JSON.stringify(size.rounds.at(-1))}`);
      }
      clearInterval(sampler);
      size.peakRssMiB = peak / MiB;
      size.baselineRssMiB = baseline / MiB;
      result.sizes.push(size);
      rmSync(parts, { recursive: true, force: true });
      rmSync(file, { force: true });
    }
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await entry.stop().catch(() => undefined);
    await target.stop().catch(() => undefined);
    rmSync(target.workdir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
