/**
 * A signed-in AsterDrive API client (bearer style: the access JWT from the login cookie, sent as
 * `Authorization: Bearer`, so no CSRF header is needed; upstream src/api/middleware/auth.rs).
 * Each instance owns one login, so parallel workers never share a single-use refresh token.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { transferProgress } from '../../harness/progress.js';
import { ApiError, Http, parseCode, setCookie } from './http.js';
import * as S from './schemas.js';
import { apiStep } from './step.js';

export class LoginError extends Error {
  constructor(
    message: string,
    /** The server's error code when it answered with one (`auth.password_login_disabled`, …). */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface Credentials {
  identifier: string;
  password: string;
}

export async function login(baseURL: string, creds: Credentials): Promise<{ token: string; res: Response }> {
  const http = new Http(baseURL);
  let res: Response;
  try {
    res = await http.rawWithinRateLimits('POST', '/api/v1/auth/login', { json: creds, timeoutMs: 15_000 });
  } catch (e) {
    throw new LoginError(`Cannot reach ${baseURL} to sign in as "${creds.identifier}": ${(e as Error).message}`);
  }
  const text = await res.text();
  if (res.status === 401) {
    throw new LoginError(
      `Sign-in as "${creds.identifier}" was refused (401 ${text.includes('credentials_failed') ? 'auth.credentials_failed' : ''}). Check the username and password in .env.`,
    );
  }
  if (!res.ok) {
    throw new LoginError(`Sign-in as "${creds.identifier}" failed with ${res.status}: ${text.slice(0, 200)}`, parseCode(text));
  }
  const data = S.LoginResp.parse(JSON.parse(text).data);
  if (data.status === 'mfa_required') {
    throw new LoginError(`The account "${creds.identifier}" requires MFA; give the suite an account without a second factor.`);
  }
  const access = setCookie(res, 'aster_access');
  if (!access) throw new LoginError(`Sign-in as "${creds.identifier}" set no aster_access cookie; is ${baseURL} an AsterDrive server?`);
  return { token: access.value, res };
}

/**
 * What GET /api/v1/auth/me answers to a bearer token: the persistence checks ask whether a session
 * made before a restart is still accepted after it, so the answer is returned, not judged.
 */
export function sessionAnswer(baseURL: string, token: string): Promise<{ status: number; body: string }> {
  return apiStep('GET /api/v1/auth/me (a session made earlier)', async () => {
    const res = await new Http(baseURL, () => ({ authorization: `Bearer ${token}` })).raw('GET', '/api/v1/auth/me', { timeoutMs: 15_000 });
    return { status: res.status, body: (await res.text()).slice(0, 200) };
  });
}

export class AsterClient {
  readonly http: Http;
  private token: string;

  private constructor(
    readonly baseURL: string,
    private readonly creds: Credentials,
    token: string,
  ) {
    this.token = token;
    this.http = new Http(baseURL, () => ({ authorization: `Bearer ${this.token}` }));
  }

  static async signIn(baseURL: string, creds: Credentials): Promise<AsterClient> {
    const { token } = await login(baseURL, creds);
    return new AsterClient(baseURL, creds, token);
  }

  get identifier(): string {
    return this.creds.identifier;
  }

  /** The current access JWT; tests that need it (WebDAV refusal, cookie checks) read it here. */
  get accessToken(): string {
    return this.token;
  }

  /** Calls the API; an expired access token leads to one fresh login and a retry. */
  async call<T extends z.ZodType>(method: string, p: string, schema: T, opts: Parameters<Http['call']>[3] = {}): Promise<z.output<T>> {
    try {
      return await this.http.call(method, p, schema, opts);
    } catch (e) {
      const retryable = opts.body === undefined || !(opts.body instanceof Readable);
      if (e instanceof ApiError && e.status === 401 && retryable && /token_(expired|missing)/.test(e.code ?? '')) {
        this.token = (await login(this.baseURL, this.creds)).token;
        return this.http.call(method, p, schema, opts);
      }
      throw e;
    }
  }

  me() {
    return this.call('GET', '/api/v1/auth/me', S.MeResp);
  }

  // Folders and files (upstream src/api/routes/folders.rs, src/api/routes/files/)
  createFolder(name: string, parentId: number | null = null) {
    return this.call('POST', '/api/v1/folders', S.FolderInfo, { json: { name, parent_id: parentId } });
  }
  listFolder(folderId: number | null = null) {
    return this.call('GET', folderId === null ? '/api/v1/folders' : `/api/v1/folders/${folderId}`, S.FolderContents);
  }
  deleteFolder(id: number) {
    return this.call('DELETE', `/api/v1/folders/${id}`, z.unknown());
  }
  getFile(id: number) {
    return this.call('GET', `/api/v1/files/${id}`, S.FileInfo);
  }
  deleteFile(id: number) {
    return this.call('DELETE', `/api/v1/files/${id}`, z.unknown());
  }

