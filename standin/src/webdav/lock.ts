import type { Lock } from 'nephele';
import type { VfsLock } from '../vfs.js';
import type { VfsResource } from './resource.js';
import { ownerFromXml, ownerToXml } from './xml-codec.js';

/** nephele's view of a Vfs lock row. `date + timeout` is the Vfs `timeoutAt`. */
export class VfsLockHandle implements Lock {
  token = '';
  date = new Date();
  timeout = 1000 * 60 * 5;
  scope: 'exclusive' | 'shared' = 'exclusive';
  depth: '0' | 'infinity' = 'infinity';
  provisional = false;
  owner: unknown = {};
  origin: VfsLock['origin'] = 'web_dav';

  constructor(
    readonly resource: VfsResource,
    readonly userId: number,
  ) {}

  static async fromVfs(resource: VfsResource, row: VfsLock): Promise<VfsLockHandle> {
    const lock = new VfsLockHandle(resource, row.userId);
    lock.token = row.token;
    lock.date = new Date();
    lock.timeout = row.timeoutAt.getTime() - lock.date.getTime();
    lock.scope = row.scope;
    lock.depth = row.depth === 'resource' ? '0' : 'infinity';
    lock.provisional = row.provisional ?? false;
    lock.owner = await ownerFromXml(row.ownerXml);
    lock.origin = row.origin;
    return lock;
  }

  async save(): Promise<void> {
    await this.resource.vfs.saveLock(this.resource.principal, {
      token: this.token,
      path: this.resource.path,
      scope: this.scope,
      depth: this.depth === '0' ? 'resource' : 'infinity',
      ownerXml: await ownerToXml(this.owner),
      userId: this.userId,
      timeoutAt: new Date(this.date.getTime() + this.timeout),
      origin: this.origin,
      provisional: this.provisional,
    });
  }

  async delete(): Promise<void> {
    await this.resource.vfs.deleteLock(this.resource.principal, this.token);
  }
}
