/**
 * The settings snapshot of an existing deployment and the judgement of what changed during the
 * run. AsterDrive records on every setting who wrote it last (`updated_by`: a user id, or null
 * when the server wrote it itself, e.g. a default it stores on first use) and when (`updated_at`).
 * A change is the suite's when `updated_by` is one of the accounts the run signed in with (or a
 * user the run created); only those, and changes nobody can be named for, fail the run. A change
 * by the server or by another administrator is reported, not failed.
 */
import { redact } from '../harness/secrets.js';

export interface SettingRecord {
  value: unknown;
  /** Absent when the server does not say (older servers). */
  updated_by?: number | null;
  updated_at?: string;
  is_sensitive?: boolean;
}

export interface SettingsSnapshot {
  takenAt: string;
  entries: Record<string, SettingRecord>;
}

export type Actor = 'suite' | 'server' | 'other-user' | 'unknown';

export interface SettingChange {
  key: string;
  /** Shown values: redacted when the key looks secret, shortened when long. */
  old: string;
  new: string;
  actor: Actor;
  who: string;
  when?: string;
  fails: boolean;
}

export interface People {
  /** User ids of the accounts the run signed in with or created, with their names. */
  suite: Map<number, string>;
  /** Every user the server knows, id -> name. */
  users: Map<number, string>;
}

/** The snapshot of `GET /api/v1/admin/config` entries. */
export function snapshotOf(entries: { key: string; value: unknown; [k: string]: unknown }[], takenAt = new Date().toISOString()): SettingsSnapshot {
  return { takenAt, entries: Object.fromEntries(entries.map((e) => [e.key, recordOf(e)])) };
}

export function recordOf(e: { value: unknown; [k: string]: unknown }): SettingRecord {
  const r: SettingRecord = { value: e.value };
  if ('updated_by' in e) r.updated_by = typeof e.updated_by === 'number' ? e.updated_by : null;
  if (typeof e.updated_at === 'string') r.updated_at = e.updated_at;
  if (typeof e.is_sensitive === 'boolean') r.is_sensitive = e.is_sensitive;
  return r;
}

/** Reads a snapshot file; the older format (key -> value) is accepted. */
export function parseSnapshot(json: unknown): SettingsSnapshot {
  const o = json as Partial<SettingsSnapshot> | null;
  if (o && typeof o === 'object' && typeof o.takenAt === 'string' && o.entries && typeof o.entries === 'object') return o as SettingsSnapshot;
  return { takenAt: '', entries: Object.fromEntries(Object.entries((json ?? {}) as Record<string, unknown>).map(([k, value]) => [k, { value }])) };
}

const SECRET_KEY = /secret|passw|token|credential|private|api_?key|access_?key|signing|salt|cookie_key|dsn/i;

export function looksSecret(key: string, record?: SettingRecord): boolean {
  return Boolean(record?.is_sensitive) || SECRET_KEY.test(key);
}

function shown(key: string, record: SettingRecord | undefined): string {
  if (!record) return '(absent)';
  if (looksSecret(key, record)) return '[redacted]';
  const text = redact(typeof record.value === 'string' ? record.value : JSON.stringify(record.value));
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 120 ? `${JSON.stringify(flat.slice(0, 100))}… (${text.length} characters)` : JSON.stringify(flat);
}

const time = (s?: string) => (s ? Date.parse(s) : Number.NaN);

/**
 * Every setting whose value differs between the snapshot and now, attributed; `fails` is true for
 * a change the suite made and for one that cannot be attributed.
 */
/** JSON with object keys in sorted order, so that a re-serialisation is no change. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/**
 * Equal values, also when a JSON-text setting (e.g. media_processing_registry_json) was written
 * again by the server with the same content in another key order or layout.
 */
export function sameValue(before: unknown, after: unknown): boolean {
  if (JSON.stringify(before) === JSON.stringify(after)) return true;
  if (typeof before !== 'string' || typeof after !== 'string') return false;
  try {
    return JSON.stringify(canonical(JSON.parse(before))) === JSON.stringify(canonical(JSON.parse(after)));
  } catch {
    return false;
  }
}

export function judgeSettings(before: SettingsSnapshot, after: Record<string, SettingRecord>, people: People): SettingChange[] {
  const out: SettingChange[] = [];
  const keys = [...new Set([...Object.keys(before.entries), ...Object.keys(after)])].sort();
  for (const key of keys) {
    const b = before.entries[key];
    const a = after[key];
    if (b && a && sameValue(b.value, a.value)) continue;
    const change = { key, old: shown(key, b), new: shown(key, a), when: a?.updated_at };
    if (!a) {
      out.push({ ...change, actor: 'unknown', who: 'nobody recorded (the key was removed, and a removal names no one)', fails: true });
      continue;
    }
    if (!('updated_by' in a) || a.updated_by === undefined) {
      out.push({ ...change, actor: 'unknown', who: 'nobody recorded (the server does not report updated_by)', fails: true });
      continue;
    }
    // Every write through the admin API records its user; a null writer is the server itself, which
    // on 0.5.0 rewrites media_processing_registry_json after start-up without moving updated_at.
    if (a.updated_by === null) {
      out.push({ ...change, actor: 'server', who: 'the server itself (updated_by is null)', fails: false });
      continue;
    }
    // Both times are the server's; the snapshot's own time (this machine's clock) is not compared.
    const earlier = b?.updated_at;
    if (earlier && a.updated_at && Number.isFinite(time(earlier)) && Number.isFinite(time(a.updated_at)) && !(time(a.updated_at) > time(earlier))) {
      out.push({
        ...change,
        actor: 'unknown',
        who: `nobody recorded (the value changed but updated_at ${a.updated_at} did not move on from ${earlier})`,
        fails: true,
      });
      continue;
    }
    const by = a.updated_by;
    if (by === null) {
      out.push({ ...change, actor: 'server', who: 'the server itself (updated_by is null)', fails: false });
    } else if (people.suite.has(by)) {
      out.push({ ...change, actor: 'suite', who: `the suite: ${people.suite.get(by)} (user id ${by})`, fails: true });
    } else if (people.users.has(by)) {
      out.push({ ...change, actor: 'other-user', who: `another user: ${people.users.get(by)} (user id ${by}), not an account of this run`, fails: false });
    } else {
      out.push({ ...change, actor: 'unknown', who: `user id ${by}, who is no longer on the server (a user this run created and removed?)`, fails: true });
    }
  }
  return out;
}

export function describeChange(c: SettingChange): string {
  return `${c.key}: ${c.old} -> ${c.new}, by ${c.who}${c.when ? `, at ${c.when}` : ''}`;
}
