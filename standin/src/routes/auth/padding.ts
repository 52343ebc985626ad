// The auth response floor of upstream src/api/routes/auth/mod.rs (AUTH_MAIL_RESPONSE_FLOOR_MS, _JITTER_MS).
import type { Request, Response, NextFunction, RequestHandler } from 'express';
import type { Ctx } from '../../context.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Pads auth responses to >= ~350 ms + 0-125 ms jitter (upstream src/api/routes/auth/mod.rs), also on errors. */
export function padded(ctx: Ctx, h: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const t0 = Date.now();
    let err: unknown;
    try {
      await h(req, res);
    } catch (e) {
      err = e;
    }
    if (!ctx.cfg.faults.authPaddingOff()) {
      const wait = 350 + Math.random() * 125 - (Date.now() - t0);
      if (wait > 0) await sleep(wait);
    }
    if (err) next(err);
  };
}
