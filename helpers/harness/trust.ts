/**
 * Who the suite trusts over TLS, for Node and for Chromium.
 *
 * Node: NODE_EXTRA_CA_CERTS is read once, when a process starts. So the CA (the managed entry's
 * run CA, or ASTER_CA_FILE for a deployment) reaches
 * - the processes started later (Playwright's workers, `npm run` children) through
 *   NODE_EXTRA_CA_CERTS, pointing at a bundle of the CA plus any NODE_EXTRA_CA_CERTS the user
 *   already had;
 * - the running process (global setup, preflight) through its own TLS settings: the global fetch
 *   dispatcher (undici) and https.globalAgent are replaced by ones whose CA list is Node's roots
 *   plus the extra certificates. helpers/clients/api/http.ts calls `trustRunCa()` so any process that
 *   talks to the API trusts the run's CA whether or not it started with the variable.
 *
 * Chromium ignores Node's CA settings. It is started with `--ignore-certificate-errors-spki-list`
 * (playwright.config.ts) listing the SPKI hashes in ASTER_RUN_ENTRY_SPKI: the entry's leaf (and
 * CA). For a deployment with ASTER_CA_FILE the leaf's hash comes from the server itself at
 * preflight, after Node verified its chain against the CA (`verifyServerCertificate`).
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { pemCertificates, spkiSha256 } from './entry-servers/ca.js';

/** The run's CA file for API clients in any process (set by global setup, inherited by workers). */
export const RUN_CA_ENV = 'ASTER_RUN_CA_FILE';
/** Comma-separated SPKI hashes Chromium accepts (set by global setup, read by playwright.config.ts). */
export const RUN_SPKI_ENV = 'ASTER_RUN_ENTRY_SPKI';

const DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/** The certificates NODE_EXTRA_CA_CERTS named when this process started. */
const startupExtra = (() => {
  const f = process.env.NODE_EXTRA_CA_CERTS;
  try {
    return f && existsSync(f) ? readFileSync(f, 'utf8') : '';
  } catch {
    return '';
  }
})();

const installed = new Set<string>();

/**
 * Makes this process trust `pem` (one or more CA certificates) for fetch and https.request, in
 * addition to Node's roots and what NODE_EXTRA_CA_CERTS named at start.
 */
export async function trustInThisProcess(pem: string): Promise<void> {
  const key = pem.trim();
  // Already in the default store: the process started with it in NODE_EXTRA_CA_CERTS (a worker).
  if (!key || installed.has(key) || startupExtra.includes(key)) return;
  installed.add(key);
  // One context for every connection (a `ca` option would parse the whole list per connection).
  const secureContext = tls.createSecureContext({ ca: [...tls.rootCertificates, ...(startupExtra ? [startupExtra] : []), ...installed] });
  // Node's fetch creates its dispatcher (an undici Agent) on first use; a data: URL makes it
  // exist without a connection. Its replacement is the same class, with the context.
  const slot = globalThis as Record<symbol, unknown>;
  if (!slot[DISPATCHER]) await fetch('data:,').then((r) => r.arrayBuffer());
  const current = slot[DISPATCHER] as { constructor: new (o: unknown) => unknown } | undefined;
  if (current) slot[DISPATCHER] = new current.constructor({ connect: { secureContext } });
  (https.globalAgent.options as tls.ConnectionOptions).secureContext = secureContext;
}

/** Trusts `ASTER_RUN_CA_FILE` in this process, once; for API clients (helpers/clients/api/http.ts). */
let runCa: Promise<void> | undefined;
export function trustRunCa(): Promise<void> {
  const file = process.env[RUN_CA_ENV];
  if (!file) return Promise.resolve();
  runCa ??= trustInThisProcess(readFileSync(file, 'utf8'));
  return runCa;
}

/**
 * Makes the CA in `caFile` trusted by this process and every process started after this call
 * (Playwright workers): NODE_EXTRA_CA_CERTS becomes a bundle in `dir` of the CA plus what the
 * variable named before.
 */
