import { ownOrigin } from '../http/request.js';
import type { Request } from 'express';
import {
  type AuthResponse,
  BadGatewayError,
  BadRequestError,
  ForbiddenError,
  LockedError,
  type Method,
  type Plugin,
  PreconditionFailedError,
  type Resource,
} from 'nephele';
import type { VfsLock } from '../vfs.js';
import type { VfsAdapter } from './adapter.js';
import { DavError } from './errors.js';
import { sameOrInside, urlToSegments } from './paths.js';
import type { VfsResource } from './resource.js';
import { BLOCKED_MESSAGE, blockedPatterns, isBlockedName } from './system-files.js';

/**
 * DELETE, COPY and MOVE run as single Vfs operations (trash the folder, move it by id, copy the
 * subtree) instead of nephele's member-by-member walk, which would trash or re-create every child.
 * nephele still parses the request, checks conditional headers and the target's own locks.
 */

type Ctx = { request: Request; response: AuthResponse; method: Method };

function adapterOf(response: AuthResponse): VfsAdapter {
  return response.locals.adapter as VfsAdapter;
}

function live(lock: VfsLock): boolean {
  return !lock.provisional && lock.timeoutAt.getTime() > Date.now();
}

async function locksAtOrBelow(response: AuthResponse, path: string[]): Promise<VfsLock[]> {
  const { vfs, principal } = adapterOf(response);
  const rows = [...(await vfs.locksAt(principal, path)), ...(await vfs.locksBelow(principal, path))];
  return [...new Map(rows.map((row) => [row.token, row])).values()].filter(live);
}

/** Every lock under `path` must be ours and submitted in the If header (AsterDrive: atomic, else 423). */
async function assertSubtreeUnlocked({ request, response, method }: Ctx, path: string[]): Promise<void> {
  const submitted = new Set(method.getRequestLockTockens(request));
  const { principal } = adapterOf(response);
  for (const lock of await locksAtOrBelow(response, path)) {
    if (!(submitted.has(lock.token) && lock.origin === 'web_dav' && lock.userId === principal.userId)) {
      throw new LockedError('A resource in the tree is locked and its token was not submitted.');
    }
  }
}

async function assertWritable(ctx: Ctx, resource: Resource, what: string): Promise<void> {
  const permission = await ctx.method.getLockPermission(ctx.request, ctx.response, resource, ctx.response.locals.user);
  if (permission === 0 || permission === 1) throw new LockedError(`The ${what} is locked.`);
}

async function dropLocks(response: AuthResponse, locks: VfsLock[]): Promise<void> {
  const { vfs, principal } = adapterOf(response);
  for (const lock of locks) {
    try {
      await vfs.deleteLock(principal, lock.token);
    } catch {
      // already gone with the resource
    }
  }
}

function checkDestinationHeader(request: Request, response: AuthResponse, destination: URL | undefined, overwrite?: string): void {
  if (overwrite != null && overwrite !== 'T' && overwrite !== 'F') throw new BadRequestError('Overwrite must be T or F.');
  if (!destination) return;
  // An absolute path is always on this server; a full URL must name the request's own origin as
  // AsterDrive sees it (X-Forwarded-Proto/Host honoured, upstream src/webdav/mod.rs).
  const raw = String(request.headers.destination ?? '');
  if (!raw.startsWith('/') && destination.origin !== new URL(ownOrigin(request)).origin)
    throw new BadGatewayError('Cross-server destinations are not supported.');
  const path = urlToSegments(destination, response.locals.baseUrl);
  if (!path) throw new DavError(400, 'Destination must be under the WebDAV prefix');
  if (path.length === 0) throw new ForbiddenError('The mount root cannot be a destination.');
  if (isBlockedName(path.at(-1) ?? '', blockedPatterns(adapterOf(response).vfs))) throw new DavError(403, BLOCKED_MESSAGE);
}

/** Checks shared by COPY and MOVE; removes an overwritten destination. Returns whether it existed. */
async function prepareDestination(ctx: Ctx, source: VfsResource, destination: VfsResource, exists: boolean, overwrite?: string): Promise<boolean> {
  if (sameOrInside(destination.path, source.path)) {
    throw new ForbiddenError('The destination cannot be the source or inside it.');
  }
  if (exists && overwrite === 'F') throw new PreconditionFailedError('A resource exists at the destination.');
  const parent = await adapterOf(ctx.response).stat(destination.path.slice(0, -1));
  if (parent?.kind !== 'folder') {
    throw new DavError(409, 'One or more intermediate collections must be created before this resource.');
  }
  await assertWritable(ctx, destination, 'destination');
  if (exists) {
    await assertSubtreeUnlocked(ctx, destination.path);
    const locks = await locksAtOrBelow(ctx.response, destination.path);
    await adapterOf(ctx.response).vfs.remove(adapterOf(ctx.response).principal, destination.path);
    await dropLocks(ctx.response, locks);
  }
  return exists;
}

async function finish(response: AuthResponse, destination: VfsResource, existed: boolean): Promise<false> {
  response.status(existed ? 204 : 201);
  response.set('Cache-Control', 'no-store');
  if (!existed) {
    response.set('Location', (await destination.getCanonicalUrl()).toString());
    response.set('Content-Length', '0');
  }
  response.end();
  return false;
}

export const treeOpsPlugin: Plugin = {
  async beforeDelete(request, response, { method, resource }) {
    const target = resource as VfsResource;
    const depth = request.get('Depth');
    if ((await target.isCollection()) && depth != null && depth !== 'infinity') {
      throw new BadRequestError('Depth on a collection DELETE must be infinity.');
    }
    const ctx = { request, response, method };
    await assertSubtreeUnlocked(ctx, target.path);
    const locks = await locksAtOrBelow(response, target.path);
    await target.vfs.remove(target.principal, target.path);
    await dropLocks(response, locks);
    response.status(204).end();
    return false;
  },

  async preCopy(request, response, { destination, overwrite }) {
    checkDestinationHeader(request, response, destination, overwrite);
  },

  async beforeCopy(request, response, { method, resource, destination, exists, depth, overwrite }) {
    const ctx = { request, response, method };
    const source = resource as VfsResource;
    const target = destination as VfsResource;
    const existed = await prepareDestination(ctx, source, target, exists, overwrite);
    await source.vfs.copy(source.principal, source.path, target.path, depth === '0' ? 'zero' : 'infinity');
    return finish(response, target, existed);
  },

  async preMove(request, response, { destination, overwrite }) {
    checkDestinationHeader(request, response, destination, overwrite);
  },

  async beforeMove(request, response, { method, resource, destination, exists, overwrite }) {
    const ctx = { request, response, method };
    const source = resource as VfsResource;
    const target = destination as VfsResource;
    await assertWritable(ctx, source, 'source');
    await assertSubtreeUnlocked(ctx, source.path);
    const sourceLocks = await locksAtOrBelow(response, source.path);
    const existed = await prepareDestination(ctx, source, target, exists, overwrite);
    await source.vfs.move(source.principal, source.path, target.path);
    // RFC 4918 §7.7 / AsterDrive: locks do not travel with a moved resource.
    await dropLocks(response, sourceLocks);
    return finish(response, target, existed);
  },
};
