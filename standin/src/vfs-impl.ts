import crypto from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Ctx } from './context.js';
import type { Store } from './db/state.js';
import type { FileRec, FolderRec, LockRec, UserRec } from './db/types.js';
import { ApiError } from './http/errors.js';
import { verifyPassword } from './auth/password.js';
import { audit } from './services/audit.js';
import {
  copyFileRec,
  copyFolderRec,
  createFile,
  createFolder,
  fileNameTaken,
  folderNameTaken,
  isDescendant,
  liveFiles,
  liveFolders,
  overwriteFile,
  readFile,
  storageUsed,
  streamToTemp,
  trashFile,
  trashFolder,
  userById,
} from './services/files.js';
import { ancestorIds, lockActive } from './services/locks.js';
import { getArr, getBool, getNum } from './services/settings.js';
import { VfsError, type DavPrincipal, type LockDepth, type LockScope, type Vfs, type VfsEntry, type VfsLock } from './vfs.js';

type Node = { kind: 'root'; folderId: number | null } | { kind: 'folder'; folder: FolderRec } | { kind: 'file'; file: FileRec };

const AUTH_CACHE_MS = 60_000;

function toVfsError(e: unknown): never {
  if (e instanceof VfsError) throw e;
  if (e instanceof ApiError) {
    if (e.status === 507) throw new VfsError(507, e.message);
    if (e.code === 'file.too_large' || e.status === 413) throw new VfsError(413, e.message);
    if (e.status === 423) throw new VfsError(423, e.message);
    if (e.status === 404) throw new VfsError(404, e.message);
    if (e.status === 403) throw new VfsError(403, e.message);
    if (e.code.endsWith('name_conflict')) throw new VfsError(409, e.message);
    if (e.status === 400) throw new VfsError(400, e.message);
    throw new VfsError(500, e.message);
  }
  throw e;
}

function folderEtag(f: { id: number; updatedAt: string }): string {
  return crypto.createHash('sha1').update(`${f.id}:${f.updatedAt}`).digest('hex');
}

/** The stand-in's file tree as the WebDAV adapter sees it (src/vfs.ts): one principal's space, its locks and properties. */
class StandinVfs implements Vfs {
  private readonly store: Store;
  private readonly authCache = new Map<string, { at: number; principal: DavPrincipal }>();

  constructor(private readonly ctx: Ctx) {
    this.store = ctx.store;
    ctx.vfsCacheClear = () => this.authCache.clear();
  }

  private owner(p: DavPrincipal): UserRec {
    const u = userById(this.ctx, p.userId);
    if (!u) throw new VfsError(403, 'user not found');
    return u;
  }

  private rootFolder(p: DavPrincipal): number | null {
    if (p.rootFolderId === null) return null;
    const f = this.store.state.folders.find((x) => x.id === p.rootFolderId && !x.deletedAt);
    if (!f) throw new VfsError(404, 'root folder not found');
    return f.id;
  }

