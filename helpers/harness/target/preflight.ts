/**
 * Checks an existing deployment before any test starts, so a wrong target fails in seconds with
 * a message that says what to fix: unreachable, not AsterDrive, wrong credentials, not an admin.
 */
import { readFileSync } from 'node:fs';
import { AsterClient, type Credentials, LoginError } from '../../clients/api/aster.js';
import { ApiError } from '../../clients/api/http.js';
import { spkiSha256 } from '../entry-servers/ca.js';
import { lockedOutSuiteMessage, passwordLoginOff } from './sign-in.js';
import { CertificateProblem, caFileCertificates, trustCa, trustInChromium, verifyServerCertificate } from '../trust.js';

export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

/** The deployment's TLS certificate is not trusted: the run stops with exit 2 (helpers/harness/global-setup.ts). */
export class CertificatePreflightError extends PreflightError {
  constructor(message: string) {
    super(message);
    this.name = 'CertificatePreflightError';
  }
}

/**
 * Checks the certificate of an https:// deployment before anything else talks to it, against
 * Node's roots plus ASTER_CA_FILE. With ASTER_CA_FILE, a chain that verifies makes the CA trusted
 * by the API clients (this process and the workers) and the server's certificate trusted by
 * Chromium (its SPKI, and the SPKI of every certificate of the CA file). Network errors are left
 * to `preflightExisting`, which names them.
 */
export async function preflightCertificate(baseURL: string, caFile: string | undefined, dir: string): Promise<void> {
  if (new URL(baseURL).protocol !== 'https:') return;
  const caPem = caFile ? readFileSync(caFile, 'utf8') : undefined;
  let spki: string[];
  try {
    spki = (await verifyServerCertificate(baseURL, caPem)).spki;
  } catch (e) {
    if (!(e instanceof CertificateProblem)) return;
    throw new CertificatePreflightError(
      caFile
        ? `ASTER_BASE_URL=${baseURL}: its TLS certificate does not verify, even with ASTER_CA_FILE=${caFile}: ${e.message}. Check that ASTER_CA_FILE holds the CA (or intermediate) that issued this certificate, that the proxy sends the full chain, and that the certificate is valid for this host.`
        : `ASTER_BASE_URL=${baseURL}: its TLS certificate is not trusted: ${e.message}. If the deployment uses a private CA, set ASTER_CA_FILE to that CA's certificate (PEM), e.g. ASTER_CA_FILE=/etc/ssl/private-ca.pem; otherwise fix the certificate on the proxy (users' browsers will refuse it too).`,
    );
  }
  if (!caFile) return;
  await trustCa(caFile, dir);
  trustInChromium([...spki, ...caFileCertificates(caFile).map((c) => spkiSha256(c))]);
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
    if (e instanceof LoginError && e.code === 'auth.password_login_disabled') {
      const { providers } = await passwordLoginOff(baseURL);
      // Users sign in elsewhere: the suite is locked out, the target is not at fault (exit 2).
      if (providers.length > 0) throw new PreflightError(lockedOutSuiteMessage(baseURL, providers));
      // Nobody can sign in: the set-up step reports that as item 10.4 failing.
      return;
    }
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
