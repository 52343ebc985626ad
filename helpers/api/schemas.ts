/** zod schemas for the AsterDrive API responses the suite reads (reference: asterdrive-api-core.md). */
import { z } from 'zod';

export const ErrorEnvelope = z.object({
  code: z.string(),
  msg: z.string(),
  error: z.object({ retryable: z.boolean().optional() }).passthrough().optional(),
});

export const envelope = <T extends z.ZodType>(data: T) => z.object({ code: z.literal('success'), msg: z.string(), data });

export const SetupState = z.enum(['needs_admin', 'needs_storage', 'ready']);

export const CheckResp = z.object({
  setup_state: SetupState,
  has_users: z.boolean(),
  allow_user_registration: z.boolean(),
});

export const LoginResp = z.discriminatedUnion('status', [
  z.object({ status: z.literal('authenticated'), expires_in: z.number() }),
  z.object({ status: z.literal('password_change_required'), expires_in: z.number() }),
  z.object({ status: z.literal('mfa_required') }).passthrough(),
]);

export const UserInfo = z
  .object({ id: z.number(), username: z.string(), email: z.string(), role: z.enum(['admin', 'user']), status: z.string() })
  .passthrough();

export const MeResp = UserInfo.extend({ access_token_expires_at: z.number().optional() });

export const FileInfo = z
  .object({ id: z.number(), name: z.string(), size: z.number(), mime_type: z.string(), folder_id: z.number().nullable().optional() })
  .passthrough();

export const FolderInfo = z.object({ id: z.number(), name: z.string(), parent_id: z.number().nullable().optional() }).passthrough();

export const FolderContents = z.object({
  folders: z.array(z.object({ id: z.number(), name: z.string() }).passthrough()),
  files: z.array(z.object({ id: z.number(), name: z.string(), size: z.number() }).passthrough()),
  files_total: z.number(),
  folders_total: z.number(),
});

export const InitUploadResp = z
  .object({
    mode: z.enum(['direct', 'chunked', 'presigned', 'presigned_multipart', 'provider_resumable']),
    upload_id: z.string().nullable(),
    chunk_size: z.number().nullable(),
    total_chunks: z.number().nullable(),
    presigned_request: z.object({ url: z.string(), headers: z.record(z.string(), z.string()) }).optional(),
  })
  .passthrough();

export const FileVersion = z
  .object({ id: z.number(), version: z.number(), current: z.boolean(), size: z.number(), etag: z.string(), reason: z.string().optional() })
  .passthrough();

export const ShareInfo = z.object({ id: z.number(), token: z.string(), target: z.object({ type: z.string(), id: z.number() }) }).passthrough();

export const MyShareInfo = z
  .object({ id: z.number(), token: z.string(), resource_id: z.number().optional(), resource_name: z.string().optional(), status: z.string().optional() })
  .passthrough();

export const SharePublicInfo = z.object({ token: z.string(), name: z.string(), share_type: z.string(), has_password: z.boolean() }).passthrough();

const TrashItem = z.object({ id: z.number(), name: z.string() }).passthrough();
export const TrashContents = z.object({ folders: z.array(TrashItem), files: z.array(TrashItem) }).passthrough();

export const offsetPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), limit: z.number().optional(), offset: z.number().optional() });

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

export const SystemConfig = z.object({ key: z.string(), value: z.union([z.string(), z.array(z.string())]), source: z.string().optional() }).passthrough();

export const SystemInfo = z.object({ version: z.string(), build_time: z.string().nullable().optional() }).passthrough();

export const StoragePolicy = z
  .object({ id: z.number(), name: z.string(), connector_id: z.string().optional(), is_default: z.boolean(), chunk_size: z.number() })
  .passthrough();

export const WebdavAccountCreated = z.object({ id: z.number(), username: z.string(), password: z.string() }).passthrough();

export const WebdavSettings = z.object({ prefix: z.string(), endpoint: z.string() });

export const WopiOpen = z.object({
  access_token: z.string(),
  access_token_ttl: z.number(),
  action_url: z.string(),
  mode: z.enum(['iframe', 'new_tab']),
  form_fields: z.record(z.string(), z.string()).optional().nullable(),
});

export const ReadyResp = z.object({ status: SetupState });

export const PolicyGroup = z
  .object({
    id: z.number(),
    name: z.string(),
    is_enabled: z.boolean(),
    is_default: z.boolean(),
    items: z.array(z.object({ policy_id: z.number() }).passthrough()),
  })
  .passthrough();

export const AdminUser = UserInfo.extend({ policy_group_id: z.number().nullable().optional(), storage_quota: z.number().optional() });

export const AdminLock = z
  .object({
    id: z.number(),
    origin: z.string(),
    lockroot_path: z.string().optional(),
    created_at: z.string(),
    timeout_at: z.string().nullable().optional(),
  })
  .passthrough();
