import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Ctx } from '../context.js';
import type { BlobRec, FileRec, FolderRec, PolicyRec, UserRec, VersionRec } from '../db/types.js';
import { ApiError, E } from '../http/errors.js';
import { categoryOf, compoundExtension, extensionOf, mimeFor } from '../util/mime.js';
import { coveringFileLocks, coveringFolderLocks, lockStateOf } from './locks.js';
import { getNum } from './settings.js';
import { personalChange } from './storage-events.js';

const now = () => new Date().toISOString();
export const newEtag = () => crypto.randomBytes(16).toString('hex');

export interface TempContent {
  path: string;
  size: number;
  sha256: string;
}

/** Streams a body to a temp file with hashing and fsync; never buffers the whole body. */
export async function streamToTemp(ctx: Ctx, src: AsyncIterable<unknown>, maxBytes?: number, tooLarge?: () => ApiError): Promise<TempContent> {
  const path = await ctx.storage.tempFile();
  const fh = await fsp.open(path, 'w', 0o600);
  const hash = crypto.createHash('sha256');
  let size = 0;
  try {
    for await (const c of src) {
      const b = c as Buffer;
      size += b.length;
      if (maxBytes !== undefined && size > maxBytes) throw tooLarge ? tooLarge() : new ApiError(413, 'file.too_large', 'file too large');
      hash.update(b);
      await fh.write(b);
    }
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await fsp.rm(path, { force: true });
    throw e;
  }
  await fh.close();
  return { path, size, sha256: hash.digest('hex') };
}

export async function bufferToTemp(ctx: Ctx, buf: Buffer): Promise<TempContent> {
  return streamToTemp(
    ctx,
    (async function* () {
      yield buf;
    })(),
  );
}

export async function dropTemp(t: TempContent): Promise<void> {
  await fsp.rm(t.path, { force: true }).catch(() => {});
}

export function validateName(name: unknown, kind: 'file' | 'folder'): string {
  if (typeof name !== 'string') throw E.bad(`${kind} name is required`);
  const n = name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not allowed in names
  if (!n || n === '.' || n === '..' || n.length > 255 || /[/\\\0]/.test(n) || /[\x00-\x1f]/.test(n)) throw E.bad(`invalid ${kind} name`);
  return n;
}

export function userById(ctx: Ctx, id: number): UserRec | undefined {
  return ctx.store.state.users.find((u) => u.id === id);
}

export function getFolder(ctx: Ctx, user: UserRec, id: number, allowDeleted = false): FolderRec {
  const f = ctx.store.s.folders.find((x) => x.id === id);
  if (!f || (!allowDeleted && f.deletedAt)) throw E.notFound('folder.not_found', 'folder not found');
  if (f.ownerUserId !== user.id) throw E.forbidden('not your folder');
  return f;
}

export function getFile(ctx: Ctx, user: UserRec, id: number, allowDeleted = false): FileRec {
  const f = ctx.store.s.files.find((x) => x.id === id);
  if (!f || (!allowDeleted && f.deletedAt)) throw E.notFound('file.not_found', 'file not found');
  if (f.ownerUserId !== user.id) throw E.forbidden('not your file');
  return f;
}

export function liveFolders(ctx: Ctx, userId: number, parentId: number | null): FolderRec[] {
  return ctx.store.s.folders.filter((f) => f.ownerUserId === userId && f.parentId === parentId && !f.deletedAt);
}

export function liveFiles(ctx: Ctx, userId: number, folderId: number | null): FileRec[] {
  return ctx.store.s.files.filter((f) => f.ownerUserId === userId && f.folderId === folderId && !f.deletedAt);
}

function nameTaken(
  ctx: Ctx,
  userId: number,
  parentId: number | null,
  name: string,
  exceptFile?: number,
  exceptFolder?: number,
): { file: boolean; folder: boolean } {
  const lower = name.toLowerCase();
  return {
    file: liveFiles(ctx, userId, parentId).some((f) => f.id !== exceptFile && f.name.toLowerCase() === lower),
    folder: liveFolders(ctx, userId, parentId).some((f) => f.id !== exceptFolder && f.name.toLowerCase() === lower),
  };
}

export function fileNameTaken(ctx: Ctx, userId: number, parentId: number | null, name: string, except?: number): boolean {
  return nameTaken(ctx, userId, parentId, name, except).file;
}

