/**
 * Starts a managed local target: the real AsterDrive binary (ASTER_DRIVE_BIN) or the project's
 * stand-in, through the same code path and AsterDrive's own conventions (data/ under the working
 * directory, ASTER__SERVER__HOST / ASTER__SERVER__PORT / ASTER__DATABASE__URL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeFault } from '../../../faults/active.js';
import { freePort } from './free-port.js';
import { waitFor } from './wait.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ManagedTarget {
  baseURL: string;
  workdir: string;
  databaseUrl: string;
  pid: number;
  logFile: string;
  /** argv prefix that runs this target's CLI (doctor) */
  cli: string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Real binary; undefined = the stand-in. */
  binary?: string;
  /** Extra environment (faults, features). */
  env?: Record<string, string>;
  /** Runs once the working directory exists, before the first start (e.g. to seed data/config.toml). */
  beforeStart?: (workdir: string) => void;
  /** Reuse a working directory (restart); default: a new throwaway one. */
  workdir?: string;
  port?: number;
}

function command(binary: string | undefined): string[] {
  if (binary) return [binary];
  const tsx = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  if (!existsSync(tsx)) throw new Error('The stand-in needs the project dependencies: run `npm ci` first.');
  return [process.execPath, tsx, path.join(ROOT, 'standin', 'src', 'main.ts')];
}

export async function startManagedTarget(opts: StartOptions = {}): Promise<ManagedTarget> {
  const workdir = opts.workdir ?? mkdtempSync(path.join(os.tmpdir(), 'aster-launch-'));
  if (!opts.workdir) opts.beforeStart?.(workdir);
  const port = opts.port ?? (await freePort());
  const baseURL = `http://127.0.0.1:${port}`;
  const databaseUrl = `sqlite://${path.join(workdir, 'data', 'asterdrive.db')}?mode=rwc`;
  const logFile = path.join(workdir, 'server.log');
  const argv = command(opts.binary);
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(argv[0], argv.slice(1), {
    cwd: workdir,
    env: {
      ...process.env,
      ASTER__SERVER__HOST: '127.0.0.1',
      ASTER__SERVER__PORT: String(port),
      ASTER__DATABASE__URL: databaseUrl,
      // Plain-HTTP loopback bootstrap, as upstream's own e2e launcher does (frontend-panel/scripts/run-e2e-server.sh).
      ASTER__AUTH__BOOTSTRAP_INSECURE_COOKIES: 'true',
      ASTER__LOGGING__LEVEL: 'warn',
      STANDIN_FEATURES: 'metrics',
      // A fault-matrix run's start options reach every managed target of the run (twins included).
      ...activeFault()?.targetEnv,
      ...opts.env,
    },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  const kill = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const onExit = () => kill('SIGKILL');
  process.once('exit', onExit);

  const tail = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n') : '');
  try {
    await waitFor(
      `${opts.binary ? 'AsterDrive' : 'the stand-in'} to answer /health/ready on ${baseURL}`,
      async () => {
        if (exited) throw new Error(`the process ${exited}. Log tail:\n${tail()}`);
        const res = await fetch(`${baseURL}/health/ready`, { signal: AbortSignal.timeout(2000) });
        return res.status === 200 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (e) {
    kill('SIGKILL');
    throw e;
  }

  return {
    baseURL,
    workdir,
    databaseUrl,
    pid: child.pid ?? -1,
    logFile,
    cli: argv,
    async stop() {
      process.removeListener('exit', onExit);
      if (exited) return;
      kill('SIGTERM');
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      const timer = setTimeout(() => kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

export function removeWorkdir(workdir: string): void {
  rmSync(workdir, { recursive: true, force: true });
}
