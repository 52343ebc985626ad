// Unauthenticated panel configuration under /public (upstream src/api/routes/public.rs).
import { Router } from 'express';
import type { Ctx } from '../context.js';
import { ok } from '../http/errors.js';
import { normalizeRegistry } from '../services/preview-apps.js';
import { getArr, getBool, getStr, siteName } from '../services/settings.js';
import { THUMB_EXTS } from '../util/mime.js';

export function publicRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;

  // upstream PublicFrontendConfig (src/services/ops/config/public.rs): version 2, branding,
  // downloads, media. Branding assets, the user archive download switch and the image preview
  // preference are not settings of the stand-in: upstream's defaults (src/config/branding.rs,
  // src/config/operations.rs).
  r.get('/public/frontend-config', (_req, res) => {
    ok(res, {
      version: 2,
      branding: {
        title: siteName(store),
        description: 'Self-hosted cloud storage',
        favicon_url: '/favicon.svg',
        wordmark_dark_url: '/static/asterdrive/asterdrive-dark.svg',
        wordmark_light_url: '/static/asterdrive/asterdrive-light.svg',
        site_urls: getArr(store, 'public_site_url'),
        allow_user_registration: getBool(store, 'auth_allow_user_registration'),
        passkey_login_enabled: getBool(store, 'auth_passkey_login_enabled'),
      },
      downloads: {
        archive_download_user_enabled: true,
        archive_download_share_enabled: getBool(store, 'archive_download_share_enabled'),
      },
      media: { image_preview_preference: 'original_first' },
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
