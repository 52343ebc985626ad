/**
 * What an https:// origin offers over TLS, seen from a client: the certificate chain checked
 * against the system's roots (plus ASTER_CA_FILE or the run's CA), the host name, the days left,
 * and which protocol versions the server accepts. The old versions are offered one at a time at
 * OpenSSL security level 0, so a refusal is the server's, not the client library's.
 */
import net from 'node:net';
import tls from 'node:tls';
import { loadConfig } from '../harness/config.js';
import { certificateReason, trustedCaList } from '../harness/trust.js';

export const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];
export const LEGACY: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1'];

/** ASTER_EXPECT_CERT_MIN_DAYS, 21 by default: three weeks to notice a renewal that did not happen. */
export function certMinDays(): number {
  return Number(loadConfig().env.ASTER_EXPECT_CERT_MIN_DAYS ?? 21);
}

export interface TlsView {
  origin: string;
  /** Why the chain or name is not trusted; absent when it is. */
  untrusted?: string;
  subject: string;
  subjectAltNames: string;
  issuer: string;
  validTo: string;
  daysLeft: number;
  /** accepted, or the error the server's refusal gave. */
  protocols: Record<TlsVersion, 'accepted' | `refused (${string})`>;
}

function endpoint(origin: string) {
  const u = new URL(origin);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return { host, port: Number(u.port || 443), servername: net.isIP(host) ? undefined : host };
}

function handshake(origin: string, opts: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ ...endpoint(origin), rejectUnauthorized: false, ALPNProtocols: ['http/1.1'], ...opts });
    socket.setTimeout(10_000, () => socket.destroy(Object.assign(new Error('no TLS handshake within 10 s'), { code: 'ETIMEDOUT' })));
    socket.once('error', reject);
    socket.once('secureConnect', () => resolve(socket));
  });
}

async function offers(origin: string, version: TlsVersion): Promise<TlsView['protocols'][TlsVersion]> {
  const legacy = LEGACY.includes(version);
  try {
    const s = await handshake(origin, { minVersion: version, maxVersion: version, ciphers: legacy ? 'DEFAULT:@SECLEVEL=0' : undefined });
    s.end();
    return 'accepted';
  } catch (e) {
    return `refused (${(e as { code?: string }).code ?? (e as Error).message})`;
  }
}

export async function inspectTls(origin: string): Promise<TlsView> {
  const socket = await handshake(origin, { ca: trustedCaList() });
  const peer = socket.getPeerCertificate();
  const leaf = socket.getPeerX509Certificate();
  const authError = socket.authorizationError as unknown as { code?: string } | string | null;
  socket.end();
  if (!leaf) throw new Error(`${origin} presented no certificate`);
  const code = authError ? String(typeof authError === 'string' ? authError : (authError.code ?? authError)) : '';
  const nameError = code ? undefined : tls.checkServerIdentity(endpoint(origin).host, peer);
  const protocols = {} as TlsView['protocols'];
  for (const v of TLS_VERSIONS) protocols[v] = await offers(origin, v);
  return {
    origin,
    untrusted: code
      ? `${certificateReason(code)} (${code})`
      : nameError
        ? `${certificateReason('ERR_TLS_CERT_ALTNAME_INVALID')} (${nameError.message})`
        : undefined,
    subject: leaf.subject.replace(/\n/g, ', '),
    subjectAltNames: leaf.subjectAltName ?? '',
    issuer: leaf.issuer.replace(/\n/g, ', '),
    validTo: new Date(leaf.validTo).toISOString(),
    daysLeft: Math.floor((new Date(leaf.validTo).getTime() - Date.now()) / 86_400_000),
    protocols,
  };
}

/** What is wrong with an origin's TLS for a launch, each with its fix; empty when nothing is. */
export function tlsProblems(v: TlsView, minDays: number): string[] {
  const out: string[] = [];
  if (v.untrusted)
    out.push(
      `${v.origin}: ${v.untrusted}; issuer "${v.issuer}", names ${v.subjectAltNames || v.subject}. Install a certificate from a public CA for this host name, with its intermediates`,
    );
  if (v.daysLeft < minDays)
    out.push(
      `${v.origin}: the certificate ${v.daysLeft < 0 ? 'has expired' : `expires in ${v.daysLeft} day(s)`} (${v.validTo}), under the ${minDays} required (ASTER_EXPECT_CERT_MIN_DAYS). Renew it, and check that automatic renewal runs`,
    );
  const legacy = LEGACY.filter((p) => v.protocols[p] === 'accepted');
  if (legacy.length)
    out.push(
      `${v.origin}: accepts ${legacy.join(' and ')}, which browsers dropped and PCI forbids. nginx: ssl_protocols TLSv1.2 TLSv1.3; (Caddy refuses them by default)`,
    );
  if (v.protocols['TLSv1.2'] !== 'accepted' && v.protocols['TLSv1.3'] !== 'accepted') out.push(`${v.origin}: offers neither TLS 1.2 nor TLS 1.3`);
  return out;
}
