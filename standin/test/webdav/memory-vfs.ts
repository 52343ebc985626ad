/** Test-only in-memory Vfs: one tree per user, files held in Buffers, path-keyed locks. */

import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { type DavPrincipal, type Vfs, type VfsEntry, VfsError, type VfsLock } from '../../src/vfs.js';

interface Node {
  kind: 'file' | 'folder';
  id: number;
  name: string;
  data: Buffer;
  mimeType: string;
  etag: string;
  createdAt: Date;
  updatedAt: Date;
  children: Map<string, Node>;
  props: Record<string, string>;
  versions: number;
}

interface Account {
  password: string;
  principal: DavPrincipal;
}

const MIME: Record<string, string> = {
  txt: 'text/plain',
  html: 'text/html',
  json: 'application/json',
  png: 'image/png',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export class MemoryVfs implements Vfs {
  enabled = true;
  /** bytes per user; null = unlimited */
  quotaLimit: number | null = null;
  /** bytes per file; larger writes fail with 413 */
  maxFileSize: number | null = null;
  maxLocksPerUser = 1024;
  readonly locks = new Map<string, VfsLock>();
  private readonly accounts = new Map<string, Account>();
  private readonly trees = new Map<number, Node>();
  private nextId = 1;

  addAccount(username: string, password: string, userId = 1): DavPrincipal {
    const principal: DavPrincipal = { accountId: this.accounts.size + 1, username, userId, rootFolderId: null };
    this.accounts.set(username, { password, principal });
    return principal;
  }

  webdavEnabled(): boolean {
    return this.enabled;
  }

  async authenticate(username: string, password: string): Promise<DavPrincipal | null> {
    const account = this.accounts.get(username);
    return account && account.password === password ? account.principal : null;
  }

  async stat(p: DavPrincipal, path: string[]): Promise<VfsEntry | null> {
    const node = this.find(p, path);
    return node ? this.entry(node) : null;
  }

  async list(p: DavPrincipal, path: string[]): Promise<VfsEntry[]> {
    const node = this.need(p, path);
    if (node.kind !== 'folder') throw new VfsError(409, 'Not a folder');
    return [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name)).map((n) => this.entry(n));
  }

  async read(p: DavPrincipal, path: string[], range?: { start: number; end: number }): Promise<Readable> {
    const node = this.need(p, path);
    if (node.kind !== 'file') throw new VfsError(405, 'Is a folder');
    const data = range ? node.data.subarray(range.start, range.end + 1) : node.data;
    return Readable.from(data.length ? [data] : []);
  }

  async write(p: DavPrincipal, path: string[], body: Readable, mimeType?: string) {
    const parent = this.parentOf(p, path);
    const name = path[path.length - 1];
    const existing = parent.children.get(name);
    if (existing?.kind === 'folder') throw new VfsError(405, 'A folder exists at this path');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      size += buf.length;
      if (this.maxFileSize !== null && size > this.maxFileSize) throw new VfsError(413, 'File too large');
      chunks.push(buf);
    }
    const data = Buffer.concat(chunks);
    if (this.quotaLimit !== null && this.used(p) - (existing?.data.length ?? 0) + data.length > this.quotaLimit) {
      throw new VfsError(507, 'Storage quota exceeded');
    }
    const now = new Date();
    const node = existing ?? this.node('file', name);
    node.data = data;
    node.mimeType = MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? mimeType ?? 'application/octet-stream';
    node.etag = createHash('sha1')
      .update(data)
      .update(String(node.id))
      .update(String(++node.versions))
      .digest('hex')
      .slice(0, 20);
    node.updatedAt = now;
    parent.children.set(name, node);
    return { created: !existing, entry: this.entry(node) };
  }

  async mkdir(p: DavPrincipal, path: string[]): Promise<VfsEntry> {
    const parent = this.parentOf(p, path);
    const name = path[path.length - 1];
    if (parent.children.has(name)) throw new VfsError(405, 'Already exists');
    const node = this.node('folder', name);
    parent.children.set(name, node);
    return this.entry(node);
  }

  async remove(p: DavPrincipal, path: string[]): Promise<void> {
    if (path.length === 0) throw new VfsError(403, 'Cannot delete the root');
    this.need(p, path);
    this.parentOf(p, path).children.delete(path[path.length - 1]);
  }

  async move(p: DavPrincipal, from: string[], to: string[]): Promise<VfsEntry> {
    const node = this.need(p, from);
    const target = this.parentOf(p, to);
    const name = to[to.length - 1];
    if (target.children.has(name)) throw new VfsError(409, 'Destination exists');
    this.parentOf(p, from).children.delete(from[from.length - 1]);
    node.name = name;
    target.children.set(name, node);
    return this.entry(node);
  }

  async copy(p: DavPrincipal, from: string[], to: string[], depth: 'zero' | 'infinity'): Promise<VfsEntry> {
    const node = this.need(p, from);
    const target = this.parentOf(p, to);
    const name = to[to.length - 1];
    if (target.children.has(name)) throw new VfsError(409, 'Destination exists');
    const size = this.sizeOf(node, depth);
    if (this.quotaLimit !== null && this.used(p) + size > this.quotaLimit) throw new VfsError(507, 'Storage quota exceeded');
    const clone = this.clone(node, name, depth);
    target.children.set(name, clone);
    return this.entry(clone);
  }

  async getProps(p: DavPrincipal, path: string[]): Promise<Record<string, string>> {
    return { ...this.need(p, path).props };
  }

  async setProps(p: DavPrincipal, path: string[], set: Record<string, string>, remove: string[]): Promise<void> {
    const node = this.need(p, path);
    for (const key of remove) delete node.props[key];
    Object.assign(node.props, set);
  }

  async locksAt(p: DavPrincipal, path: string[]): Promise<VfsLock[]> {
    return this.userLocks(p).filter((lock) => samePath(lock.path, path));
  }

  async locksCovering(p: DavPrincipal, path: string[]): Promise<VfsLock[]> {
    return this.userLocks(p).filter((lock) => samePath(lock.path, path) || (lock.depth === 'infinity' && isInside(path, lock.path)));
  }

  async locksBelow(p: DavPrincipal, path: string[]): Promise<VfsLock[]> {
    return this.userLocks(p).filter((lock) => samePath(lock.path, path) || isInside(lock.path, path));
  }

  async saveLock(_p: DavPrincipal, lock: VfsLock): Promise<void> {
    const active = [...this.locks.values()].filter((l) => l.userId === lock.userId && l.token !== lock.token);
    if (!this.locks.has(lock.token) && active.length >= this.maxLocksPerUser) {
      throw new VfsError(507, 'WebDAV active lock limit exceeded');
    }
    this.locks.set(lock.token, { ...lock, path: [...lock.path] });
  }

  async deleteLock(_p: DavPrincipal, token: string): Promise<void> {
    this.locks.delete(token);
  }

  async quota(p: DavPrincipal): Promise<{ used: number; available: number | null }> {
    const used = this.used(p);
    return { used, available: this.quotaLimit === null ? null : Math.max(0, this.quotaLimit - used) };
  }

  /** Test helper: a lock held by another origin (e.g. WOPI) on a path. */
  addForeignLock(p: DavPrincipal, path: string[], origin: VfsLock['origin']): string {
    const token = `wopi-${randomUUID()}`;
    this.locks.set(token, {
      token,
      path,
      scope: 'exclusive',
      depth: 'resource',
      ownerXml: '',
      userId: p.userId,
      timeoutAt: new Date(Date.now() + 3600_000),
      origin,
    });
    return token;
  }

  /** Trees are per user, so a user's tree only carries that user's locks. */
  private userLocks(p: DavPrincipal): VfsLock[] {
    return [...this.locks.values()].filter((lock) => lock.userId === p.userId);
  }

  private root(p: DavPrincipal): Node {
    let root = this.trees.get(p.userId);
    if (!root) {
      root = this.node('folder', '');
      this.trees.set(p.userId, root);
    }
    return root;
  }

  private find(p: DavPrincipal, path: string[]): Node | null {
    let node = this.root(p);
    for (const segment of path) {
      const next = node.kind === 'folder' ? node.children.get(segment) : undefined;
      if (!next) return null;
      node = next;
    }
    return node;
  }

  private need(p: DavPrincipal, path: string[]): Node {
    const node = this.find(p, path);
    if (!node) throw new VfsError(404, 'Not found');
    return node;
  }

  private parentOf(p: DavPrincipal, path: string[]): Node {
    if (path.length === 0) throw new VfsError(405, 'The root already exists');
    const parent = this.find(p, path.slice(0, -1));
    if (parent?.kind !== 'folder') throw new VfsError(409, 'Parent folder does not exist');
    return parent;
  }

  private node(kind: Node['kind'], name: string): Node {
    const now = new Date();
    const id = this.nextId++;
    return {
      kind,
      id,
      name,
      data: Buffer.alloc(0),
      mimeType: kind === 'folder' ? '' : 'application/octet-stream',
      etag: `${kind[0]}${id}-0`,
      createdAt: now,
      updatedAt: now,
      children: new Map(),
      props: {},
      versions: 0,
    };
  }

  private clone(node: Node, name: string, depth: 'zero' | 'infinity'): Node {
    const copy = this.node(node.kind, name);
    copy.data = node.data;
    copy.mimeType = node.mimeType;
    copy.etag = `${node.etag}-c${copy.id}`;
    copy.props = { ...node.props };
    if (depth === 'infinity') {
      for (const [childName, child] of node.children) copy.children.set(childName, this.clone(child, childName, depth));
    }
    return copy;
  }

  private sizeOf(node: Node, depth: 'zero' | 'infinity'): number {
    if (node.kind === 'file') return node.data.length;
    if (depth === 'zero') return 0;
    let total = 0;
    for (const child of node.children.values()) total += this.sizeOf(child, depth);
    return total;
  }

  private used(p: DavPrincipal): number {
    return this.sizeOf(this.root(p), 'infinity');
  }

  private entry(node: Node): VfsEntry {
    return {
      kind: node.kind,
      id: node.id,
      name: node.name,
      size: node.kind === 'file' ? node.data.length : 0,
      mimeType: node.mimeType,
      etag: node.etag,
      createdAt: node.createdAt,
      updatedAt: node.updatedAt,
    };
  }
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((segment, i) => segment === b[i]);
}

/** true when `inner` is strictly below `outer` */
function isInside(inner: string[], outer: string[]): boolean {
  return inner.length > outer.length && outer.every((segment, i) => inner[i] === segment);
}
