/**
 * Restarting a target, for the checks that need one (3.1 fixed jwt_secret, 1.x persistence):
 * - an existing deployment: the operator's ASTER_RESTART_CMD, then wait for /health/ready;
 * - a managed target: SIGTERM its process group and start it again with the same working
 *   directory, port and binary (helpers/harness/target/managed.ts).
 *
 * A restart interrupts every request in flight; callers run it where nothing else uses the target
 * (a serial project, or a private twin target: helpers/harness/target/twin.ts).
 */
import { exec } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type ManagedTarget, type StartOptions, startManagedTarget } from './managed.js';
import { waitFor } from './wait.js';

export async function waitReady(baseURL: string, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `${baseURL}/health/ready to answer 200 again`,
    async () => {
      const res = await fetch(`${baseURL}/health/ready`, { signal: AbortSignal.timeout(3000) });
      await res.arrayBuffer();
      return res.status === 200 ? true : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** Runs ASTER_RESTART_CMD (shell), then waits until the deployment is ready again. */
export async function restartWithCommand(cmd: string, baseURL: string, timeoutMs = 180_000): Promise<{ output: string; seconds: number }> {
  const t0 = Date.now();
  const output = await new Promise<string>((resolve, reject) => {
    exec(cmd, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`ASTER_RESTART_CMD failed (${err.code ?? err.signal ?? err.message}): ${`${stderr}${stdout}`.trim().slice(-400)}`));
      else resolve(`${stdout}${stderr}`.trim().slice(-2000));
    });
  });
  // The old process may still answer for a moment; give the restart a beat, then wait for ready.
  await new Promise((r) => setTimeout(r, 1000));
  await waitReady(baseURL, timeoutMs);
  return { output, seconds: (Date.now() - t0) / 1000 };
}

/**
 * Restarts a managed target in place: stops it (SIGTERM, SIGKILL to its process group after 5 s),
 * starts again on the same workdir and port. Returns the new target (new pid).
 */
export async function restartManaged(t: ManagedTarget, opts: Omit<StartOptions, 'workdir' | 'port'> = {}): Promise<ManagedTarget> {
  if (!existsSync(t.workdir)) throw new Error(`cannot restart the managed target: its workdir ${t.workdir} is gone`);
  await t.stop();
  const port = Number(new URL(t.baseURL).port);
  // The port may linger for a moment after the old process exits.
  for (let attempt = 0; ; attempt++) {
    try {
      return await startManagedTarget({ ...opts, workdir: t.workdir, port });
    } catch (e) {
      if (attempt >= 3) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
