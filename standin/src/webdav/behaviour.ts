import type { Request } from 'express';
import { type AuthResponse, BadRequestError, MethodNotSupportedError, type Plugin } from 'nephele';
import type { VfsAdapter } from './adapter.js';
import { allowedMethods, NOT_FOUND_METHODS } from './allow.js';
import { DavError, davErrorXml } from './errors.js';
import { BLOCKED_MESSAGE, blockedPatterns, isBlockedName } from './system-files.js';

function requestPath(request: Request): string[] {
  try {
    return request.path
      .split('/')
      .filter((segment) => segment !== '')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw new BadRequestError('Malformed request path.');
  }
}

/** First usable entry of a Timeout list ("nonsense, Second-60" → "Second-60"); none → 400. */
function normalizeTimeout(request: Request): void {
  const raw = request.get('Timeout');
  if (raw == null) return;
  const valid = raw
    .split(',')
    .map((entry) => entry.trim())
    .find((entry) => entry === 'Infinite' || /^Second-\d+$/.test(entry));
  if (!valid) throw new DavError(400, 'Invalid Timeout header');
  request.headers.timeout = valid;
}

/**
 * nephele hooks that make answers match AsterDrive where they differ from nephele's defaults:
 * resource-aware Allow/405, DAV/MS-Author-Via, finite-depth PROPFIND, root PROPPATCH, junk-name
 * blocking, 409 for a missing parent, no partial PUT, Content-Location on create, UNLOCK token syntax.
 */
export const behaviourPlugin: Plugin = {
  async begin(request: Request, response: AuthResponse) {
    response.removeHeader('Server');
    const adapter = response.locals.adapter as VfsAdapter;
    const path = requestPath(request);
    const entry = await adapter.stat(path);
    const allow = allowedMethods(path, entry);
    response.locals.davAllow = allow.join(', ');
    const method = request.method;
    if (method === 'PROPPATCH' && path.length === 0) {
      throw new DavError(403, 'PROPPATCH on the WebDAV mount root is not supported');
    }
    const exists = entry !== null;
    if (!allow.includes(method) && (exists || !NOT_FOUND_METHODS.has(method))) {
      throw new MethodNotSupportedError(`${method} is not allowed on this resource.`);
    }
    if (method === 'PUT' && (request.get('Content-Range') != null || request.get('X-Update-Range') != null)) {
      throw new DavError(400, 'Partial PUT is not supported');
    }
    const creates = method === 'PUT' || method === 'MKCOL' || (method === 'LOCK' && !exists);
    if (creates && isBlockedName(path.at(-1) ?? '', blockedPatterns(adapter.vfs))) throw new DavError(403, BLOCKED_MESSAGE);
    if (creates && !exists) {
      const parent = await adapter.stat(path.slice(0, -1));
      if (parent?.kind !== 'folder') {
        throw new DavError(409, 'One or more intermediate collections must be created before this resource.');
      }
    }
  },

  async beforeOptions(_request, response, data) {
    data.complianceClasses.splice(0, data.complianceClasses.length, '1', '2');
    const allow = String(response.locals.davAllow ?? 'OPTIONS').split(', ');
    data.allowedMethods.splice(0, data.allowedMethods.length, ...allow);
    response.set('MS-Author-Via', 'DAV');
  },

  async prePropfind(_request, _response, { resource, depth }) {
    if (depth === 'infinity' && (await resource.isCollection())) {
      throw new DavError(403, davErrorXml('propfind-finite-depth'), 'application/xml; charset=utf-8');
    }
  },

  async preGet(_request, response, { resource }) {
    response.locals.davSize = await resource.getLength();
  },

  async preHead(_request, response, { resource }) {
    response.locals.davSize = await resource.getLength();
  },

  async beforePut(_request, response, { resource, newResource }) {
    if (newResource) response.set('Content-Location', (await resource.getCanonicalUrl()).pathname);
  },

  async beginLock(request) {
    normalizeTimeout(request);
  },

  async preUnlock(_request, _response, { lockTokenHeader }) {
    if (!/^\s*<[^<>]+>\s*$/.test(lockTokenHeader ?? '')) {
      throw new DavError(400, 'Lock-Token header must be a Coded-URL (<urn:uuid:...>)');
    }
  },

  async beforeUnlock(_request, _response, { lock }) {
    if (lock == null) throw new DavError(409, 'The lock token does not cover the request URI');
  },
};
