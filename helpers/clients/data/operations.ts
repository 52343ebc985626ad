/**
 * The everyday operations the persistence and restore checks make and verify: a folder with a file
 * of random bytes (SHA-256 known) and a public share of it; a download hashed as it streams; the
 * anonymous share page API; a delete and trash restore.
 */
import { randomBytes } from 'node:crypto';
import type { AsterClient } from '../api/aster.js';
import { ApiError } from '../api/http.js';
import { sha256, sha256OfResponse } from '../files/hash.js';

export interface Records {
  folder: { id: number; name: string };
  file: { id: number; name: string; size: number; sha256: string };
  share: { id: number; token: string };
}

/** A folder, a file of `bytes` random bytes inside it and a share of the file. */
export async function makeRecords(api: AsterClient, name: (label: string, ext?: string) => string, bytes = 256 * 1024): Promise<Records> {
  const folder = await api.createFolder(name('folder'));
  const body = randomBytes(bytes);
  const file = await api.uploadBytes(name('object', 'bin'), body, folder.id);
  const share = await api.createShare({ type: 'file', id: file.id });
  return {
    folder: { id: folder.id, name: folder.name },
    file: { id: file.id, name: file.name, size: body.byteLength, sha256: sha256(body) },
    share: { id: share.id, token: share.token },
  };
}

/** Downloads a file and hashes it; `status` is the HTTP status, `error` the server's code on failure. */
export async function downloadHash(api: AsterClient, id: number): Promise<{ status: number; sha256?: string; bytes?: number; error?: string }> {
  const res = await api.download(id);
  if (res.status !== 200) return { status: res.status, error: (await res.text()).slice(0, 200) };
  return { status: 200, ...(await sha256OfResponse(res)) };
}

/** The anonymous share API (`GET /api/v1/s/{token}`, no cookies), as a visitor opens a link. */
export async function publicShare(baseURL: string, token: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${baseURL}/api/v1/s/${encodeURIComponent(token)}`, { signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: (await res.text()).slice(0, 300) };
}

/** Whether a folder still exists for its owner. */
export async function folderExists(api: AsterClient, id: number): Promise<boolean> {
  try {
    await api.listFolder(id);
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return false;
    throw e;
  }
}

/** What is left of records made earlier: each part checked and described. */
export async function verifyRecords(api: AsterClient, baseURL: string, r: Records): Promise<{ problems: string[]; seen: Record<string, unknown> }> {
  const problems: string[] = [];
  const seen: Record<string, unknown> = {};
  seen.folder = (await folderExists(api, r.folder.id)) ? 'present' : 'missing';
  if (seen.folder === 'missing') problems.push(`folder "${r.folder.name}" (id ${r.folder.id}) is gone`);
  const dl = await downloadHash(api, r.file.id);
  seen.download = dl;
  if (dl.status !== 200) problems.push(`file "${r.file.name}" does not download (${dl.status} ${dl.error ?? ''})`);
  else if (dl.sha256 !== r.file.sha256) problems.push(`file "${r.file.name}" downloads with other bytes (${dl.bytes} bytes, SHA-256 differs)`);
  const shares = (await api.myShares()).items;
  seen.shareListed = shares.some((s) => s.token === r.share.token);
  if (!seen.shareListed) problems.push(`share ${r.share.id} is no longer listed`);
  const pub = await publicShare(baseURL, r.share.token);
  seen.publicShare = pub.status;
  if (pub.status !== 200) problems.push(`the share link answers ${pub.status} to a visitor`);
  return { problems, seen };
}

/** Deletes a file and restores it from the trash; returns the problems. */
export async function trashRoundTrip(api: AsterClient, id: number): Promise<string[]> {
  await api.deleteFile(id);
  const trash = await api.trash();
  if (!trash.files.some((f) => f.id === id)) return [`file ${id} is not in the trash after delete`];
  await api.restore('file', id);
  const back = await api.getFile(id).then(
    () => true,
    () => false,
  );
  return back ? [] : [`file ${id} is not back after a trash restore`];
}
