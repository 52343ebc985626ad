/**
 * The seam between the stand-in's data model (files, folders, blobs, versions, locks, audit)
 * and its protocol front ends (WebDAV through nephele, WOPI). The core implements it; the WebDAV
 * adapter only talks to this interface, so both see the same tree, versions and locks.
 *
 * Paths are arrays of decoded segments relative to the account's root ([] = the mount root).
 */
import type { Readable } from 'node:stream';

export interface DavPrincipal {
  accountId: number;
  /** WebDAV account name (what the client typed). */
  username: string;
  /** The AsterDrive user that owns the account. */
  userId: number;
  /** Folder the account is scoped to; null = the whole personal space. */
  rootFolderId: number | null;
}

export interface VfsEntry {
  kind: 'file' | 'folder';
  id: number;
  name: string;
  /** bytes; 0 for folders */
  size: number;
  mimeType: string;
  /** strong etag without quotes */
  etag: string;
  createdAt: Date;
  updatedAt: Date;
}

export type LockScope = 'exclusive' | 'shared';
export type LockDepth = 'resource' | 'infinity';

export interface VfsLock {
  /** `urn:uuid:<uuid>` */
  token: string;
  /** path of the lock root, relative to the principal's root */
  path: string[];
  scope: LockScope;
  depth: LockDepth;
  /** raw owner XML (may be empty) */
  ownerXml: string;
  /** user id of the holder */
  userId: number;
  timeoutAt: Date;
  /** 'web_dav' for WebDAV locks; WOPI/product locks are visible but not manageable here */
  origin: 'web_dav' | 'wopi' | 'product';
  provisional?: boolean;
}

export class VfsError extends Error {
  constructor(
    /** HTTP status the WebDAV layer should answer with (404, 403, 409, 412, 413, 423, 507, ...) */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Vfs {
  /** `webdav_enabled` runtime setting; false means every request gets 503 "WebDAV is disabled". */
  webdavEnabled(): boolean;
  /** Checks Basic credentials of a dedicated WebDAV account (never the web login password). */
  authenticate(username: string, password: string): Promise<DavPrincipal | null>;

  stat(p: DavPrincipal, path: string[]): Promise<VfsEntry | null>;
  list(p: DavPrincipal, path: string[]): Promise<VfsEntry[]>;
  /** Full content or an inclusive byte range. */
  read(p: DavPrincipal, path: string[], range?: { start: number; end: number }): Promise<Readable>;
  /**
   * Creates or overwrites a file. An overwrite appends a new version (reason `overwrite`) and is
   * audited as `file_edit`; a create is audited as `file_upload`. Missing parent: VfsError(409).
   */
  write(p: DavPrincipal, path: string[], body: Readable, mimeType?: string): Promise<{ created: boolean; entry: VfsEntry }>;
  /** Missing parent: VfsError(409); existing: VfsError(405). */
  mkdir(p: DavPrincipal, path: string[]): Promise<VfsEntry>;
  /** Moves to the trash like the REST delete (folders recursively). */
  remove(p: DavPrincipal, path: string[]): Promise<void>;
  /** Same-account move/rename; the caller has already removed an overwritten destination. */
  move(p: DavPrincipal, from: string[], to: string[]): Promise<VfsEntry>;
  copy(p: DavPrincipal, from: string[], to: string[], depth: 'zero' | 'infinity'): Promise<VfsEntry>;

  /** Dead properties (PROPPATCH), keyed by `{namespace}localName`, value is raw XML. */
  getProps(p: DavPrincipal, path: string[]): Promise<Record<string, string>>;
  setProps(p: DavPrincipal, path: string[], set: Record<string, string>, remove: string[]): Promise<void>;

  /** Locks whose root is this path (no ancestors). */
  locksAt(p: DavPrincipal, path: string[]): Promise<VfsLock[]>;
  /** Locks that cover this path: on it, or depth-infinity locks on an ancestor. */
  locksCovering(p: DavPrincipal, path: string[]): Promise<VfsLock[]>;
  /** Locks held anywhere under this path (for recursive delete/move checks). */
  locksBelow(p: DavPrincipal, path: string[]): Promise<VfsLock[]>;
  saveLock(p: DavPrincipal, lock: VfsLock): Promise<void>;
  deleteLock(p: DavPrincipal, token: string): Promise<void>;

  /** RFC 4331 quota for the principal's owner. available = null when unlimited. */
  quota(p: DavPrincipal): Promise<{ used: number; available: number | null }>;
}