export function folderNameTaken(ctx: Ctx, userId: number, parentId: number | null, name: string, except?: number): boolean {
  return nameTaken(ctx, userId, parentId, name, undefined, except).folder;
}

/** `report.txt` -> `report (1).txt`, `report (2).txt`, ... (upstream src/db/repository/file_repo/query/names.rs). */
export function uniqueName(name: string, taken: (n: string) => boolean): string {
  if (!taken(name)) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 1; ; i++) {
    const cand = `${stem} (${i})${ext}`;
    if (!taken(cand)) return cand;
  }
}

export function folderPathNames(ctx: Ctx, folderId: number | null): string[] {
  const names: string[] = [];
  let cur = folderId;
  const seen = new Set<number>();
  while (cur !== null && !seen.has(cur)) {
    seen.add(cur);
    const f = ctx.store.state.folders.find((x) => x.id === cur);
    if (!f) break;
    names.unshift(f.name);
    cur = f.parentId;
  }
  return names;
}

export function pathString(ctx: Ctx, folderId: number | null, name?: string): string {
  const parts = folderPathNames(ctx, folderId);
  if (name !== undefined) parts.push(name);
  return `/${parts.join('/')}`;
}

export function storageUsed(ctx: Ctx, userId: number): number {
  let n = 0;
  for (const f of ctx.store.state.files) if (f.ownerUserId === userId) n += f.size;
  return n;
}

export function createFolder(ctx: Ctx, user: UserRec, name: string, parentId: number | null): FolderRec {
  const n = validateName(name, 'folder');
  if (parentId !== null) getFolder(ctx, user, parentId);
  if (folderNameTaken(ctx, user.id, parentId, n)) throw E.bad('a folder with this name already exists', 'folder.name_conflict');
  const f: FolderRec = {
    id: ctx.store.nextId('folders'),
    name: n,
    parentId,
    ownerUserId: user.id,
    createdBy: user.id,
    policyId: null,
    createdAt: now(),
    updatedAt: now(),
    deletedAt: null,
    trashBatch: null,
    trashRoot: false,
    originalPath: null,
  };
  ctx.store.state.folders.push(f);
  ctx.events.publish(personalChange('folder.created', user.id, { folders: [f.id], parents: [parentId] }));
  return f;
}

/** Resolves `a/b/c.txt` under a folder, creating missing folders; returns the parent id and leaf name. */
export function ensureRelativePath(
  ctx: Ctx,
  user: UserRec,
  folderId: number | null,
  rel: string,
): { folderId: number | null; leaf: string | null; created: FolderRec[] } {
  const parts = rel
    .split('/')
    .map((s) => s.trim())
    .filter(Boolean);
  const created: FolderRec[] = [];
  if (parts.some((p) => p === '..' || p === '.')) throw E.bad('invalid relative_path');
  const leaf = parts.pop() ?? null;
  let cur = folderId;
  for (const p of parts) {
    const existing = liveFolders(ctx, user.id, cur).find((f) => f.name.toLowerCase() === p.toLowerCase());
    if (existing) cur = existing.id;
    else {
      const f = createFolder(ctx, user, p, cur);
      created.push(f);
      cur = f.id;
    }
  }
  return { folderId: cur, leaf, created };
}

export function policyForUser(ctx: Ctx, user: UserRec, size = 0): PolicyRec {
  const s = ctx.store.state;
  const group = s.policyGroups.find((g) => g.id === user.policyGroupId && g.is_enabled) ?? s.policyGroups.find((g) => g.is_default && g.is_enabled);
  if (group) {
    const items = [...group.items].sort((a, b) => a.priority - b.priority);
    for (const it of items) {
      if (size < it.min_file_size) continue;
      if (it.max_file_size > 0 && size > it.max_file_size) continue;
      const p = s.policies.find((x) => x.id === it.policy_id);
      if (p) return p;
    }
    const first = items.map((it) => s.policies.find((x) => x.id === it.policy_id)).find(Boolean);
    if (first) return first;
  }
  const d = s.policies.find((p) => p.is_default);
  if (!d) throw E.bad('system storage is not initialized', 'validation.system_not_initialized');
  return d;
}

export function checkPolicyLimits(policy: PolicyRec, name: string, size: number): void {
  if (policy.max_file_size > 0 && size > policy.max_file_size) throw E.bad(`file exceeds the policy limit of ${policy.max_file_size} bytes`, 'file.too_large');
  if (policy.allowed_types.length > 0) {
    const ext = extensionOf(name);
    if (!policy.allowed_types.map((t) => t.toLowerCase().replace(/^\./, '')).includes(ext)) throw E.bad('file type is not allowed', 'file.type_not_allowed');
  }
}

