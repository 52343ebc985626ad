/**
 * Reading AsterDrive's data directory (upstream src/config/paths.rs): `data/config.toml` and its generated
 * secrets, the owner and mode of every entry, and the sizes of the database, the objects, the
 * avatars and the temporary directories. Secrets are registered for redaction and never returned
 * in clear to messages or evidence (only whether they are present and unchanged).
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import type { SuiteConfig } from '../harness/config.js';
import { registerSecret } from '../harness/secrets.js';
import type { RunState } from '../harness/target/run-state.js';

/** The [auth] secrets AsterDrive generates and writes back into config.toml (upstream src/config/loader.rs). */
export const SECRET_KEYS = [
  'jwt_secret',
  'share_cookie_secret',
  'direct_link_secret',
  'mfa_secret_key',
  'storage_credential_secret_key',
  'webdav_auth_cache_secret',
] as const;

export interface DataDir {
  dir: string;
  /** Where the path came from. */
  source: 'ASTER_DATA_DIR' | 'managed target';
}

/** ASTER_DATA_DIR, or `<workdir>/data` of a managed target; undefined on a deployment without it. */
export function dataDirOf(run: RunState, cfg: SuiteConfig): DataDir | undefined {
  if (cfg.env.ASTER_DATA_DIR) return { dir: path.resolve(cfg.env.ASTER_DATA_DIR), source: 'ASTER_DATA_DIR' };
  if (run.managed) return { dir: path.join(run.managed.workdir, 'data'), source: 'managed target' };
  return undefined;
}

/** The [auth] secrets of a config.toml (registered as secrets; never print the values). */
export function readSecrets(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  let section = '';
  for (const raw of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const line = raw.trim();
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1].trim();
      continue;
    }
    if (section !== 'auth') continue;
    const kv = /^([A-Za-z0-9_]+)\s*=\s*(?:"([^"]*)"|'([^']*)')\s*(#.*)?$/.exec(line);
    if (kv && (SECRET_KEYS as readonly string[]).includes(kv[1])) {
      const value = kv[2] ?? kv[3] ?? '';
      registerSecret(value);
      out[kv[1]] = value;
    }
  }
  return out;
}

/** What may be shown about a set of secrets: which are present and how long they are. */
export function describeSecrets(secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(SECRET_KEYS.map((k) => [k, secrets[k] ? `present (${secrets[k].length} chars)` : 'absent']));
}

/** Keys whose value differs (or disappeared) between two readings. */
export function changedSecrets(before: Record<string, string>, after: Record<string, string>): string[] {
  return SECRET_KEYS.filter((k) => before[k] !== undefined && before[k] !== after[k]);
}

export interface Entry {
  /** Path relative to the data directory ('.' for the directory itself). */
  rel: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  uid: number;
  gid: number;
  /** Permission bits, e.g. 0o640. */
  mode: number;
  size: number;
  mtimeMs: number;
}

/** Every entry under `dir` (symlinks not followed), at most `limit` of them. */
export function walk(dir: string, limit = 200_000): { entries: Entry[]; truncated: boolean } {
  const entries: Entry[] = [];
  const stack = ['.'];
  while (stack.length) {
    const rel = stack.pop() as string;
    const full = path.join(dir, rel);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(full);
    } catch {
      continue; // removed while walking (temp files come and go)
    }
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
    entries.push({ rel, type, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, size: st.size, mtimeMs: st.mtimeMs });
    if (entries.length >= limit) return { entries, truncated: true };
    if (type === 'dir') {
      let names: string[] = [];
      try {
        names = readdirSync(full);
      } catch {
        /* unreadable: reported by its mode */
      }
      for (const n of names) stack.push(rel === '.' ? n : path.join(rel, n));
    }
  }
  return { entries, truncated: false };
}

export interface Usage {
  path: string;
  exists: boolean;
  bytes: number;
  files: number;
}

/** Size and file count of a file or directory tree. */
export function usage(p: string): Usage {
  if (!existsSync(p)) return { path: p, exists: false, bytes: 0, files: 0 };
  const st = lstatSync(p);
  if (!st.isDirectory()) return { path: p, exists: true, bytes: st.size, files: 1 };
  const files = walk(p).entries.filter((e) => e.type === 'file');
  return { path: p, exists: true, bytes: files.reduce((n, e) => n + e.size, 0), files: files.length };
}

export function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 100) / 100;
}

export function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

export interface RuntimeUser {
  uid: number;
  gid: number;
  /** How the suite learned it. */
  source: string;
}

function processUser(pid: number): { uid: number; gid: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // Effective ids: the second column of the Uid:/Gid: lines.
    const uid = /^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1];
    const gid = /^Gid:\s+\d+\s+(\d+)/m.exec(status)?.[1];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  } catch {
    return undefined;
  }
}

/** Processes named aster_drive on this host whose working directory holds `dataDir`, else all of them. */
function asterDriveProcesses(dataDir: string): number[] {
  let pids: number[] = [];
  try {
    pids = readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
  const named = pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'aster_drive';
    } catch {
      return false;
    }
  });
  const here = named.filter((pid) => {
    try {
      return path.join(readlinkSync(`/proc/${pid}/cwd`), 'data') === dataDir;
    } catch {
      return false;
    }
  });
  return here.length ? here : named;
}

/** The one aster_drive process on this host that runs in the directory holding `dataDir`, if any. */
export function localServerPid(dataDir: string): number | undefined {
  const pids = asterDriveProcesses(dataDir).filter((pid) => {
    try {
      return path.join(readlinkSync(`/proc/${pid}/cwd`), 'data') === dataDir;
    } catch {
      return false;
    }
  });
  return pids.length === 1 ? pids[0] : undefined;
}

/**
 * The uid:gid AsterDrive runs as: ASTER_RUNTIME_USER, else the managed target's process, else the
 * one aster_drive process on this host. Undefined when it cannot be known.
 */
export function runtimeUserOf(run: RunState, cfg: SuiteConfig, dataDir: string): RuntimeUser | undefined {
  const given = cfg.env.ASTER_RUNTIME_USER;
  if (given) {
    const [uid, gid] = String(given).split(':').map(Number);
    return { uid, gid, source: 'ASTER_RUNTIME_USER' };
  }
  if (run.managed) {
    const user = processUser(run.managed.pid);
    return user && { ...user, source: `the managed target's process ${run.managed.pid}` };
  }
  const pids = asterDriveProcesses(dataDir);
  if (pids.length !== 1) return undefined;
  const user = processUser(pids[0]);
  return user && { ...user, source: `the aster_drive process ${pids[0]} on this host` };
}
