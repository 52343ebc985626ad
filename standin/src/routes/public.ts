// Unauthenticated panel configuration under /public (upstream src/api/routes/public.rs).
import { Router } from 'express';
import type { Ctx } from '../context.js';
import { ok } from '../http/errors.js';
import { normalizeRegistry } from '../services/preview-apps.js';
import { getArr, getBool, getStr, siteName } from '../services/settings.js';
import { setupState, VERSION } from '../services/system.js';
import { THUMB_EXTS } from '../util/mime.js';

export function publicRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;

  r.get('/public/frontend-config', (_req, res) => {
    ok(res, {
      site_name: siteName(store),
      branding_title: siteName(store),
      version: VERSION,
      public_site_url: getArr(store, 'public_site_url'),
      webdav_prefix: ctx.cfg.webdavPrefix,
      webdav_enabled: getBool(store, 'webdav_enabled'),
      setup_state: setupState(ctx),
      allow_user_registration: getBool(store, 'auth_allow_user_registration'),
      password_login_enabled: getBool(store, 'auth_password_login_enabled'),
      passkey_login_enabled: getBool(store, 'auth_passkey_login_enabled'),
      register_activation_enabled: getBool(store, 'auth_register_activation_enabled'),
    });
  });

  r.get('/public/preview-apps', (_req, res) => {
    const reg = normalizeRegistry(getStr(store, 'frontend_preview_apps_json'));
    ok(res, { version: 2, apps: reg.apps.filter((a) => a.enabled) });
  });

  r.get('/public/thumbnail-support', (_req, res) => {
    ok(res, {
      version: 1,
      image_preview: { enabled: false, extensions: [] },
      image_thumbnail: { enabled: true, extensions: THUMB_EXTS },
      audio_thumbnail: { enabled: false, extensions: [] },
      video_thumbnail: { enabled: false, extensions: [] },
    });
  });

  r.get('/public/media-data-support', (_req, res) => {
    ok(res, { version: 1, image: { enabled: false, extensions: [] }, audio: { enabled: false, extensions: [] }, video: { enabled: false, extensions: [] } });
  });
  return r;
}
