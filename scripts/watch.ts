/**
 * First-day watch (checklist section 11): re-reads the read-only signals of a deployment every
 * `--every` minutes for `--for` hours and keeps the trend in reports/watch.{json,html}, a plot per
 * signal, flagging a signal that gets worse round after round. Writes nothing to the deployment.
 *
 *   npm run watch -- --every 5 --for 24            # the deployment of .env (ASTER_BASE_URL, ASTER_ADMIN_*)
 *   npm run watch -- --every 0.1 --for 0.005       # three rounds, six seconds apart
 *
 * Options: --every <minutes> (fractions allowed; default 5), --for <hours> (default 24),
 * --rounds <n> (at most n rounds), --worse-after <k> (flag after k worse steps in a row; default 2),
 * --out <dir> (default ASTER_REPORTS_DIR or reports/). Exit 0, or 1 when a signal got worse round
 * after round or no round could read anything; 2 when it cannot start (no deployment configured).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AsterClient } from '../helpers/clients/api/aster.js';
import { ConfigError, loadConfig } from '../helpers/harness/config.js';
import { trustInThisProcess } from '../helpers/harness/trust.js';
import { collectSignals, type WatchTarget } from '../helpers/harness/watch/signals.js';
import { plannedRounds, runWatch } from '../helpers/harness/watch/run.js';

function option(name: string, fallback?: number): number | undefined {
  const args = process.argv.slice(2);
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const raw = args[i].includes('=') ? args[i].split('=')[1] : args[i + 1];
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) stop(`--${name} must be a positive number (fractions allowed), not "${raw}"`);
  return v;
}

function stop(message: string): never {
  console.error(`\nThe watch cannot start: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let cfg: ReturnType<typeof loadConfig>;
  try {
    cfg = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) stop(e.message);
    throw e;
  }
  const env = cfg.env;
  if (!env.ASTER_BASE_URL || !env.ASTER_ADMIN_USER || !env.ASTER_ADMIN_PASSWORD)
    stop(
      'it watches one deployment across rounds: set ASTER_BASE_URL, ASTER_ADMIN_USER and ASTER_ADMIN_PASSWORD (.env). ' +
        'To watch the stand-in, start it once (`npm run standin` in an empty directory, README "First-day watch") and point these at it.',
    );
  const every = option('every', 5) as number;
  const forHours = option('for', 24) as number;
  const rounds = option('rounds');
  const worseAfter = option('worse-after', 2) as number;
  const outArg = process.argv.indexOf('--out');
  const outDir = path.resolve(outArg > 0 ? process.argv[outArg + 1] : (process.env.ASTER_REPORTS_DIR ?? 'reports'));
  if (env.ASTER_CA_FILE) await trustInThisProcess(readFileSync(env.ASTER_CA_FILE, 'utf8'));

  const target: WatchTarget = {
    baseURL: String(env.ASTER_BASE_URL).replace(/\/$/, ''),
    admin: { identifier: String(env.ASTER_ADMIN_USER), password: String(env.ASTER_ADMIN_PASSWORD) },
    metricsURL: env.ASTER_METRICS_URL,
    dataDir: env.ASTER_DATA_DIR ? path.resolve(env.ASTER_DATA_DIR) : undefined,
  };
  let stopped = false;
  let wake: (() => void) | undefined;
  process.once('SIGINT', () => {
    stopped = true;
    wake?.();
    console.log('\nStopping after this round (Ctrl-C); the trend so far is kept.');
  });
  let client: AsterClient | undefined;
  const total = plannedRounds(every, forHours, rounds);
  console.log(
    `First-day watch of ${target.baseURL}: ${total} round(s), every ${every} min for ${forHours} h; read-only.\n` +
      `  metrics: ${target.metricsURL ?? `${target.baseURL}/health/metrics (set ASTER_METRICS_URL to the scraper's URL)`}\n` +
      `  disk: ${target.dataDir ?? 'not watched (set ASTER_DATA_DIR on the server host)'}\n  trend: ${path.join(outDir, 'watch.html')}`,
  );
  const file = await runWatch({
    target: target.baseURL,
    everyMinutes: every,
    forHours,
    maxRounds: rounds,
    worseAfter,
    outDir,
    stopped: () => stopped,
    sleep: (ms) =>
      new Promise<void>((r) => {
        const t = setTimeout(r, ms);
        wake = () => {
          clearTimeout(t);
          r();
        };
      }),
    collect: async () => {
      const r = await collectSignals(target, client);
      // A sign-in that failed is retried next round; a working one is reused (it re-signs in on expiry).
      client = r.client;
      if (Object.keys(r.signals).length <= 1 && r.signals.health && Object.values(r.signals.health).every((v) => v > 0))
        throw new Error(`${target.baseURL} did not answer: ${r.problems.join('; ')}`);
      return r;
    },
  });
  const failed = file.rounds.filter((r) => r.error).length;
  console.log(
    `\nWatch finished: ${file.rounds.length} round(s), ${failed} failed, ${file.flags.length} signal(s) getting worse.${file.flags
      .map((f) => `\n  WORSE: ${f.why}`)
      .join('')}\nTrend: ${path.join(outDir, 'watch.html')} (and watch.json)`,
  );
  process.exit(file.flags.length > 0 || failed === file.rounds.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
