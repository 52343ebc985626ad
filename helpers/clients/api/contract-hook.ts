/**
 * Opt-in recording of the interface facts of every request made through `Http` (issue 11, the
 * recorded contract): with ASTER_RUN_CONTRACT_RECORD=<file.jsonl> each answer appends one line
 * with the method, the path as a template, the status, a few headers, the Set-Cookie names and
 * attributes, and the body's type tree. No value leaves this module except the envelope's `code`
 * and fixed header tokens: never a cookie value, a token, a name, a text or a file's content.
 * `scripts/record-contract.ts` condenses the lines into `standin/contract/<target>/`.
 */
import { appendFileSync } from 'node:fs';

/** The variable sits under the config's ASTER_RUN_ pass-through: set by the recorder, not by operators. */
export const CONTRACT_RECORD_ENV = 'ASTER_RUN_CONTRACT_RECORD';

/**
 * A JSON value's type tree: `"number|null"` for primitives, `{field: shape}` for objects
 * (`"field?"` when only some answers carry it), `[shape]` for arrays (the union of the elements,
 * `[]` when only empty arrays were seen). A node that is also null or a primitive carries `"$also"`.
 */
export type Shape = string | ShapeObject | Shape[];
export interface ShapeObject {
  [key: string]: Shape;
}

export interface ContractLine {
  method: string;
  path: string;
  query: string[];
  /** How the request authenticated: bearer, cookie (+csrf), none. */
  auth: string;
  /** The request body's type tree, when it was JSON. */
  request?: Shape;
  status: number;
  headers: Record<string, string>;
  cookies: CookieFact[];
  /** `json`, `empty`, or the media type of a body that is not JSON (never the body). */
  body: string;
  shape?: Shape;
}

export interface CookieFact {
  name: string;
  attributes: Record<string, string>;
}

/** Path segments kept as they are: words, API versions; anything else is an id, a token or a name. */
const WORD = /^[a-z][a-z0-9_.-]{0,63}$/;

export function pathTemplate(pathname: string): string {
  const segs = pathname.split('/').map((s, i) => {
    if (i === 0 || s === '') return s;
    if (/^\d+$/.test(s)) return '{id}';
    let d = s;
    try {
      d = decodeURIComponent(s);
    } catch {
      /* keep */
    }
    // Words (setting keys, actions, API versions); a run's own names and hex or uuid ids are not.
    if (WORD.test(d) && !/^lt-/.test(d) && (d.match(/\d/g) ?? []).length <= 2) return d;
    if (/^[A-Za-z0-9_-]{12,}$/.test(d) && /\d/.test(d)) return '{token}';
    return '{name}';
  });
  return segs.join('/');
}

function primitive(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Keys of maps keyed by data (ids, names) are templated like path segments. */
function keyTemplate(k: string): string {
  if (/^\d+$/.test(k)) return '{id}';
  if (/^[a-z_][a-zA-Z0-9_.:-]{0,60}$/.test(k) && !/^lt-/.test(k)) return k;
  return '{key}';
}

const CODE = /^[a-z][a-z0-9_.]{0,80}$/;

/** The type tree of one JSON value; `topLevel` keeps the envelope's `code` (an interface enum). */
export function shapeOf(v: unknown, topLevel = false): Shape {
  if (Array.isArray(v)) {
    let acc: Shape | undefined;
    for (const e of v) acc = acc === undefined ? shapeOf(e) : mergeShapes(acc, shapeOf(e));
    return acc === undefined ? [] : [acc];
  }
  if (v !== null && typeof v === 'object') {
    const out: ShapeObject = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const key = keyTemplate(k);
      const s = topLevel && k === 'code' && typeof x === 'string' && CODE.test(x) ? `=${x}` : shapeOf(x);
      out[key] = out[key] === undefined ? s : mergeShapes(out[key], s);
    }
    return out;
  }
  return primitive(v);
}

function prims(s: string): Set<string> {
  return new Set(s.split('|').filter(Boolean));
}
function joinPrims(set: Set<string>): string {
  return [...set].sort().join('|');
}

/** Splits a node into its structured part (object/array) and its primitive alternatives. */
export function splitShape(s: Shape): { obj?: ShapeObject; arr?: Shape[]; prim: Set<string> } {
  if (typeof s === 'string') return { prim: prims(s) };
  if (Array.isArray(s)) return { arr: s, prim: new Set() };
  const { $also, $array, ...rest } = s;
  const prim = typeof $also === 'string' ? prims($also) : new Set<string>();
  if (Array.isArray($array)) return { arr: $array, prim };
  return { obj: rest, prim };
}

function joinShape(parts: { obj?: ShapeObject; arr?: Shape[]; prim: Set<string> }): Shape {
  const also = joinPrims(parts.prim);
  if (parts.obj && parts.arr) {
    // Object and array in one place: keep both, the array under $array.
    return { ...parts.obj, $array: parts.arr, ...(also ? { $also: also } : {}) };
  }
  if (parts.obj) return also ? { ...parts.obj, $also: also } : parts.obj;
  if (parts.arr) return also ? { $array: parts.arr, $also: also } : parts.arr;
  return also;
}

function mergeObjects(a: ShapeObject, b: ShapeObject): ShapeObject {
  const bare = (k: string) => (k.endsWith('?') ? k.slice(0, -1) : k);
  const am = new Map(Object.entries(a).map(([k, v]) => [bare(k), { v, opt: k.endsWith('?') }]));
  const bm = new Map(Object.entries(b).map(([k, v]) => [bare(k), { v, opt: k.endsWith('?') }]));
  const out: ShapeObject = {};
  for (const k of [...new Set([...am.keys(), ...bm.keys()])].sort()) {
    const x = am.get(k);
    const y = bm.get(k);
    const opt = !x || !y || x.opt || y.opt;
    const v = x && y ? mergeShapes(x.v, y.v) : (x ?? y)!.v;
    out[opt ? `${k}?` : k] = v;
  }
  return out;
}