export function checkQuota(ctx: Ctx, user: UserRec, extra: number): void {
  if (user.storageQuota > 0 && storageUsed(ctx, user.id) + extra > user.storageQuota) {
    throw new ApiError(507, 'storage.quota_exceeded', 'storage quota exceeded');
  }
}

function addVersion(ctx: Ctx, file: FileRec, blob: BlobRec, reason: VersionRec['reason'], creator: number, mime: string): VersionRec {
  const seq = Math.max(0, ...ctx.store.state.versions.filter((v) => v.fileId === file.id).map((v) => v.seq)) + 1;
  const v: VersionRec = {
    id: ctx.store.nextId('versions'),
    publicId: crypto.randomUUID(),
    fileId: file.id,
    seq,
    blobId: blob.id,
    size: blob.size,
    mimeType: mime,
    etag: newEtag(),
    reason,
    comment: null,
    creatorUserId: creator,
    createdAt: now(),
    deleted: false,
  };
  blob.refs++;
  ctx.store.state.versions.push(v);
  file.versionId = v.id;
  file.blobId = blob.id;
  file.size = blob.size;
  file.etag = v.etag;
  file.mimeType = mime;
  file.updatedAt = v.createdAt;
  return v;
}

export async function releaseBlob(ctx: Ctx, blobId: number | null): Promise<void> {
  if (blobId === null) return;
  const b = ctx.store.state.blobs.find((x) => x.id === blobId);
  if (!b) return;
  b.refs = Math.max(0, b.refs - 1);
  if (b.refs === 0) {
    ctx.store.state.blobs = ctx.store.state.blobs.filter((x) => x.id !== b.id);
    const thumb = ctx.store.state.thumbnails[String(b.id)];
    if (thumb) {
      delete ctx.store.state.thumbnails[String(b.id)];
      await fsp.rm(thumb, { force: true }).catch(() => {});
    }
    await ctx.storage.deleteBlob(b);
  }
}

export interface CreateFileArgs {
  folderId: number | null;
  name: string;
  temp: TempContent;
  mime?: string;
  autoRename: boolean;
  reason?: VersionRec['reason'];
}

/** Stores new content as a new file with version 1 and commits. */
export async function createFile(ctx: Ctx, user: UserRec, a: CreateFileArgs): Promise<FileRec> {
  let name: string;
  try {
    name = validateName(a.name, 'file');
    if (a.folderId !== null) getFolder(ctx, user, a.folderId);
    if (a.autoRename) name = uniqueName(name, (n) => fileNameTaken(ctx, user.id, a.folderId, n) || folderNameTaken(ctx, user.id, a.folderId, n));
    else if (fileNameTaken(ctx, user.id, a.folderId, name) || folderNameTaken(ctx, user.id, a.folderId, name))
      throw E.bad('a file with this name already exists', 'file.name_conflict');
    checkQuota(ctx, user, a.temp.size);
  } catch (e) {
    await dropTemp(a.temp);
    throw e;
  }
  const policy = policyForUser(ctx, user, a.temp.size);
  try {
    checkPolicyLimits(policy, name, a.temp.size);
  } catch (e) {
    await dropTemp(a.temp);
    throw e;
  }
  const blob = await ctx.storage.storeTemp(policy, a.temp.path, a.temp.size, a.temp.sha256);
  const mime = a.mime && a.mime !== 'application/octet-stream' ? a.mime : mimeFor(name);
  const file: FileRec = {
    id: ctx.store.nextId('files'),
    name,
    folderId: a.folderId,
    ownerUserId: user.id,
    createdBy: user.id,
    blobId: blob.id,
    size: blob.size,
    mimeType: mime,
    etag: '',
    versionId: 0,
    createdAt: now(),
    updatedAt: now(),
    deletedAt: null,
    trashBatch: null,
    trashRoot: false,
    originalPath: null,
  };
  ctx.store.state.files.push(file);
  addVersion(ctx, file, blob, a.reason ?? 'create', user.id, mime);
  ctx.store.commit();
  ctx.events.publish(personalChange('file.created', user.id, { files: [file.id], parents: [file.folderId], storageDelta: file.size }));
  return file;
}

