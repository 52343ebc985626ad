import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';
import { serverEnvironment } from '../../helpers/clients/data/server-env.js';
import { manual, notChecked } from '../../helpers/catalogue/verdict.js';

/** Actions a launch needs on record (upstream crates/aster_drive_model/src/types/audit.rs). */
const KEY_ACTIONS = ['user_login', 'file_upload', 'file_delete', 'file_restore', 'share_create', 'file_edit', 'config_update', 'admin_create_user'];

test('runtime logs are collected', checks(['8.1'], '@readonly'), async () => {
  manual('the server log (Docker logs, journald or a log file) is shipped to a place the team reads and keeps');
});

const VERBOSE = /\b(debug|trace)\b/i;

test('the log level is not overly verbose', checks(['8.2'], '@readonly'), async ({ run, evidence }) => {
  // Upstream (aster_forge_logging): a valid RUST_LOG wins over the configured level; the configured
  // level is config.toml [logging] level unless ASTER__LOGGING__LEVEL overrides it (config loader).
  const dataDir = loadConfig().env.ASTER_DATA_DIR ?? (run.managed ? path.join(run.managed.workdir, 'data') : undefined);
  const tomlFile = dataDir ? path.join(dataDir, 'config.toml') : undefined;
  const toml = tomlFile && existsSync(tomlFile) ? readFileSync(tomlFile, 'utf8') : undefined;
  const configLevel = toml === undefined ? undefined : (toml.match(/^\s*\[logging\][^[]*?^\s*level\s*=\s*"([^"]+)"/ms)?.[1] ?? 'info (default)');
  const environment = serverEnvironment(run, dataDir);
  const rustLog = environment?.vars.get('RUST_LOG');
  const envLevel = environment?.vars.get('ASTER__LOGGING__LEVEL');
  const sources = {
    configToml: tomlFile ? (configLevel ?? '(not readable)') : '(no data directory)',
    environment: environment?.source ?? '(not readable)',
    RUST_LOG: rustLog,
    ASTER__LOGGING__LEVEL: envLevel,
  };
  let effective: { level: string; from: string } | undefined;
  if (rustLog) effective = { level: rustLog, from: 'RUST_LOG' };
  else if (environment && envLevel) effective = { level: envLevel, from: 'ASTER__LOGGING__LEVEL' };
  else if (environment && configLevel) effective = { level: configLevel, from: 'config.toml [logging] level' };
  await evidence('logging level', { ...sources, effective: effective ?? '(unknown)' });
  const fix = 'debug/trace logging floods the disk and may log request details; unset RUST_LOG and use level = "info" or "warn"';
  if (effective) {
    expect(effective.level, `the effective log level comes from ${effective.from}: ${fix}`).not.toMatch(VERBOSE);
    return;
  }
  // Without the environment only a verbose config.toml can be judged: nothing can make it quieter but RUST_LOG or ASTER__LOGGING__LEVEL, which are unknown.
  if (configLevel) expect(configLevel, `config.toml [logging] level is verbose (unless RUST_LOG overrides it): ${fix}`).not.toMatch(VERBOSE);
  notChecked(
    environment ? 'ASTER_DATA_DIR' : configLevel ? 'ASTER_ENV_CMD' : 'ASTER_DATA_DIR and ASTER_ENV_CMD',
    environment
      ? 'the server environment sets neither RUST_LOG nor ASTER__LOGGING__LEVEL, and config.toml cannot be read for [logging] level'
      : `the server's environment cannot be read, so RUST_LOG and ASTER__LOGGING__LEVEL (which win over config.toml${configLevel ? `, level "${configLevel}"` : ''}) are unknown`,
  );
});

test('audit logging is on and records the key actions', checks(['8.3'], '@readonly'), async ({ adminApi, evidence }) => {
  const enabled = (await adminApi.getConfig('audit_log_enabled')).value;
  const recorded = (await adminApi.getConfig('audit_log_recorded_actions').catch(() => null))?.value;
  await evidence('audit settings', { audit_log_enabled: enabled, audit_log_recorded_actions: recorded ?? '(all, default)' });
  expect(enabled, 'audit_log_enabled is off: turn it on in Admin → Settings → Audit Log').toBe('true');
  if (Array.isArray(recorded) && recorded.length > 0) {
    expect(
      KEY_ACTIONS.filter((a) => !recorded.includes(a)),
      'key actions excluded from audit_log_recorded_actions',
    ).toEqual([]);
  }
});

test('audit retention matches the plan', checks(['8.4'], '@readonly'), async ({ adminApi, evidence }) => {
  const expected = loadConfig().env.ASTER_EXPECT_AUDIT_RETENTION_DAYS;
  if (expected === undefined) notChecked('ASTER_EXPECT_AUDIT_RETENTION_DAYS', 'the planned audit retention is not given');
  const actual = Number((await adminApi.getConfig('audit_log_retention_days')).value);
  await evidence('audit retention', { expected, actual });
  expect(actual, 'audit_log_retention_days differs from the planned retention').toBe(expected);
});