  private resolve(p: DavPrincipal, path: string[]): Node | null {
    let cur: number | null = this.rootFolder(p);
    let node: Node = { kind: 'root', folderId: cur };
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const folder = liveFolders(this.ctx, p.userId, cur).find((f) => f.name === seg);
      if (folder) {
        node = { kind: 'folder', folder };
        cur = folder.id;
        continue;
      }
      if (i === path.length - 1) {
        const file = liveFiles(this.ctx, p.userId, cur).find((f) => f.name === seg);
        if (file) return { kind: 'file', file };
      }
      return null;
    }
    return node;
  }

  private parentOf(p: DavPrincipal, path: string[]): number | null {
    const n = this.resolve(p, path.slice(0, -1));
    if (!n || n.kind === 'file') throw new VfsError(409, 'parent does not exist');
    return n.kind === 'root' ? n.folderId : n.folder.id;
  }

  private entry(n: Node): VfsEntry {
    if (n.kind === 'file') {
      const f = n.file;
      return {
        kind: 'file',
        id: f.id,
        name: f.name,
        size: f.size,
        mimeType: f.mimeType,
        etag: f.etag,
        createdAt: new Date(f.createdAt),
        updatedAt: new Date(f.updatedAt),
      };
    }
    if (n.kind === 'folder') {
      const f = n.folder;
      return {
        kind: 'folder',
        id: f.id,
        name: f.name,
        size: 0,
        mimeType: 'httpd/unix-directory',
        etag: folderEtag(f),
        createdAt: new Date(f.createdAt),
        updatedAt: new Date(f.updatedAt),
      };
    }
    const f = n.folderId === null ? null : this.store.state.folders.find((x) => x.id === n.folderId);
    const t = f ? f.updatedAt : new Date(this.ctx.startedAt).toISOString();
    return {
      kind: 'folder',
      id: f?.id ?? 0,
      name: f?.name ?? '',
      size: 0,
      mimeType: 'httpd/unix-directory',
      etag: folderEtag({ id: f?.id ?? 0, updatedAt: t }),
      createdAt: new Date(f?.createdAt ?? t),
      updatedAt: new Date(t),
    };
  }

  private must(p: DavPrincipal, path: string[]): Node {
    const n = this.resolve(p, path);
    if (!n) throw new VfsError(404, 'not found');
    return n;
  }

  /** Path of a lock root relative to the principal's root, or null when outside. */
  private lockPath(p: DavPrincipal, l: LockRec): string[] | null {
    const root = p.rootFolderId;
    if (l.pendingPath) return l.userId === p.userId && l.pendingPath.rootFolderId === root ? [...l.pendingPath.path] : null;
    const folderChain = (folderId: number | null): string[] | null => {
      const names: string[] = [];
      let cur = folderId;
      while (cur !== root) {
        if (cur === null) return null;
        const f = this.store.state.folders.find((x) => x.id === cur);
        if (!f) return null;
        names.unshift(f.name);
        cur = f.parentId;
      }
      return names;
    };
    if (l.fileId !== null) {
      const f = this.store.state.files.find((x) => x.id === l.fileId && !x.deletedAt);
      if (!f || f.ownerUserId !== p.userId) return null;
      const base = folderChain(f.folderId);
      return base ? [...base, f.name] : null;
    }
    if (l.folderId !== null) {
      const f = this.store.state.folders.find((x) => x.id === l.folderId && !x.deletedAt);
      if (!f || f.ownerUserId !== p.userId) return null;
      return folderChain(f.id);
    }
    return l.rootUserId === p.userId && root === null ? [] : null;
  }

  private toVfs(p: DavPrincipal, l: LockRec): VfsLock | null {
    const path = this.lockPath(p, l);
    if (!path) return null;
    const info = (l.ownerInfo ?? {}) as { kind?: string; xml?: string };
    return {
      token: l.token,
      path,
      scope: l.mode as LockScope,
      depth: l.depth as LockDepth,
      ownerXml: info.kind === 'webdav' ? (info.xml ?? '') : '',
      userId: l.userId,
      timeoutAt: l.timeoutAt ? new Date(l.timeoutAt) : new Date(Date.now() + 7 * 86_400_000),
      origin: l.origin,
      provisional: Boolean(l.provisional),
    };
  }

  private pendingAt(p: DavPrincipal, path: string[]): LockRec[] {
    const key = JSON.stringify(path);
    return this.activeLocks().filter(
      (l) => l.pendingPath && l.userId === p.userId && l.pendingPath.rootFolderId === p.rootFolderId && JSON.stringify(l.pendingPath.path) === key,
    );
  }

  private isAt(l: LockRec, n: Node, p: DavPrincipal): boolean {
    if (n.kind === 'file') return l.fileId === n.file.id;
    if (n.kind === 'folder') return l.folderId === n.folder.id;
    return n.folderId === null ? l.rootUserId === p.userId && l.fileId === null && l.folderId === null : l.folderId === n.folderId;
  }

  private activeLocks(): LockRec[] {
    return this.store.state.locks.filter((l) => lockActive(l));
  }

  private collect(p: DavPrincipal, ls: LockRec[]): VfsLock[] {
    return ls.map((l) => this.toVfs(p, l)).filter((x): x is VfsLock => x !== null);
  }

  webdavEnabled(): boolean {
    return getBool(this.store, 'webdav_enabled');
  }

  webdavBlockedFilePatterns(): readonly string[] {
    return getBool(this.store, 'webdav_block_system_files_enabled') ? getArr(this.store, 'webdav_block_system_file_patterns') : [];
  }

  async authenticate(username: string, password: string): Promise<DavPrincipal | null> {
    const key = crypto.createHash('sha256').update(`${username}\0${password}`).digest('hex');
    const hit = this.authCache.get(key);
    const a = this.store.state.webdavAccounts.find((x) => x.username === username);
    if (!a?.isActive) return null;
    const u = userById(this.ctx, a.userId);
    if (u?.status !== 'active') return null;
    if (hit && Date.now() - hit.at < AUTH_CACHE_MS && hit.principal.accountId === a.id) return hit.principal;
    if (!(await verifyPassword(password, a.passwordHash))) return null;
    const principal: DavPrincipal = { accountId: a.id, username: a.username, userId: a.userId, rootFolderId: a.rootFolderId };
    this.authCache.set(key, { at: Date.now(), principal });
    return principal;
  }

  async stat(p: DavPrincipal, path: string[]): Promise<VfsEntry | null> {
    const n = this.resolve(p, path);
    return n ? this.entry(n) : null;
  }

  async list(p: DavPrincipal, path: string[]): Promise<VfsEntry[]> {
    const n = this.must(p, path);
    if (n.kind === 'file') throw new VfsError(409, 'not a collection');
    const id = n.kind === 'root' ? n.folderId : n.folder.id;
    return [
      ...liveFolders(this.ctx, p.userId, id).map((folder) => this.entry({ kind: 'folder', folder })),
      ...liveFiles(this.ctx, p.userId, id).map((file) => this.entry({ kind: 'file', file })),
    ];
  }

  async read(p: DavPrincipal, path: string[], range?: { start: number; end: number }): Promise<Readable> {
    const n = this.must(p, path);
    if (n.kind !== 'file') throw new VfsError(405, 'is a collection');
    if (n.file.size === 0) {
      const { Readable: R } = await import('node:stream');
      return R.from([]);
    }
    try {
      return await readFile(this.ctx, n.file, range);
    } catch (e) {
      toVfsError(e);
    }
  }

  async write(p: DavPrincipal, path: string[], body: Readable, mimeType?: string): Promise<{ created: boolean; entry: VfsEntry }> {
    if (path.length === 0) throw new VfsError(405, 'cannot write the mount root');
    const parentId = this.parentOf(p, path);
    const user = this.owner(p);
    const name = path[path.length - 1]!;
    const existingFolder = liveFolders(this.ctx, p.userId, parentId).find((f) => f.name === name);
    if (existingFolder) throw new VfsError(405, 'a collection exists at this path');
    const existing = liveFiles(this.ctx, p.userId, parentId).find((f) => f.name === name);
    try {
      const temp = await streamToTemp(this.ctx, body);
      if (existing) {
        await overwriteFile(this.ctx, user, existing, temp, 'overwrite');
        audit(this.ctx, {
          userId: user.id,
          action: 'file_edit',
          entityType: 'file',
          entityId: existing.id,
          entityName: existing.name,
          details: { via: 'webdav' },
        });
        this.store.commit();
        return { created: false, entry: this.entry({ kind: 'file', file: existing }) };
      }
      const f = await createFile(this.ctx, user, { folderId: parentId, name, temp, mime: mimeType, autoRename: false });
      audit(this.ctx, { userId: user.id, action: 'file_upload', entityType: 'file', entityId: f.id, entityName: f.name, details: { via: 'webdav' } });
      this.store.commit();
      return { created: true, entry: this.entry({ kind: 'file', file: f }) };
    } catch (e) {
      toVfsError(e);
    }
  }

  async mkdir(p: DavPrincipal, path: string[]): Promise<VfsEntry> {
    if (path.length === 0 || this.resolve(p, path)) throw new VfsError(405, 'already exists');
    const parentId = this.parentOf(p, path);
    const name = path[path.length - 1]!;
    if (liveFiles(this.ctx, p.userId, parentId).some((f) => f.name === name)) throw new VfsError(405, 'a file exists at this path');
    try {
      const f = createFolder(this.ctx, this.owner(p), name, parentId);
      audit(this.ctx, { userId: p.userId, action: 'folder_create', entityType: 'folder', entityId: f.id, entityName: f.name, details: { via: 'webdav' } });
      this.store.commit();
      return this.entry({ kind: 'folder', folder: f });
    } catch (e) {
      toVfsError(e);
    }
  }

  async remove(p: DavPrincipal, path: string[]): Promise<void> {
    const n = this.must(p, path);
    if (n.kind === 'root') throw new VfsError(403, 'cannot delete the mount root');
    if (n.kind === 'file') {
      trashFile(this.ctx, n.file);
      audit(this.ctx, {
        userId: p.userId,
        action: 'file_delete',
        entityType: 'file',
        entityId: n.file.id,
        entityName: n.file.name,
        details: { via: 'webdav' },
      });
    } else {
      trashFolder(this.ctx, n.folder);
      audit(this.ctx, {
        userId: p.userId,
        action: 'folder_delete',
        entityType: 'folder',
        entityId: n.folder.id,
        entityName: n.folder.name,
        details: { via: 'webdav' },
      });
    }
    this.store.commit();
  }

  async move(p: DavPrincipal, from: string[], to: string[]): Promise<VfsEntry> {
    const n = this.must(p, from);
    if (n.kind === 'root' || to.length === 0) throw new VfsError(403, 'cannot move the mount root');
    const parentId = this.parentOf(p, to);
    const name = to[to.length - 1]!;
    if (
      fileNameTaken(this.ctx, p.userId, parentId, name, n.kind === 'file' ? n.file.id : undefined) ||
      folderNameTaken(this.ctx, p.userId, parentId, name, n.kind === 'folder' ? n.folder.id : undefined)
    ) {
      throw new VfsError(412, 'destination exists');
    }
    const now = new Date().toISOString();
    if (n.kind === 'file') {
      const moved = n.file.folderId !== parentId;
      n.file.folderId = parentId;
      n.file.name = name;
      n.file.updatedAt = now;
      audit(this.ctx, {
        userId: p.userId,
        action: moved ? 'file_move' : 'file_rename',
        entityType: 'file',
        entityId: n.file.id,
        entityName: name,
        details: { via: 'webdav' },
      });
    } else {
      if (parentId !== null && isDescendant(this.ctx, parentId, n.folder.id)) throw new VfsError(403, 'cannot move a folder into itself');
      const moved = n.folder.parentId !== parentId;
      n.folder.parentId = parentId;
      n.folder.name = name;
      n.folder.updatedAt = now;
      audit(this.ctx, {
        userId: p.userId,
        action: moved ? 'folder_move' : 'folder_rename',
        entityType: 'folder',
        entityId: n.folder.id,
        entityName: name,
        details: { via: 'webdav' },
      });
    }
    this.store.commit();
    return this.entry(n);
  }

  async copy(p: DavPrincipal, from: string[], to: string[], depth: 'zero' | 'infinity'): Promise<VfsEntry> {
    const n = this.must(p, from);
    if (n.kind === 'root' || to.length === 0) throw new VfsError(403, 'cannot copy the mount root');
    const parentId = this.parentOf(p, to);
    const name = to[to.length - 1]!;
    if (fileNameTaken(this.ctx, p.userId, parentId, name) || folderNameTaken(this.ctx, p.userId, parentId, name)) throw new VfsError(412, 'destination exists');
    try {
      let out: Node;
      if (n.kind === 'file') {
        const f = copyFileRec(this.ctx, this.owner(p), n.file, parentId, name);
        audit(this.ctx, { userId: p.userId, action: 'file_copy', entityType: 'file', entityId: f.id, entityName: f.name, details: { via: 'webdav' } });
        out = { kind: 'file', file: f };
      } else {
        const f = copyFolderRec(this.ctx, this.owner(p), n.folder, parentId, name, depth === 'zero');
        audit(this.ctx, { userId: p.userId, action: 'folder_copy', entityType: 'folder', entityId: f.id, entityName: f.name, details: { via: 'webdav' } });
        out = { kind: 'folder', folder: f };
      }
      this.store.commit();
      return this.entry(out);
    } catch (e) {
      toVfsError(e);
    }
  }

  async getProps(p: DavPrincipal, path: string[]): Promise<Record<string, string>> {
    const n = this.must(p, path);
    if (n.kind === 'root') return {};
    const key = n.kind === 'file' ? `file:${n.file.id}` : `folder:${n.folder.id}`;
    return { ...(this.store.state.props[key] ?? {}) };
  }

  async setProps(p: DavPrincipal, path: string[], set: Record<string, string>, remove: string[]): Promise<void> {
    const n = this.must(p, path);
    if (n.kind === 'root') throw new VfsError(403, 'PROPPATCH on the WebDAV mount root is not supported');
    const key = n.kind === 'file' ? `file:${n.file.id}` : `folder:${n.folder.id}`;
    const cur = { ...(this.store.state.props[key] ?? {}) };
    for (const k of remove) {
      delete cur[k];
      audit(this.ctx, {
        userId: p.userId,
        action: 'property_delete',
        entityType: n.kind,
        entityId: n.kind === 'file' ? n.file.id : n.folder.id,
        details: { name: k },
      });
    }
    for (const [k, v] of Object.entries(set)) {
      cur[k] = v;
      audit(this.ctx, {
        userId: p.userId,
        action: 'property_set',
        entityType: n.kind,
        entityId: n.kind === 'file' ? n.file.id : n.folder.id,
        details: { name: k },
      });
    }
    this.store.state.props[key] = cur;
    this.store.commit();
  }

  async locksAt(p: DavPrincipal, path: string[]): Promise<VfsLock[]> {
    const n = this.resolve(p, path);
    if (!n) return this.collect(p, this.pendingAt(p, path));
    return this.collect(p, [...this.activeLocks().filter((l) => this.isAt(l, n, p)), ...this.pendingAt(p, path)]);
  }

  async locksCovering(p: DavPrincipal, path: string[]): Promise<VfsLock[]> {
    const n = this.resolve(p, path);
    if (!n) {
      // missing resource: locks covering its nearest existing ancestor with depth infinity
      for (let i = path.length - 1; i >= 0; i--) {
        const a = this.resolve(p, path.slice(0, i));
        if (a && a.kind !== 'file') {
          const anc = new Set(ancestorIds(this.ctx, a.kind === 'folder' ? a.folder.id : a.folderId));
          return this.collect(p, [
            ...this.activeLocks().filter(
              (l) =>
                l.depth === 'infinity' &&
                ((l.folderId !== null && anc.has(l.folderId)) || (l.rootUserId === p.userId && l.fileId === null && l.folderId === null)),
            ),
            ...this.pendingAt(p, path),
          ]);
        }
      }
      return [];
    }
    const parentFolder = n.kind === 'file' ? n.file.folderId : n.kind === 'folder' ? n.folder.parentId : null;
    const anc = new Set(ancestorIds(this.ctx, parentFolder));
    return this.collect(
      p,
      this.activeLocks().filter(
        (l) =>
          this.isAt(l, n, p) ||
          (l.depth === 'infinity' && ((l.folderId !== null && anc.has(l.folderId)) || (l.rootUserId === p.userId && l.fileId === null && l.folderId === null))),
      ),
    );
  }

  async locksBelow(p: DavPrincipal, path: string[]): Promise<VfsLock[]> {
    const n = this.resolve(p, path);
    if (!n) return [];
    if (n.kind === 'file')
      return this.collect(
        p,
        this.activeLocks().filter((l) => l.fileId === n.file.id),
      );
    const rootId = n.kind === 'folder' ? n.folder.id : n.folderId;
    return this.collect(
      p,
      this.activeLocks().filter((l) => {
        if (l.fileId !== null) {
          const f = this.store.state.files.find((x) => x.id === l.fileId && !x.deletedAt);
          return Boolean(f && f.ownerUserId === p.userId && (rootId === null || (f.folderId !== null && isDescendant(this.ctx, f.folderId, rootId))));
        }
        if (l.folderId !== null)
          return rootId === null
            ? this.store.state.folders.some((f) => f.id === l.folderId && f.ownerUserId === p.userId)
            : isDescendant(this.ctx, l.folderId, rootId);
        return l.rootUserId === p.userId && rootId === null;
      }),
    );
  }

  async saveLock(p: DavPrincipal, lock: VfsLock): Promise<void> {
    const existing = this.store.state.locks.find((l) => l.token === lock.token);
    const timeoutAt = lock.timeoutAt.toISOString();
    if (existing) {
      existing.timeoutAt = timeoutAt;
      existing.mode = lock.scope;
      existing.depth = lock.depth;
      existing.provisional = Boolean(lock.provisional);
      if (existing.origin === 'web_dav') existing.ownerInfo = { kind: 'webdav', xml: lock.ownerXml };
      if (existing.pendingPath) {
        const n = this.resolve(p, existing.pendingPath.path);
        if (n) {
          existing.pendingPath = null;
          existing.fileId = n.kind === 'file' ? n.file.id : null;
          existing.folderId = n.kind === 'folder' ? n.folder.id : n.kind === 'root' ? n.folderId : null;
          existing.rootUserId = n.kind === 'root' && n.folderId === null ? p.userId : null;
        }
      }
      this.store.commit();
      return;
    }
    const limit = getNum(this.store, 'webdav_max_active_locks_per_user');
    if (this.activeLocks().filter((l) => l.origin === 'web_dav' && l.userId === lock.userId).length >= limit)
      throw new VfsError(507, 'WebDAV active lock limit exceeded');
    const n = this.resolve(p, lock.path);
    if (!n) {
      this.store.state.locks.push({
        id: this.store.nextId('locks'),
        token: lock.token,
        userId: lock.userId,
        fileId: null,
        folderId: null,
        rootUserId: null,
        depth: lock.depth,
        mode: lock.scope,
        origin: lock.origin,
        ownerInfo: { kind: 'webdav', xml: lock.ownerXml },
        timeoutAt,
        createdAt: new Date().toISOString(),
        provisional: Boolean(lock.provisional),
        pendingPath: { rootFolderId: p.rootFolderId, path: [...lock.path] },
      });
      this.store.commit();
      return;
    }
    const rec: LockRec = {
      id: this.store.nextId('locks'),
      token: lock.token,
      userId: lock.userId,
      fileId: n.kind === 'file' ? n.file.id : null,
      folderId: n.kind === 'folder' ? n.folder.id : n.kind === 'root' ? n.folderId : null,
      rootUserId: n.kind === 'root' && n.folderId === null ? p.userId : null,
      depth: lock.depth,
      mode: lock.scope,
      origin: lock.origin,
      ownerInfo: { kind: 'webdav', xml: lock.ownerXml },
      timeoutAt,
      createdAt: new Date().toISOString(),
      provisional: Boolean(lock.provisional),
    };
    this.store.state.locks.push(rec);
    if (n.kind !== 'root') {
      audit(this.ctx, {
        userId: lock.userId,
        action: n.kind === 'file' ? 'file_lock' : 'folder_lock',
        entityType: n.kind,
        entityId: n.kind === 'file' ? n.file.id : n.folder.id,
        entityName: n.kind === 'file' ? n.file.name : n.folder.name,
        details: { via: 'webdav' },
      });
    }
    this.store.commit();
  }

  async deleteLock(p: DavPrincipal, token: string): Promise<void> {
    const l = this.store.state.locks.find((x) => x.token === token);
    if (!l) return;
    this.store.state.locks = this.store.state.locks.filter((x) => x !== l);
    if (l.fileId !== null) audit(this.ctx, { userId: p.userId, action: 'file_unlock', entityType: 'file', entityId: l.fileId, details: { via: 'webdav' } });
    else if (l.folderId !== null)
      audit(this.ctx, { userId: p.userId, action: 'folder_unlock', entityType: 'folder', entityId: l.folderId, details: { via: 'webdav' } });
    this.store.commit();
  }

  async quota(p: DavPrincipal): Promise<{ used: number; available: number | null }> {
    const u = this.owner(p);
    const used = storageUsed(this.ctx, u.id);
    return { used, available: u.storageQuota > 0 ? Math.max(0, u.storageQuota - used) : null };
  }
}

export function createVfs(ctx: Ctx): Vfs & { webdavBlockedFilePatterns(): readonly string[] } {
  return new StandinVfs(ctx);
}
