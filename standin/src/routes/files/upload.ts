// Direct and chunked uploads under /files/upload (upstream src/api/routes/files/upload.rs).
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Router, type Request } from 'express';
import type { Ctx } from '../../context.js';
import type { UploadSessionRec, UserRec } from '../../db/types.js';
import { ApiError, E, ok } from '../../http/errors.js';
import { readJson, reqObj } from '../../http/body.js';
import { firstFilePart } from '../../http/multipart.js';
import { authOf, requireAuth } from '../../auth/session.js';
import { audit } from '../../services/audit.js';
import {
  checkPolicyLimits,
  checkQuota,
  createFile,
  dropTemp,
  ensureRelativePath,
  fileInfo,
  getFolder,
  policyForUser,
  streamToTemp,
  validateName,
  type TempContent,
} from '../../services/files.js';
import { q } from '../util.js';

const SESSION_TTL_MS = 24 * 3600 * 1000;

export function uploadRoutes(ctx: Ctx): Router {
  const r = Router();
  const store = ctx.store;
  const auth = requireAuth(ctx);
  const uploadsMetric = (mode: string, status: string) => ctx.metrics.inc('file_uploads_total', 'File uploads', { mode, status });

  const chunkDir = (id: string) => path.join(ctx.storage.tempDir, 'chunks', id);

  function session(req: Request, user: UserRec): UploadSessionRec {
    const s = store.s.uploads.find((u) => u.id === req.params.uploadId && u.userId === user.id);
    if (!s) throw E.notFound('upload.session_not_found', 'upload session not found');
    return s;
  }

  function folderQuery(req: Request, user: UserRec): number | null {
    const v = q(req, 'folder_id');
    if (v === undefined || v === '' || v === 'null') return null;
    if (!/^\d+$/.test(v)) throw E.bad('invalid folder_id');
    getFolder(ctx, user, Number(v));
    return Number(v);
  }

  r.post('/files/upload', auth, async (req, res) => {
    const { user } = authOf(req);
    res.setHeader('Content-Encoding', 'identity');
    const declared = q(req, 'declared_size');
    if (declared !== undefined && (!/^-?\d+$/.test(declared) || Number(declared) < 0))
      throw E.bad('declared_size must be a non-negative integer', 'upload.declared_size_invalid');
    let folderId = folderQuery(req, user);
    const part = await firstFilePart(req);
    if (!part) throw E.bad('no file in the request', 'upload.empty_file');
    let temp: TempContent;
    try {
      temp = await streamToTemp(ctx, part.content);
    } catch (e) {
      uploadsMetric('direct', 'failure');
      throw e;
    }
    if (declared !== undefined && Number(declared) !== temp.size) {
      await dropTemp(temp);
      uploadsMetric('direct', 'failure');
      throw E.bad(`declared size ${declared} does not match received ${temp.size} bytes`, 'upload.request_size_mismatch');
    }
    let name = part.filename;
    const rel = q(req, 'relative_path');
    if (rel?.trim()) {
      const rp = ensureRelativePath(ctx, user, folderId, rel);
      folderId = rp.folderId;
      if (rp.leaf) name = rp.leaf;
    }
    let f: Awaited<ReturnType<typeof createFile>>;
    try {
      f = await createFile(ctx, user, { folderId, name, temp, mime: part.contentType, autoRename: true });
    } catch (e) {
      uploadsMetric('direct', 'failure');
      throw e;
    }
    audit(ctx, {
      req,
      userId: user.id,
      action: 'file_upload',
      entityType: 'file',
      entityId: f.id,
      entityName: f.name,
      details: { size: f.size, mode: 'direct' },
    });
    store.commit();
    uploadsMetric('direct', 'success');
    ok(res, fileInfo(ctx, f), 201);
  });

  r.post('/files/upload/init', auth, async (req, res) => {
    const { user } = authOf(req);
    const body = reqObj(await readJson(req));
    const filename = validateName(body.filename, 'file');
    const total = body.total_size;
    if (typeof total !== 'number' || !Number.isInteger(total)) throw E.bad('invalid JSON request body: `total_size` must be an integer');
    if (total < 0) throw E.bad('total_size must be >= 0', 'upload.declared_size_invalid');
    const folderId = body.folder_id === undefined || body.folder_id === null ? null : (body.folder_id as number);
    if (folderId !== null) getFolder(ctx, user, folderId);
    const policy = policyForUser(ctx, user, total);
    checkPolicyLimits(policy, filename, total);
    checkQuota(ctx, user, total);
    if (total === 0 || total <= policy.chunk_size) {
      ctx.metrics.inc('upload_sessions_total', 'Upload sessions', { mode: 'direct' });
      ok(res, { mode: 'direct', upload_id: null, chunk_size: null, total_chunks: null }, 201);
      return;
    }
    const totalChunks = Math.ceil(total / policy.chunk_size);
    const now = new Date();
    const s: UploadSessionRec = {
      id: crypto.randomUUID(),
      userId: user.id,
      filename,
      totalSize: total,
      chunkSize: policy.chunk_size,
      totalChunks,
      folderId,
      relativePath: typeof body.relative_path === 'string' ? body.relative_path : null,
      policyId: policy.id,
      status: 'uploading',
      chunks: [],
      frontendClientId: typeof body.frontend_client_id === 'string' ? body.frontend_client_id : null,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    store.state.uploads.push(s);
    store.commit();
    ctx.metrics.inc('upload_sessions_total', 'Upload sessions', { mode: 'chunked' });
    ok(
      res,
      {
        mode: 'chunked',
        upload_id: s.id,
        chunk_size: s.chunkSize,
        total_chunks: totalChunks,
        upload_scheduling: { chunk_ordering: 'unordered', max_chunk_concurrency: 3 },
      },
      201,
    );
  });

  r.get('/files/upload/sessions', auth, async (req, res) => {
    const { user } = authOf(req);
    const cid = q(req, 'frontend_client_id');
    const items = store.s.uploads.filter((u) => u.userId === user.id && u.status === 'uploading' && (!cid || u.frontendClientId === cid));
    ok(
      res,
      items.map((u) => ({
        upload_id: u.id,
        mode: 'chunked',
        status: u.status,
        filename: u.filename,
        total_size: u.totalSize,
        chunk_size: u.chunkSize,
        total_chunks: u.totalChunks,
        received_count: u.chunks.length,
        folder_id: u.folderId,
        chunks_on_disk: [...u.chunks].sort((a, b) => a - b),
        completed_parts: [],
        expires_at: u.expiresAt,
        updated_at: u.updatedAt,
      })),
    );
  });

  r.put('/files/upload/:uploadId/:chunk', auth, async (req, res) => {
    const { user } = authOf(req);
    const s = session(req, user);
    if (Date.parse(s.expiresAt) < Date.now()) throw new ApiError(410, 'upload.session_expired', 'upload session expired');
    const raw = String(req.params.chunk);
    if (!/^\d+$/.test(raw)) throw E.bad('invalid chunk number', 'upload.chunk_number_out_of_range');
    const n = Number(raw);
    if (n >= s.totalChunks) throw E.bad('chunk number out of range', 'upload.chunk_number_out_of_range');
    if (s.status !== 'uploading') throw E.bad('upload session is not accepting chunks');
    const expected = n === s.totalChunks - 1 ? s.totalSize - s.chunkSize * (s.totalChunks - 1) : s.chunkSize;
    const tooLarge = () => new ApiError(413, 'upload.chunk_too_large', `chunk is larger than ${expected} bytes`);
    const cl = Number(req.headers['content-length'] ?? 'NaN');
    if (Number.isFinite(cl) && cl > expected) {
      req.resume();
      throw tooLarge();
    }
    if (s.chunks.includes(n)) {
      for await (const _ of req) void _;
      ok(res, { received_count: s.chunks.length, total_chunks: s.totalChunks });
      return;
    }
    const temp = await streamToTemp(ctx, req, expected, tooLarge).catch((e) => {
      req.resume();
      throw e;
    });
    if (temp.size !== expected) {
      await dropTemp(temp);
      throw E.bad(`chunk must be exactly ${expected} bytes, got ${temp.size}`, 'upload.chunk_size_mismatch');
    }
    await fsp.mkdir(chunkDir(s.id), { recursive: true });
    await fsp.rename(temp.path, path.join(chunkDir(s.id), String(n)));
    if (!s.chunks.includes(n)) s.chunks.push(n);
    s.updatedAt = new Date().toISOString();
    store.commit();
    ok(res, { received_count: s.chunks.length, total_chunks: s.totalChunks });
  });

  r.get('/files/upload/:uploadId', auth, async (req, res) => {
    const { user } = authOf(req);
    const s = session(req, user);
    ok(res, {
      upload_id: s.id,
      status: s.status,
      received_count: s.chunks.length,
      chunks_on_disk: [...s.chunks].sort((a, b) => a - b),
      chunk_size: s.chunkSize,
      total_chunks: s.totalChunks,
      filename: s.filename,
    });
  });

  r.post('/files/upload/:uploadId/complete', auth, async (req, res) => {
    const { user } = authOf(req);
    const s = session(req, user);
    res.setHeader('Content-Encoding', 'identity');
    if (s.status === 'assembling') throw new ApiError(202, 'upload.assembling', 'upload is being assembled', true);
    if (s.status === 'completed') throw E.bad('upload already completed');
    if (Date.parse(s.expiresAt) < Date.now()) throw new ApiError(410, 'upload.session_expired', 'upload session expired');
    for await (const _ of req) void _;
    if (s.chunks.length !== s.totalChunks) {
      uploadsMetric('chunked', 'failure');
      throw new ApiError(500, 'upload.incomplete_chunks', 'Upload Assembly Failed');
    }
    s.status = 'assembling';
    let temp: TempContent;
    try {
      const dir = chunkDir(s.id);
      temp = await streamToTemp(
        ctx,
        (async function* () {
          for (let i = 0; i < s.totalChunks; i++) yield* fs.createReadStream(path.join(dir, String(i)));
        })(),
      );
    } catch (e) {
      s.status = 'uploading';
      uploadsMetric('chunked', 'failure');
      throw e;
    }
    let folderId = s.folderId;
    let name = s.filename;
    if (s.relativePath) {
      const rp = ensureRelativePath(ctx, user, folderId, s.relativePath);
      folderId = rp.folderId;
      if (rp.leaf) name = rp.leaf;
    }
    let f: Awaited<ReturnType<typeof createFile>>;
    try {
      f = await createFile(ctx, user, { folderId, name, temp, autoRename: true });
    } catch (e) {
      s.status = 'uploading';
      uploadsMetric('chunked', 'failure');
      throw e;
    }
    s.status = 'completed';
    store.state.uploads = store.state.uploads.filter((u) => u.id !== s.id);
    await fsp.rm(chunkDir(s.id), { recursive: true, force: true });
    audit(ctx, {
      req,
      userId: user.id,
      action: 'file_upload',
      entityType: 'file',
      entityId: f.id,
      entityName: f.name,
      details: { size: f.size, mode: 'chunked' },
    });
    store.commit();
    uploadsMetric('chunked', 'success');
    ok(res, fileInfo(ctx, f), 201);
  });

  r.delete('/files/upload/:uploadId', auth, async (req, res) => {
    const { user } = authOf(req);
    const s = session(req, user);
    store.state.uploads = store.state.uploads.filter((u) => u.id !== s.id);
    await fsp.rm(chunkDir(s.id), { recursive: true, force: true });
    audit(ctx, { req, userId: user.id, action: 'file_upload_cancel', entityType: 'upload_session', entityName: s.filename });
    store.commit();
    ok(res);
  });

  return r;
}
