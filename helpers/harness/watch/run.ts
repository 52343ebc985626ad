/**
 * The watch loop: a round every `everyMinutes` (on a fixed grid from the start, so the number of
 * rounds is ceil(forHours*60 / everyMinutes) however long a round takes), for `forHours`, then it
 * stops by itself. A round that fails is recorded and the next one runs. After every round
 * reports/watch.json and reports/watch.html are rewritten, so a watch stopped early keeps its trend.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderWatchHtml } from './html.js';
import type { RoundSignals } from './signals.js';
import { type WatchFile, type WatchRound, worsening } from './trend.js';

export interface WatchOptions {
  target: string;
  everyMinutes: number;
  forHours: number;
  /** Stop after this many rounds even if time is left. */
  maxRounds?: number;
  worseAfter?: number;
  outDir: string;
  collect: () => Promise<RoundSignals>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: (line: string) => void;
  /** Resolves when the watch should stop early (Ctrl-C). */
  stopped?: () => boolean;
}

export function plannedRounds(everyMinutes: number, forHours: number, maxRounds?: number): number {
  const n = Math.max(1, Math.ceil((forHours * 60) / everyMinutes - 1e-9));
  return maxRounds ? Math.min(n, maxRounds) : n;
}

export async function runWatch(o: WatchOptions): Promise<WatchFile> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = o.log ?? ((l: string) => console.log(l));
  const start = now();
  const everyMs = o.everyMinutes * 60_000;
  const total = plannedRounds(o.everyMinutes, o.forHours, o.maxRounds);
  const file: WatchFile = {
    target: o.target,
    startedAt: new Date(start).toISOString(),
    everyMinutes: o.everyMinutes,
    forHours: o.forHours,
    plannedRounds: total,
    worseAfter: o.worseAfter ?? 2,
    readOnly:
      'signs in as the administrator each round (a login is recorded as on any sign-in), then only reads: GET requests, the metrics scrape, the data directory',
    rounds: [],
    flags: [],
    done: false,
  };
  mkdirSync(o.outDir, { recursive: true });
  const save = () => {
    file.flags = worsening(file.rounds, file.worseAfter);
    writeFileSync(path.join(o.outDir, 'watch.json'), `${JSON.stringify(file, null, 2)}\n`);
    writeFileSync(path.join(o.outDir, 'watch.html'), renderWatchHtml(file));
  };
  for (let n = 1; n <= total && !o.stopped?.(); n++) {
    const due = start + (n - 1) * everyMs;
    if (due > now()) await sleep(due - now());
    if (o.stopped?.()) break;
    const began = now();
    let round: WatchRound;
    try {
      const s = await o.collect();
      round = { n, startedAt: new Date(began).toISOString(), durationMs: now() - began, problems: s.problems, signals: s.signals };
    } catch (e) {
      round = { n, startedAt: new Date(began).toISOString(), durationMs: now() - began, error: (e as Error).message.split('\n')[0], problems: [], signals: {} };
    }
    file.rounds.push(round);
    save();
    const flagged = file.flags.map((f) => `\n  WORSE: ${f.why}`).join('');
    log(
      `round ${n}/${total} ${round.error ? `FAILED: ${round.error}` : `read ${Object.keys(round.signals).length} signal groups`}${
        round.problems.length ? ` (${round.problems.length} problem(s): ${round.problems.join('; ')})` : ''
      }${flagged}`,
    );
  }
  file.done = true;
  file.finishedAt = new Date(now()).toISOString();
  save();
  return file;
}
