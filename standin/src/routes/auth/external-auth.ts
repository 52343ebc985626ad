// External sign-in providers (upstream src/api/routes/auth/external_auth.rs).
import { Router } from 'express';
import type { Ctx } from '../../context.js';
import { ok } from '../../http/errors.js';

export function authExternalRoutes(_ctx: Ctx): Router {
  const r = Router();
  // The stand-in has no external sign-in providers (standin/KNOWN-GAPS.md): the enabled list is empty.
  r.get('/auth/external-auth/providers', (_req, res) => ok(res, []));
  return r;
}
