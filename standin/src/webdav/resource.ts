import { Readable } from 'node:stream';
import { type Lock, MethodNotSupportedError, type Properties, type Resource, ResourceExistsError, ResourceNotFoundError, type User } from 'nephele';
import { type DavPrincipal, type Vfs, type VfsEntry, VfsError } from '../vfs.js';
import type { VfsAdapter } from './adapter.js';
import { VfsLockHandle } from './lock.js';
import { segmentsToHref, urlToSegments } from './paths.js';
import { VfsProperties } from './properties.js';

/** One path of the principal's tree; `entry` is null for a resource that does not exist yet. */
export class VfsResource implements Resource {
  constructor(
    readonly adapter: VfsAdapter,
    readonly baseUrl: URL,
    readonly path: string[],
    public entry: VfsEntry | null,
    private readonly wantsCollection = false,
  ) {}

  get vfs(): Vfs {
    return this.adapter.vfs;
  }

  get principal(): DavPrincipal {
    return this.adapter.principal;
  }

  get isRoot(): boolean {
    return this.path.length === 0;
  }

  async getLocks(): Promise<Lock[]> {
    const rows = await this.vfs.locksAt(this.principal, this.path);
    return Promise.all(rows.map((row) => VfsLockHandle.fromVfs(this, row)));
  }

  /** Only WebDAV locks of this user are manageable here (WOPI/product locks just block). */
  async getLocksByUser(user: User): Promise<Lock[]> {
    const rows = await this.vfs.locksAt(this.principal, this.path);
    const mine = rows.filter((row) => row.origin === 'web_dav' && row.userId === user.uid);
    return Promise.all(mine.map((row) => VfsLockHandle.fromVfs(this, row)));
  }

  async createLockForUser(user: User): Promise<Lock> {
    return new VfsLockHandle(this, user.uid ?? this.principal.userId);
  }

  async getProperties(): Promise<Properties> {
    return new VfsProperties(this);
  }

  async getStream(range?: { start: number; end: number }): Promise<Readable> {
    if (await this.isCollection()) return Readable.from([]);
    return this.vfs.read(this.principal, this.path, range);
  }

  async setStream(input: Readable, _user: User, mediaType?: string): Promise<void> {
    if (await this.isCollection()) throw new MethodNotSupportedError('This resource is an existing collection.');
    const { entry } = await this.vfs.write(this.principal, this.path, input, mediaType);
    this.entry = entry;
  }

  async create(_user: User): Promise<void> {
    if (this.entry || (await this.vfs.stat(this.principal, this.path))) {
      throw new ResourceExistsError('A resource already exists here.');
    }
    try {
      this.entry = this.wantsCollection
        ? await this.vfs.mkdir(this.principal, this.path)
        : (await this.vfs.write(this.principal, this.path, Readable.from([]))).entry;
    } catch (e) {
      if (e instanceof VfsError && e.status === 405) throw new ResourceExistsError(e.message);
      throw e;
    }
  }

  async delete(_user: User): Promise<void> {
    if (!this.entry && !this.isRoot) throw new ResourceNotFoundError("This resource couldn't be found.");
    await this.vfs.remove(this.principal, this.path);
    this.entry = null;
  }

  /** nephele copies one resource at a time (children separately), hence depth zero. */
  async copy(destination: URL, baseUrl: URL, _user: User): Promise<void> {
    await this.vfs.copy(this.principal, this.path, this.destinationPath(destination, baseUrl), 'zero');
  }

  async move(destination: URL, baseUrl: URL, _user: User): Promise<void> {
    await this.vfs.move(this.principal, this.path, this.destinationPath(destination, baseUrl));
  }

  async getLength(): Promise<number> {
    return this.entry?.kind === 'file' ? this.entry.size : 0;
  }

  async getEtag(): Promise<string> {
    if (!this.entry) throw new ResourceNotFoundError('Resource not found.');
    return this.entry.etag;
  }

  async getMediaType(): Promise<string | null> {
    if (await this.isCollection()) return null;
    return this.entry?.mimeType || 'application/octet-stream';
  }

  async getCanonicalName(): Promise<string> {
    return this.path.at(-1) ?? '';
  }

  async getCanonicalPath(): Promise<string> {
    return `/${segmentsToHref(this.path, await this.isCollection())}`;
  }

  async getCanonicalUrl(): Promise<URL> {
    return new URL(segmentsToHref(this.path, await this.isCollection()), this.baseUrl);
  }

  async isCollection(): Promise<boolean> {
    if (this.entry) return this.entry.kind === 'folder';
    return this.isRoot || this.wantsCollection;
  }

  async getInternalMembers(_user: User): Promise<Resource[]> {
    if (!(await this.isCollection())) throw new MethodNotSupportedError('This is not a collection.');
    const entries = await this.vfs.list(this.principal, this.path);
    return entries.map((entry) => new VfsResource(this.adapter, this.baseUrl, [...this.path, entry.name], entry));
  }

  private destinationPath(destination: URL, baseUrl: URL): string[] {
    const path = urlToSegments(destination, baseUrl);
    if (!path) throw new VfsError(400, 'Destination is outside the WebDAV mount.');
    return path;
  }
}
