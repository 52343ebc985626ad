// The web panel (SPA) and its assets (upstream src/api/routes/frontend.rs).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express, Request, Response } from 'express';

// STANDIN_PANEL_DIR: set by the suite, which runs the stand-in bundled away from its sources.
const PANEL_DIR = process.env.STANDIN_PANEL_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../panel');

/** The SPA's CSP header (upstream src/api/routes/frontend.rs). */
export const FRONTEND_CSP =
  "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: http: https:; font-src 'self' data:; connect-src 'self' http: https: ws: wss: blob:; media-src 'self' blob: http: https:; worker-src 'self' blob:; frame-src 'self' http: https:; manifest-src 'self'";

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AsterDrive</title></head><body><div id="root">AsterDrive</div></body></html>`;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json',
};

export function mountSpa(app: Express, isReserved: (p: string) => boolean): void {
  app.get('/assets/*splat', (req: Request, res: Response) => {
    const rel = decodeURIComponent(req.path.slice('/assets/'.length));
    const file = path.resolve(PANEL_DIR, 'assets', rel);
    if (!file.startsWith(path.join(PANEL_DIR, 'assets')) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.status(404).end();
      return;
    }
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Content-Type', TYPES[path.extname(file)] ?? 'application/octet-stream');
    fs.createReadStream(file).pipe(res);
  });

  app.use((req: Request, res: Response, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isReserved(req.path)) return next();
    let html = PLACEHOLDER;
    try {
      html = fs.readFileSync(path.join(PANEL_DIR, 'index.html'), 'utf8');
    } catch {
      /* panel not built yet */
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', FRONTEND_CSP);
    res.send(html);
  });
}
