/**
 * What part of the suite a run selects, read from the runner's command line (`npx playwright test
 * ...`): a filter (--grep, --project, a file or line argument, --last-failed, ...) or a fault-matrix
 * run (ASTER_FAULT) narrows it; --shard splits it.
 */
import { shardOf } from './shard.js';

/** Options of `playwright test` that select tests. */
const FILTERS = /^(-g|--grep|--grep-invert|--project|--last-failed|--only-changed|--test-list|--test-list-invert)(=|$)/;
/** Options whose value may follow as the next argument. */
const TAKES_VALUE = new Set([
  '-c',
  '--config',
  '--browser',
  '--global-timeout',
  '-j',
  '--workers',
  '--max-failures',
  '--output',
  '--repeat-each',
  '--reporter',
  '--retries',
  '--shard',
  '--timeout',
  '--trace',
  '--tsconfig',
]);

/** The arguments after `test` (all of them when there is no `test` command word). */
function testArgs(argv: string[]): string[] {
  const i = argv.indexOf('test');
  return argv.slice(i >= 0 ? i + 1 : 2);
}

/** The run selects part of the suite: a filter option, a file or line argument, or a fault-matrix run. */
export function filteredRun(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.ASTER_FAULT) return true;
  const args = testArgs(argv);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (FILTERS.test(a)) return true;
    if (TAKES_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return true; // a file filter: `persistence`, `tests/s01-data`, `x.spec.ts:12`
  }
  return false;
}

/** The run selects every test of the suite: not filtered, not sharded. */
export function wholeSuiteRun(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return !filteredRun(argv, env) && !shardOf(argv);
}
