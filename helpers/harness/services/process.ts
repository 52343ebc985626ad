/**
 * Shared plumbing for the real external services the suite starts locally
 * (Mailpit, an S3-compatible server): locating the binaries that
 * `.ci/install-services.sh` builds, free loopback ports, spawning with a log
 * file, waiting for readiness and stopping cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, appendFileSync, closeSync, constants, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { procStat } from '../proc.js';

/** The command that installs the pinned service binaries (run from the repo root). */
export const INSTALL_COMMAND = 'bash .ci/install-services.sh';

/** Where `.ci/install-services.sh` puts the binaries: `${ASTER_TOOLS_DIR:-$HOME/.cache/aster-launch-tools}/bin`. */
export function toolsBinDir(): string {
  const base = process.env.ASTER_TOOLS_DIR || path.join(os.homedir(), '.cache', 'aster-launch-tools');
  return path.join(base, 'bin');
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a service binary: the environment variable `envVar` (must point at an
 * executable file), then the tools dir, then `PATH`. Returns null when none is found.
 * An env var that is set but wrong is an error rather than a silent fallback.
 */
export function findBinary(envVar: string, name: string): string | null {
  const fromEnv = process.env[envVar];
  if (fromEnv) {
    if (isExecutableFile(fromEnv)) return path.resolve(fromEnv);
    throw new Error(`${envVar}=${fromEnv} is not an executable file. Unset it or run \`${INSTALL_COMMAND}\`.`);
  }
  const inTools = path.join(toolsBinDir(), name);
  if (isExecutableFile(inTools)) return inTools;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

export function missingBinaryError(what: string, envVar: string, name: string): Error {
  return new Error(
    `${what} binary \`${name}\` not found (looked at $${envVar}, ${toolsBinDir()}, PATH). ` +
      `Install the pinned version with \`${INSTALL_COMMAND}\` from the repository root ` +
      `(needs Go >= 1.26 and the Go module proxy), or set ${envVar}=/path/to/${name}.`,
  );
}

/** A free TCP port on the loopback interface (bind port 0, read it, release it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Every server the suite starts (the managed target and its twins, Mailpit, the S3 server, the
 * entry) runs under a small sh wrapper that holds a pipe from this process on its stdin: when the
 * pipe closes (stop(), or this process ending in any way, SIGKILL included) the wrapper sends the
 * server SIGTERM, so no server outlives the run that started it. The wrapper leads its own process
 * group (the server and its children) and exits with the server. A server that ends on its own
 * takes its pipe watcher with it: a watcher left waiting would, when the pipe closed later, send
 * SIGTERM to that server's old pid, which on a busy machine (pid_max 32768) may by then belong to
 * another run's server.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" 3<&- </dev/null &',
  'server=$!',
  '( while read -r _ <&3; do :; done; kill -TERM "$server" 2>/dev/null ) &',
  'watcher=$!',
  'exec 3<&-',
  'wait "$server"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

/** Wrappers still running; their groups are killed if this process exits without stopping them. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills a wrapper's whole process group (the server and its children). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) killGroup(child, 'SIGKILL');
  });
}

export interface ServiceProcess {
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code/signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** The last `maxBytes` of the log file, for error messages. */
  logTail(maxBytes?: number): string;
  /** SIGTERM, then SIGKILL of its group after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
  /** The server's own pid (the wrapper's child running `bin`; the wrapper's where /proc cannot tell). */
  serverPid(): number;
  /** The process group of the server and everything it started (led by the wrapper). */
  group: number;
}

/** The child of `parent` whose command line starts with `bin` (Linux /proc), if any. */
function childRunning(parent: number, bin: string): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  for (const pid of pids)
    try {
      if (Number(procStat(pid)?.[1]) !== parent) continue;
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === bin) return Number(pid);
    } catch {
      // Gone meanwhile.
    }
  return undefined;
}

/**
 * Spawns `bin args` under the watchdog wrapper, with stdout and stderr appended to `logFile`.
 * Environment variables whose names start with one of `dropEnvPrefixes` are removed, so a
 * developer's own service settings can't change the instance.
 */
export function spawnService(
  bin: string,
  args: string[],
  opts: { logFile: string; cwd: string; env?: Record<string, string | undefined>; dropEnvPrefixes?: string[] },
): ServiceProcess {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (opts.dropEnvPrefixes?.some((p) => k.startsWith(p))) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v !== undefined) env[k] = v;

  const fd = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('sh', ['-c', WATCHDOG, 'aster-watchdog', bin, ...args], { cwd: opts.cwd, env, stdio: ['pipe', fd, fd], detached: true });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  child.stdin?.on('error', () => undefined);
  installExitHook();
  live.add(child);

  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      done = true;
      live.delete(child);
      appendFileSync(opts.logFile, `\n[spawn error] ${bin}: ${err.message}\n`);
      resolve({ code: -1, signal: null });
    });
  });

  const logTail = (maxBytes = 4000): string => {
    try {
      const text = readFileSync(opts.logFile, 'utf8');
      return text.length > maxBytes ? `…${text.slice(-maxBytes)}` : text;
    } catch {
      return '';
    }
  };

  const stop = async (graceMs = 5000): Promise<void> => {
    if (!done) {
      child.stdin?.end(); // the watchdog sends SIGTERM
      const timer = sleep(graceMs).then(() => 'timeout' as const);
      if ((await Promise.race([exited, timer])) === 'timeout' && !done) {
        killGroup(child, 'SIGKILL');
        await exited;
      }
    }
    // Whatever is left of the group (nginx workers, the stand-in under tsx) goes too.
    killGroup(child, 'SIGKILL');
  };

  let serverPid: number | undefined;
  return {
    child,
    logFile: opts.logFile,
    exited,
    hasExited: () => done,
    logTail,
    stop,
    serverPid: () => {
      serverPid ??= child.pid === undefined ? undefined : childRunning(child.pid, bin);
      return serverPid ?? child.pid ?? -1;
    },
    group: child.pid ?? -1,
  };
}

/**
 * Polls `probe` until it resolves true, the process exits, or `timeoutMs` passes.
 * Throws with the log tail on failure.
 */
export async function waitUntilReady(what: string, proc: ServiceProcess, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (proc.hasExited()) {
      const { code, signal } = await proc.exited;
      throw new Error(`${what} exited during start-up (code ${code}, signal ${signal}). Log ${proc.logFile}:\n${proc.logTail()}`);
    }
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(`${what} was not ready after ${timeoutMs} ms${lastError ? ` (last error: ${lastError})` : ''}. Log ${proc.logFile}:\n${proc.logTail()}`);
}

/** True when a TCP connection to host:port succeeds. */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const finish = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => finish(false));
    sock.once('connect', () => finish(true));
    sock.once('error', () => finish(false));
  });
}

/** GET `url` with a short timeout; true when the status is one of `okStatuses` (default: any response). */
export async function httpAnswers(url: string, okStatuses?: number[], timeoutMs = 2000): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await res.body?.cancel();
  return okStatuses ? okStatuses.includes(res.status) : true;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** True when the log says the listen address was taken (free-port race): worth one more try. */
export function looksLikePortClash(log: string): boolean {
  return /address already in use|bind: /i.test(log);
}

/** stop() for a started service: stops the process once (later calls share it) and removes its temp dir unless kept. */
export function stopOnce(proc: ServiceProcess, tempDir: string, keepTempDir = false): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= proc.stop().finally(() => {
      if (!keepTempDir) removeDir(tempDir);
    });
    return stopped;
  };
}
