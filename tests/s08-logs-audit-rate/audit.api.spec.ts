import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/checklist.js';
import { loadConfig } from '../../helpers/config.js';
import { manual, notChecked } from '../../helpers/verdict.js';

/** Actions a launch needs on record (integrations §4.7). */
const KEY_ACTIONS = ['user_login', 'file_upload', 'file_delete', 'file_restore', 'share_create', 'file_edit', 'config_update', 'admin_create_user'];

test('runtime logs are collected', checks(['8.1'], '@readonly'), async () => {
  manual('the server log (Docker logs, journald or a log file) is shipped to a place the team reads and keeps');
});

test('the log level is not overly verbose', checks(['8.2'], '@readonly'), async ({ run, evidence }) => {
  const dataDir = loadConfig().env.ASTER_DATA_DIR ?? (run.managed ? path.join(run.managed.workdir, 'data') : undefined);
  if (!dataDir)
    notChecked(
      'ASTER_DATA_DIR',
      'the data directory is not reachable, so config.toml [logging] cannot be read; also check RUST_LOG in the service environment',
    );
  const toml = readFileSync(path.join(dataDir, 'config.toml'), 'utf8');
  const level = toml.match(/^\s*\[logging\][^[]*?^\s*level\s*=\s*"([^"]+)"/ms)?.[1] ?? 'info (default)';
  await evidence('logging level', { file: path.join(dataDir, 'config.toml'), level });
  expect(level, 'debug/trace logging floods the disk and may log request details; set [logging] level = "info" or "warn"').not.toMatch(/debug|trace/i);
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

test('audit retention matches the plan', checks(['8.4'], '@readonly'), async ({ adminApi, run, evidence }) => {
  const expected = loadConfig().env.ASTER_EXPECT_AUDIT_RETENTION_DAYS ?? (run.mode === 'managed' ? 90 : undefined);
  if (expected === undefined) notChecked('ASTER_EXPECT_AUDIT_RETENTION_DAYS', 'the planned audit retention is not given');
  const actual = Number((await adminApi.getConfig('audit_log_retention_days')).value);
  await evidence('audit retention', { expected, actual });
  expect(actual, 'audit_log_retention_days differs from the planned retention').toBe(expected);
});
