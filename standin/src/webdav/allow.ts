import type { VfsEntry } from '../vfs.js';

/** AsterDrive's resource-aware Allow sets (upstream src/webdav/capability.rs), without DeltaV. */
export function allowedMethods(path: string[], entry: VfsEntry | null): string[] {
  if (path.length === 0) return ['OPTIONS', 'PROPFIND', 'LOCK', 'UNLOCK'];
  if (!entry) return ['OPTIONS', 'PUT', 'MKCOL', 'LOCK', 'UNLOCK'];
  if (entry.kind === 'folder') {
    return ['OPTIONS', 'DELETE', 'COPY', 'MOVE', 'PROPFIND', 'PROPPATCH', 'LOCK', 'UNLOCK'];
  }
  return ['OPTIONS', 'GET', 'HEAD', 'PUT', 'DELETE', 'COPY', 'MOVE', 'PROPFIND', 'PROPPATCH', 'LOCK', 'UNLOCK'];
}

/** Methods that on a missing path must reach nephele so it can answer 404 rather than 405. */
export const NOT_FOUND_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'PROPFIND', 'PROPPATCH', 'COPY', 'MOVE']);
