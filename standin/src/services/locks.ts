import type { Ctx } from '../context.js';
import type { FileRec, FolderRec, LockRec } from '../db/types.js';

export function lockActive(l: LockRec, now = Date.now()): boolean {
  return l.timeoutAt === null || Date.parse(l.timeoutAt) > now;
}

/** Locks that REST, WOPI and the admin list see (no provisional or unresolved WebDAV rows). */
export function lockVisible(l: LockRec, now = Date.now()): boolean {
  return lockActive(l, now) && !l.provisional && !l.pendingPath;
}

/** Drops expired locks (caller commits when it returns true). */
export function pruneLocks(ctx: Ctx): boolean {
  const before = ctx.store.state.locks.length;
  ctx.store.state.locks = ctx.store.state.locks.filter((l) => lockActive(l));
  return ctx.store.state.locks.length !== before;
}

export function ancestorIds(ctx: Ctx, folderId: number | null): number[] {
  const out: number[] = [];
  let cur = folderId;
  const seen = new Set<number>();
  while (cur !== null && !seen.has(cur)) {
    seen.add(cur);
    out.push(cur);
    cur = ctx.store.state.folders.find((f) => f.id === cur)?.parentId ?? null;
  }
  return out;
}

export function directFileLocks(ctx: Ctx, fileId: number): LockRec[] {
  return ctx.store.state.locks.filter((l) => l.fileId === fileId && lockVisible(l));
}

/** Locks covering a file: its own, depth-infinity locks on ancestor folders, or the workspace root. */
export function coveringFileLocks(ctx: Ctx, file: FileRec): LockRec[] {
  const anc = new Set(ancestorIds(ctx, file.folderId));
  return ctx.store.state.locks.filter(
    (l) =>
      lockVisible(l) &&
      (l.fileId === file.id || (l.depth === 'infinity' && ((l.folderId !== null && anc.has(l.folderId)) || l.rootUserId === file.ownerUserId))),
  );
}

export function coveringFolderLocks(ctx: Ctx, folder: FolderRec): LockRec[] {
  const anc = new Set(ancestorIds(ctx, folder.parentId));
  return ctx.store.state.locks.filter(
    (l) =>
      lockVisible(l) &&
      (l.folderId === folder.id || (l.depth === 'infinity' && ((l.folderId !== null && anc.has(l.folderId)) || l.rootUserId === folder.ownerUserId))),
  );
}

export function lockStateOf(ctx: Ctx, target: { file?: FileRec; folder?: FolderRec }): Record<string, unknown> {
  const locks = target.file ? coveringFileLocks(ctx, target.file) : coveringFolderLocks(ctx, target.folder!);
  if (locks.length === 0) return { state: 'unlocked' };
  const direct = locks.find((l) => (target.file ? l.fileId === target.file.id : l.folderId === target.folder!.id));
  const l = direct ?? locks[0]!;
  const out: Record<string, unknown> = { state: direct ? 'direct' : 'inherited', mode: l.mode, expires_at: l.timeoutAt };
  if (!direct) out.root = l.folderId !== null ? { kind: 'folder', id: l.folderId } : { kind: 'workspace_root', id: null };
  return out;
}
