import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Ctx } from '../context.js';
import type { FileRec } from '../db/types.js';
import { ApiError, E } from './errors.js';
import { readFile } from '../services/files.js';

export function contentDisposition(kind: 'attachment' | 'inline', name: string): string {
  const enc = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename*=UTF-8''${enc}`;
}

/** Single-range parser: invalid, multi or unsatisfiable => 400 bad_request (upstream src/services/files/file/download/range.rs). */
export function parseRange(header: string, size: number): { start: number; end: number } {
  const bad = () => E.bad('invalid range header');
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || size === 0) throw bad();
  const [, a, b] = m;
  if (a === '' && b === '') throw bad();
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b);
    if (n === 0) throw bad();
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) throw bad();
  }
  if (start >= size) throw bad();
  return { start, end };
}

export interface DownloadOpts {
  source: 'authenticated' | 'share' | 'direct_link' | 'preview_link' | 'share_stream';
  /** called right before streaming a non-304 response (share download counting) */
  beforeStream?: () => void;
}

export async function sendFileContent(ctx: Ctx, req: Request, res: Response, file: FileRec, opts: DownloadOpts): Promise<void> {
  const dispQ = req.query.disposition;
  const disposition = dispQ === undefined ? 'attachment' : dispQ;
  if (disposition !== 'attachment' && disposition !== 'inline') throw E.bad('disposition must be attachment or inline');
  const etag = `"${file.etag}"`;
  const rangeHeader = req.headers.range;
  const count = (outcome: string) =>
    ctx.metrics.inc('file_downloads_total', 'File downloads', { source: opts.source, outcome, range: rangeHeader ? 'range' : 'full' });
  const common = () => {
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, max-age=0, must-revalidate');
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Content-Encoding', 'identity');
    res.setHeader('Last-Modified', new Date(file.updatedAt).toUTCString());
  };
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string' && inm.split(',').some((t) => t.trim() === etag || t.trim() === `W/${etag}` || t.trim() === '*')) {
    common();
    count('not_modified');
    res.status(304).end();
    return;
  }
  let range: { start: number; end: number } | undefined;
  try {
    if (typeof rangeHeader === 'string') range = parseRange(rangeHeader, file.size);
  } catch (e) {
    count('failure:bad_range');
    throw e;
  }
  let stream: Awaited<ReturnType<typeof readFile>> | null;
  try {
    stream = file.size === 0 ? null : await readFile(ctx, file, range);
  } catch (e) {
    count('failure:storage');
    throw e instanceof ApiError ? e : E.internal();
  }
  opts.beforeStream?.();
  common();
  res.setHeader('Content-Type', file.mimeType);
  res.setHeader('Content-Disposition', contentDisposition(disposition, file.name));
  if (disposition === 'inline' && ['text/html', 'application/xhtml+xml', 'image/svg+xml'].includes(file.mimeType)) {
    res.setHeader('Content-Security-Policy', 'sandbox');
    res.setHeader('X-Content-Type-Options', 'nosniff');
  }
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${file.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader('Content-Length', String(file.size));
  }
  count(range ? 'partial' : 'stream');
  if (req.method === 'HEAD' || !stream) {
    stream?.destroy();
    res.end();
    return;
  }
  try {
    await pipeline(stream, res);
  } catch {
    res.destroy();
  }
}
