/**
 * How AsterDrive sees a request's own origin behind the proxy (actix ConnectionInfo, from
 * X-Forwarded-Proto / X-Forwarded-Host / Host; upstream src/webdav/mod.rs,
 * src/api/routes/auth/session.rs). Two probes, each a real client's symptom:
 *
 * - WebDAV COPY with an absolute `Destination` (what desktop clients send): AsterDrive accepts
 *   it only when the destination's scheme and host equal the request's own origin (502
 *   otherwise). Trying `https://host` and `http://host` tells a lost Host from a lost scheme.
 * - The sign-in request-source check (upstream src/api/routes/auth/session.rs) through an alias
 *   of the entry that is not a Public Site URL: the browser's `Origin` must equal the
 *   request's own `scheme://host`.
 */
import type { AsterClient } from '../api/aster.js';
import { type Answer, classify, explain } from './answer.js';
import { freshLogin, logout } from '../../judges/cookies.js';

export interface Probe {
  name: string;
  /** The origin the server accepted as its own, if any of the candidates. */
  accepted?: string;
  tried: { candidate: string; answer: string; status: number; from: Answer['from'] }[];
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * COPY `<endpoint>/<src>` to an absolute Destination on each candidate origin; the first one the
 * server accepts (201/204) is its own view of the request origin.
 */
export async function destinationProbe(endpoint: string, account: { username: string; password: string }, src: string, candidates: string[]): Promise<Probe> {
  const ep = new URL(endpoint);
  const probe: Probe = { name: 'WebDAV COPY with an absolute Destination', tried: [] };
  let n = 0;
  for (const candidate of candidates) {
    const dest = new URL(`${ep.pathname.replace(/\/?$/, '/')}copy-${++n}-${src}`, candidate).toString();
    const res = await fetch(new URL(src, ep), {
      method: 'COPY',
      headers: { authorization: basic(account.username, account.password), destination: dest, overwrite: 'T', depth: '0' },
      signal: AbortSignal.timeout(20_000),
    });
    const a = classify(res.status, res.headers, await res.text());
    probe.tried.push({ candidate: dest, answer: explain(a), status: a.status, from: a.from });
    if (res.status === 201 || res.status === 204) {
      probe.accepted = candidate;
      break;
    }
  }
  return probe;
}

/**
 * Signs in through `via` (an alias of the entry, not a Public Site URL) with each candidate as the
 * browser's Origin; the first one accepted is the server's view. Logs the sessions out again.
 */
export async function originProbe(via: string, creds: { identifier: string; password: string }, candidates: string[]): Promise<Probe> {
  const probe: Probe = { name: `sign-in through ${via} with Origin`, tried: [] };
  for (const candidate of candidates) {
    const headers = { origin: candidate, 'sec-fetch-site': 'same-origin' };
    const login = await freshLogin(via, creds, headers);
    const a = classify(login.status, login.res.headers, login.text);
    probe.tried.push({ candidate, answer: explain(a), status: a.status, from: a.from });
    if (login.status === 200) {
      await logout(via, login.cookies, headers);
      probe.accepted = candidate;
      break;
    }
  }
  return probe;
}

/** A one-line account of a probe for messages. */
export function tell(p: Probe): string {
  return `${p.name}: ${p.tried.map((t) => `${t.candidate} -> ${t.answer}`).join('; ')}`;
}

/** Is `origin` reachable as this AsterDrive (over a trusted TLS connection)? */
export async function reachable(origin: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(10_000), redirect: 'manual' });
    const text = await res.text();
    const ok = res.status === 200 && text.includes('"ok"');
    return { ok, detail: `${res.status} ${text.slice(0, 80)}` };
  } catch (e) {
    const err = e as { cause?: { code?: string; message?: string }; message: string };
    return { ok: false, detail: err.cause?.code ?? err.cause?.message ?? err.message };
  }
}

export async function webdavEndpointVia(api: AsterClient, origin: string): Promise<string> {
  const res = await fetch(`${origin}/api/v1/webdav-accounts/settings`, {
    headers: { authorization: `Bearer ${api.accessToken}` },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${origin}/api/v1/webdav-accounts/settings answered ${res.status}: ${text.slice(0, 160)}`);
  return String((JSON.parse(text) as { data: { endpoint: string } }).data.endpoint);
}
