/**
 * Storage change events and their stream, `GET /api/v1/auth/events/storage` (Server-Sent Events),
 * after these upstream facts:
 * - the event (src/services/events/storage_change.rs StorageChangeEvent): `kind` (dotted names
 *   such as `file.created`), `workspace` (`{"kind":"personal"}`, `{"kind":"team","team_id":n}`,
 *   null for `sync.required`), `file_ids` / `folder_ids` sorted and unique, `affected_parent_ids`
 *   sorted and unique with the root (no parent) reported as `root_affected: true` instead,
 *   `affects_quota` (true when a storage delta other than 0 is attached), `storage_delta` (null
 *   without one), `at` (UTC, RFC 3339). Its audience (a user or a team) is not serialised: a
 *   stream only gets the events of the user's own space and teams.
 * - the stream (src/api/routes/auth/session.rs get_storage_events; frame: src/api/routes/auth/mod.rs
 *   storage_event_frame): 200 `text/event-stream` with `Cache-Control: no-cache`,
 *   `Connection: keep-alive`, `Content-Encoding: identity`, `X-Accel-Buffering: no`; each event is
 *   one `data: <json>` frame (no `event:` or `id:` line, so browsers deliver it to `onmessage`);
 *   a `: keep-alive` comment frame at once and then every 15 s; at every heartbeat and event the
 *   session is checked again and the stream ends when it is no longer valid.
 *
 * The stand-in has no team workspaces (KNOWN-GAPS.md), so every event is for one user's space.
 */
import type { Response } from 'express';
import type { Ctx } from '../context.js';
import type { UserRec } from '../db/types.js';

export type StorageChangeKind =
  | 'file.created'
  | 'file.updated'
  | 'file.trashed'
  | 'file.restored_from_trash'
  | 'file.purged'
  | 'file.version_restored'
  | 'file.version_deleted'
  | 'folder.created'
  | 'folder.updated'
  | 'folder.trashed'
  | 'folder.restored_from_trash'
  | 'folder.purged'
  | 'tag.created'
  | 'tag.updated'
  | 'tag.deleted'
  | 'tag.assignment_changed'
  | 'lock.created'
  | 'lock.deleted'
  | 'sync.required';

export interface StorageChangeEvent {
  kind: StorageChangeKind;
  workspace: { kind: 'personal' } | { kind: 'team'; team_id: number } | null;
  file_ids: number[];
  folder_ids: number[];
  affected_parent_ids: number[];
  root_affected: boolean;
  affects_quota: boolean;
  storage_delta: number | null;
  at: string;
}

/** An event and who may see it (upstream's audience: a user, a team, or anybody). */
export interface Published {
  audience: { userId: number } | { teamId: number } | 'any';
  event: StorageChangeEvent;
}

/** Upstream's heartbeat period (a fixed 15 s interval in get_storage_events; not configurable). */
export const HEARTBEAT_MS = 15_000;
export const HEARTBEAT_FRAME = ': keep-alive\n\n';

export function eventFrame(event: StorageChangeEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

const sortedUnique = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b);

/** An event in one user's personal space; `parents` may hold null (the root). */
export function personalChange(
  kind: StorageChangeKind,
  userId: number,
  ids: { files?: number[]; folders?: number[]; parents: (number | null)[]; storageDelta?: number },
): Published {
  return {
    audience: { userId },
    event: {
      kind,
      workspace: { kind: 'personal' },
      file_ids: sortedUnique(ids.files ?? []),
      folder_ids: sortedUnique(ids.folders ?? []),
      affected_parent_ids: sortedUnique(ids.parents.filter((p): p is number => p !== null)),
      root_affected: ids.parents.includes(null),
      affects_quota: ids.storageDelta !== undefined && ids.storageDelta !== 0,
      storage_delta: ids.storageDelta ?? null,
      at: new Date().toISOString(),
    },
  };
}

/** The in-process bus between the places that change storage and the open streams. */
export class StorageEvents {
  private readonly listeners = new Set<(p: Published) => void>();
  private readonly streams = new Set<() => void>();

  publish(p: Published): void {
    for (const l of [...this.listeners]) l(p);
  }

  subscribe(listener: (p: Published) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends every open stream (server shutdown). */
  close(): void {
    for (const end of [...this.streams]) end();
  }

  /** Serves one stream to an authenticated user until the client leaves or the session ends. */
  stream(ctx: Ctx, res: Response, user: UserRec, sessionVersion: number): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('Content-Encoding', 'identity');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const userId = user.id;
    // Upstream re-reads the session at every heartbeat and event: revoked, disabled or
    // password-change-required sessions lose the stream.
    const valid = () => {
      const u = ctx.store.s.users.find((x) => x.id === userId);
      return Boolean(u && u.status === 'active' && u.sessionVersion === sessionVersion && !u.mustChangePassword);
    };
    let timer: NodeJS.Timeout | undefined;
    let unsubscribe = () => {};
    const end = () => {
      if (timer) clearInterval(timer);
      unsubscribe();
      this.streams.delete(end);
      if (!res.writableEnded) res.end();
    };
    const heartbeat = () => {
      if (!valid()) return end();
      res.write(HEARTBEAT_FRAME);
    };
    this.streams.add(end);
    res.on('close', end);
    unsubscribe = this.subscribe((p) => {
      if (!valid()) return end();
      const visible = p.audience === 'any' || ('userId' in p.audience && p.audience.userId === userId);
      if (visible) res.write(eventFrame(p.event));
    });
    // Like tokio's interval, the first tick is immediate.
    heartbeat();
    timer = setInterval(heartbeat, HEARTBEAT_MS);
  }
}
