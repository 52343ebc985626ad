import crypto from 'node:crypto';
import type { Ctx } from '../context.js';
import type { FileRec, FolderRec, UserRec } from '../db/types.js';
import { E } from '../http/errors.js';
import { coveringFileLocks, coveringFolderLocks, directFileLocks, lockActive } from './locks.js';

/** REST `POST /files|folders/{id}/lock {locked}`: a product lock without timeout. */
export function directFileLockToggle(ctx: Ctx, user: UserRec, f: FileRec, locked: boolean): void {
  const s = ctx.store.state;
  if (locked) {
    if (coveringFileLocks(ctx, f).length > 0) {
      if (directFileLocks(ctx, f.id).some((l) => l.origin === 'product' && l.userId === user.id)) return;
      throw E.locked();
    }
    s.locks.push({
      id: ctx.store.nextId('locks'),
      token: `urn:uuid:${crypto.randomUUID()}`,
      userId: user.id,
      fileId: f.id,
      folderId: null,
      rootUserId: null,
      depth: 'resource',
      mode: 'exclusive',
      origin: 'product',
      ownerInfo: { kind: 'text', value: user.username },
      timeoutAt: null,
      createdAt: new Date().toISOString(),
    });
  } else {
    const mine = s.locks.filter((l) => l.fileId === f.id && lockActive(l));
    if (mine.some((l) => l.userId !== user.id)) throw E.forbidden('lock is held by another user', 'lock.not_owner');
    s.locks = s.locks.filter((l) => l.fileId !== f.id);
  }
}

export function directFolderLockToggle(ctx: Ctx, user: UserRec, f: FolderRec, locked: boolean): void {
  const s = ctx.store.state;
  if (locked) {
    if (coveringFolderLocks(ctx, f).length > 0) {
      if (s.locks.some((l) => l.folderId === f.id && l.origin === 'product' && l.userId === user.id)) return;
      throw E.locked();
    }
    s.locks.push({
      id: ctx.store.nextId('locks'),
      token: `urn:uuid:${crypto.randomUUID()}`,
      userId: user.id,
      fileId: null,
      folderId: f.id,
      rootUserId: null,
      depth: 'infinity',
      mode: 'exclusive',
      origin: 'product',
      ownerInfo: { kind: 'text', value: user.username },
      timeoutAt: null,
      createdAt: new Date().toISOString(),
    });
  } else {
    if (s.locks.some((l) => l.folderId === f.id && lockActive(l) && l.userId !== user.id)) throw E.forbidden('lock is held by another user', 'lock.not_owner');
    s.locks = s.locks.filter((l) => l.folderId !== f.id);
  }
}
