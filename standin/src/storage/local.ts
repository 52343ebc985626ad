import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { StorageError, type StorageDriver } from './driver.js';

function mapFsError(e: unknown): StorageError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new StorageError('not_found', 'object not found');
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new StorageError('permission', `permission denied: ${code}`);
  return new StorageError('unknown', (e as Error).message);
}

export class LocalDriver implements StorageDriver {
  readonly driver = 'local' as const;
  readonly root: string;
  constructor(basePath: string, cwd: string) {
    this.root = path.resolve(cwd, basePath || './data/uploads');
  }

  private full(key: string): string {
    const p = path.resolve(this.root, key);
    if (!p.startsWith(this.root)) throw new StorageError('permission', 'key escapes base path');
    return p;
  }

  async putFile(key: string, tempPath: string): Promise<void> {
    const dest = this.full(key);
    try {
      await fsp.mkdir(path.dirname(dest), { recursive: true });
      try {
        await fsp.rename(tempPath, dest);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
        await fsp.copyFile(tempPath, dest);
        const fh = await fsp.open(dest, 'r+');
        await fh.sync();
        await fh.close();
        await fsp.rm(tempPath, { force: true });
      }
    } catch (e) {
      throw mapFsError(e);
    }
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const p = this.full(key);
    try {
      await fsp.access(p);
    } catch (e) {
      throw mapFsError(e);
    }
    return fs.createReadStream(p, range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    try {
      await fsp.rm(this.full(key), { force: true });
    } catch (e) {
      throw mapFsError(e);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fsp.access(this.full(key));
      return true;
    } catch {
      return false;
    }
  }

  async ready(): Promise<void> {
    try {
      await fsp.mkdir(this.root, { recursive: true });
      await fsp.access(this.root, fs.constants.W_OK);
    } catch (e) {
      throw mapFsError(e);
    }
  }
}