  /** Direct multipart upload; folder_id goes in the query string (upstream src/api/routes/files/upload.rs). */
  async uploadBytes(name: string, bytes: Uint8Array, folderId: number | null, mimeType = 'application/octet-stream') {
    const form = new FormData();
    form.append('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }), name);
    return this.call('POST', '/api/v1/files/upload', S.FileInfo, {
      body: form,
      query: { folder_id: folderId ?? undefined, declared_size: bytes.byteLength },
      timeoutMs: 120_000,
    });
  }

  /**
   * Chunked upload from a file on disk (upstream src/api/routes/files/upload.rs): init, one PUT
   * per chunk, complete. Only one chunk is in flight at a time, so memory stays flat. A chunk of
   * up to 16 MiB is read into one buffer and sent as is: `npm run bench` measured a stream body
   * (Node stream -> web stream -> undici) at about 1.6x the client CPU of the same chunk as a buffer.
   * Larger chunks stream.
   */
  async uploadFileChunked(filePath: string, folderId: number | null, name = path.basename(filePath)) {
    const { size } = await stat(filePath);
    const init = await this.call('POST', '/api/v1/files/upload/init', S.InitUploadResp, {
      json: { filename: name, total_size: size, folder_id: folderId },
    });
    if (init.mode !== 'chunked' || !init.upload_id || !init.chunk_size || !init.total_chunks) {
      throw new Error(`upload/init chose mode "${init.mode}" for ${size} bytes; expected "chunked" (is the policy's chunk_size larger than the file?)`);
    }
    const progress = transferProgress(`chunked upload of ${name}`, size);
    const buffered = init.chunk_size <= 16 * 1024 * 1024;
    const fh = buffered ? await open(filePath) : undefined;
    const buf = buffered ? Buffer.allocUnsafe(init.chunk_size) : undefined;
    try {
      for (let n = 0; n < init.total_chunks; n++) {
        const start = n * init.chunk_size;
        const end = Math.min(size, start + init.chunk_size) - 1;
        let body: Uint8Array<ArrayBuffer> | NodeJS.ReadableStream;
        if (fh && buf) {
          const { bytesRead } = await fh.read(buf, 0, end - start + 1, start);
          if (bytesRead !== end - start + 1)
            throw new Error(`${filePath} changed while it was uploaded (read ${bytesRead} of ${end - start + 1} bytes at ${start})`);
          body = buf.subarray(0, bytesRead) as Uint8Array<ArrayBuffer>;
        } else body = createReadStream(filePath, { start, end });
        await this.call('PUT', `/api/v1/files/upload/${init.upload_id}/${n}`, z.unknown(), {
          body,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(end - start + 1) },
          timeoutMs: 300_000,
        });
        progress.add(end - start + 1);
      }
    } finally {
      progress.done();
      await fh?.close();
    }
    const file = await this.call('POST', `/api/v1/files/upload/${init.upload_id}/complete`, S.FileInfo, { timeoutMs: 300_000 });
    return { file, init };
  }

  /** Streams a download; the caller consumes the body. */
  download(id: number, headers: Record<string, string> = {}) {
    return this.http.raw('GET', `/api/v1/files/${id}/download`, { headers, timeoutMs: 600_000 });
  }
  /** The SHA-256 and size of a file's content, streamed (large files). */
  downloadSha256(id: number) {
    return this.http.sha256Of(`/api/v1/files/${id}/download`);
  }

  putContent(id: number, bytes: Uint8Array) {
    return this.call('PUT', `/api/v1/files/${id}/content`, S.FileInfo, {
      body: bytes as Uint8Array<ArrayBuffer>,
      headers: { 'content-type': 'application/octet-stream' },
    });
  }
  versions(id: number) {
    return this.call('GET', `/api/v1/files/${id}/versions`, z.array(S.FileVersion));
  }

  // Trash (upstream src/api/routes/trash.rs)
  trash() {
    return this.call('GET', '/api/v1/trash', S.TrashContents);
  }
  restore(kind: 'file' | 'folder', id: number) {
    return this.call('POST', `/api/v1/trash/${kind}/${id}/restore`, z.unknown());
  }
  purge(kind: 'file' | 'folder', id: number) {
    return this.call('DELETE', `/api/v1/trash/${kind}/${id}`, z.unknown());
  }

