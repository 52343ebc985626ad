import crypto from 'node:crypto';
import type { Response } from 'express';
import type { Ctx } from '../context.js';
import { getBool } from '../services/settings.js';

export function cookieString(name: string, value: string, opts: { path: string; maxAge: number; httpOnly: boolean; secure: boolean }): string {
  const parts = [`${name}=${value}`, `Path=${opts.path}`, `Max-Age=${opts.maxAge}`];
  if (opts.maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (opts.httpOnly) parts.push('HttpOnly');
  parts.push('SameSite=Lax');
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}

export function appendCookie(res: Response, c: string): void {
  const prev = res.getHeader('Set-Cookie');
  const list = Array.isArray(prev) ? prev : prev ? [String(prev)] : [];
  res.setHeader('Set-Cookie', [...list, c]);
}

export function setAuthCookies(ctx: Ctx, res: Response, access: string, refresh: string, accessTtl: number, refreshTtl: number): void {
  const secure = getBool(ctx.store, 'auth_cookie_secure');
  const csrf = crypto.randomBytes(32).toString('base64url');
  appendCookie(res, cookieString('aster_access', access, { path: '/', maxAge: accessTtl, httpOnly: true, secure }));
  appendCookie(res, cookieString('aster_refresh', refresh, { path: '/api/v1/auth', maxAge: refreshTtl, httpOnly: true, secure }));
  appendCookie(res, cookieString('aster_csrf', csrf, { path: '/', maxAge: refreshTtl, httpOnly: false, secure }));
}

export function clearAuthCookies(ctx: Ctx, res: Response): void {
  const secure = getBool(ctx.store, 'auth_cookie_secure');
  appendCookie(res, cookieString('aster_access', '', { path: '/', maxAge: 0, httpOnly: true, secure }));
  appendCookie(res, cookieString('aster_refresh', '', { path: '/api/v1/auth', maxAge: 0, httpOnly: true, secure }));
  appendCookie(res, cookieString('aster_csrf', '', { path: '/', maxAge: 0, httpOnly: false, secure }));
}
