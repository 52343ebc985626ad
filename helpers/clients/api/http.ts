/**
 * A small HTTP client over Node's fetch for the AsterDrive API. The suite uses it instead of
 * Playwright's APIRequestContext so that bodies can be streamed (large uploads stay out of memory)
 * and so that credentials never land in Playwright traces.
 */
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { finished } from 'node:stream/promises';
import type { z } from 'zod';
import { transferProgress } from '../../harness/progress.js';
import { trustRunCa } from '../../harness/trust.js';
import { CONTRACT_RECORD_ENV, recordExchange } from './contract-hook.js';
import { ErrorEnvelope } from './schemas.js';
import { apiStep } from './step.js';

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly body: string,
  ) {
    super(`${method} ${new URL(url).pathname} answered ${status}${code ? ` ${code}` : ''}: ${body.slice(0, 300)}`);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  headers?: Record<string, string>;
  json?: unknown;
  body?: BodyInit | NodeJS.ReadableStream;
  query?: Record<string, string | number | undefined>;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Return AsterDrive's 429 as it is, instead of waiting it out (for checks about rate limits). */
  keep429?: boolean;
}

export class Http {
  constructor(
    readonly baseURL: string,
    private readonly defaultHeaders: () => Record<string, string> = () => ({}),
  ) {}

