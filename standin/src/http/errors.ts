import type { Request, Response, NextFunction } from 'express';

export class ApiError extends Error {
  headers: Record<string, string> = {};
  diagnostic?: { kind: string; message: string };
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
  withHeaders(h: Record<string, string>): this {
    Object.assign(this.headers, h);
    return this;
  }
  withDiagnostic(kind: string, message: string): this {
    this.diagnostic = { kind, message };
    return this;
  }
}

const GENERIC_5XX: Record<number, string> = {
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const E = {
  bad: (msg = 'bad request', code = 'bad_request') => new ApiError(400, code, msg),
  notFound: (code = 'not_found', msg = 'not found') => new ApiError(404, code, msg),
  forbidden: (msg = 'forbidden', code = 'forbidden') => new ApiError(403, code, msg),
  unauthorized: (code: string, msg: string) => new ApiError(401, code, msg),
  conflict: (msg = 'conflict') => new ApiError(409, 'conflict', msg),
  locked: (msg = 'resource is locked') => new ApiError(423, 'resource.locked', msg),
  internal: (msg = 'Internal Server Error', code = 'internal_server_error') => new ApiError(500, code, msg),
};

export function ok(res: Response, data?: unknown, status = 200): void {
  const body: Record<string, unknown> = { code: 'success', msg: '' };
  if (data !== undefined) body.data = data;
  res.status(status).json(body);
}

export function sendError(res: Response, err: ApiError): void {
  for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
  const error: Record<string, unknown> = { retryable: err.retryable };
  if (err.diagnostic) error.diagnostic = err.diagnostic;
  let msg = err.message;
  if (
    err.status >= 500 &&
    !err.code.startsWith('upload.') &&
    !err.code.startsWith('storage.') &&
    !err.code.startsWith('mail.') &&
    err.code !== 'database.error' &&
    err.code !== 'config.error'
  ) {
    msg = GENERIC_5XX[err.status] ?? msg;
  }
  if (err.code.startsWith('share.')) res.setHeader('Cache-Control', 'no-store, max-age=0');
  res.status(err.status).json({ code: err.code, msg, error });
}

export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof ApiError) {
    sendError(res, err);
    return;
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.too.large') {
    sendError(res, new ApiError(413, 'file.too_large', 'request body too large'));
    return;
  }
  console.error(`[standin] ${req.method} ${req.originalUrl}:`, err);
  sendError(res, E.internal());
}
