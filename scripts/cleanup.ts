/**
 * `npm run cleanup [-- --dry-run] [-- --run r1a2b3c]`: removes what interrupted launch runs left on
 * the target in .env (ASTER_BASE_URL or nothing = nothing to do): namespaced files and folders
 * wherever they are (and their trash entries), shares of them, WebDAV accounts and test users.
 * Names outside the run namespace are never touched. The same sweep (helpers/harness/safety/sweep.ts) runs
 * at the end of every run for that run's own data. On this machine it removes the temporary
 * directories of runs that were killed (helpers/harness/temp-dirs.ts), as every run does when it starts.
 */
import { AsterClient } from '../helpers/clients/api/aster.js';
import { ConfigError, loadConfig } from '../helpers/harness/config.js';
import { RUN_ID } from '../helpers/harness/namespace.js';
import { sweepStaleTempDirs } from '../helpers/harness/temp-dirs.js';
import { cleanupCommand, findLeftovers, type SweepAccount, sweep } from '../helpers/harness/safety/sweep.js';

async function main(): Promise<void> {
  const dryRun = process.argv.includes('--dry-run');
  const runArg = process.argv.indexOf('--run');
  const onlyRun = runArg > 0 ? process.argv[runArg + 1] : undefined;
  if (runArg > 0 && !(onlyRun && new RegExp(`^${RUN_ID.source}$`).test(onlyRun))) {
    console.error(`--run needs a run ID like r1a2b3c (got "${onlyRun ?? ''}").`);
    process.exit(2);
  }
  let cfg: ReturnType<typeof loadConfig>;
  try {
    cfg = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  if (!dryRun) {
    const stale = sweepStaleTempDirs();
    console.log(`This machine: removed ${stale.length} temporary director${stale.length === 1 ? 'y' : 'ies'} left by interrupted runs.`);
  }
  const base = cfg.env.ASTER_BASE_URL;
  if (!base || !cfg.env.ASTER_ADMIN_USER || !cfg.env.ASTER_ADMIN_PASSWORD) {
    console.log('Nothing to clean: ASTER_BASE_URL and admin credentials are not set (managed targets are thrown away after each run).');
    return;
  }
  const admin = await AsterClient.signIn(base, { identifier: cfg.env.ASTER_ADMIN_USER, password: cfg.env.ASTER_ADMIN_PASSWORD });
  const accounts: SweepAccount[] = [{ label: admin.identifier, client: admin }];
  if (cfg.env.ASTER_USER && cfg.env.ASTER_USER_PASSWORD) {
    const user = await AsterClient.signIn(base, { identifier: cfg.env.ASTER_USER, password: cfg.env.ASTER_USER_PASSWORD });
    accounts.push({ label: user.identifier, client: user });
  }
  const opts = { run: onlyRun };
  const found = await findLeftovers(accounts, admin, opts);
  for (const i of found.incomplete) console.log(`  note: ${i}`);
  if (found.leftovers.length === 0) {
    console.log(`No leftovers of launch runs on ${base}.`);
    return;
  }
  const runs = new Set(found.leftovers.map((f) => f.run));
  if (dryRun) {
    console.log(`Would remove ${found.leftovers.length} leftover(s) of ${runs.size} run(s) on ${base}:`);
    for (const f of found.leftovers) console.log(`  ${f.run}  ${f.account} ${f.kind}: ${f.name}${f.where.startsWith('/') ? `  (in ${f.where})` : ''}`);
    return;
  }
  console.log(`Removing ${found.leftovers.length} leftover(s) of ${runs.size} run(s) on ${base}:`);
  const result = await sweep(accounts, admin, opts);
  for (const f of result.removed) console.log(`  removed ${f.account} ${f.kind}: ${f.name}`);
  const errors = new Map(result.failed.map((f) => [`${f.leftover.account}|${f.leftover.kind}|${f.leftover.id}`, f.error]));
  for (const f of result.remaining) {
    console.log(
      `  FAILED  ${f.account} ${f.kind}: ${f.name}${errors.has(`${f.account}|${f.kind}|${f.id}`) ? `: ${errors.get(`${f.account}|${f.kind}|${f.id}`)}` : ' (still there)'}`,
    );
  }
  if (result.remaining.length) {
    console.log(`Still there after the sweep: ${result.remaining.length}. Fix the cause above and run \`${cleanupCommand(onlyRun)}\` again.`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`cleanup: ${(e as Error).message}`);
  process.exit(1);
});
