/** Records of the stand-in's state file (one JSON document, written atomically). */
export interface ConfigRow {
  id: number;
  key: string;
  value: string | string[];
  source: 'system' | 'custom';
  visibility: 'private' | 'public' | 'authenticated';
  updated_at: string;
  updated_by: number | null;
}

export interface UserRec {
  id: number;
  username: string;
  email: string;
  passwordHash: string;
  role: 'admin' | 'user';
  status: 'active' | 'disabled';
  emailVerified: boolean;
  pendingActivation: boolean;
  pendingEmail: string | null;
  mustChangePassword: boolean;
  policyGroupId: number | null;
  storageQuota: number;
  sessionVersion: number;
  displayName: string | null;
  wopiUserInfo: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RefreshSession {
  id: number;
  publicId: string;
  userId: number;
  jti: string;
  /** previously issued jtis: [jti, rotatedAtMs, clientFingerprint] */
  used: [string, number, string][];
  client: string;
  ip: string;
  userAgent: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface PolicyRec {
  id: number;
  name: string;
  connector_id: string;
  connector_config: Record<string, unknown>;
  behavior: Record<string, unknown>;
  credential: { mode: string; values?: Record<string, string> };
  max_file_size: number;
  allowed_types: string[];
  is_default: boolean;
  chunk_size: number;
  created_at: string;
  updated_at: string;
}

export interface PolicyGroupItem {
  id: number;
  policy_id: number;
  priority: number;
  min_file_size: number;
  max_file_size: number;
}

export interface PolicyGroupRec {
  id: number;
  name: string;
  description: string;
  is_enabled: boolean;
  is_default: boolean;
  items: PolicyGroupItem[];
  created_at: string;
  updated_at: string;
}

export interface FolderRec {
  id: number;
  name: string;
  parentId: number | null;
  ownerUserId: number;
  createdBy: number;
  policyId: number | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  /** id of the trash batch; the folder/file that was deleted directly has trashRoot=true */
  trashBatch: string | null;
  trashRoot: boolean;
  originalPath: string | null;
}

export interface FileRec {
  id: number;
  name: string;
  folderId: number | null;
  ownerUserId: number;
  createdBy: number;
  blobId: number;
  size: number;
  mimeType: string;
  etag: string;
  versionId: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  trashBatch: string | null;
  trashRoot: boolean;
  originalPath: string | null;
}

export interface BlobRec {
  id: number;
  policyId: number;
  key: string;
  size: number;
  sha256: string;
  refs: number;
  createdAt: string;
}

export interface VersionRec {
  id: number;
  publicId: string;
  fileId: number;
  seq: number;
  blobId: number | null;
  size: number;
  mimeType: string;
  etag: string;
  reason: 'create' | 'overwrite' | 'restore' | 'copy' | 'property_change';
  comment: string | null;
  creatorUserId: number;
  createdAt: string;
  deleted: boolean;
}

export interface UploadSessionRec {
  id: string;
  userId: number;
  filename: string;
  totalSize: number;
  chunkSize: number;
  totalChunks: number;
  folderId: number | null;
  relativePath: string | null;
  policyId: number;
  status: 'uploading' | 'assembling' | 'completed' | 'failed';
  chunks: number[];
  frontendClientId: string | null;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface ShareRec {
  id: number;
  token: string;
  userId: number;
  targetType: 'file' | 'folder';
  targetId: number;
  passwordHash: string | null;
  expiresAt: string | null;
  maxDownloads: number;
  downloadCount: number;
  viewCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface LockRec {
  id: number;
  token: string;
  userId: number;
  fileId: number | null;
  folderId: number | null;
  /** workspace root lock (webdav LOCK on the mount root) */
  rootUserId: number | null;
  depth: 'resource' | 'infinity';
  mode: 'exclusive' | 'shared';
  origin: 'product' | 'web_dav' | 'wopi';
  ownerInfo: Record<string, unknown> | null;
  timeoutAt: string | null;
  createdAt: string;
  /** nephele's first LOCK save; hidden from REST/WOPI/admin views */
  provisional?: boolean;
  /** WebDAV lock saved before its target exists: path relative to the account root */
  pendingPath?: { rootFolderId: number | null; path: string[] } | null;
}

export interface TaskRec {
  id: number;
  kind: string;
  status: 'pending' | 'processing' | 'retry' | 'succeeded' | 'failed' | 'canceled';
  displayName: string;
  creatorUserId: number | null;
  progressCurrent: number;
  progressTotal: number;
  statusText: string | null;
  attemptCount: number;
  maxAttempts: number;
  lastError: string | null;
  payload: Record<string, unknown>;
  result: Record<string, unknown> | null;
  steps: { key: string; title: string; status: string }[];
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AuditRec {
  id: number;
  userId: number | null;
  action: string;
  entityType: string;
  entityId: number | null;
  entityName: string | null;
  details: string | null;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
}

export interface WebdavAccountRec {
  id: number;
  userId: number;
  username: string;
  passwordHash: string;
  rootFolderId: number | null;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface WopiSessionRec {
  id: number;
  tokenHash: string;
  userId: number;
  sessionVersion: number;
  fileId: number;
  appKey: string;
  expiresAt: number;
}

export interface ContactTokenRec {
  id: number;
  tokenHash: string;
  userId: number;
  purpose: 'register_activation' | 'contact_change' | 'password_reset';
  target: string;
  expiresAt: number;
  usedAt: number | null;
  createdAt: number;
}

export interface OutboxRec {
  id: number;
  template: string;
  to: string;
  userId: number | null;
  vars: Record<string, string>;
  status: 'pending' | 'processing' | 'retry' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: string;
}

/** A team (upstream team entity): only what the admin team list shows. */
export interface TeamRec {
  id: number;
  name: string;
  description: string;
  createdBy: number;
  storageQuota: number;
  policyGroupId: number | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

export interface State {
  version: 1;
  seq: Record<string, number>;
  config: ConfigRow[];
  users: UserRec[];
  sessions: RefreshSession[];
  policies: PolicyRec[];
  policyGroups: PolicyGroupRec[];
  teams: TeamRec[];
  folders: FolderRec[];
  files: FileRec[];
  blobs: BlobRec[];
  versions: VersionRec[];
  uploads: UploadSessionRec[];
  shares: ShareRec[];
  locks: LockRec[];
  tasks: TaskRec[];
  audit: AuditRec[];
  webdavAccounts: WebdavAccountRec[];
  wopiSessions: WopiSessionRec[];
  contactTokens: ContactTokenRec[];
  outbox: OutboxRec[];
  /** dead properties keyed `file:ID` / `folder:ID` */
  props: Record<string, Record<string, string>>;
  /** thumbnails keyed by blob id -> file path under data/.thumbnails */
  thumbnails: Record<string, string>;
}

export function emptyState(): State {
  return {
    version: 1,
    seq: {},
    config: [],
    users: [],
    sessions: [],
    policies: [],
    policyGroups: [],
    teams: [],
    folders: [],
    files: [],
    blobs: [],
    versions: [],
    uploads: [],
    shares: [],
    locks: [],
    tasks: [],
    audit: [],
    webdavAccounts: [],
    wopiSessions: [],
    contactTokens: [],
    outbox: [],
    props: {},
    thumbnails: {},
  };
}
