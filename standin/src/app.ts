import crypto from 'node:crypto';
import express, { type Express, type Request, type Response, type NextFunction } from 'express';
import { loadStaticConfig, type StaticConfig } from './config.js';
import type { Ctx } from './context.js';
import { Store } from './db/state.js';
import { errorHandler, sendError, ApiError } from './http/errors.js';
import { setTrustedProxies } from './http/request.js';
import { Metrics } from './services/metrics.js';
import { TaskRunner } from './services/tasks.js';
import { Mailer } from './services/mail.js';
import { ensureDefaults } from './services/settings.js';
import { audit } from './services/audit.js';
import { rateLimiter } from './services/ratelimit.js';
import { StorageManager } from './storage/index.js';
import { StorageEvents } from './services/storage-events.js';
import { healthRoutes } from './routes/health.js';
import { authPublicRoutes } from './routes/auth/public.js';
import { authExternalRoutes } from './routes/auth/external-auth.js';
import { authSessionRoutes } from './routes/auth/session.js';
import { authProfileRoutes } from './routes/auth/profile.js';
import { adminConfigRoutes } from './routes/admin/config.js';
import { adminPolicyRoutes } from './routes/admin/policies.js';
import { adminTeamRoutes } from './routes/admin/teams.js';
import { adminUserRoutes } from './routes/admin/users.js';
import { adminTaskRoutes } from './routes/admin/tasks.js';
import { adminAuditLogRoutes } from './routes/admin/audit-logs.js';
import { adminLockRoutes } from './routes/admin/locks.js';
import { adminSystemInfoRoutes } from './routes/admin/system-info.js';
import { adminRemoteNodeRoutes } from './routes/admin/remote-nodes.js';
import { adminOverviewRoutes } from './routes/admin/overview.js';
import { taskRoutes } from './routes/tasks.js';
import { publicRoutes } from './routes/public.js';
import { folderRoutes } from './routes/folders.js';
import { fileAccessRoutes } from './routes/files/access.js';
import { fileMutationRoutes } from './routes/files/mutations.js';
import { fileVersionRoutes } from './routes/files/versions.js';
import { uploadRoutes } from './routes/files/upload.js';
import { trashRoutes } from './routes/trash.js';
import { shareRoutes } from './routes/shares.js';
import { sharePublicRoutes } from './routes/share-public.js';
import { webdavAccountRoutes } from './routes/webdav-accounts.js';
import { wopiRoutes } from './routes/wopi.js';
import { mountSpa } from './routes/frontend.js';
import { registerTaskHandlers } from './services/task-handlers.js';
import { createVfs } from './vfs-impl.js';
import { mountWebdav } from './webdav/index.js';

export interface StandinOptions {
  cwd?: string;
  config?: StaticConfig;
}

export interface Standin {
  app: Express;
  ctx: Ctx;
  close(): Promise<void>;
}

function routeLabel(req: Request, res: Response): string {
  const route = (req as Request & { route?: { path?: string } }).route?.path;
  if (route && typeof route === 'string') {
    // express resets baseUrl when an error leaves the /api/v1 router, so derive the mount from the URL
    const base = req.originalUrl.startsWith('/api/v1/') && !route.startsWith('/api/') ? '/api/v1' : req.baseUrl;
    return `${base}${route}`.replace(/:([A-Za-z_]+)/g, '{$1}');
  }
  if (req.originalUrl.startsWith('/api/')) return 'unmatched_api';
  if (req.originalUrl.startsWith('/health')) return 'unmatched_health';
  void res;
  return 'unmatched';
}

/** The shared context: state, metrics, task runner, storage, mail and storage events, with the start-up records written. */
function createContext(cfg: StaticConfig): Ctx {
  setTrustedProxies(cfg.trustedProxies);
  const store = new Store(cfg.statePath);
  const ctx = { cfg, store, startedAt: Date.now(), timers: [] } as unknown as Ctx;
  ctx.metrics = new Metrics();
  ctx.tasks = new TaskRunner();
  ctx.tasks.ctx = ctx;
  ctx.storage = new StorageManager(ctx);
  ctx.mail = new Mailer(ctx);
  ctx.events = new StorageEvents();
  store.onQuery = (kind) => ctx.metrics.inc('db_queries_total', 'Database queries', { backend: 'sqlite', kind, status: 'success' });
  ensureDefaults(store, cfg.bootstrapInsecureCookies);
  audit(ctx, { userId: null, action: 'server_start', entityType: 'system_config', entityName: 'server' });
  store.commit();
  registerTaskHandlers(ctx);
  return ctx;
}