export async function trustCa(caFile: string, dir: string): Promise<void> {
  const pem = readFileSync(caFile, 'utf8');
  const bundle = path.join(dir, 'node-extra-ca.pem');
  const before = process.env.NODE_EXTRA_CA_CERTS && existsSync(process.env.NODE_EXTRA_CA_CERTS) ? readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8') : '';
  writeFileSync(bundle, `${before.trim()}\n${pem.trim()}\n`.trimStart());
  process.env.NODE_EXTRA_CA_CERTS = bundle;
  process.env[RUN_CA_ENV] = bundle;
  await trustInThisProcess(pem);
}

/** Chromium's allow-list for the run (leaf first). */
export function trustInChromium(spki: string[]): void {
  process.env[RUN_SPKI_ENV] = [...new Set(spki)].join(',');
}

export class CertificateProblem extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'CertificateProblem';
  }
}

export interface ServerCertificate {
  /** base64 SHA-256 SPKI of the server's leaf, then of the rest of the chain it sent. */
  spki: string[];
  subject: string;
  issuer: string;
  validTo: string;
}

const REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain ends in a CA that is not trusted (a private or self-signed CA)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the issuer of the certificate is not trusted, or the server does not send its intermediate certificates',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuing CA is not trusted (a private CA, or a missing intermediate)',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuing CA is not trusted (a private CA, or a missing intermediate)',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
};

export function certificateReason(code: string): string {
  return REASONS[code] ?? 'the certificate is not trusted';
}

/** The CA list a client of this process trusts: Node's roots, NODE_EXTRA_CA_CERTS, the run's CA. */
export function trustedCaList(): string[] {
  const runCa = process.env[RUN_CA_ENV];
  const fromFile = runCa && existsSync(runCa) ? [readFileSync(runCa, 'utf8')] : [];
  return [...tls.rootCertificates, ...(startupExtra ? [startupExtra] : []), ...installed, ...fromFile];
}

/**
 * Connects to an https:// origin and verifies its certificate chain and host name against the
 * trusted roots plus `caPem`, without sending a request. Throws CertificateProblem when the
 * certificate is not trusted; returns the SPKI hashes of the chain the server presented.
 */
export function verifyServerCertificate(origin: string, caPem?: string, timeoutMs = 5000): Promise<ServerCertificate> {
  const u = new URL(origin);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 443);
  const ca = caPem ? [...tls.rootCertificates, ...(startupExtra ? [startupExtra] : []), caPem] : undefined;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ca, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error(`no TLS handshake within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
    socket.once('error', reject);
    socket.once('secureConnect', () => {
      const chain: tls.DetailedPeerCertificate[] = [];
      let c = socket.getPeerCertificate(true);
      while (c?.raw && !chain.some((x) => x.fingerprint256 === c.fingerprint256)) {
        chain.push(c);
        c = c.issuerCertificate;
      }
      const leaf = socket.getPeerX509Certificate();
      socket.end();
      if (!leaf) return reject(new CertificateProblem(`${origin} presented no certificate`, 'NO_CERTIFICATE'));
      const about = `subject "${leaf.subject.replace(/\n/g, ', ')}", issuer "${leaf.issuer.replace(/\n/g, ', ')}", valid until ${leaf.validTo}`;
      const err = socket.authorizationError as unknown as Error | string | null;
      const code = err ? String((err as { code?: string }).code ?? err) : '';
      if (code) return reject(new CertificateProblem(`${certificateReason(code)} (${code}; ${about})`, code));
      const nameError = chain[0] ? tls.checkServerIdentity(host, chain[0]) : undefined;
      if (nameError)
        return reject(new CertificateProblem(`${REASONS.ERR_TLS_CERT_ALTNAME_INVALID} (${nameError.message}; ${about})`, 'ERR_TLS_CERT_ALTNAME_INVALID'));
      const spki = chain.map((x) => spkiSha256(new X509Certificate(x.raw)));
      resolve({ spki: spki.length ? spki : [spkiSha256(leaf)], subject: leaf.subject, issuer: leaf.issuer, validTo: leaf.validTo });
    });
  });
}

/** The certificates of a CA file (for ASTER_CA_FILE validation and Chromium's list). */
export function caFileCertificates(file: string) {
  return pemCertificates(readFileSync(file, 'utf8'));
}