  // Shares (upstream src/api/routes/shares.rs)
  createShare(target: { type: 'file' | 'folder'; id: number }, opts: { password?: string; expires_at?: string | null; max_downloads?: number } = {}) {
    return this.call('POST', '/api/v1/shares', S.ShareInfo, { json: { target, ...opts } });
  }
  myShares() {
    return this.call('GET', '/api/v1/shares', S.offsetPage(S.MyShareInfo), { query: { limit: 100 } });
  }
  deleteShare(id: number) {
    return this.call('DELETE', `/api/v1/shares/${id}`, z.unknown());
  }

  // WebDAV accounts (upstream src/api/routes/webdav_accounts.rs)
  createWebdavAccount(username: string, rootFolderId: number | null = null) {
    return this.call('POST', '/api/v1/webdav-accounts', S.WebdavAccountCreated, {
      json: { username, password: null, root_folder_id: rootFolderId },
    });
  }
  deleteWebdavAccount(id: number) {
    return this.call('DELETE', `/api/v1/webdav-accounts/${id}`, z.unknown());
  }
  webdavSettings() {
    return this.call('GET', '/api/v1/webdav-accounts/settings', S.WebdavSettings);
  }

  // WOPI (upstream src/api/routes/files/access.rs open_wopi)
  wopiOpen(fileId: number, appKey: string) {
    return this.call('POST', `/api/v1/files/${fileId}/wopi/open`, S.WopiOpen, { json: { app_key: appKey } });
  }

