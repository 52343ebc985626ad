/**
 * A private, provisioned twin of a managed target for the checks that restart, back up or restore
 * (1.x, 7.3): same binary and start options as the run's target (a fault run's options included),
 * its own working directory and port, set up through the public API like an operator would
 * (first admin, a default local storage policy under ./data/uploads). The run's own target keeps
 * serving the other checks.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { AsterClient, type Credentials } from '../../clients/api/aster.js';
import { excludeFromContract } from '../../clients/api/contract-hook.js';
import { Http } from '../../clients/api/http.js';
import * as S from '../../clients/api/schemas.js';
import { registerSecret } from '../secrets.js';
import { claimTempDir, makeTempDir } from '../temp-dirs.js';
import { type ManagedTarget, removeWorkdir, type StartOptions, startManagedTarget } from './managed.js';
import { createPolicyDir, generatedPassword, localPolicy } from './provision.js';
import { restartManaged } from './restart.js';

/** Starts a twin's process; its answers are not the run's target's, so they stay out of the recorded contract. */
async function launch(opts: StartOptions): Promise<ManagedTarget> {
  const target = await startManagedTarget(opts);
  excludeFromContract(target.baseURL);
  return target;
}

export class Twin {
  private constructor(
    public target: ManagedTarget,
    readonly creds: Credentials,
    private readonly binary: string | undefined,
    /** Working directories this twin created (removed by `dispose`). */
    private readonly dirs: string[],
  ) {}

  get baseURL(): string {
    return this.target.baseURL;
  }
  get workdir(): string {
    return this.target.workdir;
  }
  get dataDir(): string {
    return path.join(this.target.workdir, 'data');
  }

  /** Starts a twin and provisions it: first admin, default local storage policy. */
  static async start(binary: string | undefined, label: string): Promise<Twin> {
    const target = await launch({ binary });
    const creds = { identifier: `lt${label}`.replace(/[^a-z0-9]/gi, '').slice(0, 24), password: generatedPassword() };
    registerSecret(creds.password);
    const twin = new Twin(target, creds, binary, [target.workdir]);
    try {
      const anon = new Http(target.baseURL);
      await anon.call('POST', '/api/v1/auth/setup', S.UserInfo, {
        json: { username: creds.identifier, email: `${creds.identifier}@launch.test`, password: creds.password },
        headers: { origin: target.baseURL },
      });
      const admin = await twin.signIn();
      await admin.call('POST', '/api/v1/admin/policies', S.StoragePolicy, { json: localPolicy('Launch suite local storage', './data/uploads', true) });
      createPolicyDir(target.workdir);
    } catch (e) {
      await twin.dispose();
      throw e;
    }
    return twin;
  }

  async signIn(): Promise<AsterClient> {
    const client = await AsterClient.signIn(this.baseURL, this.creds);
    registerSecret(client.accessToken);
    return client;
  }

  /** SIGTERM and start again on the same working directory and port. */
  async restart(): Promise<void> {
    this.target = await restartManaged(this.target, { binary: this.binary });
  }

  /**
   * Recreates the server the way `docker compose up --force-recreate` does: the process and its
   * working directory (the container and its writable layer) are thrown away, and a new one starts
   * at the same path holding only the old data/ (the volume, mounted where it was: AsterDrive keeps
   * absolute storage paths, so a volume must come back at the same place).
   */
  async recreate(): Promise<void> {
    const workdir = this.target.workdir;
    await this.target.stop();
    const removed = `${workdir}.removed`;
    renameSync(workdir, removed);
    mkdirSync(workdir);
    claimTempDir(workdir);
    cpSync(path.join(removed, 'data'), path.join(workdir, 'data'), { recursive: true, preserveTimestamps: true });
    removeWorkdir(removed);
    this.target = await launch({ binary: this.binary, workdir });
  }

  async stop(): Promise<void> {
    await this.target.stop();
  }

  /** Starts again (after `stop`) on the same working directory, on a new port. */
  async startAgain(): Promise<void> {
    this.target = await launch({ binary: this.binary, workdir: this.target.workdir });
  }

  /** Copies the (stopped) working directory to a new directory: the backup. */
  copyWorkdir(label: string): string {
    const dest = makeTempDir(label);
    cpSync(this.target.workdir, dest, { recursive: true, preserveTimestamps: true });
    this.dirs.push(dest);
    return dest;
  }

  /** Restores a copy into a fresh directory and starts this twin from it (the old process must be stopped). */
  async startFromCopy(copy: string, label: string): Promise<string> {
    const fresh = makeTempDir(label);
    cpSync(copy, fresh, { recursive: true, preserveTimestamps: true });
    this.dirs.push(fresh);
    this.target = await launch({ binary: this.binary, workdir: fresh });
    return fresh;
  }

  /** The last lines of the current process's log (for evidence). */
  logTail(lines = 20): string {
    return existsSync(this.target.logFile) ? readFileSync(this.target.logFile, 'utf8').split('\n').slice(-lines).join('\n') : '';
  }

  /** Stops the process and removes every working directory this twin made. */
  async dispose(): Promise<void> {
    await this.target.stop().catch(() => {});
    for (const d of this.dirs) removeWorkdir(d);
  }
}
