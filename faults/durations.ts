/**
 * How long each fault-matrix run took when last measured (faults/durations.json), so that
 * `npm run faults` starts the longest runs first and no long run starts alone near the end. Most
 * of a run's time is its checks' waits (a slow download held past the proxy's limit, the event
 * stream, a stalled task queue), which neither the number of its items nor of its tests predicts.
 * The figures only order the runs; no verdict depends on them.
 *
 * Measured with `npm run faults -- --store-durations` (which also keeps the figures of runs it did
 * not make, e.g. the real binary's when ASTER_DRIVE_BIN is not given), as pytest-split keeps its
 * `.test_durations`: commit the file again when runs change a lot.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

export const DURATIONS_FILE = new URL('./durations.json', import.meta.url).pathname;

const Durations = z.object({
  /** How the figures were measured: the machine and the runs at a time. */
  measured: z.string(),
  /** Seconds per run, by the run's name (`jobName` in scripts/faults.ts). */
  runs: z.record(z.string(), z.number().nonnegative()),
});
export type Durations = z.infer<typeof Durations>;

export function readDurations(file = DURATIONS_FILE): Durations {
  if (!existsSync(file)) return { measured: '', runs: {} };
  const parsed = Durations.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file} is not a durations file (${parsed.error.issues[0]?.message}); delete it or run \`npm run faults -- --store-durations\``);
  return parsed.data;
}

/**
 * The order to start runs in: longest first. A run never measured counts as the longest known:
 * its cost is unknown, and starting it early risks less than starting it last.
 */
export function longestFirst<T>(jobs: T[], name: (j: T) => string, durations: Durations, first: (j: T) => boolean = () => false): T[] {
  const known = Object.values(durations.runs);
  const unknown = known.length ? Math.max(...known) : 0;
  const cost = (j: T) => (first(j) ? Number.POSITIVE_INFINITY : (durations.runs[name(j)] ?? unknown));
  return [...jobs].sort((a, b) => cost(b) - cost(a));
}

export function storeDurations(measured: Record<string, number>, how: string, file = DURATIONS_FILE): void {
  const before = readDurations(file).runs;
  const runs = Object.fromEntries(Object.entries({ ...before, ...measured }).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(file, `${JSON.stringify({ measured: how, runs }, null, 2)}\n`);
}
