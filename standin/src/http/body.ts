import type { Request } from 'express';
import { ApiError, E } from './errors.js';

const JSON_LIMIT = 1024 * 1024;

async function readRaw(req: Request, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > limit) {
      req.resume();
      throw new ApiError(413, 'file.too_large', 'JSON payload is larger than the 1 MiB limit');
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** JSON body with the real server's rules (upstream src/api/extractors.rs). `optional` accepts an empty body as {}. */
export async function readJson<T = Record<string, unknown>>(req: Request, optional = false): Promise<T> {
  const cached = (req as unknown as { _json?: unknown })._json;
  if (cached !== undefined) return cached as T;
  const len = Number(req.headers['content-length'] ?? 'NaN');
  if (len > JSON_LIMIT) throw new ApiError(413, 'file.too_large', 'JSON payload is larger than the 1 MiB limit');
  const ct = String(req.headers['content-type'] ?? '').toLowerCase();
  const raw = await readRaw(req, JSON_LIMIT);
  if (raw.length === 0 && optional) return {} as T;
  if (!ct.startsWith('application/json') && !/^application\/[a-z0-9.+-]*\+json/.test(ct)) {
    throw E.bad('request content type must be application/json');
  }
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw E.bad(`invalid JSON request body: ${(e as Error).message}`);
  }
  (req as unknown as { _json?: unknown })._json = v;
  return v as T;
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function reqObj(v: unknown): Record<string, unknown> {
  if (!isObj(v)) throw E.bad('invalid JSON request body: expected an object');
  return v;
}

export function str(o: Record<string, unknown>, k: string, required = true): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) {
    if (required) throw E.bad(`invalid JSON request body: missing field \`${k}\``);
    return undefined;
  }
  if (typeof v !== 'string') throw E.bad(`invalid JSON request body: invalid type for \`${k}\`, expected a string`);
  return v;
}

export function int(o: Record<string, unknown>, k: string, required = false): number | undefined {
  const v = o[k];
  if (v === undefined || v === null) {
    if (required) throw E.bad(`invalid JSON request body: missing field \`${k}\``);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v)) throw E.bad(`invalid JSON request body: invalid type for \`${k}\`, expected an integer`);
  return v;
}

export function bool(o: Record<string, unknown>, k: string): boolean | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw E.bad(`invalid JSON request body: invalid type for \`${k}\`, expected a boolean`);
  return v;
}

export function denyUnknown(o: Record<string, unknown>, allowed: string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw E.bad(`invalid JSON request body: unknown field \`${k}\`, expected one of ${allowed.map((a) => `\`${a}\``).join(', ')}`);
  }
}

export function parseId(v: string | undefined): number {
  if (!v || !/^\d+$/.test(v)) throw E.notFound('endpoint.not_found', 'endpoint not found');
  return Number(v);
}

export function qint(v: unknown, dflt: number, max?: number): number {
  if (typeof v !== 'string' || v === '') return dflt;
  if (!/^-?\d+$/.test(v)) throw E.bad(`invalid query parameter: ${v}`);
  let n = Number(v);
  if (n < 0) throw E.bad(`invalid query parameter: ${v}`);
  if (max !== undefined && n > max) n = max;
  return n;
}
