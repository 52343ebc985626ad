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

/** `doctor` subcommand (upstream src/cli/doctor/mod.rs): JSON envelope with ok:true even when status is fail; exit 1 iff fail. */
export async function runDoctor(argv: string[]): Promise<number> {
  const url = arg(argv, '--database-url') ?? process.env.ASTER_CLI_DATABASE_URL;
  const format = arg(argv, '--output-format') ?? process.env.ASTER_CLI_OUTPUT_FORMAT ?? 'auto';
  const strict = argv.includes('--strict') || process.env.ASTER_CLI_DOCTOR_STRICT === 'true';
  const deep =
    argv.includes('--deep') ||
    argv.includes('--fix') ||
    argv.includes('--scope') ||
    argv.includes('--policy-id') ||
    process.env.ASTER_CLI_DOCTOR_DEEP === 'true';
  if (!url) return cliError('cli.database_url_required', '--database-url (or ASTER_CLI_DATABASE_URL) is required');
  if (!/^sqlite:/.test(url)) return cliError('cli.database_unsupported', 'the stand-in supports sqlite:// URLs only');
  const cwd = process.cwd();
  const dataDir = path.join(cwd, 'data');
  const rel = url.replace(/^sqlite:(\/\/)?/, '').split('?')[0] ?? '';
  const cwdPath = path.resolve(cwd, rel);
  const statePath = !path.isAbsolute(rel) && fs.existsSync(cwdPath) ? cwdPath : statePathFromUrl(url, dataDir);

  const checks: Check[] = [];
  const add = (c: Check) => checks.push(c);

  const cfgFile = path.join(dataDir, 'config.toml');
  if (fs.existsSync(cfgFile)) {
    try {
      parseToml(fs.readFileSync(cfgFile, 'utf8'));
      add({ name: 'static_config', label: 'Static configuration', status: 'ok', summary: `${cfgFile} is readable` });
    } catch (e) {
      add({ name: 'static_config', label: 'Static configuration', status: 'fail', summary: `config.toml is invalid: ${(e as Error).message}` });
    }
  } else add({ name: 'static_config', label: 'Static configuration', status: 'warn', summary: 'data/config.toml not found; defaults apply' });

  let store: Store;
  try {
    store = new Store(statePath);
    add({ name: 'database_connection', label: 'Database connection', status: 'ok', summary: 'connected' });
  } catch (e) {
    add({ name: 'database_connection', label: 'Database connection', status: 'fail', summary: `cannot open database: ${(e as Error).message}` });
    return finish();
  }
  add({ name: 'database_migrations', label: 'Database migrations', status: 'ok', summary: 'schema is up to date' });
  add({ name: 'sqlite_search_acceleration', label: 'SQLite search acceleration', status: 'ok', summary: 'FTS5 trigram available' });

  if (ensureDefaults(store, true)) store.commit();
  const bad: string[] = [];
  for (const r of store.state.config) {
    if (!DEFS.some((d) => d.key === r.key)) continue;
    try {
      validateValue(r.key, r.value);
    } catch (e) {
      bad.push(`${r.key}: ${(e as Error).message}`);
    }
  }
  add(
    bad.length
      ? { name: 'runtime_config', label: 'Runtime configuration', status: 'fail', summary: `${bad.length} invalid value(s)`, details: bad }
      : { name: 'runtime_config', label: 'Runtime configuration', status: 'ok', summary: 'all runtime settings are valid' },
  );

  const sites = getArr(store, 'public_site_url');
  if (sites.some((s) => !normalizeOrigin(s)))
    add({ name: 'public_site_url', label: 'Public site URL', status: 'fail', summary: 'public_site_url contains an invalid origin' });
  else if (sites.length === 0)
    add({
      name: 'public_site_url',
      label: 'Public site URL',
      status: 'warn',
      summary: 'public_site_url is empty',
      suggestion: 'set public_site_url to the public origin',
    });
  else if (sites.some((s) => s.startsWith('http://')))
    add({ name: 'public_site_url', label: 'Public site URL', status: 'warn', summary: 'public_site_url uses http://', details: sites });
  else add({ name: 'public_site_url', label: 'Public site URL', status: 'ok', summary: sites.join(', ') });

  const user = getStr(store, 'mail_smtp_username');
  const pass = getStr(store, 'mail_smtp_password');
  if (Boolean(user) !== Boolean(pass))
    add({ name: 'mail_configuration', label: 'Mail configuration', status: 'fail', summary: 'SMTP username and password must be both set or both empty' });
  else if (!getStr(store, 'mail_smtp_host') || !getStr(store, 'mail_from_address'))
    add({ name: 'mail_configuration', label: 'Mail configuration', status: 'warn', summary: 'SMTP host or from address is missing' });
  else add({ name: 'mail_configuration', label: 'Mail configuration', status: 'ok', summary: 'SMTP is configured' });

  try {
    const reg = normalizeRegistry(getStr(store, 'frontend_preview_apps_json'));
    const wopi = reg.apps.filter((a) => a.provider === 'wopi' && a.enabled);
    if (wopi.length && sites.length === 0)
      add({ name: 'preview_apps', label: 'Preview apps', status: 'warn', summary: 'WOPI apps are enabled but public_site_url is empty' });
    else add({ name: 'preview_apps', label: 'Preview apps', status: 'ok', summary: `${reg.apps.length} app(s) registered` });
  } catch (e) {
    add({ name: 'preview_apps', label: 'Preview apps', status: 'fail', summary: (e as Error).message });
  }

  const s = store.state;
  if (s.policies.length === 0) add({ name: 'storage_policies', label: 'Storage policies', status: 'fail', summary: 'no storage policy exists' });
  else if (!s.policies.some((p) => p.is_default))
    add({ name: 'storage_policies', label: 'Storage policies', status: 'fail', summary: 'no default storage policy' });
  else if (!s.policyGroups.some((g) => g.is_default))
    add({ name: 'storage_policies', label: 'Storage policies', status: 'fail', summary: 'no default policy group' });
  else add({ name: 'storage_policies', label: 'Storage policies', status: 'ok', summary: `${s.policies.length} policy(ies), default group present` });
  add({ name: 'deployment_topology', label: 'Deployment topology', status: 'ok', summary: 'single node' });

  if (deep) {
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
    add(
      missing.length
        ? {
            name: 'tracked_blob_objects',
            label: 'Tracked blob objects',
            status: 'fail',
            summary: `${missing.length} tracked object(s) missing from storage`,
            details: missing.slice(0, 50),
          }
        : { name: 'tracked_blob_objects', label: 'Tracked blob objects', status: 'ok', summary: `${s.blobs.length} object(s) present` },
    );
    const refErr = s.blobs.filter((b) => b.refs !== s.versions.filter((v) => v.blobId === b.id).length).map((b) => `blob ${b.id}`);
    add(
      refErr.length
        ? { name: 'blob_ref_counts', label: 'Blob reference counts', status: 'fail', summary: `${refErr.length} blob(s) with wrong ref count`, details: refErr }
        : { name: 'blob_ref_counts', label: 'Blob reference counts', status: 'ok', summary: 'consistent' },
    );
    const orphans = s.folders.filter((f) => f.parentId !== null && !s.folders.some((p) => p.id === f.parentId)).map((f) => `folder ${f.id}`);
    add(
      orphans.length
        ? { name: 'folder_tree_integrity', label: 'Folder tree integrity', status: 'fail', summary: `${orphans.length} orphan folder(s)`, details: orphans }
        : { name: 'folder_tree_integrity', label: 'Folder tree integrity', status: 'ok', summary: 'consistent' },
    );
    const ledger = s.files.filter((f) => !s.versions.some((v) => v.id === f.versionId)).map((f) => `file ${f.id}`);
    add(
      ledger.length
        ? {
            name: 'revision_ledger_integrity',
            label: 'Revision ledger integrity',
            status: 'fail',
            summary: `${ledger.length} file(s) without head revision`,
            details: ledger,
          }
        : { name: 'revision_ledger_integrity', label: 'Revision ledger integrity', status: 'ok', summary: 'consistent' },
    );
    add({ name: 'storage_usage_consistency', label: 'Storage usage consistency', status: 'ok', summary: 'consistent' });
  }
  return finish();

  function finish(): number {
    const summary = {
      total: checks.length,
      ok: checks.filter((c) => c.status === 'ok').length,
      warn: checks.filter((c) => c.status === 'warn').length,
      fail: checks.filter((c) => c.status === 'fail').length,
    };
    const status: Status = summary.fail > 0 || (strict && summary.warn > 0) ? 'fail' : summary.warn > 0 ? 'warn' : 'ok';
    const data = { strict, deep, fix: argv.includes('--fix'), status, database_url: redactUrl(url!), backend: 'sqlite', summary, checks };
    const human = format === 'human' || (format === 'auto' && process.stdout.isTTY);
    if (human) {
      const lines = [`AsterDrive doctor: ${status.toUpperCase()} (${summary.ok} ok, ${summary.warn} warn, ${summary.fail} fail)`];
      for (const c of checks) lines.push(`[${c.status.toUpperCase()}] ${c.label}: ${c.summary}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    } else {
      process.stdout.write(`${JSON.stringify({ ok: true, data }, null, format === 'pretty-json' ? 2 : undefined)}\n`);
    }
    return status === 'fail' ? 1 : 0;
  }
}
