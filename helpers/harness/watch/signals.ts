/**
 * One round of the first-day watch (checklist section 11): the read-only signals of a deployment,
 * read the way the @readonly checks read them. Nothing is written to the target: the admin signs
 * in (as every read-only check does) and only GETs follow; the metrics come from where a scraper
 * reads them and the disk use from the data directory, when the suite runs on that host.
 */
import path from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { AsterClient, type Credentials } from '../../clients/api/aster.js';
import * as S from '../../clients/api/schemas.js';
import { mib, usage } from '../../judges/data-dir.js';

/** The plots of watch.html, each a group of series; every value is "higher is worse". */
export const SIGNAL_GROUPS = {
  health: 'Health (failing endpoints)',
  errors: 'Errors by class (5xx and platform 4xx, cumulative)',
  tasks: 'Task backlog',
  uploads: 'Upload failures by backend (cumulative)',
  mail: 'Mail queue (failed deliveries in 24 h)',
  locks: 'Locks',
  disk: 'Disk use (MiB)',
} as const;
export type SignalGroup = keyof typeof SIGNAL_GROUPS;

export interface WatchTarget {
  baseURL: string;
  admin: Credentials;
  /** Where a scraper reads /health/metrics (ASTER_METRICS_URL), else the public one. */
  metricsURL?: string;
  /** The data directory (ASTER_DATA_DIR) when the watch runs on the server's host. */
  dataDir?: string;
}

export interface RoundSignals {
  signals: Partial<Record<SignalGroup, Record<string, number>>>;
  /** Signals that could not be read this round (the round still counts). */
  problems: string[];
}

const PLATFORM_4XX = new Set(['408', '413', '429']);
const CLIENT_CAUSED_KINDS = new Set(['not_found', 'precondition', 'aborted']);
const DAY_MS = 24 * 3600 * 1000;

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: await res.text() };
}

/** Reads every signal once; a signal that fails is a problem of the round, not its end. */
export async function collectSignals(t: WatchTarget, client?: AsterClient): Promise<RoundSignals & { client?: AsterClient }> {
  const out: RoundSignals = { signals: {}, problems: [] };
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      out.problems.push(`${what}: ${(e as Error).message.split('\n')[0]}`);
    }
  };
  const base = t.baseURL.replace(/\/$/, '');

  // Health: /health and /health/ready; a failure counts 1 each.
  const health: Record<string, number> = {};
  for (const [name, p] of [
    ['/health', '/health'],
    ['/health/ready', '/health/ready'],
  ] as const) {
    const r = await get(`${base}${p}`).catch((e: Error) => ({ status: 0, body: e.message }));
    health[name] = r.status === 200 ? 0 : 1;
    if (r.status !== 200) out.problems.push(`health: ${p} answered ${r.status || `nothing (${r.body.slice(0, 120)})`}`);
  }
  out.signals.health = health;

  // Metrics: errors by class, upload and storage failures by backend.
  await attempt('metrics', async () => {
    const url = t.metricsURL ?? `${base}/health/metrics`;
    const r = await get(url);
    if (r.status !== 200) throw new Error(`${url} answered ${r.status}${t.metricsURL ? '' : ' (set ASTER_METRICS_URL to where a scraper reads it)'}`);
    const families = parsePrometheusTextFormat(r.body);
    const metrics = (name: string) => families.find((f) => f.name === name)?.metrics ?? [];
    const errors: Record<string, number> = {};
    for (const m of metrics('http_requests_total')) {
      const status = m.labels?.status ?? '';
      if (!(status.startsWith('5') || PLATFORM_4XX.has(status))) continue;
      const key = `${m.labels?.method ?? '?'} ${m.labels?.route ?? '?'} → ${status}`;
      errors[key] = (errors[key] ?? 0) + Number(m.value);
    }
    out.signals.errors = { 'all classes': Object.values(errors).reduce((a, b) => a + b, 0), ...errors };
    const uploads: Record<string, number> = {};
    uploads['uploads failed (all backends)'] = metrics('file_uploads_total')
      .filter((m) => m.labels?.status === 'failure')
      .reduce((a, m) => a + Number(m.value), 0);
    for (const m of metrics('storage_driver_operations_total')) {
      const driver = m.labels?.driver ?? '(no driver label)';
      const key = `${driver} failed operations`;
      uploads[key] ??= 0;
      if (m.labels?.status && m.labels.status !== 'success' && !CLIENT_CAUSED_KINDS.has(m.labels?.kind ?? '')) uploads[key] += Number(m.value);
    }
    out.signals.uploads = uploads;
  });

  // The admin API: tasks, the mail queue, locks (GETs only).
  let admin = client;
  await attempt('admin API', async () => {
    admin ??= await AsterClient.signIn(base, t.admin);
    const total = async (status: string) => (await admin!.call('GET', '/api/v1/admin/tasks', S.offsetPage(S.TaskInfo), { query: { status, limit: 1 } })).total;
    out.signals.tasks = {
      'backlog (pending, retry, processing)': (await total('pending')) + (await total('retry')) + (await total('processing')),
      'failed (on record)': await total('failed'),
    };
    const mail = await admin.auditLogs({ action: 'mail_delivery_failed', after: new Date(Date.now() - DAY_MS).toISOString(), limit: 1 });
    out.signals.mail = { 'failed deliveries (24 h)': mail.total };
    const locks = await admin.allLocks();
    out.signals.locks = {
      'WebDAV locks': locks.filter((l) => l.origin === 'web_dav').length,
      'locks older than 24 h': locks.filter((l) => Date.now() - Date.parse(l.created_at) > DAY_MS).length,
    };
  });

  if (t.dataDir) {
    const dir = t.dataDir;
    await attempt('disk', async () => {
      const data = usage(dir);
      if (!data.exists) throw new Error(`${dir} does not exist (ASTER_DATA_DIR)`);
      out.signals.disk = {
        'data directory': mib(data.bytes),
        'temporary directories (.tmp, .uploads)': mib(usage(path.join(dir, '.tmp')).bytes + usage(path.join(dir, '.uploads')).bytes),
      };
    });
  }
  return { ...out, client: admin };
}
