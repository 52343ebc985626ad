import { findFault } from './catalogue.js';
import type { Fault } from './types.js';

/**
 * The fault a fault-matrix run injects (ASTER_FAULT), if any. Only ever set by `npm run faults`.
 * A comma-separated list is a shared run: all of those faults at once (combineFaults).
 */
export function activeFault(): Fault | undefined {
  const names = (process.env.ASTER_FAULT ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) return undefined;
  return names.length === 1 ? findFault(names[0]) : combineFaults(names.map(findFault));
}

/** Values two faults both set must agree; otherwise they cannot share a run. */
function mergeRecords(what: string, records: (Record<string, string> | undefined)[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const r of records)
    for (const [k, v] of Object.entries(r ?? {})) {
      if (k in out && out[k] !== v) throw new Error(`faults that share a run set ${what} ${k} differently (${out[k]} and ${v})`);
      out[k] = v;
    }
  return Object.keys(out).length ? out : undefined;
}

/** Several faults as one: every induction of each, in catalogue order (faults/types.ts `share`). */
export function combineFaults(faults: Fault[]): Fault {
  if (faults.length === 1) return faults[0];
  const union = (xs: string[][]) => [...new Set(xs.flat())];
  const befores = faults.flatMap((f) => (f.beforeStart ? [f.beforeStart] : []));
  const afters = faults.flatMap((f) => (f.afterProvision ? [f.afterProvision] : []));
  const proxy = union(faults.map((f) => f.proxy ?? [])) as Fault['proxy'];
  return {
    name: faults.map((f) => f.name).join(','),
    description: faults.map((f) => f.description).join('; '),
    induction: faults[0].induction,
    runs: union(faults.map((f) => f.runs)),
    fails: union(faults.map((f) => f.fails)),
    env: mergeRecords(
      'the environment variable',
      faults.map((f) => f.env),
    ),
    targetEnv: mergeRecords(
      'the target variable',
      faults.map((f) => f.targetEnv),
    ),
    beforeStart: befores.length
      ? (workdir) => {
          for (const b of befores) b(workdir);
        }
      : undefined,
    proxy: proxy?.length ? proxy : undefined,
    skipStorage: faults.some((f) => f.skipStorage) || undefined,
    afterProvision: afters.length
      ? async (admin, state) => {
          for (const a of afters) await a(admin, state);
        }
      : undefined,
    s3Unversioned: faults.some((f) => f.s3Unversioned) || undefined,
    serial: faults.some((f) => f.serial) || undefined,
  };
}
