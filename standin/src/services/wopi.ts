import crypto from 'node:crypto';
import type { Request } from 'express';
import type { Ctx } from '../context.js';
import type { FileRec, LockRec, WopiSessionRec } from '../db/types.js';
import { ApiError, E } from '../http/errors.js';
import { extensionOf } from '../util/mime.js';
import { normalizeRegistry, type PreviewApp } from './preview-apps.js';
import { getStr } from './settings.js';
import { fetchDiscovery, type Discovery, type ProofKey } from './wopi-discovery.js';
import { coveringFileLocks, lockActive } from './locks.js';

export function findApp(ctx: Ctx, key: string): PreviewApp | undefined {
  return normalizeRegistry(getStr(ctx.store, 'frontend_preview_apps_json')).apps.find((a) => a.key === key);
}

/** `{{wopi_src}}`, `<key=VALUE&>` placeholders, else an appended WOPISrc parameter (upstream src/services/preview/wopi/discovery/url.rs). */
export function expandActionUrl(tpl: string, wopiSrc: string): string {
  const enc = encodeURIComponent(wopiSrc);
  let found = false;
  let out = tpl.replace(/\{\{\s*(wopi_src|WOPISrc)\s*\}\}/g, () => {
    found = true;
    return enc;
  });
  out = out.replace(/<([^=<>]+)=([^<>]*?)&?>/g, (_m, key: string, value: string) => {
    if (key.toLowerCase() === 'wopisrc' || value === 'WOPI_SOURCE') {
      found = true;
      return `${key}=${enc}&`;
    }
    return '';
  });
  if (found) return out;
  try {
    const u = new URL(out);
    if ([...u.searchParams.keys()].some((k) => k.toLowerCase() === 'wopisrc')) return out;
  } catch {
    /* fall through */
  }
  return `${out}${out.includes('?') ? (out.endsWith('?') || out.endsWith('&') ? '' : '&') : '?'}WOPISrc=${enc}`;
}

const KNOWN = ['edit', 'embededit', 'mobileedit', 'view', 'embedview', 'mobileview'];

function candidateNames(action: string): string[] {
  if (action === 'embededit') return ['embededit', 'edit', 'mobileedit', 'embedview', 'view', 'mobileview'];
  if (action === 'mobileedit') return ['mobileedit', 'edit', 'embededit', 'mobileview', 'view', 'embedview'];
  const base = ['edit', 'embededit', 'mobileedit', 'view', 'embedview', 'mobileview'];
  return KNOWN.includes(action) ? base : [action, ...base];
}

export function discoveryActionUrl(doc: Discovery, action: string, file: FileRec, wopiSrc: string): string {
  const ext = extensionOf(file.name);
  for (const name of candidateNames(action)) {
    const all = doc.apps.flatMap((app) => app.actions.filter((a) => a.name === name).map((a) => ({ app, a })));
    const hit =
      all.find(({ a }) => a.ext === ext) ?? all.find(({ app }) => app.name.includes('/') && app.name === file.mimeType) ?? all.find(({ a }) => a.ext === '*');
    if (hit) {
      const u = new URL(hit.a.urlsrc);
      u.searchParams.append('WOPISrc', wopiSrc);
      return u.toString();
    }
  }
  throw E.bad(`WOPI discovery has no compatible action for ${file.name}`);
}

export function trustedOrigins(app: PreviewApp): Set<string> {
  const out = new Set<string>();
  const c = app.config;
  for (const k of ['action_url', 'action_url_template', 'discovery_url']) {
    const v = c[k];
    if (typeof v === 'string') {
      try {
        out.add(new URL(v.replace(/\{\{[^}]*\}\}/g, 'x').replace(/<[^>]*>/g, '')).origin.toLowerCase());
      } catch {
        /* ignore */
      }
    }
  }
  if (Array.isArray(c.allowed_origins)) for (const o of c.allowed_origins) out.add(String(o).replace(/\/+$/, '').toLowerCase());
  return out;
}

export function checkWopiSource(req: Request, app: PreviewApp): void {
  const trusted = trustedOrigins(app);
  const check = (v: string, code: string, what: string) => {
    let o: string;
    try {
      o = new URL(v).origin.toLowerCase();
    } catch {
      throw E.bad(`malformed ${what} header`);
    }
    if (!trusted.has(o)) throw E.forbidden(`untrusted WOPI request ${what}`, code);
  };
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin) {
    check(origin, 'wopi.request_origin_untrusted', 'origin');
    return;
  }
  const ref = req.headers.referer;
  if (typeof ref === 'string' && ref) {
    check(ref, 'wopi.request_referer_untrusted', 'referer');
  }
}

