// Sign-in sessions: login, refresh, logout, me, the storage event stream, sessions, password (upstream src/api/routes/auth/session.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { E, ok } from '../../http/errors.js';
import { readJson, reqObj, str } from '../../http/body.js';
import { parseCookies } from '../../http/request.js';
import { checkCsrf, checkRequestSource } from '../../auth/csrf.js';
import { clearAuthCookies, setAuthCookies } from '../../auth/cookies.js';
import { verifyJwt } from '../../auth/jwt.js';
import { hashPassword, verifyPassword } from '../../auth/password.js';
import { authOf, clientFingerprint, issueTokens, requireAuth, tryAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { getBool } from '../../services/settings.js';
import { findByIdentifier, revokeAllSessions, userInfo, validatePassword } from '../../services/users.js';
import { padded } from './padding.js';

const STALE_WINDOW_MS = 15_000;

function authEvent(ctx: Ctx, action: string, status: string, reason = 'none'): void {
  ctx.metrics.inc('auth_events_total', 'Authentication events', { action, status, reason });
}

export function authSessionRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

  r.post(
    '/auth/login',
    padded(ctx, async (req, res) => {
      checkRequestSource(ctx, req);
      const body = reqObj(await readJson(req));
      const identifier = str(body, 'identifier')!;
      const password = str(body, 'password')!;
      if (!getBool(store, 'auth_password_login_enabled')) throw E.forbidden('password login is disabled', 'auth.password_login_disabled');
      const user = findByIdentifier(ctx, identifier);
      const valid = user ? await verifyPassword(password, user.passwordHash) : false;
      if (!user || !valid || user.status !== 'active' || user.pendingActivation) {
        authEvent(ctx, 'login', 'failure', 'credentials');
        throw E.unauthorized('auth.credentials_failed', 'Invalid Credentials');
      }
      const t = issueTokens(ctx, user, req);
      setAuthCookies(ctx, res, t.access, t.refresh, t.accessTtl, t.refreshTtl);
      audit(ctx, { req, userId: user.id, action: 'user_login', entityType: 'user', entityId: user.id, entityName: user.username });
      store.commit();
      authEvent(ctx, 'login', 'success');
      ok(res, { status: user.mustChangePassword ? 'password_change_required' : 'authenticated', expires_in: t.accessTtl });
    }),
  );

  r.post('/auth/refresh', async (req, res) => {
    checkRequestSource(ctx, req);
    checkCsrf(req);
    const token = parseCookies(req).aster_refresh;
    if (!token) throw E.unauthorized('auth.token_invalid', 'refresh token missing');
    const v = verifyJwt(token, ctx.cfg.jwtSecret);
    if (!v.ok) {
      authEvent(ctx, 'refresh', 'failure', v.reason);
      throw v.reason === 'expired'
        ? E.unauthorized('auth.token_expired', 'refresh token expired')
        : E.unauthorized('auth.token_invalid', 'invalid refresh token');
    }
    const c = v.claims;
    if (c.typ !== 'refresh' || !c.jti) throw E.unauthorized('auth.token_invalid', 'invalid token type');
    const user = store.s.users.find((u) => u.id === c.sub);
    if (!user || user.sessionVersion !== c.sv) throw E.unauthorized('auth.token_invalid', 'session revoked');
    if (user.status !== 'active') throw E.forbidden('account is disabled');
    const session = store.s.sessions.find((s) => s.userId === user.id && s.jti === c.jti);
    if (session) {
      const t = issueTokens(ctx, user, req, session);
      setAuthCookies(ctx, res, t.access, t.refresh, t.accessTtl, t.refreshTtl);
      store.commit();
      authEvent(ctx, 'refresh', 'success');
      ok(res, { expires_in: t.accessTtl });
      return;
    }
    const replayed = store.s.sessions.find((s) => s.userId === user.id && s.used.some(([j]) => j === c.jti));
    if (!replayed) throw E.unauthorized('auth.token_invalid', 'session revoked');
    const last = replayed.used[replayed.used.length - 1];
    if (last && last[0] === c.jti && Date.now() - last[1] <= STALE_WINDOW_MS && last[2] === clientFingerprint(req)) {
      authEvent(ctx, 'refresh', 'failure', 'stale');
      throw E.unauthorized('auth.refresh_token_stale', 'refresh token was already rotated');
    }
    // Any other replay is treated as theft: revoke every session of the user (upstream src/services/auth/local/tokens/refresh.rs).
    revokeAllSessions(ctx, user);
    audit(ctx, {
      req,
      userId: user.id,
      action: 'user_refresh_token_reuse_detected',
      entityType: 'auth_session',
      entityId: replayed.id,
      entityName: user.username,
    });
    store.commit();
    authEvent(ctx, 'refresh', 'failure', 'reuse_detected');
    throw E.unauthorized('auth.refresh_token_reuse_detected', 'refresh token reuse detected');
  });

  r.post('/auth/logout', async (req, res) => {
    const cookies = parseCookies(req);
    if (cookies.aster_access || cookies.aster_refresh) {
      checkRequestSource(ctx, req);
      checkCsrf(req);
    }
    let userId: number | null = null;
    if (cookies.aster_refresh) {
      const v = verifyJwt(cookies.aster_refresh, ctx.cfg.jwtSecret);
      if (v.ok && v.claims.jti) {
        userId = v.claims.sub;
        store.state.sessions = store.state.sessions.filter((s) => !(s.userId === v.claims.sub && (s.jti === v.claims.jti || s.id === v.claims.sid)));
      }
    }
    if (userId === null) userId = tryAuth(ctx, req)?.user.id ?? null;
    if (userId !== null) {
      const u = store.s.users.find((x) => x.id === userId);
      audit(ctx, { req, userId, action: 'user_logout', entityType: 'user', entityId: userId, entityName: u?.username ?? null });
      authEvent(ctx, 'logout', 'success');
    }
    store.commit();
    clearAuthCookies(ctx, res);
    ok(res);
  });

  r.get('/auth/me', auth, async (req, res) => {
    const a = authOf(req);
    const fields =
      typeof req.query.fields === 'string'
        ? req.query.fields
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : null;
    const full: Record<string, unknown> = { ...userInfo(ctx, a.user), preferences: {}, access_token_expires_at: a.claims.exp };
    if (!fields) {
      ok(res, full);
      return;
    }
    const allowed = ['profile', 'preferences', 'quota', 'session'];
    for (const f of fields) if (!allowed.includes(f)) throw E.bad(`invalid field: ${f}`);
    const out: Record<string, unknown> = { id: a.user.id, username: a.user.username, email: a.user.email, role: a.user.role, status: a.user.status };
    if (fields.includes('profile')) out.profile = full.profile;
    if (fields.includes('preferences')) out.preferences = {};
    if (fields.includes('quota'))
      Object.assign(out, { storage_used: full.storage_used, storage_quota: full.storage_quota, policy_group_id: a.user.policyGroupId });
    if (fields.includes('session')) out.access_token_expires_at = a.claims.exp;
    ok(res, out);
  });

  // The storage change stream (SSE), services/storage-events.ts.
  r.get('/auth/events/storage', auth, (req, res) => {
    const a = authOf(req);
    ctx.events.stream(ctx, res, a.user, a.claims.sv);
  });

  r.get('/auth/sessions', auth, async (req, res) => {
    const a = authOf(req);
    ok(
      res,
      store.s.sessions
        .filter((s) => s.userId === a.user.id)
        .map((s) => ({
          id: s.publicId,
          ip_address: s.ip,
          user_agent: s.userAgent,
          created_at: s.createdAt,
          last_seen_at: s.lastSeenAt,
          expires_at: s.expiresAt,
          is_current: s.id === a.claims.sid,
        })),
    );
  });

  r.delete('/auth/sessions/others', auth, async (req, res) => {
    const a = authOf(req);
    if (!parseCookies(req).aster_refresh && a.claims.sid === undefined) throw E.unauthorized('auth.token_invalid', 'refresh token missing');
    store.state.sessions = store.state.sessions.filter((s) => s.userId !== a.user.id || s.id === a.claims.sid);
    audit(ctx, { req, userId: a.user.id, action: 'user_revoke_other_sessions', entityType: 'auth_session', entityName: a.user.username });
    store.commit();
    ok(res);
  });

  r.delete('/auth/sessions/:id', auth, async (req, res) => {
    const a = authOf(req);
    const s = store.s.sessions.find((x) => x.userId === a.user.id && (x.publicId === req.params.id || String(x.id) === req.params.id));
    if (!s) throw E.notFound('not_found', 'session not found');
    store.state.sessions = store.state.sessions.filter((x) => x !== s);
    audit(ctx, { req, userId: a.user.id, action: 'user_revoke_session', entityType: 'auth_session', entityId: s.id, entityName: a.user.username });
    store.commit();
    if (s.id === a.claims.sid) clearAuthCookies(ctx, res);
    ok(res);
  });

  r.put('/auth/password', auth, async (req, res) => {
    const a = authOf(req);
    const body = reqObj(await readJson(req));
    const current = str(body, 'current_password')!;
    const next = validatePassword(body.new_password);
    if (!(await verifyPassword(current, a.user.passwordHash))) throw E.unauthorized('auth.credentials_failed', 'Invalid Credentials');
    a.user.passwordHash = await hashPassword(next);
    a.user.mustChangePassword = false;
    a.user.updatedAt = new Date().toISOString();
    revokeAllSessions(ctx, a.user);
    const t = issueTokens(ctx, a.user, req);
    setAuthCookies(ctx, res, t.access, t.refresh, t.accessTtl, t.refreshTtl);
    audit(ctx, { req, userId: a.user.id, action: 'user_change_password', entityType: 'user', entityId: a.user.id, entityName: a.user.username });
    store.commit();
    ok(res, { expires_in: t.accessTtl });
  });

  return r;
}