  // Admin (upstream src/api/routes/admin/)
  systemInfo() {
    return this.call('GET', '/api/v1/admin/system-info', S.SystemInfo);
  }
  getConfig(key: string) {
    return this.call('GET', `/api/v1/admin/config/${encodeURIComponent(key)}`, S.SystemConfig);
  }
  setConfig(key: string, value: string | string[]) {
    return this.call('PUT', `/api/v1/admin/config/${encodeURIComponent(key)}`, S.SystemConfig, { json: { value } });
  }
  async allConfig(): Promise<z.output<typeof S.SystemConfig>[]> {
    const out: z.output<typeof S.SystemConfig>[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await this.call('GET', '/api/v1/admin/config', S.offsetPage(S.SystemConfig), { query: { limit: 100, offset } });
      out.push(...page.items);
      if (page.items.length < 100) return out;
    }
  }
  tasks(query: Record<string, string | number | undefined> = {}) {
    return this.call('GET', '/api/v1/admin/tasks', S.offsetPage(S.TaskInfo), { query: { limit: 100, ...query } });
  }
  auditLogs(query: Record<string, string | number | undefined> = {}) {
    return this.call('GET', '/api/v1/admin/audit-logs', S.offsetPage(S.AuditEntry), { query: { limit: 200, ...query } });
  }
  policies() {
    return this.call('GET', '/api/v1/admin/policies', S.offsetPage(S.StoragePolicy), { query: { limit: 100 } });
  }
  /** The admin "Test Connection" of a saved policy: 200 when the storage answers (upstream src/api/routes/admin/policies.rs). */
  testPolicy(id: number) {
    return this.http.raw('POST', `/api/v1/admin/policies/${id}/test`, { timeoutMs: 60_000 });
  }
  policyGroups() {
    return this.call('GET', '/api/v1/admin/policy-groups', S.offsetPage(S.PolicyGroup), { query: { limit: 100 } });
  }
  async users(): Promise<z.output<typeof S.AdminUser>[]> {
    const out: z.output<typeof S.AdminUser>[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await this.call('GET', '/api/v1/admin/users', S.offsetPage(S.AdminUser), { query: { limit: 100, offset } });
      out.push(...page.items);
      if (page.items.length < 100) return out;
    }
  }
  locks() {
    return this.call('GET', '/api/v1/admin/locks', S.offsetPage(S.AdminLock), { query: { limit: 100 } });
  }
  /**
   * Every item of an offset-paged admin list: follows `total` and the page the server actually
   * returned (a server may cap `limit` below what was asked), never stopping at the first page.
   */
  async allPages<T extends z.ZodType>(p: string, item: T, query: Record<string, string | number | undefined> = {}): Promise<z.output<T>[]> {
    const out: z.output<T>[] = [];
    for (let offset = 0; ; ) {
      const page = await this.call('GET', p, S.offsetPage(item), { query: { ...query, limit: 100, offset } });
      out.push(...page.items);
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) return out;
    }
  }
  allPolicies() {
    return this.allPages('/api/v1/admin/policies', S.StoragePolicy);
  }
  allPolicyGroups() {
    return this.allPages('/api/v1/admin/policy-groups', S.PolicyGroup);
  }
  /** Teams (admin list); archived teams come only with `archived: true` (upstream AdminTeamListQuery). */
  teams(archived = false) {
    return this.allPages('/api/v1/admin/teams', S.AdminTeam, { archived: String(archived) });
  }
  /** The storage connectors this build registers (upstream list_storage_driver_descriptors). */
  storageConnectors() {
    return this.call('GET', '/api/v1/admin/policies/storage-drivers', z.array(S.StorageConnectorDescriptor));
  }
  allTasks(query: Record<string, string | number | undefined> = {}) {
    return this.allPages('/api/v1/admin/tasks', S.TaskInfo, query);
  }
  allLocks() {
    return this.allPages('/api/v1/admin/locks', S.AdminLock);
  }
  /** Admin "create team" (upstream AdminCreateTeamReq: one of admin_user_id / admin_identifier). */
  createTeam(body: { name: string; admin_identifier: string; storage_quota?: number; policy_group_id?: number }) {
    return this.call('POST', '/api/v1/admin/teams', S.AdminTeam, { json: body });
  }
  /** Admin-created accounts are active and email-verified. */
  // upstream: src/services/user/account/admin.rs CreateUserOutput (generated_password is skipped when None).
  createUser(username: string, email: string, password: string) {
    return this.call('POST', '/api/v1/admin/users', z.object({ user: S.UserInfo }).passthrough(), { json: { username, email, password } });
  }
  getUser(id: number) {
    return this.call('GET', `/api/v1/admin/users/${id}`, S.AdminUser);
  }
  deleteUser(id: number) {
    return this.call('DELETE', `/api/v1/admin/users/${id}`, z.unknown());
  }
  createPolicy(body: Record<string, unknown>) {
    return this.call('POST', '/api/v1/admin/policies', S.StoragePolicy, { json: body });
  }
  createPolicyGroup(body: { name: string; is_enabled: boolean; is_default: boolean; items: Record<string, unknown>[] }) {
    return this.call('POST', '/api/v1/admin/policy-groups', S.PolicyGroup, { json: body });
  }
  /** Admin → Users → edit (a partial update: only the fields given change). */
  updateUser(id: number, patch: Record<string, unknown>) {
    return this.call('PATCH', `/api/v1/admin/users/${id}`, S.AdminUser, { json: patch });
  }
  // upstream: src/services/user/account/models.rs MeResponse.profile (src/services/user/profile/info.rs UserProfileInfo).
  /** The signed-in account's avatar source (`upload`, `gravatar`, `none`). */
  async avatarSource(): Promise<string | undefined> {
    const me = await this.call(
      'GET',
      '/api/v1/auth/me',
      z.object({ profile: z.object({ avatar: z.object({ source: z.string().optional() }).passthrough().nullable() }).passthrough() }).passthrough(),
    );
    return me.profile.avatar?.source;
  }
  setAvatarSource(source: string) {
    return this.call('PUT', '/api/v1/auth/profile/avatar/source', z.unknown(), { json: { source } });
  }
  uploadAvatar(png: Uint8Array) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'avatar.png');
    return this.call('POST', '/api/v1/auth/profile/avatar/upload', z.unknown(), { body: form });
  }
  /** The avatar as served (the raw answer: a missing avatar is a verdict, not an error). */
  avatar(size: number): Promise<Response> {
    return apiStep(`GET /api/v1/auth/profile/avatar/${size}`, () => this.http.raw('GET', `/api/v1/auth/profile/avatar/${size}`));
  }
  /** A file's thumbnail as served: 202 while it is still rendering (upstream src/api/routes/files/access.rs). */
  thumbnail(fileId: number): Promise<Response> {
    return apiStep('GET /api/v1/files/{id}/thumbnail', () => this.http.raw('GET', `/api/v1/files/${fileId}/thumbnail`));
  }
  /** The admin "Send test email" (upstream src/services/ops/config/actions.rs); the raw answer, since 503 is a verdict, not an error. */
  sendTestEmail(targetEmail: string) {
    return this.http.raw('POST', '/api/v1/admin/config/mail/action', { json: { action: 'send_test_email', target_email: targetEmail }, timeoutMs: 60_000 });
  }
}
