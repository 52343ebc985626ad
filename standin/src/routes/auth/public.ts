// Before sign-in: check, setup, registration and its activation, contact verification, password reset (upstream src/api/routes/auth/public.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { ApiError, E, ok } from '../../http/errors.js';
import { readJson, reqObj, str } from '../../http/body.js';
import { ownOrigin } from '../../http/request.js';
import { hashPassword } from '../../auth/password.js';
import { tryAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { getArr, getBool, getNum, normalizeOrigin, setValue } from '../../services/settings.js';
import { setupState } from '../../services/system.js';
import {
  assertUnique,
  checkEmailLists,
  findByIdentifier,
  hashToken,
  issueContactToken,
  lastTokenAt,
  newUser,
  revokeAllSessions,
  userInfo,
  validateEmail,
  validatePassword,
  validateUsername,
} from '../../services/users.js';
import { padded } from './padding.js';

export const CONFIRM_PATH = '/api/v1/auth/contact-verification/confirm?token=';

export function authPublicRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;

  r.post('/auth/check', async (_req, res) => {
    const state = setupState(ctx);
    if (state !== 'needs_admin' && !store.s.users.some((u) => u.role === 'admin')) throw E.internal('no admin user');
    ok(res, {
      setup_state: state,
      has_users: store.s.users.length > 0,
      allow_user_registration: getBool(store, 'auth_allow_user_registration'),
      passkey_login_enabled: getBool(store, 'auth_passkey_login_enabled'),
      password_login_enabled: getBool(store, 'auth_password_login_enabled'),
    });
  });

  r.post(
    '/auth/setup',
    padded(ctx, async (req, res) => {
      const body = reqObj(await readJson(req));
      if (setupState(ctx) !== 'needs_admin') throw E.bad('system is already initialized', 'validation.system_already_initialized');
      const username = validateUsername(body.username);
      const email = validateEmail(body.email);
      const password = validatePassword(body.password);
      assertUnique(ctx, username, email);
      const user = newUser(ctx, { username, email, passwordHash: await hashPassword(password), role: 'admin' });
      // public_site_url bootstrap from the setup request's origin (upstream src/api/routes/auth/public.rs).
      const hdr = typeof req.headers.origin === 'string' ? normalizeOrigin(req.headers.origin) : null;
      const origin = hdr ?? normalizeOrigin(ownOrigin(req)) ?? ownOrigin(req);
      if (getArr(store, 'public_site_url').length === 0) setValue(store, 'public_site_url', [origin], user.id);
      if (origin.startsWith('https://') && !getBool(store, 'auth_cookie_secure')) setValue(store, 'auth_cookie_secure', 'true', user.id);
      audit(ctx, { req, userId: user.id, action: 'system_setup', entityType: 'user', entityId: user.id, entityName: user.username });
      store.commit();
      ok(res, userInfo(ctx, user), 201);
    }),
  );

  r.post(
    '/auth/register',
    padded(ctx, async (req, res) => {
      const body = reqObj(await readJson(req));
      if (setupState(ctx) !== 'ready') throw E.bad('system is not initialized', 'validation.system_not_initialized');
      if (!getBool(store, 'auth_allow_user_registration') || !getBool(store, 'auth_password_login_enabled'))
        throw E.forbidden('registration is disabled', 'auth.registration_disabled');
      const username = validateUsername(body.username);
      const email = validateEmail(body.email);
      const password = validatePassword(body.password);
      checkEmailLists(ctx, email);
      assertUnique(ctx, username, email);
      const user = newUser(ctx, { username, email, passwordHash: await hashPassword(password), role: 'user' });
      if (getBool(store, 'auth_register_activation_enabled')) {
        user.pendingActivation = true;
        user.emailVerified = false;
        const token = issueContactToken(ctx, user, 'register_activation', email, getNum(store, 'auth_register_activation_ttl_secs'));
        ctx.mail.enqueue('register_activation', email, user.id, {
          username,
          link_path: CONFIRM_PATH + token,
          ttl_hours: String(Math.round(getNum(store, 'auth_register_activation_ttl_secs') / 3600)),
        });
      } else {
        user.emailVerified = false;
      }
      audit(ctx, { req, userId: user.id, action: 'user_register', entityType: 'user', entityId: user.id, entityName: username });
      store.commit();
      ok(res, userInfo(ctx, user), 201);
    }),
  );

  r.post(
    '/auth/register/resend',
    padded(ctx, async (req, res) => {
      const body = reqObj(await readJson(req));
      const identifier = str(body, 'identifier')!;
      const user = findByIdentifier(ctx, identifier);
      const cooldown = getNum(store, 'auth_contact_verification_resend_cooldown_secs') * 1000;
      if (user?.pendingActivation && Date.now() - lastTokenAt(ctx, user.id, 'register_activation') >= cooldown) {
        const token = issueContactToken(ctx, user, 'register_activation', user.email, getNum(store, 'auth_register_activation_ttl_secs'));
        ctx.mail.enqueue('register_activation', user.email, user.id, {
          username: user.username,
          link_path: CONFIRM_PATH + token,
          ttl_hours: String(Math.round(getNum(store, 'auth_register_activation_ttl_secs') / 3600)),
        });
        audit(ctx, { req, userId: user.id, action: 'user_resend_registration', entityType: 'user', entityId: user.id, entityName: user.username });
        store.commit();
      }
      ok(res, { message: 'If the account exists and is pending activation, an activation email will be sent' });
    }),
  );

  r.get('/auth/contact-verification/confirm', async (req, res) => {
    const base = getArr(store, 'public_site_url')[0] ?? '';
    const session = tryAuth(ctx, req);
    const go = (status: string, extra = '') => {
      const path = session ? '/settings/security' : '/login';
      res.redirect(302, `${base}${path}?contact_verification=${status}${extra}`);
    };
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if (!token) return go('missing');
    const rec = store.s.contactTokens.find((t) => t.tokenHash === hashToken(token));
    if (!rec || rec.usedAt !== null || rec.purpose === 'password_reset') return go('invalid');
    if (rec.expiresAt < Date.now()) return go('expired');
    const user = store.s.users.find((u) => u.id === rec.userId);
    if (!user) return go('invalid');
    rec.usedAt = Date.now();
    if (rec.purpose === 'register_activation') {
      user.pendingActivation = false;
      user.emailVerified = true;
      user.updatedAt = new Date().toISOString();
      audit(ctx, { req, userId: user.id, action: 'user_confirm_registration', entityType: 'user', entityId: user.id, entityName: user.username });
      store.commit();
      return go('register-activated');
    }
    const old = user.email;
    if (store.s.users.some((u) => u.id !== user.id && u.email.toLowerCase() === rec.target.toLowerCase())) return go('invalid');
    user.email = rec.target;
    user.pendingEmail = null;
    user.emailVerified = true;
    user.updatedAt = new Date().toISOString();
    ctx.mail.enqueue('contact_change_notice', old, user.id, { username: user.username, new_email: rec.target });
    audit(ctx, { req, userId: user.id, action: 'user_confirm_email_change', entityType: 'user', entityId: user.id, entityName: user.username });
    store.commit();
    return go('email-changed', `&email=${encodeURIComponent(rec.target)}`);
  });

  r.post(
    '/auth/password/reset/request',
    padded(ctx, async (req, res) => {
      const body = reqObj(await readJson(req));
      const email = validateEmail(body.email);
      const user = store.s.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
      const cooldown = getNum(store, 'auth_password_reset_request_cooldown_secs') * 1000;
      if (
        user &&
        user.status === 'active' &&
        !user.pendingActivation &&
        user.emailVerified &&
        Date.now() - lastTokenAt(ctx, user.id, 'password_reset') >= cooldown
      ) {
        const token = issueContactToken(ctx, user, 'password_reset', user.email, getNum(store, 'auth_password_reset_ttl_secs'));
        ctx.mail.enqueue('password_reset', user.email, user.id, { username: user.username, link_path: `/reset-password?token=${token}` });
        audit(ctx, { req, userId: user.id, action: 'user_request_password_reset', entityType: 'user', entityId: user.id, entityName: user.username });
        store.commit();
      }
      ok(res, { message: 'If the account is eligible, a password reset email will be sent' });
    }),
  );

  r.post('/auth/password/reset/confirm', async (req, res) => {
    const body = reqObj(await readJson(req));
    const token = str(body, 'token')!;
    const rec = store.s.contactTokens.find((t) => t.tokenHash === hashToken(token) && t.purpose === 'password_reset');
    if (!rec || rec.usedAt !== null) throw E.bad('invalid verification token', 'auth.contact_verification_invalid');
    if (rec.expiresAt < Date.now()) throw new ApiError(410, 'auth.contact_verification_expired', 'verification token expired');
    const password = validatePassword(body.new_password);
    const user = store.s.users.find((u) => u.id === rec.userId);
    if (!user) throw E.bad('invalid verification token', 'auth.contact_verification_invalid');
    rec.usedAt = Date.now();
    user.passwordHash = await hashPassword(password);
    user.mustChangePassword = false;
    user.updatedAt = new Date().toISOString();
    revokeAllSessions(ctx, user);
    ctx.mail.enqueue('password_reset_notice', user.email, user.id, { username: user.username });
    audit(ctx, { req, userId: user.id, action: 'user_confirm_password_reset', entityType: 'user', entityId: user.id, entityName: user.username });
    store.commit();
    ok(res, { message: 'Password reset successful' });
  });

  return r;
}
