/**
 * Rate-limit probes: a burst of harmless requests of one tier over one keep-alive connection
 * (AsterDrive's buckets are per process and client IP, so one connection keeps every request on
 * one bucket) until the first refusal, a bound or a time budget; and a burst of parallel requests
 * as a panel makes them. Refusals are told apart by who made them: AsterDrive (JSON envelope
 * `rate_limited`, Retry-After) or the proxy in front of it (plain text or HTML, no envelope).
 */
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { type Answer, classify } from './entry/answer.js';
import { PROBE_TIME_BUDGET_MS, type TierProbe } from '../judges/rate-limits.js';

export interface Refusal extends Answer {
  /** 1-based number of the refused request. */
  at: number;
  retryAfter?: string;
  xRateLimitAfter?: string;
}

export interface ProbeResult {
  tier: string;
  request: string;
  bound: number;
  sent: number;
  /** Requests answered (not refused) before the first refusal: the burst the client observed. */
  answeredBeforeRefusal: number;
  statuses: Record<string, number>;
  refusal?: Refusal;
  stoppedBy: 'refusal' | 'bound' | 'time' | 'error';
  error?: string;
  connections: number;
  seconds: number;
}

/** A refusal: any 429, or a 503 the proxy made itself (nginx limit_req answers 503 by default). */
export function isRefusal(a: Answer): boolean {
  return a.status === 429 || (a.status === 503 && a.from === 'proxy');
}

/** A 429 that AsterDrive itself made: its JSON envelope with code `rate_limited`. */
export function isAsterRateLimit(r: Refusal | undefined): boolean {
  return Boolean(r && r.status === 429 && r.from === 'app' && r.code === 'rate_limited');
}

function headersOf(raw: http.IncomingHttpHeaders): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
  return h;
}

interface Got {
  status: number;
  headers: Headers;
  text: string;
}

function send(agent: http.Agent, url: URL, method: string, headers: Record<string, string>, sockets: Set<Socket>): Promise<Got> {
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(url, { method, agent, headers: { ...headers, 'content-length': '0' } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 64 * 1024) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: headersOf(res.headers), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('socket', (s: Socket) => sockets.add(s));
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends `spec.method spec.path` again and again over one keep-alive connection until the first
 * refusal, `spec.bound` requests or the time budget.
 */
export async function probeTier(baseURL: string, spec: TierProbe, headers: Record<string, string> = {}): Promise<ProbeResult> {
  const url = new URL(spec.path, baseURL);
  const Agent = url.protocol === 'https:' ? https.Agent : http.Agent;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sockets = new Set<Socket>();
  const h = { accept: 'application/json', 'user-agent': 'asterdrive-launch-suite rate-limit probe', ...headers };
  const t0 = Date.now();
  const result: ProbeResult = {
    tier: spec.tier,
    request: `${spec.method} ${spec.path}`,
    bound: spec.bound,
    sent: 0,
    answeredBeforeRefusal: 0,
    statuses: {},
    stoppedBy: 'bound',
    connections: 0,
    seconds: 0,
  };
  let retried = false;
  try {
    while (result.sent < spec.bound) {
      if (Date.now() - t0 > PROBE_TIME_BUDGET_MS) {
        result.stoppedBy = 'time';
        break;
      }
      result.sent++;
      let got: Got;
      try {
        got = await send(agent, url, spec.method, h, sockets);
      } catch (e) {
        // A kept-alive connection closed by the server in between: retry that request once on a new one.
        if (!retried) {
          retried = true;
          result.sent--;
          continue;
        }
        result.stoppedBy = 'error';
        result.error = `request ${result.sent}: ${(e as Error).message}`;
        break;
      }
      result.statuses[got.status] = (result.statuses[got.status] ?? 0) + 1;
      const answer = classify(got.status, got.headers, got.text);
      if (isRefusal(answer)) {
        result.refusal = {
          ...answer,
          at: result.sent,
          retryAfter: got.headers.get('retry-after') ?? undefined,
          xRateLimitAfter: got.headers.get('x-ratelimit-after') ?? undefined,
        };
        result.stoppedBy = 'refusal';
        break;
      }
      result.answeredBeforeRefusal++;
    }
  } finally {
    result.seconds = Math.round((Date.now() - t0) / 100) / 10;
    result.connections = Math.max(1, sockets.size);
    agent.destroy();
  }
  return result;
}

/** Seconds a refusal asks the client to wait (Retry-After in seconds; 2 when it gives none). */
export function retryAfterSeconds(r: Refusal | undefined): number {
  const n = Number(r?.retryAfter);
  return Number.isFinite(n) && n >= 0 ? n : 2;
}

/**
 * Waits until the refused bucket has refilled enough for ordinary use again: Retry-After (the
 * time for one token), then room for `tokens` more (one refill interval is about Retry-After for
 * an empty bucket), at most 60 s. Returns the seconds waited.
 */
export async function recover(result: ProbeResult, tokens = 3): Promise<number> {
  if (!result.refusal) return 0;
  const ra = retryAfterSeconds(result.refusal);
  const seconds = Math.max(ra, Math.min(60, ra * (1 + tokens))) + 0.5;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return seconds;
}

export interface BurstResult {
  request: string;
  concurrency: number;
  seconds: number;
  statuses: Record<string, number>;
  /** Answers the proxy made itself (refusals or errors). */
  fromProxy: Answer[];
  /** 429s made by AsterDrive. */
  asterRateLimited: number;
  errors: string[];
}

/** `n` requests at once (as a panel fires its reads), over as many connections as the client opens. */
export async function parallelBurst(baseURL: string, path: string, n: number, headers: Record<string, string>): Promise<BurstResult> {
  const t0 = Date.now();
  const settled = await Promise.allSettled(
    Array.from({ length: n }, async () => {
      const res = await fetch(new URL(path, baseURL), { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(30_000) });
      return classify(res.status, res.headers, await res.text());
    }),
  );
  const out: BurstResult = { request: `GET ${path}`, concurrency: n, seconds: 0, statuses: {}, fromProxy: [], asterRateLimited: 0, errors: [] };
  for (const s of settled) {
    if (s.status === 'rejected') {
      out.errors.push(String((s.reason as Error)?.message ?? s.reason));
      continue;
    }
    const a = s.value;
    out.statuses[a.status] = (out.statuses[a.status] ?? 0) + 1;
    if (a.from === 'proxy') out.fromProxy.push(a);
    else if (a.status === 429) out.asterRateLimited++;
  }
  out.seconds = Math.round((Date.now() - t0) / 100) / 10;
  return out;
}

/** One line for a message: what the probe saw. */
export function summarize(r: ProbeResult): string {
  const where = `${r.request} (${r.tier} tier)`;
  if (r.refusal) {
    const who = isAsterRateLimit(r.refusal) ? 'AsterDrive' : r.refusal.from === 'proxy' ? 'the proxy' : 'AsterDrive (without its rate_limited envelope)';
    return `${where}: request ${r.refusal.at} was refused with ${r.refusal.status} by ${who} after ${r.answeredBeforeRefusal} answered (Retry-After ${r.refusal.retryAfter ?? 'absent'}, body "${r.refusal.snippet.slice(0, 80)}")`;
  }
  if (r.stoppedBy === 'error') return `${where}: the probe broke off after ${r.sent} requests: ${r.error}`;
  if (r.stoppedBy === 'time') return `${where}: no refusal in ${r.sent} requests within ${PROBE_TIME_BUDGET_MS / 1000} s`;
  return `${where}: no refusal in ${r.sent} requests (bound ${r.bound}); answers ${JSON.stringify(r.statuses)}`;
}
