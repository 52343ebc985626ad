import type { Store } from '../db/state.js';
import type { ConfigRow } from '../db/types.js';
import { E } from '../http/errors.js';
import { AUDIT_ACTIONS } from './audit-actions.js';
import { DEFAULT_MEDIA_PROCESSING_REGISTRY } from './media-processing.js';
import { defaultRegistryJson, normalizeRegistry } from './preview-apps.js';

export type ValueType = 'string' | 'boolean' | 'number' | 'string_array' | 'string_enum_set' | 'multiline';

export interface SettingDef {
  key: string;
  type: ValueType;
  dflt: string | string[];
  category: string;
  description: string;
  sensitive?: boolean;
  requiresRestart?: boolean;
  min?: number;
  options?: string[];
}

const d = (key: string, type: ValueType, dflt: string | string[], category: string, description: string, extra: Partial<SettingDef> = {}): SettingDef => ({
  key,
  type,
  dflt,
  category,
  description,
  ...extra,
});

const MAIL_TEMPLATES: Record<string, string> = {
  register_activation: 'Activate Your {{site_name}} Account',
  contact_change_confirmation: 'Confirm Your New {{site_name}} Email Address',
  password_reset: 'Reset Your {{site_name}} Password',
  password_reset_notice: 'Your {{site_name}} Password Was Reset',
  contact_change_notice: 'Your {{site_name}} Email Address Was Changed',
  external_auth_email_verification: 'Verify Your {{site_name}} Email Address',
  login_email_code: 'Your {{site_name}} Sign-in Code',
  user_invitation: 'You Are Invited to {{site_name}}',
};

export const MAIL_TEMPLATE_SUBJECTS = MAIL_TEMPLATES;

