import type { Request, Response } from 'express';
import type { AuthResponse } from 'nephele';
import { VfsError } from '../vfs.js';

/** An error that carries its own status, body and headers (AsterDrive-specific answers). */
export class DavError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType = 'text/plain; charset=utf-8',
    readonly headers: Record<string, string> = {},
  ) {
    super(body);
  }
}

export const REALM_HEADER = 'Basic realm="AsterDrive WebDAV"';

/** Plain-text answer without express' automatic ETag. */
export function sendText(res: AuthResponse | Response, status: number, body: string, headers: Record<string, string> = {}): void {
  res.status(status).set({
    ...headers,
    'Cache-Control': 'no-store',
    'Content-Type': headers['Content-Type'] ?? 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

export function unauthorized(res: AuthResponse | Response): void {
  sendText(res, 401, 'Unauthorized', { 'WWW-Authenticate': REALM_HEADER });
}

export function davErrorXml(condition: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:${condition}/></D:error>`;
}

/** Replaces nephele's default handler: AsterDrive error bodies are short text and never cached. */
export async function errorHandler(code: number, message: string, _request: Request, response: AuthResponse, error?: Error): Promise<void> {
  if (code < 400) {
    // 304 from conditional GET/HEAD: keep nephele's behaviour.
    if (response.headersSent || response.destroyed) {
      response.end();
      return;
    }
    response.status(code);
    if (error && 'etag' in error && error.etag) response.set('ETag', JSON.stringify(error.etag));
    if (error && 'lastModified' in error && error.lastModified instanceof Date) {
      response.set('Last-Modified', error.lastModified.toUTCString());
    }
    response.end();
    return;
  }
  let status = code;
  let body = message || 'Error';
  let contentType = 'text/plain; charset=utf-8';
  let headers: Record<string, string> = {};
  if (error instanceof DavError) {
    ({ status, body, contentType, headers } = error);
  } else if (error instanceof VfsError) {
    status = error.status;
    body = error.message;
  }
  if (status >= 500 && !(error instanceof DavError) && !(error instanceof VfsError)) {
    console.error('[webdav] %s %s failed:', _request.method, _request.originalUrl, error);
  }
  if (response.headersSent || response.destroyed) {
    response.end();
    return;
  }
  if (status === 401) {
    unauthorized(response);
    return;
  }
  for (const name of ['Content-Location', 'Location', 'ETag', 'Last-Modified', 'Lock-Token']) {
    response.removeHeader(name);
  }
  if (status === 405 && typeof response.locals.davAllow === 'string') {
    headers = { Allow: response.locals.davAllow, ...headers };
  }
  if (status === 416 && typeof response.locals.davSize === 'number') {
    headers = { 'Content-Range': `bytes */${response.locals.davSize}`, ...headers };
  }
  sendText(response, status, body, { ...headers, 'Content-Type': contentType });
}
