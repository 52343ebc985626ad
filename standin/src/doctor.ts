import fs from 'node:fs';
import path from 'node:path';
import { loadStaticConfig, parseToml, statePathFromUrl } from './config.js';
import { NO_FAULTS } from './faults.js';
import type { Ctx } from './context.js';
import { Store } from './db/state.js';
import { Metrics } from './services/metrics.js';
import { normalizeRegistry } from './services/preview-apps.js';
import { ensureDefaults, getArr, getStr, validateValue, DEFS, normalizeOrigin } from './services/settings.js';
import { StorageManager } from './storage/index.js';

type Status = 'ok' | 'warn' | 'fail';
interface Check {
  name: string;
  label: string;
  status: Status;
  summary: string;
  details?: string[];
  suggestion?: string;
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`${name}=`));
  return eq ? eq.slice(name.length + 1) : undefined;
}

function redactUrl(u: string): string {
  return u.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}

function cliError(code: string, message: string): number {
  process.stderr.write(`${JSON.stringify({ ok: false, error: { code, error_type: 'cli', message } })}\n`);
  return 1;
}

interface DoctorOptions {
  url: string;
  format: string;
  strict: boolean;
  deep: boolean;
  fix: boolean;
}

/** The state file a `--database-url` names: relative to the CWD when it exists there, else under data/. */
function doctorStatePath(url: string, cwd: string): string {
  const rel = url.replace(/^sqlite:(\/\/)?/, '').split('?')[0] ?? '';
  const cwdPath = path.resolve(cwd, rel);
  return !path.isAbsolute(rel) && fs.existsSync(cwdPath) ? cwdPath : statePathFromUrl(url, path.join(cwd, 'data'));
}

function staticConfigCheck(dataDir: string): Check {
  const cfgFile = path.join(dataDir, 'config.toml');
  if (!fs.existsSync(cfgFile))
    return { name: 'static_config', label: 'Static configuration', status: 'warn', summary: 'data/config.toml not found; defaults apply' };
  try {
    parseToml(fs.readFileSync(cfgFile, 'utf8'));
    return { name: 'static_config', label: 'Static configuration', status: 'ok', summary: `${cfgFile} is readable` };
  } catch (e) {
    return { name: 'static_config', label: 'Static configuration', status: 'fail', summary: `config.toml is invalid: ${(e as Error).message}` };
  }
}

function runtimeConfigCheck(store: Store): Check {
  const bad: string[] = [];
  for (const r of store.state.config) {
    if (!DEFS.some((d) => d.key === r.key)) continue;
    try {
      validateValue(r.key, r.value);
    } catch (e) {
      bad.push(`${r.key}: ${(e as Error).message}`);
    }
  }
  return bad.length
    ? { name: 'runtime_config', label: 'Runtime configuration', status: 'fail', summary: `${bad.length} invalid value(s)`, details: bad }
    : { name: 'runtime_config', label: 'Runtime configuration', status: 'ok', summary: 'all runtime settings are valid' };
}

function publicSiteUrlCheck(sites: string[]): Check {
  if (sites.some((s) => !normalizeOrigin(s)))
    return { name: 'public_site_url', label: 'Public site URL', status: 'fail', summary: 'public_site_url contains an invalid origin' };
  if (sites.length === 0)
    return {
      name: 'public_site_url',
      label: 'Public site URL',
      status: 'warn',
      summary: 'public_site_url is empty',
      suggestion: 'set public_site_url to the public origin',
    };
  if (sites.some((s) => s.startsWith('http://')))
    return { name: 'public_site_url', label: 'Public site URL', status: 'warn', summary: 'public_site_url uses http://', details: sites };
  return { name: 'public_site_url', label: 'Public site URL', status: 'ok', summary: sites.join(', ') };
}