  url(path: string, query?: RequestOptions['query']): string {
    const u = new URL(path, this.baseURL);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  /**
   * The raw response; the caller decides what a good status is. AsterDrive's own 429 is waited out
   * (see `rawWithinRateLimits`) unless `keep429` is set.
   */
  raw(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    return opts.keep429 ? this.send(method, path, opts) : this.rawWithinRateLimits(method, path, opts);
  }

  private async send(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { ...this.defaultHeaders(), ...opts.headers };
    let body = opts.body as BodyInit | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    }
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    };
    if (body && typeof (body as unknown as NodeJS.ReadableStream).pipe === 'function') init.duplex = 'half';
    // The run's CA (managed entry, or ASTER_CA_FILE), also in a process started before it was known.
    await trustRunCa();
    const url = this.url(path, opts.query);
    const res = await fetch(url, init);
    // Opt-in: the recorded contract (scripts/record-contract.ts); off, this is one env lookup.
    await recordExchange(process.env[CONTRACT_RECORD_ENV], method, url, headers, opts.json, res);
    return res;
  }

  /**
   * `raw`, waiting out AsterDrive's own 429 (a production site's rate limits can refuse the suite's
   * set-up and reads; that is no finding of theirs) as its Retry-After says, a few times. Only for
   * bodies that can be sent again; the rate-limit checks send their probes without this client.
   */
  async rawWithinRateLimits(method: string, path: string, opts: RequestOptions): Promise<Response> {
    const replayable = opts.body === undefined || typeof opts.body === 'string' || opts.body instanceof Uint8Array;
    for (let attempt = 1; ; attempt++) {
      const res = await this.send(method, path, opts);
      if (res.status !== 429) return res;
      noteOwn429(method, this.url(path));
      if (!replayable || attempt >= RATE_LIMIT_ATTEMPTS) return res;
      const text = await res.text();
      const seconds = Number(res.headers.get('retry-after')) || Number(/retry after (\d+)\s*s/i.exec(text)?.[1]) || 1;
      await new Promise((r) => setTimeout(r, Math.min(seconds, 10) * 1000));
    }
  }

  /**
   * GETs a body and hashes it as it streams in, over Node's http(s): for large files about 1.4x the
   * throughput of fetch's web stream (`npm run bench`). A non-2xx answer throws an ApiError; a
   * broken or stalled body throws; nothing of the body is held in memory.
   */
  async sha256Of(path: string, opts: { timeoutMs?: number } = {}): Promise<{ sha256: string; bytes: number; status: number }> {
    await trustRunCa();
    const url = new URL(this.url(path));
    const request = url.protocol === 'https:' ? https.request : http.request;
    let stalled: Error | undefined;
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      // highWaterMark: up to 1 MiB buffered before the socket is paused (Node's http honours it; its types do not list it).
      const options = { method: 'GET', headers: this.defaultHeaders(), highWaterMark: 1024 * 1024, timeout: opts.timeoutMs ?? 600_000 } as http.RequestOptions;
      const req = request(url, options, resolve);
      req.on('timeout', () => {
        stalled = new Error(`GET ${url.pathname}: no data for ${(opts.timeoutMs ?? 600_000) / 1000} s`);
        req.destroy(stalled);
      });
      req.on('error', reject);
      req.end();
    });
    const status = res.statusCode ?? 0;
    // The recorded contract sees this exchange like any other (status and headers; bodies of downloads are not read).
    if (process.env[CONTRACT_RECORD_ENV]) {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) headers.append(k, one);
      await recordExchange(process.env[CONTRACT_RECORD_ENV], 'GET', url.toString(), this.defaultHeaders(), undefined, new Response(null, { status, headers }));
    }
    if (status < 200 || status > 299) {
      let text = '';
      for await (const c of res) text += String(c);
      throw new ApiError('GET', url.toString(), status, parseCode(text), text);
    }
    const hash = createHash('sha256');
    const length = Number(res.headers['content-length']);
    const progress = transferProgress(`download of ${url.pathname}`, length > 0 ? length : undefined);
    let bytes = 0;
    try {
      // Flowing: each chunk as the parser delivers it (about one TLS record), hashed while it is in
      // the cache. The async iterator would first concatenate the buffered chunks into new buffers
      // of up to 1 MiB: a copy of the whole body and twice the full GCs; in the bench's process
      // that cost 10-20% more CPU. A worker thread for the hash was slower still: on 2 cores
      // the server and the entry need the other one (scripts/bench.ts, "How to read this").
      const ended = finished(res);
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        progress.add(chunk.length);
      });
      await ended.catch((e: unknown) => {
        throw stalled ?? e;
      });
    } finally {
      progress.done();
    }
    return { sha256: hash.digest('hex'), bytes, status };
  }

  /** Calls the API and validates the success envelope's `data` with the schema. */
  call<T extends z.ZodType>(method: string, path: string, schema: T, opts: RequestOptions = {}): Promise<z.output<T>> {
    return apiStep(`${method} ${stepPath(path)}`, () => this.callUnboxed(method, path, schema, opts));
  }

  private async callUnboxed<T extends z.ZodType>(method: string, path: string, schema: T, opts: RequestOptions): Promise<z.output<T>> {
    const res = await this.raw(method, path, opts);
    const text = await res.text();
    if (!res.ok) throw new ApiError(method, res.url || this.url(path), res.status, parseCode(text), text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiError(method, this.url(path), res.status, undefined, `not JSON: ${text.slice(0, 200)}`);
    }
    const env = json as { code?: unknown; data?: unknown };
    if (env.code !== 'success') throw new ApiError(method, this.url(path), res.status, String(env.code), text);
    const parsed = schema.safeParse(env.data);
    if (!parsed.success) {
      throw new Error(
        `${method} ${path}: the response does not have the expected shape: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    return parsed.data;
  }
}

/**
 * The 429s the suite's own calls received this run, one `METHOD /path` per line beside the run
 * state: 11.1 does not count them as the site's error signals.
 */
export function own429Ledger(): string | undefined {
  return process.env.ASTER_RUN_STATE ? `${process.env.ASTER_RUN_STATE}.own-429` : undefined;
}

function noteOwn429(method: string, url: string): void {
  const file = own429Ledger();
  if (file) appendFileSync(file, `${method} ${new URL(url).pathname}\n`);
}

/** How often a typed call is sent when AsterDrive answers 429 (with Retry-After waits between). */
const RATE_LIMIT_ATTEMPTS = 6;

/** A path for a step title: no query, and token-like segments (share, activation, WOPI) hidden. */
export function stepPath(path: string): string {
  return path
    .split('?')[0]
    .split('/')
    .map((seg) => (seg.length >= 16 && /\d/.test(seg) && /[A-Za-z]/.test(seg) ? '…' : seg))
    .join('/');
}

export function parseCode(text: string): string | undefined {
  try {
    const parsed = ErrorEnvelope.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.code : undefined;
  } catch {
    return undefined;
  }
}

/** Reads one cookie from a response's Set-Cookie headers. */
export function setCookie(res: Response, name: string): { value: string; attributes: Record<string, string | true> } | undefined {
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq) !== name) continue;
    const attributes: Record<string, string | true> = {};
    for (const a of attrs) {
      const i = a.indexOf('=');
      if (i < 0) attributes[a.toLowerCase()] = true;
      else attributes[a.slice(0, i).toLowerCase()] = a.slice(i + 1);
    }
    return { value: pair.slice(eq + 1), attributes };
  }
  return undefined;
}

export function headersOf(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    out[name] = name === 'set-cookie' ? '[set-cookie]' : value;
  });
  return out;
}
