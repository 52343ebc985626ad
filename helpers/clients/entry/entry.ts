/**
 * Where the public entry of the target is: its HTTPS origin (the one users reach), the plain-HTTP
 * origin that must redirect, and aliases of the same entry (another name the certificate covers).
 *
 * - Existing deployment: ASTER_BASE_URL, and `http://<its host>` (port 80).
 * - Managed target: the suite's entry proxy (helpers/harness/entry-servers/entry-proxy.ts) in front of it;
 *   global setup records its plain-HTTP origin as `managed.plainEntryURL`.
 */
import type { RunState } from '../../harness/target/run-state.js';

export interface Entry {
  /** The origin the suite (and users) use: run.baseURL. */
  current: string;
  /** The plain-HTTP origin of the same host that must redirect to HTTPS. */
  http: string;
  /** True when the managed target runs behind the suite's own entry proxy. */
  suiteProxy: boolean;
}

export function entryOf(run: RunState): Entry {
  const current = new URL(run.baseURL).origin;
  const plain = run.managed?.plainEntryURL;
  if (plain) return { current, http: new URL(plain).origin, suiteProxy: true };
  const u = new URL(current);
  // The operator's HTTP listener is port 80 of the same host; a plain-HTTP target is its own HTTP origin.
  return { current, http: u.protocol === 'http:' ? current : `http://${u.hostname}`, suiteProxy: false };
}

/**
 * Another name of the same entry: `localhost` <-> `127.0.0.1` (the entry proxy's certificate
 * covers both). Other hosts have no alias the suite can know.
 */
export function aliasOf(origin: string): string | undefined {
  const u = new URL(origin);
  if (u.hostname === 'localhost') u.hostname = '127.0.0.1';
  else if (u.hostname === '127.0.0.1') u.hostname = 'localhost';
  else return undefined;
  return u.origin;
}

export function isHttpsOrigin(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' && u.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

export function originOf(url: string, base?: string): string | undefined {
  try {
    return new URL(url, base).origin;
  } catch {
    return undefined;
  }
}