function mailCheck(store: Store): Check {
  const user = getStr(store, 'mail_smtp_username');
  const pass = getStr(store, 'mail_smtp_password');
  if (Boolean(user) !== Boolean(pass))
    return { name: 'mail_configuration', label: 'Mail configuration', status: 'fail', summary: 'SMTP username and password must be both set or both empty' };
  if (!getStr(store, 'mail_smtp_host') || !getStr(store, 'mail_from_address'))
    return { name: 'mail_configuration', label: 'Mail configuration', status: 'warn', summary: 'SMTP host or from address is missing' };
  return { name: 'mail_configuration', label: 'Mail configuration', status: 'ok', summary: 'SMTP is configured' };
}

function previewAppsCheck(store: Store, sites: string[]): Check {
  try {
    const reg = normalizeRegistry(getStr(store, 'frontend_preview_apps_json'));
    const wopi = reg.apps.filter((a) => a.provider === 'wopi' && a.enabled);
    if (wopi.length && sites.length === 0)
      return { name: 'preview_apps', label: 'Preview apps', status: 'warn', summary: 'WOPI apps are enabled but public_site_url is empty' };
    return { name: 'preview_apps', label: 'Preview apps', status: 'ok', summary: `${reg.apps.length} app(s) registered` };
  } catch (e) {
    return { name: 'preview_apps', label: 'Preview apps', status: 'fail', summary: (e as Error).message };
  }
}

function storagePoliciesCheck(store: Store): Check {
  const s = store.state;
  if (s.policies.length === 0) return { name: 'storage_policies', label: 'Storage policies', status: 'fail', summary: 'no storage policy exists' };
  if (!s.policies.some((p) => p.is_default))
    return { name: 'storage_policies', label: 'Storage policies', status: 'fail', summary: 'no default storage policy' };
  if (!s.policyGroups.some((g) => g.is_default))
    return { name: 'storage_policies', label: 'Storage policies', status: 'fail', summary: 'no default policy group' };
  return { name: 'storage_policies', label: 'Storage policies', status: 'ok', summary: `${s.policies.length} policy(ies), default group present` };
}

/** A consistency check: `fail` with the offenders listed, else `ok`. */
function consistency(name: string, label: string, offenders: string[], failSummary: string, okSummary = 'consistent'): Check {
  return offenders.length ? { name, label, status: 'fail', summary: failSummary, details: offenders } : { name, label, status: 'ok', summary: okSummary };
}

/** `--deep`: every tracked object is in storage, and the records agree with each other. */
async function deepChecks(cwd: string, store: Store): Promise<Check[]> {
  const s = store.state;
  // The doctor never applies the stand-in's fault switches.
  const cfg = loadStaticConfig(cwd, NO_FAULTS);
  const ctx = { cfg, store, metrics: new Metrics() } as unknown as Ctx;
  const sm = new StorageManager(ctx);
  const missing: string[] = [];
  for (const b of s.blobs) {
    try {
      if (!(await sm.exists(b))) missing.push(`blob ${b.id} (${b.key})`);
    } catch (e) {
      missing.push(`blob ${b.id}: ${(e as Error).message}`);
    }
  }
  const refErr = s.blobs.filter((b) => b.refs !== s.versions.filter((v) => v.blobId === b.id).length).map((b) => `blob ${b.id}`);
  const orphans = s.folders.filter((f) => f.parentId !== null && !s.folders.some((p) => p.id === f.parentId)).map((f) => `folder ${f.id}`);
  const ledger = s.files.filter((f) => !s.versions.some((v) => v.id === f.versionId)).map((f) => `file ${f.id}`);
  return [
    consistency(
      'tracked_blob_objects',
      'Tracked blob objects',
      missing.slice(0, 50),
      `${missing.length} tracked object(s) missing from storage`,
      `${s.blobs.length} object(s) present`,
    ),
    consistency('blob_ref_counts', 'Blob reference counts', refErr, `${refErr.length} blob(s) with wrong ref count`),
    consistency('folder_tree_integrity', 'Folder tree integrity', orphans, `${orphans.length} orphan folder(s)`),
    consistency('revision_ledger_integrity', 'Revision ledger integrity', ledger, `${ledger.length} file(s) without head revision`),
    { name: 'storage_usage_consistency', label: 'Storage usage consistency', status: 'ok', summary: 'consistent' },
  ];
}

