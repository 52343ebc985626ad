/**
 * Shared steps of the WOPI checks: put a real Office document in a folder, launch an editing
 * session as the panel does, and make the host calls an Office server makes for an open-edit-save
 * (upstream src/api/routes/wopi.rs), recording every answer (status, who answered, WOPI headers) so that
 * the checks can judge the save (6.9, 10.10) and the path through the proxy (6.10).
 */
import type { AsterClient } from '../api/aster.js';
import { parseCode } from '../api/http.js';
import { makeOffice, OFFICE_MIME, type OfficeKind } from '../files/generate.js';
import { sha256 } from '../files/hash.js';
import { registerSecret } from '../../harness/secrets.js';
import { CheckFileInfo, WopiSession } from './client.js';

export interface HostCall {
  /** The WOPI operation, e.g. `CheckFileInfo`, `PutFile`, `LOCK`. */
  op: string;
  method: string;
  /** Path of the host URL (the token is in the query, never recorded). */
  path: string;
  status: number;
  /** AsterDrive puts a request id on every response it writes (upstream src/runtime/components.rs); a proxy's own page has none. */
  requestId: string | null;
  contentType: string | null;
  cacheControl: string | null;
  /** X-WOPI-* response headers (lock value, item version, failure reason). */
  wopi: Record<string, string>;
  /** The error envelope's `code`, when the answer is an AsterDrive error. */
  errorCode?: string;
  /** SHA-256 of the body (GetFile) and the text of a JSON/text body. */
  bodySha256: string;
  bodyText: string;
}

export async function uploadOfficeFile(userApi: AsterClient, folderId: number, name: string, kind: OfficeKind) {
  const bytes = await makeOffice(kind, `Launch check ${name}`);
  const file = await userApi.uploadBytes(name, bytes, folderId, OFFICE_MIME[kind]);
  return { file, bytes };
}

/** `POST /files/{id}/wopi/open` as the panel calls it; the token is registered as a secret. */
export async function launchSession(userApi: AsterClient, fileId: number, appKey: string) {
  const open = await userApi.wopiOpen(fileId, appKey);
  registerSecret(open.access_token);
  return { open, session: new WopiSession(open.action_url, open.access_token), wopiSrc: new URL(open.action_url).searchParams.get('WOPISrc') ?? '' };
}

/** Why a fetch failed, in words (DNS, refused, TLS, timeout). */
function networkCause(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return [err.message, err.cause?.code ?? err.cause?.message].filter(Boolean).join(': ');
}

/**
 * Makes one host call and records its answer. A call that gets no answer at all (DNS, refused,
 * TLS) fails with the reason and what decides the URL: the Public site URL that WOPISrc is built from.
 */
export async function recordCall(op: string, method: string, url: string, call: () => Promise<Response>): Promise<HostCall> {
  let res: Response;
  try {
    res = await call();
  } catch (e) {
    throw new Error(
      `${op}: ${method} ${new URL(url).origin}${new URL(url).pathname} got no answer (${networkCause(e)}). ` +
        'WOPISrc is built from the Public site URL; it must resolve and route to AsterDrive from the Office server’s network.',
    );
  }
  const body = Buffer.from(await res.arrayBuffer());
  const wopi: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (name.toLowerCase().startsWith('x-wopi-')) wopi[name.toLowerCase()] = value;
  });
  const contentType = res.headers.get('content-type');
  const text = /json|text|html|xml/.test(contentType ?? '') ? body.toString('utf8') : '';
  return {
    op,
    method,
    path: new URL(url).pathname,
    status: res.status,
    requestId: res.headers.get('x-request-id'),
    contentType,
    cacheControl: res.headers.get('cache-control'),
    wopi,
    errorCode: res.ok ? undefined : parseCode(text),
    bodySha256: sha256(body),
    bodyText: text.slice(0, 20_000),
  };
}

/**
 * Open, edit and save as an Office server does: CheckFileInfo, GetFile, LOCK, GET_LOCK,
 * REFRESH_LOCK, PutFile, CheckFileInfo again, UNLOCK. Nothing is asserted here; every answer is
 * returned in order, so a failure names the first call that went wrong.
 */
export async function officeEditAndSave(session: WopiSession, opts: { lockId: string; edited: Uint8Array }): Promise<HostCall[]> {
  const src = session.wopiSrc;
  const calls: HostCall[] = [];
  calls.push(await recordCall('CheckFileInfo', 'GET', src, () => session.checkFileInfoRaw()));
  calls.push(await recordCall('GetFile', 'GET', `${src}/contents`, () => session.getFile()));
  calls.push(await recordCall('LOCK', 'POST', src, () => session.lock(opts.lockId)));
  calls.push(await recordCall('GET_LOCK', 'POST', src, () => session.getLock()));
  calls.push(await recordCall('REFRESH_LOCK', 'POST', src, () => session.refreshLock(opts.lockId)));
  calls.push(await recordCall('PutFile', 'POST', `${src}/contents`, () => session.putFile(opts.edited, opts.lockId)));
  calls.push(await recordCall('CheckFileInfo (after save)', 'GET', src, () => session.checkFileInfoRaw()));
  calls.push(await recordCall('UNLOCK', 'POST', src, () => session.unlock(opts.lockId)));
  return calls;
}

/** The parsed CheckFileInfo of a recorded call (throws when it is not one). */
export function fileInfoOf(call: HostCall) {
  return CheckFileInfo.parse(JSON.parse(call.bodyText));
}

/** One line per call for messages and evidence. */
export function describeCalls(calls: HostCall[]): string[] {
  return calls.map(
    (c) =>
      `${c.op}: ${c.method} ${c.path} → ${c.status}${c.errorCode ? ` ${c.errorCode}` : ''}${c.requestId ? '' : ' (no X-Request-ID)'}` +
      `${Object.keys(c.wopi).length ? ` ${JSON.stringify(c.wopi)}` : ''}`,
  );
}
