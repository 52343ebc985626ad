import crypto from 'node:crypto';
import type { Request } from 'express';
import type { Ctx } from '../context.js';
import { ApiError } from '../http/errors.js';
import { ownOrigin, parseCookies } from '../http/request.js';
import { getArr } from '../services/settings.js';

const deny = (code: string, msg: string) => new ApiError(403, code, msg);

function originOf(v: string): string | null {
  try {
    const u = new URL(v);
    return `${u.protocol}//${u.host}`.toLowerCase();
  } catch {
    return null;
  }
}

/** Request-source check, "optional when present" mode (upstream src/api/routes/auth/session.rs). */
export function checkRequestSource(ctx: Ctx, req: Request): void {
  const sfs = String(req.headers['sec-fetch-site'] ?? '').toLowerCase();
  if (sfs === 'cross-site' || sfs === 'none') throw deny('auth.request_source_untrusted', 'untrusted request source');
  const allowed = new Set([ownOrigin(req), ...getArr(ctx.store, 'public_site_url').map((s) => s.toLowerCase())]);
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== '') {
    const o = originOf(origin);
    if (!o || !allowed.has(o)) throw deny('auth.request_origin_untrusted', 'untrusted request origin');
    return;
  }
  const referer = req.headers.referer;
  if (typeof referer === 'string' && referer !== '') {
    const o = originOf(referer);
    if (!o || !allowed.has(o)) throw deny('auth.request_referer_untrusted', 'untrusted request referer');
    return;
  }
  if (sfs === 'same-site') throw deny('auth.request_source_missing', 'request source is missing');
}

/** Double-submit check of aster_csrf against X-CSRF-Token. */
export function checkCsrf(req: Request): void {
  const cookie = parseCookies(req).aster_csrf;
  if (!cookie) throw deny('auth.csrf_cookie_missing', 'CSRF cookie is missing');
  const header = req.headers['x-csrf-token'];
  if (typeof header !== 'string' || header === '') throw deny('auth.csrf_header_missing', 'CSRF header is missing');
  const a = Buffer.from(cookie);
  const b = Buffer.from(header);
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) throw deny('auth.csrf_token_invalid', 'CSRF token is invalid');
}
