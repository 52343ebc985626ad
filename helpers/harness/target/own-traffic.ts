/**
 * The 429s the suite's own calls received from an existing deployment, kept between runs. A
 * server's counters only reset when it restarts, so the rate-limit refusals of earlier runs stay
 * in http_requests_total; without this record 11.1 would count them as refusals of its users.
 * Kept per deployment origin in ~/.cache/aster-launch/own-429/ (XDG_CACHE_HOME is honoured).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { own429Ledger } from '../../clients/api/http.js';

interface History {
  /** http_requests_total summed when 11.1 last read it: fewer now means the server restarted. */
  requestsSeen?: number;
  /** `METHOD /path` -> how many 429s the suite received there. */
  own429: Record<string, number>;
}

function historyFile(baseURL: string): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'aster-launch', 'own-429', `${new URL(baseURL).host.replace(/[^A-Za-z0-9.-]/g, '_')}.json`);
}

function readHistory(baseURL: string): History {
  try {
    return JSON.parse(readFileSync(historyFile(baseURL), 'utf8')) as History;
  } catch {
    return { own429: {} };
  }
}

/** Where 11.1 notes what it saw for the teardown (beside the run state). */
const seenFile = () => (process.env.ASTER_RUN_STATE ? `${process.env.ASTER_RUN_STATE}.requests-seen` : undefined);

/** This run's own 429s, one `METHOD /path` per entry. */
export function thisRunOwn429(): string[] {
  const file = own429Ledger();
  return file && existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/**
 * The suite's own 429s still in the server's counters: this run's, and earlier runs' unless the
 * server restarted since (its request total went down). Notes the total for the teardown.
 */
export function ownRateLimited(baseURL: string, requestsSeen: number): { lines: string[]; earlier: number; restarted: boolean } {
  const history = readHistory(baseURL);
  const restarted = history.requestsSeen !== undefined && requestsSeen < history.requestsSeen;
  const file = seenFile();
  if (file) writeFileSync(file, JSON.stringify({ requestsSeen, restarted }));
  const earlier = restarted ? [] : Object.entries(history.own429).flatMap(([line, n]) => Array<string>(n).fill(line));
  return { lines: [...earlier, ...thisRunOwn429()], earlier: earlier.length, restarted };
}

/** At the end of a run against a deployment: adds this run's own 429s to the kept record. */
export function keepOwnRateLimited(baseURL: string): void {
  const history = readHistory(baseURL);
  const file = seenFile();
  const seen = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { requestsSeen: number; restarted: boolean }) : undefined;
  const own429 = seen?.restarted ? {} : history.own429;
  for (const line of thisRunOwn429()) own429[line] = (own429[line] ?? 0) + 1;
  if (!Object.keys(own429).length && !existsSync(historyFile(baseURL))) return;
  mkdirSync(path.dirname(historyFile(baseURL)), { recursive: true });
  writeFileSync(historyFile(baseURL), `${JSON.stringify({ requestsSeen: seen?.requestsSeen ?? history.requestsSeen, own429 }, null, 2)}\n`);
}
