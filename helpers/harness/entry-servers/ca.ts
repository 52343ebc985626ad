/**
 * The run's certificate authority, made at start with the openssl CLI: a CA that lives only for
 * this run (its key is deleted once the entry's certificate is signed) and one server certificate
 * for the entry, valid for `localhost`, `127.0.0.1` and `::1` (and the public host when another
 * one is given) for 90 days, like an ACME certificate. Clients trust the CA; Chromium trusts the leaf's key (SPKI hash).
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface RunCa {
  /** PEM of the CA: what Node clients trust. */
  caPath: string;
  /** Leaf then CA, PEM: what the entry server presents. */
  chainPath: string;
  keyPath: string;
  /** base64 SHA-256 of the leaf's SubjectPublicKeyInfo (chromium --ignore-certificate-errors-spki-list). */
  leafSpki: string;
  caSpki: string;
}

/** base64 SHA-256 of a certificate's SubjectPublicKeyInfo (DER), the form Chromium's SPKI list takes. */
export function spkiSha256(cert: X509Certificate | string): string {
  const x = typeof cert === 'string' ? new X509Certificate(cert) : cert;
  return createHash('sha256')
    .update(x.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
}

/** Every certificate of a PEM bundle. */
export function pemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new X509Certificate(b));
}

function openssl(args: string[]): void {
  try {
    execFileSync(process.env.OPENSSL_BIN ?? 'openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('openssl is not installed: the managed entry makes its certificates with it (apt-get install openssl)');
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString().trim().slice(-400) ?? String(e)}`);
  }
}

/** The certificate mistakes of the fault matrix (helpers/harness/entry-servers/deviations.ts). */
export interface LeafOptions {
  /** Days the entry's certificate is valid (90 by default, like an ACME certificate). */
  days?: number;
  /** Only the public host name, not 127.0.0.1 and ::1 (a certificate for one name of several). */
  hostOnly?: boolean;
}

export function makeRunCa(dir: string, host = 'localhost', runId = 'run', leafOptions: LeafOptions = {}): RunCa {
  const days = String(leafOptions.days ?? 90);
  const caKey = path.join(dir, 'ca.key');
  const caPath = path.join(dir, 'ca.pem');
  const keyPath = path.join(dir, 'entry.key');
  const csr = path.join(dir, 'entry.csr');
  const leaf = path.join(dir, 'entry.crt');
  const ext = path.join(dir, 'entry.ext');
  const chainPath = path.join(dir, 'entry-chain.pem');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl([
    'req',
    '-x509',
    ...ec,
    '-sha256',
    '-days',
    '90',
    '-subj',
    `/CN=AsterDrive launch suite CA ${runId}/O=AsterDrive launch suite`,
    '-addext',
    'basicConstraints=critical,CA:TRUE,pathlen:0',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    caKey,
    '-out',
    caPath,
  ]);
  const sans = new Set(leafOptions.hostOnly ? [`DNS:${host}`] : [`DNS:${host}`, 'DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
  if (net.isIP(host)) {
    sans.delete(`DNS:${host}`);
    sans.add(`IP:${host}`);
  }
  openssl(['req', '-new', ...ec, '-subj', `/CN=${host}/O=AsterDrive launch suite entry`, '-keyout', keyPath, '-out', csr]);
  writeFileSync(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${[...sans].join(',')}`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  );
  openssl(['x509', '-req', '-in', csr, '-CA', caPath, '-CAkey', caKey, '-CAcreateserial', '-days', days, '-sha256', '-extfile', ext, '-out', leaf]);
  // Nothing else may be signed with this CA: its key goes as soon as the entry has its certificate.
  for (const f of [caKey, csr, ext, path.join(dir, 'ca.srl')]) rmSync(f, { force: true });
  const leafPem = readFileSync(leaf, 'utf8');
  const caPem = readFileSync(caPath, 'utf8');
  writeFileSync(chainPath, `${leafPem.trim()}\n${caPem.trim()}\n`);
  return { caPath, chainPath, keyPath, leafSpki: spkiSha256(leafPem), caSpki: spkiSha256(caPem) };
}
