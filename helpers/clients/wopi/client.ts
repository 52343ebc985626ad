/**
 * The host calls an Office server makes against AsterDrive (upstream src/api/routes/wopi.rs), played by the
 * suite: CheckFileInfo, GetFile, Lock, PutFile, Unlock.
 */
import { z } from 'zod';
import { registerSecret } from '../../harness/secrets.js';

// upstream: src/services/preview/wopi/types.rs WopiCheckFileInfo (PascalCase; the fields read here are always sent).
export const CheckFileInfo = z
  .object({ BaseFileName: z.string(), Size: z.number(), Version: z.string(), UserCanWrite: z.boolean(), SupportsLocks: z.boolean() })
  .passthrough();

export class WopiSession {
  readonly wopiSrc: string;

  constructor(
    actionUrl: string,
    private readonly token: string,
  ) {
    registerSecret(token);
    const src = new URL(actionUrl).searchParams.get('WOPISrc');
    if (!src) throw new Error(`the WOPI action URL carries no WOPISrc: ${actionUrl.replace(/access_token=[^&]+/, 'access_token=…')}`);
    this.wopiSrc = src;
  }

  private url(suffix = ''): string {
    const u = new URL(this.wopiSrc + suffix);
    u.searchParams.set('access_token', this.token);
    return u.toString();
  }

  /** CheckFileInfo as the Office server sees it (status, headers, body). */
  checkFileInfoRaw(): Promise<Response> {
    return fetch(this.url(), { signal: AbortSignal.timeout(15_000) });
  }

  async checkFileInfo(): Promise<{ status: number; info?: z.output<typeof CheckFileInfo>; body: string }> {
    const res = await this.checkFileInfoRaw();
    const body = await res.text();
    return { status: res.status, info: res.ok ? CheckFileInfo.parse(JSON.parse(body)) : undefined, body };
  }

  getFile(): Promise<Response> {
    return fetch(this.url('/contents'), { signal: AbortSignal.timeout(60_000) });
  }

  private override(op: string, headers: Record<string, string>): Promise<Response> {
    return fetch(this.url(), { method: 'POST', headers: { 'X-WOPI-Override': op, ...headers }, signal: AbortSignal.timeout(15_000) });
  }

  lock(lockId: string) {
    return this.override('LOCK', { 'X-WOPI-Lock': lockId });
  }
  unlock(lockId: string) {
    return this.override('UNLOCK', { 'X-WOPI-Lock': lockId });
  }
  getLock() {
    return this.override('GET_LOCK', {});
  }
  refreshLock(lockId: string) {
    return this.override('REFRESH_LOCK', { 'X-WOPI-Lock': lockId });
  }

  putFile(bytes: Uint8Array, lockId?: string): Promise<Response> {
    return fetch(this.url('/contents'), {
      method: 'POST',
      headers: { 'X-WOPI-Override': 'PUT', 'content-type': 'application/octet-stream', ...(lockId ? { 'X-WOPI-Lock': lockId } : {}) },
      body: bytes as Uint8Array<ArrayBuffer>,
      signal: AbortSignal.timeout(60_000),
    });
  }
}
