/**
 * The accounts a run signs in with, read from the run state: the administrator, the ordinary user
 * and any further account the state carries (a second administrator, say), whatever its field is
 * called. The sweep visits each of them; the settings check counts their changes as the suite's.
 */
import { AsterClient, type Credentials } from '../../clients/api/aster.js';
import type { RunState } from '../target/run-state.js';

function isCredentials(v: unknown): v is Credentials {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return typeof c.identifier === 'string' && typeof c.password === 'string';
}

/** Every credential in the run state, the administrator first, each sign-in name once. */
export function runAccounts(state: RunState): { role: string; creds: Credentials }[] {
  const out: { role: string; creds: Credentials }[] = [{ role: 'admin', creds: state.admin }];
  for (const [role, v] of Object.entries(state as unknown as Record<string, unknown>)) {
    if (role !== 'admin' && isCredentials(v)) out.push({ role, creds: v });
  }
  const seen = new Set<string>();
  return out.filter((a) => !seen.has(a.creds.identifier) && Boolean(seen.add(a.creds.identifier)));
}

/** A signed-in client for every account of the run; the administrator's first. */
export async function signInRunAccounts(state: RunState): Promise<{ role: string; client: AsterClient }[]> {
  const out: { role: string; client: AsterClient }[] = [];
  for (const a of runAccounts(state)) out.push({ role: a.role, client: await AsterClient.signIn(state.baseURL, a.creds) });
  return out;
}
