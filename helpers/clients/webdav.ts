/**
 * A real WebDAV client (the `webdav` package) for a dedicated WebDAV account, with the package's
 * lock quirks smoothed over (tooling notes §2.1): LOCK gets an XML Content-Type, UNLOCK gets the
 * angle brackets RFC 4918 requires, writes to a locked file carry the token in `If`.
 */
import { AuthType, createClient, type WebDAVClient } from 'webdav';
import type { AsterClient } from './api/aster.js';
import { registerSecret } from '../harness/secrets.js';

export interface DavAccount {
  id: number;
  username: string;
  password: string;
  endpoint: string;
  client: WebDAVClient;
}

export async function davEndpoint(api: AsterClient): Promise<string> {
  const { endpoint } = await api.webdavSettings();
  return new URL(endpoint, api.baseURL).toString();
}

export function davClient(endpoint: string, username: string, password: string): WebDAVClient {
  return createClient(endpoint, { authType: AuthType.Password, username, password });
}

export async function createDavAccount(api: AsterClient, username: string, rootFolderId: number | null = null): Promise<DavAccount> {
  const created = await api.createWebdavAccount(username, rootFolderId);
  registerSecret(created.password);
  const endpoint = await davEndpoint(api);
  return { id: created.id, username: created.username, password: created.password, endpoint, client: davClient(endpoint, created.username, created.password) };
}

export async function lock(client: WebDAVClient, path: string): Promise<string> {
  const res = await client.lock(path, { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
  return res.token;
}

export async function unlock(client: WebDAVClient, path: string, token: string): Promise<void> {
  await client.unlock(path, token.startsWith('<') ? token : `<${token}>`);
}

export function ifHeader(token: string): Record<string, string> {
  return { If: `(<${token}>)` };
}