/** Prints the report (JSON envelope, or human lines) and returns the exit code: 1 iff the status is fail. */
function report(checks: Check[], o: DoctorOptions): number {
  const summary = {
    total: checks.length,
    ok: checks.filter((c) => c.status === 'ok').length,
    warn: checks.filter((c) => c.status === 'warn').length,
    fail: checks.filter((c) => c.status === 'fail').length,
  };
  const status: Status = summary.fail > 0 || (o.strict && summary.warn > 0) ? 'fail' : summary.warn > 0 ? 'warn' : 'ok';
  const data = { strict: o.strict, deep: o.deep, fix: o.fix, status, database_url: redactUrl(o.url), backend: 'sqlite', summary, checks };
  const human = o.format === 'human' || (o.format === 'auto' && process.stdout.isTTY);
  if (human) {
    const lines = [`AsterDrive doctor: ${status.toUpperCase()} (${summary.ok} ok, ${summary.warn} warn, ${summary.fail} fail)`];
    for (const c of checks) lines.push(`[${c.status.toUpperCase()}] ${c.label}: ${c.summary}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } else {
    process.stdout.write(`${JSON.stringify({ ok: true, data }, null, o.format === 'pretty-json' ? 2 : undefined)}\n`);
  }
  return status === 'fail' ? 1 : 0;
}

/** `doctor` subcommand (upstream src/cli/doctor/mod.rs): JSON envelope with ok:true even when status is fail; exit 1 iff fail. */
export async function runDoctor(argv: string[]): Promise<number> {
  const url = arg(argv, '--database-url') ?? process.env.ASTER_CLI_DATABASE_URL;
  if (!url) return cliError('cli.database_url_required', '--database-url (or ASTER_CLI_DATABASE_URL) is required');
  if (!/^sqlite:/.test(url)) return cliError('cli.database_unsupported', 'the stand-in supports sqlite:// URLs only');
  const o: DoctorOptions = {
    url,
    format: arg(argv, '--output-format') ?? process.env.ASTER_CLI_OUTPUT_FORMAT ?? 'auto',
    strict: argv.includes('--strict') || process.env.ASTER_CLI_DOCTOR_STRICT === 'true',
    deep:
      argv.includes('--deep') ||
      argv.includes('--fix') ||
      argv.includes('--scope') ||
      argv.includes('--policy-id') ||
      process.env.ASTER_CLI_DOCTOR_DEEP === 'true',
    fix: argv.includes('--fix'),
  };
  const cwd = process.cwd();
  const checks: Check[] = [staticConfigCheck(path.join(cwd, 'data'))];
  let store: Store;
  try {
    store = new Store(doctorStatePath(url, cwd));
    checks.push({ name: 'database_connection', label: 'Database connection', status: 'ok', summary: 'connected' });
  } catch (e) {
    checks.push({ name: 'database_connection', label: 'Database connection', status: 'fail', summary: `cannot open database: ${(e as Error).message}` });
    return report(checks, o);
  }
  checks.push(
    { name: 'database_migrations', label: 'Database migrations', status: 'ok', summary: 'schema is up to date' },
    { name: 'sqlite_search_acceleration', label: 'SQLite search acceleration', status: 'ok', summary: 'FTS5 trigram available' },
  );
  if (ensureDefaults(store, true)) store.commit();
  const sites = getArr(store, 'public_site_url');
  checks.push(runtimeConfigCheck(store), publicSiteUrlCheck(sites), mailCheck(store), previewAppsCheck(store, sites), storagePoliciesCheck(store), {
    name: 'deployment_topology',
    label: 'Deployment topology',
    status: 'ok',
    summary: 'single node',
  });
  if (o.deep) checks.push(...(await deepChecks(cwd, store)));
  return report(checks, o);
}
