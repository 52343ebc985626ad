import type { Express, NextFunction, Request, Response } from 'express';
import createServer, { type AuthResponse } from 'nephele';
import type { Vfs } from '../vfs.js';
import { VfsAdapter } from './adapter.js';
import { BasicAuthenticator, userOf } from './auth.js';
import { behaviourPlugin } from './behaviour.js';
import { errorHandler, sendText, unauthorized } from './errors.js';
import { applyNephelePatches } from './patches.js';
import { treeOpsPlugin } from './tree-ops.js';
import { prepareXmlBody } from './xml-body.js';

/** AsterDrive caps lock timeouts at 7 days; an absent or `Infinite` Timeout gets the cap. */
const MAX_LOCK_TIMEOUT_MS = 604_800 * 1000;

/** Mounts the WebDAV front end (nephele over the Vfs) under `prefix`, e.g. `/webdav`. */
export async function mountWebdav(app: Express, vfs: Vfs, prefix = '/webdav'): Promise<void> {
  applyNephelePatches();
  const authenticator = new BasicAuthenticator(vfs);
  const mount = `/${prefix.replace(/^\/+|\/+$/g, '')}`;

  const disabledGate = (_request: Request, response: Response, next: NextFunction): void => {
    if (vfs.webdavEnabled()) next();
    else sendText(response, 503, 'WebDAV is disabled');
  };

  // nephele skips authentication for OPTIONS; AsterDrive authenticates every method.
  const authGate = async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    try {
      await authenticator.authenticate(request, response as AuthResponse);
    } catch {
      unauthorized(response);
      return;
    }
    next();
  };

  const dav = createServer(
    {
      adapter: async (request) => new VfsAdapter(vfs, userOf(request).principal),
      authenticator,
      plugins: [behaviourPlugin, treeOpsPlugin],
    },
    { errorHandler, minLockTimeout: 1000, maxLockTimeout: MAX_LOCK_TIMEOUT_MS },
  );

  app.use(mount, disabledGate, authGate, prepareXmlBody, dav);
}
