/**
 * Sharded runs (`npx playwright test --shard=i/n` on several CI runners, then
 * `npx playwright merge-reports --config merge.config.ts`): which shard this is, the blob reporter
 * the merge replays, and which shard runs the disruptive checks.
 *
 * Playwright shards only the top-level projects (api, browser); setup, the checks gate, the
 * disruptive checks (the gate's teardown) and the teardown are dependencies and would run in every
 * shard. The disruptive checks must run alone against the target, so exactly one shard keeps them:
 * the last one, at its end (ASTER_SHARD_DISRUPTIVE=last, the default), or none
 * (ASTER_SHARD_DISRUPTIVE=none) when a job after all shards runs them on their own
 * (`ASTER_SHARD_DISRUPTIVE=only npx playwright test`: setup, the gate, the disruptive checks and
 * the teardown, nothing else, with a blob to merge), as against one deployment whose shards run at
 * the same time. Dropping them from a shard changes nothing in how Playwright
 * splits the other tests, since a dependency is never split.
 */
import type { ReporterDescription } from '@playwright/test';

export interface Shard {
  current: number;
  total: number;
}

/** `--shard=i/n` or `--shard i/n` on the command line (the runner's; workers have no such argument). */
export function shardOf(argv: string[] = process.argv): Shard | undefined {
  for (let i = 0; i < argv.length; i++) {
    const m = /^--shard(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    const value = m[1] ?? argv[i + 1] ?? '';
    const v = /^(\d+)\/(\d+)$/.exec(value);
    if (v) return { current: Number(v[1]), total: Number(v[2]) };
  }
  return undefined;
}

/** Where the blob goes: ASTER_BLOB_DIR, else `blob-report/`. */
export function blobDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ASTER_BLOB_DIR || 'blob-report';
}

/** A blob reporter when sharded or asked for (ASTER_BLOB_REPORT=1): what `merge-reports` replays. */
export function blobReporters(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): ReporterDescription[] {
  const wanted = shardOf(argv) !== undefined || /^(1|true)$/i.test(env.ASTER_BLOB_REPORT ?? '') || disruptiveOnly(env);
  return wanted ? [['blob', { outputDir: blobDir(env) }]] : [];
}

/** Whether this run keeps the disruptive checks: always unsharded; in a sharded run only the chosen shard. */
export function runsDisruptive(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  const shard = shardOf(argv);
  if (!shard) return true;
  const where = (env.ASTER_SHARD_DISRUPTIVE ?? 'last').toLowerCase();
  if (where === 'none') return false;
  return shard.current === shard.total;
}

/** ASTER_SHARD_DISRUPTIVE=only: the run after the shards that runs the disruptive checks alone (api and browser match nothing). */
export function disruptiveOnly(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.ASTER_SHARD_DISRUPTIVE ?? '').toLowerCase() === 'only';
}

/** A project grep that matches no test: the disruptive project of a shard that does not run them. */
export const NO_TEST = /(?!)/;