export const DEFS: SettingDef[] = [
  d('public_site_url', 'string_array', [], 'site', 'Public origins of this site'),
  d('branding_title', 'string', 'AsterDrive', 'site', 'Site name'),
  d('auth_cookie_secure', 'boolean', 'false', 'auth', 'HTTPS-only auth cookies'),
  d('auth_access_token_ttl_secs', 'number', '900', 'auth', 'Access token lifetime', { min: 1 }),
  d('auth_refresh_token_ttl_secs', 'number', '604800', 'auth', 'Refresh token lifetime', { min: 1 }),
  d('auth_register_activation_ttl_secs', 'number', '86400', 'auth', 'Activation link lifetime', { min: 1 }),
  d('auth_contact_change_ttl_secs', 'number', '86400', 'auth', 'Email change link lifetime', { min: 1 }),
  d('auth_password_reset_ttl_secs', 'number', '3600', 'auth', 'Password reset link lifetime', { min: 1 }),
  d('auth_user_invitation_ttl_secs', 'number', '259200', 'auth', 'Invitation lifetime', { min: 1 }),
  d('auth_contact_verification_resend_cooldown_secs', 'number', '60', 'auth', 'Resend cooldown', { min: 1 }),
  d('auth_password_reset_request_cooldown_secs', 'number', '60', 'auth', 'Password reset cooldown', { min: 1 }),
  d('auth_allow_user_registration', 'boolean', 'true', 'auth', 'Public registration'),
  d('auth_register_activation_enabled', 'boolean', 'true', 'auth', 'Registration needs email activation'),
  d('auth_password_login_enabled', 'boolean', 'true', 'auth', 'Password login'),
  d('auth_passkey_login_enabled', 'boolean', 'true', 'auth', 'Passkey login'),
  d('auth_email_code_login_enabled', 'boolean', 'false', 'auth', 'Email code login'),
  d('auth_local_email_allowlist', 'string_array', [], 'auth', 'Email allow list'),
  d('auth_local_email_blocklist', 'string_array', [], 'auth', 'Email block list'),
  d('media_processing_registry_json', 'string', DEFAULT_MEDIA_PROCESSING_REGISTRY, 'media', 'Media processing registry'),
  d('mail_smtp_host', 'string', '', 'mail', 'SMTP host'),
  d('mail_smtp_port', 'number', '587', 'mail', 'SMTP port', { min: 1 }),
  d('mail_smtp_username', 'string', '', 'mail', 'SMTP username'),
  d('mail_smtp_password', 'string', '', 'mail', 'SMTP password', { sensitive: true }),
  d('mail_from_address', 'string', '', 'mail', 'Sender address'),
  d('mail_from_name', 'string', 'AsterDrive', 'mail', 'Sender name'),
  d('mail_security', 'boolean', 'true', 'mail', 'Use TLS'),
  d('mail_outbox_dispatch_interval_secs', 'number', '5', 'mail', 'Outbox poll interval', { min: 1 }),
  ...Object.keys(MAIL_TEMPLATES).flatMap((code) => [
    d(`mail_template_${code}_subject`, 'string', MAIL_TEMPLATES[code]!, 'mail', `Subject of ${code}`),
    d(`mail_template_${code}_html`, 'multiline', '', 'mail', `HTML body of ${code}`),
  ]),
  d('webdav_enabled', 'boolean', 'true', 'webdav', 'WebDAV on/off'),
  d('webdav_max_active_locks_per_user', 'number', '1024', 'webdav', 'Active WebDAV locks per user', { min: 1 }),
  d('webdav_download_audit_coalesce_window_secs', 'number', '30', 'webdav', 'Download audit coalescing'),
  d('webdav_block_system_files_enabled', 'boolean', 'true', 'webdav', 'Block OS junk files'),
  d(
    'webdav_block_system_file_patterns',
    'string_array',
    ['.DS_Store', '._*', '.Spotlight-V100', '.Trashes', '.fseventsd', 'Thumbs.db', 'desktop.ini', '$RECYCLE.BIN', 'System Volume Information'],
    'webdav',
    'Blocked names',
  ),
  d('audit_log_enabled', 'boolean', 'true', 'audit', 'Audit log on/off'),
  d('audit_log_retention_days', 'number', '90', 'audit', 'Audit retention'),
  d('audit_log_recorded_actions', 'string_enum_set', AUDIT_ACTIONS, 'audit', 'Recorded actions', { options: AUDIT_ACTIONS }),
  d('frontend_preview_apps_json', 'multiline', defaultRegistryJson(), 'preview', 'Preview apps registry'),
  d('wopi_access_token_ttl_secs', 'number', '900', 'preview', 'WOPI token lifetime', { min: 1 }),
  d('wopi_lock_ttl_secs', 'number', '1800', 'preview', 'WOPI lock lifetime', { min: 1 }),
  d('wopi_discovery_cache_ttl_secs', 'number', '300', 'preview', 'WOPI discovery cache', { min: 1 }),
  d('default_storage_quota', 'number', '0', 'storage', 'Default quota in bytes'),
  d('max_versions_per_file', 'number', '10', 'storage', 'Versions kept per file'),
  d('trash_retention_days', 'number', '7', 'storage', 'Trash retention'),
  d('background_task_max_attempts', 'number', '3', 'runtime', 'Task attempts', { min: 1 }),
  d('cors_enabled', 'boolean', 'false', 'network', 'CORS'),
  d('cors_allowed_origins', 'string_array', [], 'network', 'CORS origins'),
  d('cors_allow_credentials', 'boolean', 'false', 'network', 'CORS credentials'),
  d('cors_max_age_secs', 'number', '3600', 'network', 'CORS max age'),
  d('archive_download_share_enabled', 'boolean', 'true', 'other', 'Share archive download'),
];

const DEF_MAP = new Map(DEFS.map((x) => [x.key, x]));
export const REDACTED = '***REDACTED***';

export function getDef(key: string): SettingDef | undefined {
  return DEF_MAP.get(key);
}

function now(): string {
  return new Date().toISOString();
}

/** Inserts missing default rows ("ensure defaults"), like upstream at startup and in doctor. */
export function ensureDefaults(store: Store, bootstrapInsecureCookies: boolean): boolean {
  let changed = false;
  const have = new Set(store.state.config.map((r) => r.key));
  for (const def of DEFS) {
    if (have.has(def.key)) continue;
    let value = def.dflt;
    if (def.key === 'auth_cookie_secure') value = bootstrapInsecureCookies ? 'false' : 'true';
    store.state.config.push({ id: store.nextId('config'), key: def.key, value, source: 'system', visibility: 'private', updated_at: now(), updated_by: null });
    changed = true;
  }
  return changed;
}

export function row(store: Store, key: string): ConfigRow | undefined {
  return store.s.config.find((r) => r.key === key);
}

export function getStr(store: Store, key: string): string {
  const r = row(store, key);
  const v = r ? r.value : (DEF_MAP.get(key)?.dflt ?? '');
  return Array.isArray(v) ? v.join(',') : v;
}

export function getBool(store: Store, key: string): boolean {
  return getStr(store, key) === 'true';
}

export function getNum(store: Store, key: string): number {
  const n = Number(getStr(store, key));
  return Number.isFinite(n) ? n : Number(DEF_MAP.get(key)?.dflt ?? 0);
}

