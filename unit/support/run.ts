import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion and hands back its exit status instead of throwing on a non-zero
 * one: the suite exits 3 (INCOMPLETE) on every filtered or stand-in run, which is not an error
 * for the tests that drive it. execFile, not spawnSync: a blocked event loop cannot retire idle
 * keep-alive sockets, and the next request on a socket the server already closed fails.
 */
export function run(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; timeout?: number }): Promise<RunResult> {
  return promisify(execFile)(cmd, args, {
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env,
    timeout: opts.timeout ?? 400_000,
    maxBuffer: 64 * 1024 * 1024,
  }).then(
    (r) => ({ status: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      status: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }),
  );
}
