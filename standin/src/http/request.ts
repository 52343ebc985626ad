import type { Request } from 'express';
import net from 'node:net';

export function parseCookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  const h = req.headers.cookie;
  if (!h) return out;
  for (const part of h.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    let v = part.slice(i + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    try {
      v = decodeURIComponent(v);
    } catch {
      /* keep raw */
    }
    if (!(k in out)) out[k] = v;
  }
  return out;
}

function forwardedParam(req: Request, name: string): string | undefined {
  const f = req.headers.forwarded;
  if (!f) return undefined;
  const first = f.split(',')[0] ?? '';
  for (const p of first.split(';')) {
    const [k, v] = p.split('=');
    if (k?.trim().toLowerCase() === name && v) return v.trim().replace(/^"|"$/g, '');
  }
  return undefined;
}

/** The request's own scheme://host, honoring Forwarded / X-Forwarded-* unconditionally (actix ConnectionInfo; upstream src/api/routes/auth/public.rs). */
export function ownOrigin(req: Request): string {
  const xfp = req.headers['x-forwarded-proto'];
  const xfh = req.headers['x-forwarded-host'];
  const scheme = forwardedParam(req, 'proto') ?? (typeof xfp === 'string' ? xfp.split(',')[0]!.trim() : undefined) ?? 'http';
  const host = forwardedParam(req, 'host') ?? (typeof xfh === 'string' ? xfh.split(',')[0]!.trim() : undefined) ?? req.headers.host ?? 'localhost';
  return `${scheme.toLowerCase()}://${host.toLowerCase()}`;
}

function peer(req: Request): string {
  let a = req.socket.remoteAddress ?? '127.0.0.1';
  if (a.startsWith('::ffff:')) a = a.slice(7);
  return a;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  if (!base) return false;
  if (bits === undefined) return ip === base;
  const bl = new net.BlockList();
  try {
    bl.addSubnet(base, Number(bits), net.isIPv6(base) ? 'ipv6' : 'ipv4');
    return bl.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
}

let trusted: string[] = [];
export function setTrustedProxies(list: string[]): void {
  trusted = list;
}

export function clientIp(req: Request): string {
  const p = peer(req);
  if (trusted.some((c) => inCidr(p, c))) {
    const xff = req.headers['x-forwarded-for'];
    if (typeof xff === 'string' && xff.trim()) return xff.split(',')[0]!.trim();
  }
  return p;
}

export function userAgent(req: Request): string {
  return String(req.headers['user-agent'] ?? '');
}

export function isUnsafe(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(method.toUpperCase());
}