export function getArr(store: Store, key: string): string[] {
  const r = row(store, key);
  const v = r ? r.value : (DEF_MAP.get(key)?.dflt ?? []);
  return Array.isArray(v) ? v : v ? [v] : [];
}

export function siteName(store: Store): string {
  return getStr(store, 'branding_title') || 'AsterDrive';
}

export function normalizeOrigin(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  if ((u.pathname && u.pathname !== '/') || u.search || u.hash || u.username || u.password) return null;
  if (u.hostname.includes('*')) return null;
  return u.origin.toLowerCase();
}

/** Validates and normalizes a value for a key (400 on invalid, upstream src/services/ops/config/system.rs). */
export function validateValue(key: string, value: unknown): string | string[] {
  const def = DEF_MAP.get(key);
  const isArr = Array.isArray(value);
  if (!(typeof value === 'string' || (isArr && (value as unknown[]).every((x) => typeof x === 'string')))) {
    throw E.bad('invalid JSON request body: `value` must be a string or an array of strings');
  }
  if (!def) return value as string | string[];
  const v = value as string | string[];
  switch (def.type) {
    case 'boolean': {
      if (typeof v !== 'string' || (v !== 'true' && v !== 'false')) throw E.bad(`config ${key} must be "true" or "false"`);
      return v;
    }
    case 'number': {
      if (typeof v !== 'string' || !/^\d+$/.test(v.trim())) throw E.bad(`config ${key} must be a non-negative integer`);
      const n = Number(v.trim());
      if (def.min !== undefined && n < def.min) throw E.bad(`config ${key} must be >= ${def.min}`);
      return String(n);
    }
    case 'string_array': {
      if (!Array.isArray(v)) throw E.bad(`config ${key} must be a string array`);
      if (key === 'public_site_url') {
        const out: string[] = [];
        for (const s of v) {
          const o = normalizeOrigin(s);
          if (!o) throw E.bad(`invalid public_site_url origin: ${s}`);
          if (!out.includes(o)) out.push(o);
        }
        return out;
      }
      return v.map((s) => s.trim()).filter(Boolean);
    }
    case 'string_enum_set': {
      if (!Array.isArray(v)) throw E.bad(`config ${key} must be a string array`);
      for (const s of v) if (def.options && !def.options.includes(s)) throw E.bad(`unknown value ${s} for ${key}`);
      return [...new Set(v)];
    }
    case 'multiline': {
      if (typeof v !== 'string') throw E.bad(`config ${key} must be a string`);
      if (key === 'frontend_preview_apps_json') return JSON.stringify(normalizeRegistry(v), null, 2);
      return v;
    }
    default: {
      if (typeof v !== 'string') throw E.bad(`config ${key} must be a string`);
      if (key === 'mail_from_address' && v.trim() && !/^[^\s@]+@[^\s@]+$/.test(v.trim())) throw E.bad('mail_from_address must be an email address');
      return v;
    }
  }
}

export function setValue(store: Store, key: string, value: string | string[], by: number | null): ConfigRow {
  let r = row(store, key);
  if (!r) {
    r = { id: store.nextId('config'), key, value, source: DEF_MAP.has(key) ? 'system' : 'custom', visibility: 'private', updated_at: now(), updated_by: by };
    store.state.config.push(r);
  } else {
    r.value = value;
    r.updated_at = now();
    r.updated_by = by;
  }
  return r;
}

export function configView(r: ConfigRow): Record<string, unknown> {
  const def = DEF_MAP.get(r.key);
  const sensitive = Boolean(def?.sensitive);
  return {
    id: r.id,
    key: r.key,
    value: sensitive && r.value !== '' ? REDACTED : r.value,
    value_type: def?.type ?? 'string',
    requires_restart: Boolean(def?.requiresRestart),
    is_sensitive: sensitive,
    source: r.source,
    visibility: r.visibility,
    namespace: def ? 'system' : 'custom',
    category: def?.category ?? 'custom',
    description: def?.description ?? '',
    updated_at: r.updated_at,
    updated_by: r.updated_by,
  };
}

export function schemaView(): Record<string, unknown>[] {
  return DEFS.map((def) => ({
    key: def.key,
    value_type: def.type,
    default_value: def.dflt,
    category: def.category,
    description: def.description,
    requires_restart: Boolean(def.requiresRestart),
    is_sensitive: Boolean(def.sensitive),
    options: def.options ?? [],
    actions: def.key === 'frontend_preview_apps_json' ? ['build_wopi_discovery_preview_config'] : [],
  }));
}
