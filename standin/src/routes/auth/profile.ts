// The signed-in user's own profile: e-mail change and its resend (upstream src/api/routes/auth/profile.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { ApiError, E, ok } from '../../http/errors.js';
import { readJson, reqObj } from '../../http/body.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { getNum } from '../../services/settings.js';
import { checkEmailLists, issueContactToken, lastTokenAt, userInfo, validateEmail } from '../../services/users.js';
import { CONFIRM_PATH } from './public.js';

export function authProfileRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);

  r.post('/auth/email/change', auth, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    const email = validateEmail(body.new_email);
    if (email.toLowerCase() === user.email.toLowerCase()) throw E.bad('new email equals the current email');
    checkEmailLists(ctx, email);
    const cooldown = getNum(store, 'auth_contact_verification_resend_cooldown_secs') * 1000;
    if (user.pendingEmail?.toLowerCase() === email.toLowerCase() && Date.now() - lastTokenAt(ctx, user.id, 'contact_change') < cooldown) {
      throw new ApiError(429, 'rate_limited', 'Too Many Requests').withHeaders({
        'Retry-After': String(Math.ceil((cooldown - (Date.now() - lastTokenAt(ctx, user.id, 'contact_change'))) / 1000)),
      });
    }
    if (store.s.users.some((u) => u.id !== user.id && (u.email.toLowerCase() === email.toLowerCase() || u.pendingEmail?.toLowerCase() === email.toLowerCase())))
      throw E.bad('email already exists', 'auth.email_exists');
    user.pendingEmail = email;
    user.updatedAt = new Date().toISOString();
    const token = issueContactToken(ctx, user, 'contact_change', email, getNum(store, 'auth_contact_change_ttl_secs'));
    ctx.mail.enqueue('contact_change_confirmation', email, user.id, { username: user.username, link_path: CONFIRM_PATH + token });
    audit(ctx, { req, userId: user.id, action: 'user_request_email_change', entityType: 'user', entityId: user.id, entityName: user.username });
    store.commit();
    ok(res, userInfo(ctx, user));
  });

  r.post('/auth/email/change/resend', auth, async (req, res) => {
    const { user } = authOf(req);
    const cooldown = getNum(store, 'auth_contact_verification_resend_cooldown_secs') * 1000;
    if (user.pendingEmail && Date.now() - lastTokenAt(ctx, user.id, 'contact_change') >= cooldown) {
      const token = issueContactToken(ctx, user, 'contact_change', user.pendingEmail, getNum(store, 'auth_contact_change_ttl_secs'));
      ctx.mail.enqueue('contact_change_confirmation', user.pendingEmail, user.id, { username: user.username, link_path: CONFIRM_PATH + token });
      audit(ctx, { req, userId: user.id, action: 'user_resend_email_change', entityType: 'user', entityId: user.id, entityName: user.username });
      store.commit();
    }
    ok(res, { message: 'If an email change is pending, a confirmation email will be sent' });
  });

  return r;
}