/** Appends a new head revision (REST content update, WebDAV overwrite, WOPI PutFile) and commits. */
export async function overwriteFile(
  ctx: Ctx,
  user: UserRec,
  file: FileRec,
  temp: TempContent,
  reason: VersionRec['reason'] = 'overwrite',
): Promise<VersionRec> {
  const owner = userById(ctx, file.ownerUserId) ?? user;
  try {
    checkQuota(ctx, owner, temp.size - file.size);
  } catch (e) {
    await dropTemp(temp);
    throw e;
  }
  const policy = policyForUser(ctx, owner, temp.size);
  try {
    checkPolicyLimits(policy, file.name, temp.size);
  } catch (e) {
    await dropTemp(temp);
    throw e;
  }
  const blob = await ctx.storage.storeTemp(policy, temp.path, temp.size, temp.sha256);
  const before = file.size;
  const v = addVersion(ctx, file, blob, reason, user.id, file.mimeType);
  await pruneVersions(ctx, file);
  ctx.store.commit();
  ctx.events.publish(personalChange('file.updated', file.ownerUserId, { files: [file.id], parents: [file.folderId], storageDelta: file.size - before }));
  return v;
}

async function pruneVersions(ctx: Ctx, file: FileRec): Promise<void> {
  const keep = getNum(ctx.store, 'max_versions_per_file');
  const hist = ctx.store.state.versions.filter((v) => v.fileId === file.id && v.id !== file.versionId && !v.deleted).sort((a, b) => b.seq - a.seq);
  for (const v of hist.slice(Math.max(0, keep))) {
    v.deleted = true;
    const b = v.blobId;
    v.blobId = null;
    await releaseBlob(ctx, b);
  }
}

export function assertUnlocked(ctx: Ctx, target: { file?: FileRec; folder?: FolderRec }): void {
  const locks = target.file ? coveringFileLocks(ctx, target.file) : coveringFolderLocks(ctx, target.folder!);
  if (locks.length > 0) throw E.locked();
}

/** Any lock on the folder or anything below it. */
export function assertTreeUnlocked(ctx: Ctx, user: UserRec, folder: FolderRec): void {
  assertUnlocked(ctx, { folder });
  const { folders, files } = subtree(ctx, folder);
  const fids = new Set(files.map((f) => f.id));
  const dids = new Set(folders.map((f) => f.id));
  if (ctx.store.state.locks.some((l) => (l.fileId !== null && fids.has(l.fileId)) || (l.folderId !== null && dids.has(l.folderId)))) throw E.locked();
  void user;
}

export function subtree(ctx: Ctx, root: FolderRec, includeDeleted = false): { folders: FolderRec[]; files: FileRec[] } {
  const folders: FolderRec[] = [root];
  for (let i = 0; i < folders.length; i++) {
    const id = folders[i]!.id;
    for (const f of ctx.store.state.folders) if (f.parentId === id && (includeDeleted || !f.deletedAt)) folders.push(f);
  }
  const ids = new Set(folders.map((f) => f.id));
  const files = ctx.store.state.files.filter((f) => f.folderId !== null && ids.has(f.folderId) && (includeDeleted || !f.deletedAt));
  return { folders, files };
}

export function trashFile(ctx: Ctx, file: FileRec): void {
  file.originalPath = pathString(ctx, file.folderId, file.name);
  file.deletedAt = now();
  file.trashBatch = crypto.randomUUID();
  file.trashRoot = true;
  ctx.events.publish(personalChange('file.trashed', file.ownerUserId, { files: [file.id], parents: [file.folderId] }));
}

export function trashFolder(ctx: Ctx, folder: FolderRec): void {
  const { folders, files } = subtree(ctx, folder);
  const batch = crypto.randomUUID();
  const t = now();
  folder.originalPath = pathString(ctx, folder.parentId, folder.name);
  for (const f of folders) {
    f.deletedAt = t;
    f.trashBatch = batch;
    f.trashRoot = f.id === folder.id;
  }
  for (const f of files) {
    f.deletedAt = t;
    f.trashBatch = batch;
    f.trashRoot = false;
  }
  ctx.events.publish(personalChange('folder.trashed', folder.ownerUserId, { folders: [folder.id], parents: [folder.parentId] }));
}

function parentAlive(ctx: Ctx, parentId: number | null): boolean {
  if (parentId === null) return true;
  const p = ctx.store.state.folders.find((f) => f.id === parentId);
  return Boolean(p && !p.deletedAt);
}

