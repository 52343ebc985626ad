// Admin → Settings: the runtime config rows, schema, template variables and actions (upstream src/api/routes/admin/config.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { E, ok } from '../../http/errors.js';
import { readJson, reqObj, str } from '../../http/body.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import { configView, getArr, getDef, REDACTED, row, schemaView, setValue, validateValue } from '../../services/settings.js';
import { buildDiscoveryPreviewConfig } from '../../services/wopi-discovery.js';
import { page, q } from '../util.js';
import { qint } from '../../http/body.js';

export function adminConfigRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const admin = requireAuth(ctx, { admin: true });

  r.get('/admin/config', admin, async (req, res) => {
    const limit = qint(q(req, 'limit'), 50, 100);
    const offset = qint(q(req, 'offset'), 0);
    const rows = [...store.s.config].sort((a, b) => a.id - b.id).map(configView);
    ok(res, page(rows, limit, offset));
  });

  r.get('/admin/config/schema', admin, async (_req, res) => ok(res, schemaView()));

  r.get('/admin/config/template-variables', admin, async (_req, res) =>
    ok(res, [
      { template_code: 'register_activation', variables: ['site_name', 'username', 'link', 'ttl_hours'] },
      { template_code: 'contact_change_confirmation', variables: ['site_name', 'username', 'link'] },
      { template_code: 'password_reset', variables: ['site_name', 'username', 'link'] },
      { template_code: 'password_reset_notice', variables: ['site_name', 'username'] },
      { template_code: 'contact_change_notice', variables: ['site_name', 'username', 'new_email'] },
    ]),
  );

  r.get('/admin/config/:key', admin, async (req, res) => {
    const rw = row(ctx.store, String(req.params.key));
    if (!rw) throw E.notFound('not_found', 'config key not found');
    ok(res, configView(rw));
  });

  r.put('/admin/config/:key', admin, async (req, res) => {
    const { user } = authOf(req);
    const key = String(req.params.key);
    const body = reqObj(await readJson(req));
    if (!('value' in body)) throw E.bad('invalid JSON request body: missing field `value`');
    const def = getDef(key);
    const value = validateValue(key, body.value);
    const vis = body.visibility;
    if (vis !== undefined && vis !== null) {
      if (def) throw E.bad('visibility can only be set on custom keys');
      if (vis !== 'private' && vis !== 'public' && vis !== 'authenticated') throw E.bad('invalid visibility');
    }
    const rw = setValue(store, key, value, user.id);
    if (!def && typeof vis === 'string') rw.visibility = vis as typeof rw.visibility;
    audit(ctx, {
      req,
      userId: user.id,
      action: 'config_update',
      entityType: 'system_config',
      entityId: rw.id,
      entityName: key,
      details: { key, value: def?.sensitive ? REDACTED : value },
    });
    store.commit();
    ok(res, configView(rw));
  });

  r.delete('/admin/config/:key', admin, async (req, res) => {
    const { user } = authOf(req);
    const key = String(req.params.key);
    const rw = row(store, key);
    if (!rw) throw E.notFound('not_found', 'config key not found');
    if (rw.source !== 'custom') throw E.bad('only custom config entries can be deleted');
    store.state.config = store.state.config.filter((x) => x !== rw);
    audit(ctx, { req, userId: user.id, action: 'admin_delete_config', entityType: 'system_config', entityId: rw.id, entityName: key });
    store.commit();
    ok(res);
  });

  r.post('/admin/config/:key/action', admin, async (req, res) => {
    const { user } = authOf(req);
    const key = String(req.params.key);
    const body = reqObj(await readJson(req));
    const action = str(body, 'action')!;
    if (key === 'mail' && action === 'send_test_email') {
      const target = typeof body.target_email === 'string' && body.target_email.trim() ? body.target_email.trim() : user.email;
      const site = getArr(store, 'public_site_url')[0] ?? '(not configured)';
      const html = `<p>This is a test email from AsterDrive.</p><p>Triggered by: ${user.username}</p><p>Time (UTC): ${new Date().toISOString()}</p><p>Public site URL: ${site}</p>`;
      audit(ctx, { req, userId: user.id, action: 'config_action_execute', entityType: 'system_config', entityName: 'mail', details: { action } });
      try {
        await ctx.mail.sendNow(target, 'AsterDrive SMTP test', html);
        audit(ctx, { req, userId: user.id, action: 'mail_send', entityType: 'mail', entityName: target, details: { template_code: 'smtp_test' } });
      } catch (e) {
        audit(ctx, {
          req,
          userId: user.id,
          action: 'mail_delivery_failed',
          entityType: 'mail',
          entityName: target,
          details: { template_code: 'smtp_test', error: (e as Error).message },
        });
        store.commit();
        throw e;
      }
      store.commit();
      ok(res, { message: `Test email sent to ${target}` });
      return;
    }
    if (key === 'frontend_preview_apps_json' && action === 'build_wopi_discovery_preview_config') {
      const url = str(body, 'discovery_url')!;
      const draft = typeof body.value === 'string' ? body.value : undefined;
      const value = await buildDiscoveryPreviewConfig(ctx, url, draft);
      audit(ctx, { req, userId: user.id, action: 'config_action_execute', entityType: 'system_config', entityName: key, details: { action } });
      if (draft === undefined) {
        const rw = setValue(store, key, value, user.id);
        audit(ctx, { req, userId: user.id, action: 'config_update', entityType: 'system_config', entityId: rw.id, entityName: key });
      }
      store.commit();
      ok(res, { message: 'WOPI discovery imported', value });
      return;
    }
    throw E.bad(`unsupported config action ${action} for ${key}`);
  });

  return r;
}
