/**
 * What a persistence check recreates (or, failing that, restarts):
 * - a managed run: a private provisioned twin (helpers/harness/target/twin.ts), recreated from its data/ alone;
 * - a deployment: the deployment itself through ASTER_RECREATE_CMD, else ASTER_RESTART_CMD, as the
 *   run's ordinary account. A restart keeps a container's writable layer, so data outside the
 *   volume survives it too: a pass on a restart alone says so (`restartOnlyNote`).
 *
 * Data a check creates on a deployment is removed afterwards with a fresh sign-in (a restart may
 * invalidate the worker's session, which is 3.1's business, not this check's).
 */
import type { OwnedData } from '../../../fixtures/owned-data.js';
import { AsterClient, type Credentials } from '../../clients/api/aster.js';
import { ApiError } from '../../clients/api/http.js';
import type { SuiteConfig } from '../config.js';
import { registerSecret } from '../secrets.js';
import { restartWithCommand } from './restart.js';
import type { RunState } from './run-state.js';
import { Twin } from './twin.js';

export interface RestartSubject {
  kind: 'twin' | 'deployment';
  /** What `restart()` does: a recreation from the volumes, or only a restart of the same container. */
  proves: 'recreation' | 'restart';
  baseURL: string;
  /** The data directory, when the suite can read it (twin: its own; deployment: ASTER_DATA_DIR). */
  dataDir?: string;
  twin?: Twin;
  /** Signs in as the account the check works with (the twin's admin, or the run's user). */
  signIn(): Promise<AsterClient>;
  /** Recreates (or restarts) the server and waits until it is ready; returns what to keep as evidence. */
  restart(): Promise<Record<string, unknown>>;
  /** Removes a file or folder (and its trash entry) after the test, on a deployment. */
  own(kind: 'file' | 'folder', id: number): void;
  dispose(): Promise<void>;
}

const gone = (e: unknown) => e instanceof ApiError && e.status === 404;

/**
 * The subject of a restart check, or undefined on a deployment without ASTER_RESTART_CMD (the
 * caller reports NOT_CHECKED).
 */
export async function restartSubject(
  run: RunState,
  cfg: SuiteConfig,
  creds: Credentials,
  owned: OwnedData,
  label: string,
): Promise<RestartSubject | undefined> {
  if (run.mode === 'managed') {
    const twin = await Twin.start(cfg.env.ASTER_DRIVE_BIN, label);
    return {
      kind: 'twin',
      proves: 'recreation',
      get baseURL() {
        return twin.baseURL;
      },
      get dataDir() {
        return twin.dataDir;
      },
      twin,
      signIn: () => twin.signIn(),
      async restart() {
        const t0 = Date.now();
        await twin.recreate();
        return {
          how: 'private twin of the managed target recreated: a new process in a new working directory holding only the old data/',
          seconds: (Date.now() - t0) / 1000,
        };
      },
      own() {
        /* the twin's working directory is removed with it */
      },
      dispose: () => twin.dispose(),
    };
  }
  const recreate = cfg.env.ASTER_RECREATE_CMD;
  const cmd = recreate ?? cfg.env.ASTER_RESTART_CMD;
  if (!cmd) return undefined;
  const how = recreate ? 'ASTER_RECREATE_CMD' : 'ASTER_RESTART_CMD';
  const signIn = async () => {
    const client = await AsterClient.signIn(run.baseURL, creds);
    registerSecret(client.accessToken);
    return client;
  };
  return {
    kind: 'deployment',
    proves: recreate ? 'recreation' : 'restart',
    baseURL: run.baseURL,
    dataDir: cfg.env.ASTER_DATA_DIR,
    signIn,
    async restart() {
      const r = await restartWithCommand(cmd, run.baseURL);
      return { how, seconds: r.seconds, output: r.output.slice(-500) };
    },
    own(kind, id) {
      owned.custom(`${kind} ${id}`, async () => {
        const client = await signIn();
        await (kind === 'file' ? client.deleteFile(id) : client.deleteFolder(id)).catch((e) => {
          if (!gone(e)) throw e;
        });
        await client.purge(kind, id).catch((e) => {
          if (!gone(e)) throw e;
        });
      });
    },
    async dispose() {},
  };
}

/** The qualification of a pass proved across a restart only; undefined after a recreation. */
export function restartOnlyNote(subject: Pick<RestartSubject, 'proves'>): string | undefined {
  if (subject.proves === 'recreation') return undefined;
  return 'proved across a restart only: a container restart keeps its writable layer, so data outside the volume survives it too. Set ASTER_RECREATE_CMD (e.g. `docker compose up -d --force-recreate asterdrive`; on a host install without containers, the restart command) to prove persistence across a recreation';
}
