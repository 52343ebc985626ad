/**
 * zod schemas for the AsterDrive API responses the suite reads (reference: asterdrive-api-core.md).
 * Each schema names the upstream Rust type it follows (paths inside the AsterDrive repo; `AsterForge:`
 * marks the shared-crates repo). A field upstream leaves out (`skip_serializing_if`) is `.optional()`,
 * a plain `Option<T>` field (sent as null) is `.nullable()`; see docs/upstream-serialisation.md.
 */
import { z } from 'zod';

// upstream: src/api/response.rs ApiResponse<()> + ApiErrorInfo (`error` is skipped when None).
export const ErrorEnvelope = z.object({
  code: z.string(),
  msg: z.string(),
  error: z.object({ retryable: z.boolean().optional() }).passthrough().optional(),
});

// upstream: src/api/response.rs ApiResponse<T> (`data` is skipped for ok_empty answers; callers of those use z.unknown()).
export const envelope = <T extends z.ZodType>(data: T) => z.object({ code: z.literal('success'), msg: z.string(), data });

// upstream: src/services/system_setup.rs SystemSetupState (snake_case; all three variants).
export const SetupState = z.enum(['needs_admin', 'needs_storage', 'ready']);

// upstream: src/api/dto/auth.rs CheckResp.
export const CheckResp = z.object({
  setup_state: SetupState,
  has_users: z.boolean(),
  allow_user_registration: z.boolean(),
  passkey_login_enabled: z.boolean(),
  password_login_enabled: z.boolean(),
});

// upstream: src/api/dto/auth.rs LoginResponse (internally tagged by `status`, snake_case).
export const LoginResp = z.discriminatedUnion('status', [
  z.object({ status: z.literal('authenticated'), expires_in: z.number() }),
  z.object({ status: z.literal('password_change_required'), expires_in: z.number() }),
  z.object({ status: z.literal('mfa_required') }).passthrough(),
]);

// upstream: src/services/auth/external/mod.rs ExternalAuthPublicProvider (enabled providers only).
export const ExternalAuthPublicProvider = z.object({ key: z.string(), kind: z.string(), display_name: z.string(), icon_url: z.string().nullable() });

// upstream: src/services/user/account/models.rs UserInfo (role/status: crates/aster_drive_model/src/types/user.rs, lowercase).
export const UserInfo = z
  .object({ id: z.number(), username: z.string(), email: z.string(), role: z.enum(['admin', 'user']), status: z.string() })
  .passthrough();

// upstream: src/services/user/account/models.rs MeResponse; with `?fields=` it is MePartialResponse, which skips access_token_expires_at.
export const MeResp = UserInfo.extend({ access_token_expires_at: z.number().optional() });

// upstream: src/services/workspace/models.rs FileInfo (folder_id is Option: null at the root).
export const FileInfo = z
  .object({ id: z.number(), name: z.string(), size: z.number(), mime_type: z.string(), folder_id: z.number().nullable().optional() })
  .passthrough();

// upstream: src/services/workspace/models.rs FolderInfo (parent_id is Option: null at the root).
export const FolderInfo = z.object({ id: z.number(), name: z.string(), parent_id: z.number().nullable().optional() }).passthrough();

// upstream: src/services/files/folder/models.rs FolderContents, FolderListItem, FileListItem.
export const FolderContents = z.object({
  folders: z.array(z.object({ id: z.number(), name: z.string() }).passthrough()),
  files: z.array(z.object({ id: z.number(), name: z.string(), size: z.number() }).passthrough()),
  files_total: z.number(),
  folders_total: z.number(),
});

// upstream: src/services/files/upload/responses.rs InitUploadResponse (upload_id/chunk_size/total_chunks are Option: null;
// presigned_request is skipped when None); PresignedUploadRequest in crates/aster_drive_storage/src/traits/driver.rs skips
// an empty `headers` map.
export const InitUploadResp = z
  .object({
    mode: z.enum(['direct', 'chunked', 'presigned', 'presigned_multipart', 'provider_resumable']),
    upload_id: z.string().nullable(),
    chunk_size: z.number().nullable(),
    total_chunks: z.number().nullable(),
    presigned_request: z.object({ url: z.string(), headers: z.record(z.string(), z.string()).optional() }).optional(),
  })
  .passthrough();

// upstream: src/services/workspace/models.rs FileVersion.
export const FileVersion = z
  .object({ id: z.number(), version: z.number(), current: z.boolean(), size: z.number(), etag: z.string(), reason: z.string().optional() })
  .passthrough();

// upstream: src/services/share/models.rs ShareInfo (target is ShareTarget with `type`).
export const ShareInfo = z.object({ id: z.number(), token: z.string(), target: z.object({ type: z.string(), id: z.number() }) }).passthrough();

// upstream: src/services/share/models.rs MyShareInfo.
export const MyShareInfo = z
  .object({ id: z.number(), token: z.string(), resource_id: z.number().optional(), resource_name: z.string().optional(), status: z.string().optional() })
  .passthrough();

// upstream: src/services/share/models.rs SharePublicInfo.
export const SharePublicInfo = z.object({ token: z.string(), name: z.string(), share_type: z.string(), has_password: z.boolean() }).passthrough();

// upstream: src/services/files/trash/models.rs TrashContents, TrashFileItem, TrashFolderItem.
const TrashItem = z.object({ id: z.number(), name: z.string() }).passthrough();
export const TrashContents = z.object({ folders: z.array(TrashItem), files: z.array(TrashItem) }).passthrough();

