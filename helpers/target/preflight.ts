/**
 * Checks an existing deployment before any test starts, so a wrong target fails in seconds with
 * a message that says what to fix: unreachable, not AsterDrive, wrong credentials, not an admin.
 */
import { AsterClient, type Credentials, LoginError } from '../api/aster.js';
import { ApiError } from '../api/http.js';

export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

function reason(e: unknown): string {
  const err = e as { cause?: { code?: string; message?: string }; name?: string; message?: string };
  if (err.name === 'TimeoutError') return 'no answer within 5 s';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}

export async function preflightExisting(baseURL: string, admin: Credentials, user?: Credentials): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`${baseURL}/health`, { signal: AbortSignal.timeout(5000), redirect: 'follow' });
  } catch (e) {
    throw new PreflightError(`ASTER_BASE_URL=${baseURL} is unreachable (${reason(e)}). Check the address, DNS and that the proxy and server are running.`);
  }
  const body = await res.text();
  let isAster = false;
  try {
    isAster = res.status === 200 && (JSON.parse(body) as { status?: string }).status === 'ok';
  } catch {
    /* not JSON */
  }
  const check = await fetch(`${baseURL}/api/v1/auth/check`, { method: 'POST', signal: AbortSignal.timeout(5000) }).catch(() => null);
  const checkBody = check ? await check.text() : '';
  if (!isAster || !checkBody.includes('"setup_state"')) {
    throw new PreflightError(
      `ASTER_BASE_URL=${baseURL} does not look like AsterDrive: /health answered ${res.status} and /api/v1/auth/check did not return a setup state. Point ASTER_BASE_URL at the AsterDrive origin (no path).`,
    );
  }
  if (!checkBody.includes('"ready"')) {
    throw new PreflightError(
      `${baseURL} is not set up yet (setup state is not "ready"). Finish the first-run setup (admin + default storage policy) before a launch run.`,
    );
  }
  let adminClient: AsterClient;
  try {
    adminClient = await AsterClient.signIn(baseURL, admin);
  } catch (e) {
    if (e instanceof LoginError) throw new PreflightError(`ASTER_ADMIN_USER / ASTER_ADMIN_PASSWORD: ${e.message}`);
    throw e;
  }
  try {
    await adminClient.systemInfo();
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      throw new PreflightError(`ASTER_ADMIN_USER=${admin.identifier} signed in but is not an administrator (403 ${e.code}). Give the suite an admin account.`);
    }
    throw e;
  }
  if (user) {
    try {
      await AsterClient.signIn(baseURL, user);
    } catch (e) {
      if (e instanceof LoginError) throw new PreflightError(`ASTER_USER / ASTER_USER_PASSWORD: ${e.message}`);
      throw e;
    }
  }
}
