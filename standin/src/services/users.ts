import crypto from 'node:crypto';
import type { Ctx } from '../context.js';
import type { ContactTokenRec, UserRec } from '../db/types.js';
import { E } from '../http/errors.js';
import { getArr, getNum } from './settings.js';
import { storageUsed } from './files.js';

export function validateUsername(u: unknown): string {
  if (typeof u !== 'string' || !/^[A-Za-z0-9_-]{4,16}$/.test(u)) throw E.bad('username must be 4-16 characters of letters, digits, _ or -');
  return u;
}

export function validatePassword(p: unknown): string {
  if (typeof p !== 'string') throw E.bad('password is required');
  const n = Buffer.byteLength(p);
  if (n < 8 || n > 128) throw E.bad('password must be 8-128 bytes');
  return p;
}

export function validateEmail(e: unknown): string {
  if (typeof e !== 'string') throw E.bad('email is required');
  const v = e.trim();
  if (v.length > 254 || (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) && !/^[^\s@]+@[A-Za-z0-9-]+$/.test(v))) throw E.bad('invalid email address');
  return v;
}

export function checkEmailLists(ctx: Ctx, email: string): void {
  const domain = email.split('@')[1]?.toLowerCase() ?? '';
  const match = (pat: string) => {
    const p = pat.toLowerCase().trim();
    return p === email.toLowerCase() || p === domain || (p.startsWith('@') && p.slice(1) === domain) || (p.startsWith('*.') && domain.endsWith(p.slice(1)));
  };
  const block = getArr(ctx.store, 'auth_local_email_blocklist');
  if (block.some(match)) throw E.forbidden('email address is blocked', 'auth.email_blocked');
  const allow = getArr(ctx.store, 'auth_local_email_allowlist');
  if (allow.length > 0 && !allow.some(match)) throw E.forbidden('email address is not allowlisted', 'auth.email_not_allowlisted');
}

export function assertUnique(ctx: Ctx, username: string, email: string, exceptId?: number): void {
  const s = ctx.store.s;
  if (s.users.some((u) => u.id !== exceptId && u.username.toLowerCase() === username.toLowerCase()))
    throw E.bad('username already exists', 'auth.username_exists');
  if (s.users.some((u) => u.id !== exceptId && (u.email.toLowerCase() === email.toLowerCase() || u.pendingEmail?.toLowerCase() === email.toLowerCase())))
    throw E.bad('email already exists', 'auth.email_exists');
}

export function findByIdentifier(ctx: Ctx, identifier: string): UserRec | undefined {
  const id = identifier.trim().toLowerCase();
  if (id.includes('@')) return ctx.store.s.users.find((u) => u.email.toLowerCase() === id);
  return ctx.store.s.users.find((u) => u.username.toLowerCase() === id);
}

export function newUser(ctx: Ctx, a: { username: string; email: string; passwordHash: string; role: 'admin' | 'user' }): UserRec {
  const now = new Date().toISOString();
  const group = ctx.store.state.policyGroups.find((g) => g.is_default);
  const u: UserRec = {
    id: ctx.store.nextId('users'),
    username: a.username,
    email: a.email,
    passwordHash: a.passwordHash,
    role: a.role,
    status: 'active',
    emailVerified: true,
    pendingActivation: false,
    pendingEmail: null,
    mustChangePassword: false,
    policyGroupId: group?.id ?? null,
    storageQuota: getNum(ctx.store, 'default_storage_quota'),
    sessionVersion: 1,
    displayName: null,
    wopiUserInfo: null,
    createdAt: now,
    updatedAt: now,
  };
  ctx.store.state.users.push(u);
  return u;
}

export function userInfo(ctx: Ctx, u: UserRec): Record<string, unknown> {
  return {
    id: u.id,
    username: u.username,
    email: u.email,
    email_verified: u.emailVerified,
    pending_email: u.pendingEmail,
    role: u.role,
    status: u.status,
    must_change_password: u.mustChangePassword,
    policy_group_id: u.policyGroupId,
    storage_used: storageUsed(ctx, u.id),
    storage_quota: u.storageQuota,
    profile: profileView(u),
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

/** A user's public profile; the avatar is an object even without a picture (recorded contract, AsterDrive 0.5.0). */
export function profileView(u: UserRec): Record<string, unknown> {
  return { display_name: u.displayName, avatar: { source: 'none', url_512: null, url_1024: null, version: 0 } };
}

export function userSummary(u: UserRec | undefined): Record<string, unknown> | null {
  if (!u) return null;
  return { id: u.id, username: u.username, email: u.email, profile: profileView(u) };
}

export function hashToken(t: string): string {
  return crypto.createHash('sha256').update(t).digest('hex');
}

/** Issues a `cv_` contact-verification token; earlier active tokens of the same purpose are dropped. */
export function issueContactToken(ctx: Ctx, user: UserRec, purpose: ContactTokenRec['purpose'], target: string, ttlSecs: number): string {
  const token = `cv_${crypto.randomBytes(32).toString('base64url')}`;
  ctx.store.state.contactTokens = ctx.store.state.contactTokens.filter((t) => !(t.userId === user.id && t.purpose === purpose && t.usedAt === null));
  ctx.store.state.contactTokens.push({
    id: ctx.store.nextId('contactTokens'),
    tokenHash: hashToken(token),
    userId: user.id,
    purpose,
    target,
    expiresAt: Date.now() + ttlSecs * 1000,
    usedAt: null,
    createdAt: Date.now(),
  });
  return token;
}

export function lastTokenAt(ctx: Ctx, userId: number, purpose: ContactTokenRec['purpose']): number {
  return Math.max(0, ...ctx.store.state.contactTokens.filter((t) => t.userId === userId && t.purpose === purpose).map((t) => t.createdAt));
}

export function revokeAllSessions(ctx: Ctx, user: UserRec): void {
  user.sessionVersion++;
  ctx.store.state.sessions = ctx.store.state.sessions.filter((s) => s.userId !== user.id);
  ctx.store.state.wopiSessions = ctx.store.state.wopiSessions.filter((s) => s.userId !== user.id);
}
