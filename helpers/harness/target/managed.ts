/**
 * Starts a managed local target: the real AsterDrive binary (ASTER_DRIVE_BIN) or the project's
 * stand-in, through the same code path and AsterDrive's own conventions (data/ under the working
 * directory, ASTER__SERVER__HOST / ASTER__SERVER__PORT / ASTER__DATABASE__URL).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeFault } from '../../../faults/active.js';
import { spawnService } from '../services/process.js';
import { makeTempDir } from '../temp-dirs.js';
import { freePort } from './free-port.js';
import { standinBundle } from './standin-bundle.js';
import { waitFor } from './wait.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ManagedTarget {
  baseURL: string;
  workdir: string;
  databaseUrl: string;
  /** The server's pid. */
  pid: number;
  /** Its process group (the server and everything it started). */
  group: number;
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

function command(binary: string | undefined): { argv: string[]; env: Record<string, string> } {
  if (binary) return { argv: [binary], env: {} };
  // The bundle lives apart from the stand-in's sources, so it is told where its web panel is.
  return { argv: [process.execPath, standinBundle(ROOT)], env: { STANDIN_FEATURES: 'metrics', STANDIN_PANEL_DIR: path.join(ROOT, 'standin', 'panel') } };
}

export async function startManagedTarget(opts: StartOptions = {}): Promise<ManagedTarget> {
  const workdir = opts.workdir ?? makeTempDir('launch');
  if (!opts.workdir) opts.beforeStart?.(workdir);
  const port = opts.port ?? (await freePort());
  const baseURL = `http://127.0.0.1:${port}`;
  const databaseUrl = `sqlite://${path.join(workdir, 'data', 'asterdrive.db')}?mode=rwc`;
  const logFile = path.join(workdir, 'server.log');
  const { argv, env: ownEnv } = command(opts.binary);
  // Under the watchdog wrapper: the target never outlives the process that started it.
  const proc = spawnService(argv[0], argv.slice(1), {
    logFile,
    cwd: workdir,
    env: {
      ASTER__SERVER__HOST: '127.0.0.1',
      ASTER__SERVER__PORT: String(port),
      ASTER__DATABASE__URL: databaseUrl,
      // Plain-HTTP loopback bootstrap, as upstream's own e2e launcher does (frontend-panel/scripts/run-e2e-server.sh).
      ASTER__AUTH__BOOTSTRAP_INSECURE_COOKIES: 'true',
      ASTER__LOGGING__LEVEL: 'warn',
      ...ownEnv,
      // A fault-matrix run's start options reach every managed target of the run (twins included).
      ...activeFault()?.targetEnv,
      ...opts.env,
    },
  });
  const tail = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-25).join('\n') : '');
  try {
    await waitFor(
      `${opts.binary ? 'AsterDrive' : 'the stand-in'} to answer /health/ready on ${baseURL}`,
      async () => {
        if (proc.hasExited()) {
          const { code, signal } = await proc.exited;
          throw new Error(`the process exited with ${signal ?? code}. Log tail:\n${tail()}`);
        }
        const res = await fetch(`${baseURL}/health/ready`, { signal: AbortSignal.timeout(2000) });
        return res.status === 200 ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (e) {
    await proc.stop(0);
    throw e;
  }

  return {
    baseURL,
    workdir,
    databaseUrl,
    pid: proc.serverPid(),
    group: proc.group,
    logFile,
    cli: argv,
    stop: () => proc.stop(),
  };
}

export function removeWorkdir(workdir: string): void {
  rmSync(workdir, { recursive: true, force: true });
}
