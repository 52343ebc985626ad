import type { Request } from 'express';
import { type Authenticator, type AuthResponse, UnauthorizedError, type User } from 'nephele';
import type { DavPrincipal, Vfs } from '../vfs.js';
import { REALM_HEADER } from './errors.js';

export interface DavUser extends User {
  principal: DavPrincipal;
}

const principals = new WeakMap<Request, DavUser>();

export function userOf(request: Request): DavUser {
  const user = principals.get(request);
  if (!user) throw new UnauthorizedError('Unauthorized');
  return user;
}

export function parseBasic(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** HTTP Basic against dedicated WebDAV accounts; Bearer or no credentials are refused. */
export class BasicAuthenticator implements Authenticator {
  constructor(private readonly vfs: Vfs) {}

  async authenticate(request: Request, response: AuthResponse): Promise<User> {
    const known = principals.get(request);
    if (known) return known;
    const credentials = parseBasic(request.get('Authorization'));
    const principal = credentials ? await this.vfs.authenticate(credentials.username, credentials.password) : null;
    if (!principal) {
      response.set('WWW-Authenticate', REALM_HEADER);
      throw new UnauthorizedError('Unauthorized');
    }
    const user: DavUser = { username: principal.username, uid: principal.userId, principal };
    principals.set(request, user);
    return user;
  }

  async cleanAuthentication(): Promise<void> {}
}