export function restoreFile(ctx: Ctx, file: FileRec): void {
  if (!parentAlive(ctx, file.folderId)) file.folderId = null;
  file.name = uniqueName(file.name, (n) => fileNameTaken(ctx, file.ownerUserId, file.folderId, n, file.id));
  file.deletedAt = null;
  file.trashBatch = null;
  file.trashRoot = false;
  file.originalPath = null;
}

export function restoreFolder(ctx: Ctx, folder: FolderRec): void {
  const batch = folder.trashBatch;
  if (!parentAlive(ctx, folder.parentId)) folder.parentId = null;
  folder.name = uniqueName(folder.name, (n) => folderNameTaken(ctx, folder.ownerUserId, folder.parentId, n, folder.id));
  for (const f of ctx.store.state.folders) {
    if (f.trashBatch === batch) {
      f.deletedAt = null;
      f.trashBatch = null;
      f.trashRoot = false;
      f.originalPath = null;
    }
  }
  for (const f of ctx.store.state.files) {
    if (f.trashBatch === batch) {
      f.deletedAt = null;
      f.trashBatch = null;
      f.trashRoot = false;
    }
  }
}

export async function purgeFile(ctx: Ctx, file: FileRec): Promise<void> {
  const s = ctx.store.state;
  s.files = s.files.filter((f) => f.id !== file.id);
  const versions = s.versions.filter((v) => v.fileId === file.id);
  s.versions = s.versions.filter((v) => v.fileId !== file.id);
  s.shares = s.shares.filter((x) => !(x.targetType === 'file' && x.targetId === file.id));
  s.locks = s.locks.filter((l) => l.fileId !== file.id);
  delete s.props[`file:${file.id}`];
  for (const v of versions) await releaseBlob(ctx, v.blobId);
}

export async function purgeFolder(ctx: Ctx, folder: FolderRec): Promise<number> {
  const { folders, files } = subtree(ctx, folder, true);
  for (const f of files) await purgeFile(ctx, f);
  const ids = new Set(folders.map((f) => f.id));
  const s = ctx.store.state;
  s.folders = s.folders.filter((f) => !ids.has(f.id));
  s.shares = s.shares.filter((x) => !(x.targetType === 'folder' && ids.has(x.targetId)));
  s.locks = s.locks.filter((l) => l.folderId === null || !ids.has(l.folderId));
  for (const id of ids) delete s.props[`folder:${id}`];
  return files.length + folders.length;
}

export function copyFileRec(ctx: Ctx, user: UserRec, src: FileRec, folderId: number | null, name?: string): FileRec {
  const blob = ctx.store.state.blobs.find((b) => b.id === src.blobId);
  if (!blob) throw E.internal();
  const target = name ?? uniqueName(src.name, (n) => fileNameTaken(ctx, user.id, folderId, n) || folderNameTaken(ctx, user.id, folderId, n));
  checkQuota(ctx, user, src.size);
  const file: FileRec = {
    ...src,
    id: ctx.store.nextId('files'),
    name: target,
    folderId,
    ownerUserId: user.id,
    createdBy: user.id,
    createdAt: now(),
    updatedAt: now(),
    deletedAt: null,
    trashBatch: null,
    trashRoot: false,
    originalPath: null,
  };
  ctx.store.state.files.push(file);
  addVersion(ctx, file, blob, 'copy', user.id, src.mimeType);
  const props = ctx.store.state.props[`file:${src.id}`];
  if (props) ctx.store.state.props[`file:${file.id}`] = { ...props };
  return file;
}

export function copyFolderRec(ctx: Ctx, user: UserRec, src: FolderRec, parentId: number | null, name?: string, depthZero = false): FolderRec {
  if (parentId !== null) {
    const anc = new Set<number>();
    let cur: number | null = parentId;
    while (cur !== null) {
      anc.add(cur);
      cur = ctx.store.state.folders.find((f) => f.id === cur)?.parentId ?? null;
    }
    if (anc.has(src.id)) throw E.bad('cannot copy a folder into itself');
  }
  const target = name ?? uniqueName(src.name, (n) => folderNameTaken(ctx, user.id, parentId, n) || fileNameTaken(ctx, user.id, parentId, n));
  const copy = createFolder(ctx, user, target, parentId);
  const props = ctx.store.state.props[`folder:${src.id}`];
  if (props) ctx.store.state.props[`folder:${copy.id}`] = { ...props };
  if (depthZero) return copy;
  for (const f of liveFiles(ctx, src.ownerUserId, src.id)) copyFileRec(ctx, user, f, copy.id, f.name);
  for (const d of liveFolders(ctx, src.ownerUserId, src.id)) if (d.id !== copy.id) copyFolderRec(ctx, user, d, copy.id, d.name);
  return copy;
}

