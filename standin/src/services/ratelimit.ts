import type { Request, Response, NextFunction } from 'express';
import type { Ctx } from '../context.js';
import { ApiError, sendError } from '../http/errors.js';
import { clientIp } from '../http/request.js';

type Tier = 'auth' | 'public' | 'api' | 'write';

const DEFAULTS: Record<Tier, [number, number]> = { auth: [2, 5], public: [1, 30], api: [1, 120], write: [2, 10] };

const PUBLIC_AUTH =
  /^\/api\/v1\/auth\/(check|register(\/resend)?|invitations\/.*|setup|contact-verification\/confirm|password\/reset\/.*|login|mfa\/challenge\/.*|passkeys\/login\/.*|external-auth\/.*|refresh|logout)$/;
const API_PREFIXES = ['/files', '/folders', '/shares', '/trash', '/search', '/tags', '/tasks', '/properties', '/teams', '/webdav-accounts'];

/** Tier of a request path (upstream: the limiter each route module builds, e.g. src/api/routes/auth/mod.rs). */
export function tierOf(method: string, path: string): Tier | null {
  if (path.startsWith('/api/v1/auth/')) return PUBLIC_AUTH.test(path) ? 'auth' : 'api';
  if (/^\/api\/v1\/s\/[^/]+\/verify$/.test(path) && method === 'POST') return 'auth';
  if (path.startsWith('/api/v1/s/') || path.startsWith('/d/') || path.startsWith('/pv/')) return 'public';
  if (/^\/api\/v1\/(admin|batch|workspace-transfer)(\/|$)/.test(path)) return 'write';
  const rest = path.startsWith('/api/v1') ? path.slice(7) : null;
  if (rest !== null && API_PREFIXES.some((p) => rest === p || rest.startsWith(`${p}/`))) return 'api';
  return null;
}

export function rateLimiter(ctx: Ctx) {
  const conf = {} as Record<Tier, { spr: number; burst: number }>;
  for (const t of Object.keys(DEFAULTS) as Tier[]) {
    const spr = Number(process.env[`ASTER__RATE_LIMIT__${t.toUpperCase()}__SECONDS_PER_REQUEST`] ?? DEFAULTS[t][0]);
    const burst = Number(process.env[`ASTER__RATE_LIMIT__${t.toUpperCase()}__BURST_SIZE`] ?? DEFAULTS[t][1]);
    conf[t] = { spr, burst };
  }
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (req: Request, res: Response, next: NextFunction) => {
    if (!ctx.cfg.rateLimitEnabled) return next();
    const tier = tierOf(req.method, req.path);
    if (!tier) return next();
    const { spr, burst } = conf[tier];
    const key = `${tier}|${clientIp(req)}`;
    const now = Date.now();
    const b = buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1000 / spr);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return next();
    }
    const wait = Math.max(1, Math.ceil((1 - b.tokens) * spr));
    res.setHeader('Retry-After', String(wait));
    res.setHeader('x-ratelimit-after', String(wait));
    sendError(res, new ApiError(429, 'rate_limited', `Too Many Requests, retry after ${wait}s`));
  };
}
