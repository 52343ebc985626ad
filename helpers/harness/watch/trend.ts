/**
 * The watch's trend: every round's signals, and the series that get worse round after round.
 * Pure, so the unit tests drive it. Every signal is "higher is worse"; a series is flagged when it
 * rose in each of the last `worseAfter` steps between rounds that read it (a counter that fell,
 * as after a restart, starts over), or, for health, when an endpoint failed in each of the last
 * `worseAfter` rounds.
 */
import { SIGNAL_GROUPS, type SignalGroup } from './signals.js';

export interface WatchRound {
  n: number;
  startedAt: string;
  durationMs: number;
  /** The round failed as a whole (nothing could be read); the watch goes on. */
  error?: string;
  problems: string[];
  signals: Partial<Record<SignalGroup, Record<string, number>>>;
}

export interface Flag {
  group: SignalGroup;
  series: string;
  rounds: number[];
  values: number[];
  why: string;
}

export interface WatchFile {
  target: string;
  startedAt: string;
  finishedAt?: string;
  everyMinutes: number;
  forHours: number;
  plannedRounds: number;
  worseAfter: number;
  readOnly: string;
  rounds: WatchRound[];
  flags: Flag[];
  /** Done: every planned round ran (or the watch was stopped). */
  done: boolean;
}

/** Each series of a group, with its value in every round (undefined where the round did not read it). */
export function seriesOf(rounds: WatchRound[], group: SignalGroup): Map<string, (number | undefined)[]> {
  const names = new Set<string>();
  for (const r of rounds) for (const k of Object.keys(r.signals[group] ?? {})) names.add(k);
  const out = new Map<string, (number | undefined)[]>();
  for (const name of names)
    out.set(
      name,
      rounds.map((r) => r.signals[group]?.[name]),
    );
  return out;
}

export function worsening(rounds: WatchRound[], worseAfter = 2): Flag[] {
  const flags: Flag[] = [];
  for (const group of Object.keys(SIGNAL_GROUPS) as SignalGroup[]) {
    for (const [series, values] of seriesOf(rounds, group)) {
      const read = values.map((v, i) => ({ v, n: rounds[i].n })).filter((x): x is { v: number; n: number } => x.v !== undefined);
      if (group === 'health') {
        const last = read.slice(-worseAfter);
        if (last.length === worseAfter && last.every((x) => x.v > 0))
          flags.push({
            group,
            series,
            rounds: last.map((x) => x.n),
            values: last.map((x) => x.v),
            why: `${series} failed in each of the last ${worseAfter} rounds`,
          });
        continue;
      }
      const last = read.slice(-(worseAfter + 1));
      if (last.length < worseAfter + 1) continue;
      if (last.every((x, i) => i === 0 || x.v > last[i - 1].v))
        flags.push({
          group,
          series,
          rounds: last.map((x) => x.n),
          values: last.map((x) => x.v),
          why: `${series} rose in each of the last ${worseAfter} rounds: ${last.map((x) => x.v).join(' → ')}`,
        });
    }
  }
  return flags;
}
