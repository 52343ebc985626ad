/**
 * The launch report of a merged sharded run (`npx playwright merge-reports --config merge.config.ts`).
 * Playwright replays the shards' blob reports through the reporters: no global setup runs and no
 * run state exists, so each shard's target travels as an annotation of a setup test
 * (tests/setup/target.setup.ts), and the whole suite is listed from the suite's own configuration
 * (merge.config.ts names it) to tell a complete merge from a partial one.
 */
import type { LaunchReport } from './model.js';

export const TARGET_ANNOTATION = 'aster_target';

export interface ShardTarget {
  baseURL?: string;
  kind?: string;
  description?: string;
  runId?: string;
  mode?: string;
}

export function targetAnnotation(t: ShardTarget): string {
  return JSON.stringify(t);
}

export function parseTargetAnnotation(description: string | undefined): ShardTarget | undefined {
  if (!description) return undefined;
  try {
    const t = JSON.parse(description) as ShardTarget;
    return typeof t === 'object' && t ? t : undefined;
  } catch {
    return undefined;
  }
}

/** `npx playwright merge-reports`: the reporter replays blobs instead of watching a run. */
export function isMergeRun(argv: string[] = process.argv): boolean {
  return argv.includes('merge-reports');
}

/**
 * One target line for the report from the targets the shards recorded, and a problem when they
 * cannot form one launch verdict: shards of one verdict check the same kind of target, and shards
 * against a deployment check the same deployment (managed shards each start their own target).
 */
export function combineTargets(targets: ShardTarget[]): { target: LaunchReport['target']; problem?: string } {
  if (targets.length === 0) return { target: {} };
  const first = targets[0];
  if (targets.length === 1) return { target: { baseURL: first.baseURL, kind: first.kind, description: first.description, runId: first.runId } };
  const kinds = [...new Set(targets.map((t) => t.kind ?? 'unknown'))];
  const urls = [...new Set(targets.map((t) => t.baseURL ?? 'unknown'))];
  const runIds = targets.map((t) => t.runId ?? '-');
  const managed = targets.every((t) => t.mode === 'managed');
  let problem: string | undefined;
  if (kinds.length > 1) problem = `the merged runs checked different kinds of target (${kinds.join(', ')}): merge only runs of one target`;
  else if (!managed && urls.length > 1) problem = `the merged runs checked different deployments (${urls.join(', ')}): merge only runs of one target`;
  const how = managed ? `${targets.length} runs merged, each against its own managed target` : `${targets.length} runs merged against one deployment`;
  return {
    target: {
      baseURL: managed && urls.length > 1 ? `${first.baseURL} (and ${urls.length - 1} more: one per shard)` : first.baseURL,
      kind: first.kind,
      description: `${first.description ?? first.kind ?? 'unknown'}; ${how}`,
      runId: runIds.join(','),
    },
    problem,
  };
}
