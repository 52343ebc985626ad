import crypto from 'node:crypto';

export interface Claims {
  sub: number;
  typ: 'access' | 'refresh';
  sv: number;
  iat: number;
  exp: number;
  jti?: string;
  sid?: number;
}

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export function signJwt(claims: Claims, secret: string): string {
  const head = b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64u(JSON.stringify(claims));
  const sig = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export type VerifyResult = { ok: true; claims: Claims } | { ok: false; reason: 'invalid' | 'expired' };

const LEEWAY_SECS = 60;

export function verifyJwt(token: string, secret: string): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'invalid' };
  const [head, body, sig] = parts as [string, string, string];
  const want = crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest();
  let got: Buffer;
  try {
    got = Buffer.from(sig, 'base64url');
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return { ok: false, reason: 'invalid' };
  let claims: Claims;
  try {
    const h = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    if (h.alg !== 'HS256') return { ok: false, reason: 'invalid' };
    claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof claims.exp !== 'number' || typeof claims.sub !== 'number') return { ok: false, reason: 'invalid' };
  if (claims.exp + LEEWAY_SECS < Date.now() / 1000) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