/** Default response headers and the HTTP request metrics, on every request. */
function requestBasics(ctx: Ctx) {
  return (req: Request, res: Response, next: NextFunction) => {
    const t0 = performance.now();
    res.setHeader('X-Request-ID', crypto.randomUUID());
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.on('finish', () => {
      const labels = { method: req.method, route: routeLabel(req, res), status: String(res.statusCode) };
      ctx.metrics.inc('http_requests_total', 'HTTP requests', labels);
      ctx.metrics.observe('http_request_duration_seconds', 'HTTP request duration', labels, (performance.now() - t0) / 1000);
    });
    next();
  };
}

/**
 * /api/v1: one router per upstream route module (src/routes/, see README). Express tries them in
 * this order; where two could match the same request the earlier one must win (files/upload before
 * files/*, whose /files/:id would take /files/upload/...), so keep the order when adding one.
 */
function apiRouter(ctx: Ctx): express.Router {
  const api = express.Router();
  for (const routes of [
    authPublicRoutes,
    authExternalRoutes,
    authSessionRoutes,
    authProfileRoutes,
    publicRoutes,
    adminConfigRoutes,
    adminPolicyRoutes,
    adminTeamRoutes,
    adminUserRoutes,
    adminTaskRoutes,
    taskRoutes,
    adminAuditLogRoutes,
    adminLockRoutes,
    adminSystemInfoRoutes,
    adminRemoteNodeRoutes,
    adminOverviewRoutes,
    uploadRoutes,
    folderRoutes,
    fileAccessRoutes,
    fileMutationRoutes,
    fileVersionRoutes,
    trashRoutes,
    shareRoutes,
    sharePublicRoutes,
    webdavAccountRoutes,
    wopiRoutes,
  ])
    api.use(routes(ctx));
  api.use((_req, res) => sendError(res, new ApiError(404, 'endpoint.not_found', 'endpoint not found')));
  return api;
}

/** Paths the SPA fallback never answers: the API, health, WebDAV, assets and WOPI. */
function reservedPath(webdavPrefix: string): (p: string) => boolean {
  return (p) =>
    p === '/api' ||
    p.startsWith('/api/') ||
    p === '/health' ||
    p.startsWith('/health/') ||
    p === webdavPrefix ||
    p.startsWith(`${webdavPrefix}/`) ||
    p.startsWith('/assets/') ||
    p.startsWith('/wopi');
}

/** Every minute: expired WOPI sessions and upload sessions a day past their expiry are dropped. */
function startHousekeeping(ctx: Ctx): void {
  const store = ctx.store;
  const housekeeping = setInterval(() => {
    const now = Date.now();
    const s = store.state;
    const before = s.wopiSessions.length + s.uploads.length;
    s.wopiSessions = s.wopiSessions.filter((w) => w.expiresAt > now);
    s.uploads = s.uploads.filter((u) => Date.parse(u.expiresAt) > now - 86_400_000);
    if (s.wopiSessions.length + s.uploads.length !== before) store.commit();
  }, 60_000);
  housekeeping.unref();
  ctx.timers.push(housekeeping);
}

export async function createStandin(opts: StandinOptions = {}): Promise<Standin> {
  const cfg = opts.config ?? loadStaticConfig(opts.cwd);
  const ctx = createContext(cfg);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');
  app.use(requestBasics(ctx));
  app.use(rateLimiter(ctx));
  app.use(healthRoutes(ctx));
  await mountWebdav(app, createVfs(ctx), cfg.webdavPrefix);
  app.use('/api/v1', apiRouter(ctx));
  mountSpa(app, reservedPath(cfg.webdavPrefix));
  app.use(errorHandler);

  ctx.tasks.resume();
  ctx.mail.start();
  startHousekeeping(ctx);

  return {
    app,
    ctx,
    async close() {
      ctx.mail.stop();
      ctx.events.close();
      for (const t of ctx.timers) clearInterval(t);
      ctx.store.flush();
    },
  };
}