export function isDescendant(ctx: Ctx, folderId: number | null, ancestorId: number): boolean {
  let cur = folderId;
  const seen = new Set<number>();
  while (cur !== null && !seen.has(cur)) {
    if (cur === ancestorId) return true;
    seen.add(cur);
    cur = ctx.store.state.folders.find((f) => f.id === cur)?.parentId ?? null;
  }
  return false;
}

export function isShared(ctx: Ctx, type: 'file' | 'folder', id: number): boolean {
  return ctx.store.state.shares.some((s) => s.targetType === type && s.targetId === id);
}

export function fileInfo(ctx: Ctx, f: FileRec, withUsage = false): Record<string, unknown> {
  const creator = userById(ctx, f.createdBy);
  const out: Record<string, unknown> = {
    id: f.id,
    name: f.name,
    folder_id: f.folderId,
    team_id: null,
    blob_id: f.blobId,
    size: f.size,
    owner_user_id: f.ownerUserId,
    created_by_user_id: f.createdBy,
    created_by_username: creator?.username ?? null,
    mime_type: f.mimeType,
    extension: extensionOf(f.name),
    compound_extension: compoundExtension(f.name),
    file_category: categoryOf(f.name, f.mimeType),
    created_at: f.createdAt,
    updated_at: f.updatedAt,
    lock_state: lockStateOf(ctx, { file: f }),
    tags: [],
  };
  if (withUsage) out.storage_used = f.size;
  if (f.deletedAt) out.deleted_at = f.deletedAt;
  return out;
}

export function fileListItem(ctx: Ctx, f: FileRec): Record<string, unknown> {
  return {
    id: f.id,
    name: f.name,
    size: f.size,
    mime_type: f.mimeType,
    extension: extensionOf(f.name),
    compound_extension: compoundExtension(f.name),
    file_category: categoryOf(f.name, f.mimeType),
    updated_at: f.updatedAt,
    is_shared: isShared(ctx, 'file', f.id),
    lock_state: lockStateOf(ctx, { file: f }),
    tags: [],
  };
}

export function folderInfo(ctx: Ctx, f: FolderRec): Record<string, unknown> {
  const creator = userById(ctx, f.createdBy);
  const { files } = subtree(ctx, f);
  const out: Record<string, unknown> = {
    id: f.id,
    name: f.name,
    parent_id: f.parentId,
    team_id: null,
    owner_user_id: f.ownerUserId,
    created_by_user_id: f.createdBy,
    created_by_username: creator?.username ?? null,
    policy_id: f.policyId,
    storage_used: files.reduce((n, x) => n + x.size, 0),
    lock_state: lockStateOf(ctx, { folder: f }),
    tags: [],
    created_at: f.createdAt,
    updated_at: f.updatedAt,
  };
  if (f.deletedAt) out.deleted_at = f.deletedAt;
  return out;
}

export function folderListItem(ctx: Ctx, f: FolderRec): Record<string, unknown> {
  return {
    id: f.id,
    name: f.name,
    updated_at: f.updatedAt,
    is_shared: isShared(ctx, 'folder', f.id),
    lock_state: lockStateOf(ctx, { folder: f }),
    tags: [],
  };
}

export function versionView(ctx: Ctx, file: FileRec, v: VersionRec): Record<string, unknown> {
  const creator = userById(ctx, v.creatorUserId);
  return {
    id: v.id,
    public_id: v.publicId,
    file_id: v.fileId,
    version: v.seq,
    current: v.id === file.versionId,
    etag: v.etag,
    size: v.size,
    mime_type: v.mimeType,
    blob_id: v.blobId,
    reason: v.reason,
    comment: v.comment,
    creator_user_id: v.creatorUserId,
    creator_display_name: creator ? (creator.displayName ?? creator.username) : null,
    created_at: v.createdAt,
  };
}

export function blobOf(ctx: Ctx, f: FileRec): BlobRec {
  const b = ctx.store.state.blobs.find((x) => x.id === f.blobId);
  if (!b) throw E.internal('blob record missing');
  return b;
}

export async function readFile(ctx: Ctx, f: FileRec, range?: { start: number; end: number }): Promise<Readable> {
  return ctx.storage.read(blobOf(ctx, f), range);
}