export function mergeShapes(a: Shape, b: Shape): Shape {
  const x = splitShape(a);
  const y = splitShape(b);
  const prim = new Set([...x.prim, ...y.prim]);
  // Two different envelope codes are one string field with both values.
  const codes = [...prim].filter((p) => p.startsWith('='));
  if (codes.length > 1) {
    for (const c of codes) prim.delete(c);
    prim.add(codes.sort().join(','));
  }
  const obj = x.obj && y.obj ? mergeObjects(x.obj, y.obj) : (x.obj ?? y.obj);
  let arr: Shape[] | undefined;
  if (x.arr && y.arr) {
    const el = [...x.arr, ...y.arr];
    arr = el.length === 0 ? [] : [el.reduce((p, c) => mergeShapes(p, c))];
  } else arr = x.arr ?? y.arr;
  return joinShape({ obj, arr, prim });
}

/** Header facts that are part of the interface; values are reduced to their fixed tokens. */
function headerFacts(res: Response): Record<string, string> {
  const out: Record<string, string> = {};
  const ct = res.headers.get('content-type');
  if (ct) out['content-type'] = ct.split(';')[0].trim().toLowerCase();
  const cc = res.headers.get('cache-control');
  if (cc)
    out['cache-control'] = cc
      .split(',')
      .map((d) => d.trim().split('=')[0].toLowerCase())
      .sort()
      .join(', ');
  const cd = res.headers.get('content-disposition');
  if (cd) out['content-disposition'] = cd.split(';')[0].trim().toLowerCase();
  const loc = res.headers.get('location');
  if (loc) {
    try {
      out.location = pathTemplate(new URL(loc, 'http://x').pathname);
    } catch {
      out.location = '{invalid}';
    }
  }
  for (const name of ['www-authenticate']) {
    const v = res.headers.get(name);
    if (v) out[name] = v.split(/[\s,]/)[0];
  }
  for (const name of ['accept-ranges', 'content-range', 'etag', 'retry-after', 'x-request-id', 'x-content-type-options']) {
    if (res.headers.has(name)) out[name] = name === 'accept-ranges' || name === 'x-content-type-options' ? String(res.headers.get(name)) : 'present';
  }
  return out;
}

/** Set-Cookie lines as names and attributes; values never leave (a value is a credential). */
export function cookieFacts(res: Response): CookieFact[] {
  return res.headers
    .getSetCookie()
    .map((line) => {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const name = pair.slice(0, Math.max(0, pair.indexOf('=')));
      const value = pair.slice(pair.indexOf('=') + 1);
      const attributes: Record<string, string> = { value: value === '' ? 'empty' : 'set' };
      for (const a of attrs) {
        const i = a.indexOf('=');
        const k = (i < 0 ? a : a.slice(0, i)).toLowerCase();
        const v = i < 0 ? 'true' : a.slice(i + 1);
        if (k === 'max-age') attributes[k] = Number(v) <= 0 ? '0' : '>0';
        else if (k === 'expires') attributes[k] = Date.parse(v) < Date.now() ? 'past' : 'future';
        else if (k === 'path') attributes[k] = pathTemplate(v);
        else if (k === 'samesite') attributes[k] = v.toLowerCase();
        else if (k === 'domain') attributes[k] = 'set';
        else attributes[k] = v === 'true' ? 'true' : 'set';
      }
      return { name: keyTemplate(name), attributes: Object.fromEntries(Object.entries(attributes).sort()) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

function authOf(headers: Record<string, string>): string {
  const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const parts: string[] = [];
  if (/^bearer\s/i.test(h.authorization ?? '')) parts.push('bearer');
  else if (/^basic\s/i.test(h.authorization ?? '')) parts.push('basic');
  if (h.cookie) parts.push('cookie');
  if (h['x-csrf-token']) parts.push('csrf');
  return parts.join('+') || 'none';
}

/** Origins of private targets this process started (twins): their answers are not the run's target's. */
const privateOrigins = new Set<string>();

/** Leaves a private target (a twin on plain loopback HTTP) out of the recorded contract. */
export function excludeFromContract(baseURL: string): void {
  privateOrigins.add(new URL(baseURL).origin);
}

/** Records one exchange when ASTER_RUN_CONTRACT_RECORD is set; never throws into the caller. */
export async function recordExchange(
  file: string | undefined,
  method: string,
  url: string,
  headers: Record<string, string>,
  json: unknown,
  res: Response,
): Promise<void> {
  if (!file) return;
  try {
    const u = new URL(url);
    if (privateOrigins.has(u.origin)) return;
    const ct = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const line: ContractLine = {
      method: method.toUpperCase(),
      path: pathTemplate(u.pathname),
      query: [...new Set(u.searchParams.keys())].map(keyTemplate).sort(),
      auth: authOf(headers),
      ...(json !== undefined ? { request: shapeOf(json) } : {}),
      status: res.status,
      headers: headerFacts(res),
      cookies: cookieFacts(res),
      body: 'empty',
    };
    if (/[/+]json$/.test(ct)) {
      // A clone, so the caller's body stays unread; only JSON answers are read (downloads are not).
      const text = await res.clone().text();
      if (text.trim() === '') line.body = 'empty';
      else {
        try {
          line.shape = shapeOf(JSON.parse(text), true);
          line.body = 'json';
        } catch {
          line.body = `${ct} (not JSON)`;
        }
      }
    } else if (ct) line.body = ct;
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  } catch {
    /* recording must never change what the suite sees */
  }
}