function keyOf(modulus: string, exponent: string): crypto.KeyObject {
  return crypto.createPublicKey({
    key: { kty: 'RSA', n: Buffer.from(modulus, 'base64').toString('base64url'), e: Buffer.from(exponent, 'base64').toString('base64url') },
    format: 'jwk',
  });
}

/** X-WOPI-Proof validation (upstream src/services/preview/wopi/proof.rs). Returns false on any failure. */
export function verifyProof(pk: ProofKey, token: string, url: string, headers: Request['headers']): boolean {
  const ts = headers['x-wopi-timestamp'];
  const proof = headers['x-wopi-proof'];
  const proofOld = headers['x-wopi-proofold'];
  if (typeof ts !== 'string' || typeof proof !== 'string' || !/^\d+$/.test(ts)) return false;
  const ticks = BigInt(ts);
  const ms = Number((ticks - 621355968000000000n) / 10000n);
  if (Math.abs(Date.now() - ms) > 20 * 60 * 1000) return false;
  const t = Buffer.from(token, 'utf8');
  const u = Buffer.from(url.toUpperCase(), 'utf8');
  const data = Buffer.alloc(4 + t.length + 4 + u.length + 4 + 8);
  let o = 0;
  data.writeUInt32BE(t.length, o);
  o += 4;
  t.copy(data, o);
  o += t.length;
  data.writeUInt32BE(u.length, o);
  o += 4;
  u.copy(data, o);
  o += u.length;
  data.writeUInt32BE(8, o);
  o += 4;
  data.writeBigInt64BE(ticks, o);
  const ver = (key: crypto.KeyObject, sig: string | undefined) => {
    if (!sig) return false;
    try {
      return crypto.verify('sha256', data, key, Buffer.from(sig, 'base64'));
    } catch {
      return false;
    }
  };
  let current: crypto.KeyObject;
  try {
    current = keyOf(pk.modulus, pk.exponent);
  } catch {
    return false;
  }
  if (ver(current, proof)) return true;
  if (typeof proofOld === 'string' && ver(current, proofOld)) return true;
  if (pk.oldModulus && pk.oldExponent) {
    try {
      if (ver(keyOf(pk.oldModulus, pk.oldExponent), proof)) return true;
    } catch {
      /* bad old key */
    }
  }
  return false;
}

export async function proofKeyFor(ctx: Ctx, app: PreviewApp): Promise<ProofKey | null> {
  const url = app.config.discovery_url;
  if (typeof url !== 'string' || !url) return null;
  try {
    return (await fetchDiscovery(ctx, url)).proofKey;
  } catch {
    return null;
  }
}

export function hashWopiToken(t: string): string {
  return crypto.createHash('sha256').update(t).digest('hex');
}

export function newWopiSession(ctx: Ctx, userId: number, sv: number, fileId: number, appKey: string, ttlSecs: number): { token: string; rec: WopiSessionRec } {
  const token = `wopi_${crypto.randomBytes(32).toString('base64url')}`;
  const rec: WopiSessionRec = {
    id: ctx.store.nextId('wopiSessions'),
    tokenHash: hashWopiToken(token),
    userId,
    sessionVersion: sv,
    fileId,
    appKey,
    expiresAt: Date.now() + ttlSecs * 1000,
  };
  ctx.store.state.wopiSessions.push(rec);
  return { token, rec };
}

export function wopiLocks(ctx: Ctx, file: FileRec): { all: LockRec[]; wopi: LockRec | null; outside: boolean } {
  ctx.store.state.locks = ctx.store.state.locks.filter((l) => !(l.fileId === file.id && !lockActive(l)));
  const all = coveringFileLocks(ctx, file);
  const wopi = all.length === 1 && all[0]!.origin === 'wopi' ? all[0]! : null;
  return { all, wopi, outside: all.length > 0 && !wopi };
}

export function wopiConflict(current: string, reason: string): ApiError {
  return new ApiError(409, 'conflict', reason).withHeaders({ 'X-WOPI-Lock': current, 'X-WOPI-LockFailureReason': reason });
}

/** UTF-7 (RFC 2152) decoding for X-WOPI-*Target / RequestedName headers. */
export function decodeUtf7(s: string): string {
  return s.replace(/\+([A-Za-z0-9+/]*)-?/g, (m, b64: string) => {
    if (b64 === '') return m === '+-' ? '+' : m;
    const buf = Buffer.from(b64, 'base64');
    let out = '';
    for (let i = 0; i + 1 < buf.length; i += 2) out += String.fromCharCode(buf.readUInt16BE(i));
    return out;
  });
}