// upstream: AsterForge crates/aster_forge_api/src/lib.rs OffsetPage<T> (limit and offset are always sent).
export const offsetPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), limit: z.number().optional(), offset: z.number().optional() });

// upstream: src/services/task/types.rs TaskInfo (status: crates/aster_drive_model/src/types/task.rs BackgroundTaskStatus;
// last_error is Option: null).
export const TaskInfo = z
  .object({
    id: z.number(),
    kind: z.string(),
    status: z.enum(['pending', 'processing', 'retry', 'succeeded', 'failed', 'canceled']),
    display_name: z.string().optional(),
    last_error: z.string().nullable().optional(),
    attempt_count: z.number().optional(),
    created_at: z.string(),
    updated_at: z.string().optional(),
  })
  .passthrough();

// upstream: src/services/ops/audit/models.rs AuditLogEntry (user, entity_id, entity_name are Option: null).
export const AuditEntry = z
  .object({
    id: z.number(),
    action: z.string(),
    entity_type: z.string().nullable().optional(),
    entity_id: z.number().nullable().optional(),
    entity_name: z.string().nullable().optional(),
    created_at: z.string(),
    user: z.object({ id: z.number(), username: z.string() }).passthrough().nullable().optional(),
  })
  .passthrough();

// upstream: src/services/ops/config/system.rs SystemConfig (value: AsterForge crates/aster_forge_config/src/value.rs
// ConfigValue, untagged string or string list).
export const SystemConfig = z.object({ key: z.string(), value: z.union([z.string(), z.array(z.string())]), source: z.string().optional() }).passthrough();

// upstream: src/api/response.rs SystemInfoResponse.
export const SystemInfo = z.object({ version: z.string(), build_time: z.string().nullable().optional() }).passthrough();

// upstream: src/services/storage_policy/policy/models.rs StoragePolicy.
export const StoragePolicy = z
  .object({ id: z.number(), name: z.string(), connector_id: z.string().optional(), is_default: z.boolean(), chunk_size: z.number() })
  .passthrough();

// upstream: src/services/webdav/account.rs WebdavAccountCreated.
export const WebdavAccountCreated = z.object({ id: z.number(), username: z.string(), password: z.string() }).passthrough();

// upstream: src/api/dto/webdav.rs WebdavSettingsInfo.
export const WebdavSettings = z.object({ prefix: z.string(), endpoint: z.string() });

// upstream: src/services/preview/wopi/types.rs WopiLaunchSession (form_fields skipped when empty, mode skipped when None;
// mode values: src/services/preview/apps/types.rs PreviewOpenMode).
export const WopiOpen = z.object({
  access_token: z.string(),
  access_token_ttl: z.number(),
  action_url: z.string(),
  mode: z.enum(['iframe', 'new_tab']).optional(),
  form_fields: z.record(z.string(), z.string()).optional().nullable(),
});

// upstream: src/api/response.rs HealthResponse, as /health/ready fills it (src/api/routes/health.rs).
export const ReadyResp = z.object({ status: SetupState });

// upstream: src/services/storage_policy/policy/models.rs StoragePolicyGroupInfo, StoragePolicyGroupItemInfo.
export const PolicyGroup = z
  .object({
    id: z.number(),
    name: z.string(),
    is_enabled: z.boolean(),
    is_default: z.boolean(),
    items: z.array(z.object({ policy_id: z.number() }).passthrough()),
  })
  .passthrough();

// upstream: src/services/user/account/models.rs UserInfo (policy_group_id is Option: null).
export const AdminUser = UserInfo.extend({ policy_group_id: z.number().nullable().optional(), storage_quota: z.number().optional() });

// upstream: src/services/files/lock/models.rs ResourceLock (lockroot_path and timeout_at are Option: null;
// origin: crates/aster_drive_model/src/types/resource_lock.rs LockOrigin, snake_case, e.g. web_dav).
export const AdminLock = z
  .object({
    id: z.number(),
    origin: z.string(),
    lockroot_path: z.string().nullish(),
    created_at: z.string(),
    timeout_at: z.string().nullable().optional(),
  })
  .passthrough();

// upstream: src/services/workspace/team/models.rs AdminTeamInfo (policy_group_id is Option: null; archived_at skipped when None).
export const AdminTeam = z
  .object({
    id: z.number(),
    name: z.string(),
    storage_quota: z.number(),
    storage_used: z.number().optional(),
    policy_group_id: z.number().nullable().optional(),
    archived_at: z.string().nullable().optional(),
  })
  .passthrough();

// upstream: crates/aster_drive_storage/src/connector_descriptor.rs StorageConnectorDescriptor (the connectors this build registers).
export const StorageConnectorDescriptor = z.object({ connector_id: z.string() }).passthrough();

// upstream: src/services/events/storage_change.rs StorageChangeEvent, the JSON of one `data:` frame of
// GET /api/v1/auth/events/storage (its audience is not serialised; `workspace` is null only for
// `sync.required`; `storage_delta` is an Option, sent as null). `kind` is a dotted name such as
// `file.created` (StorageChangeKind); left a string so that a kind added upstream does not break a read.
export const StorageChangeEvent = z
  .object({
    kind: z.string(),
    workspace: z.union([z.object({ kind: z.literal('personal') }), z.object({ kind: z.literal('team'), team_id: z.number() })]).nullable(),
    file_ids: z.array(z.number()),
    folder_ids: z.array(z.number()),
    affected_parent_ids: z.array(z.number()),
    root_affected: z.boolean(),
    affects_quota: z.boolean(),
    storage_delta: z.number().nullable(),
    at: z.string(),
  })
  .passthrough();
