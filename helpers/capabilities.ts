/**
 * Optional access the operator may give the suite. Without it, the items that need it are
 * NOT_CHECKED with the variable that would enable them, never PASS.
 */
import type { SuiteConfig } from './config.js';
import type { RunState } from './target/run-state.js';

export interface Capability {
  name: string;
  enabled: boolean;
  /** The variable(s) that enable it. */
  variable: string;
  items: string;
}

export function capabilities(cfg: SuiteConfig, state?: Pick<RunState, 'mode' | 'mailpit' | 's3' | 'wopi'>): Capability[] {
  const managed = cfg.mode === 'managed';
  const e = cfg.env;
  return [
    { name: 'internal metrics', enabled: Boolean(e.ASTER_METRICS_URL) || managed, variable: 'ASTER_METRICS_URL', items: '9.1, 9.5, 10.3, 11.1' },
    { name: 'restart command', enabled: Boolean(e.ASTER_RESTART_CMD) || managed, variable: 'ASTER_RESTART_CMD', items: '1.1-1.5, 3.1' },
    { name: 'doctor command', enabled: Boolean(e.ASTER_DOCTOR_CMD) || managed, variable: 'ASTER_DOCTOR_CMD', items: '10.13' },
    { name: 'data directory', enabled: Boolean(e.ASTER_DATA_DIR) || managed, variable: 'ASTER_DATA_DIR', items: '1.1, 1.7, 3.1, 8.2, 11.7' },
    {
      name: 'backup/restore',
      enabled: Boolean(e.ASTER_BACKUP_CMD && e.ASTER_RESTORE_CMD) || managed,
      variable: 'ASTER_BACKUP_CMD + ASTER_RESTORE_CMD',
      items: '7.3',
    },
    { name: 'Mailpit', enabled: Boolean(state?.mailpit ?? e.MAILPIT_URL), variable: 'MAILPIT_URL', items: '5.2-5.6' },
    { name: 'S3 bucket', enabled: Boolean(state?.s3 ?? e.S3_ENDPOINT), variable: 'S3_ENDPOINT + S3_*', items: '4.6, 7.2' },
    { name: 'WOPI app', enabled: Boolean(state?.wopi ?? e.ASTER_WOPI_APP), variable: 'ASTER_WOPI_APP', items: '6.5-6.10, 10.10' },
    { name: 'writes', enabled: !cfg.readonly, variable: 'ASTER_READONLY=0', items: 'every @own-data / @settings check' },
  ];
}

export function summaryLines(cfg: SuiteConfig, state: RunState): string[] {
  const target =
    state.mode === 'existing'
      ? `existing deployment ${state.baseURL} (settings never changed${cfg.readonly ? ', read-only run' : ''})`
      : `managed ${state.targetKind === 'standin' ? 'AsterDrive stand-in' : `AsterDrive binary ${cfg.env.ASTER_DRIVE_BIN}`} at ${state.baseURL}`;
  const lines = [`Launch acceptance run ${state.runId}: ${target}`];
  lines.push(`  admin: ${state.admin.identifier} (password hidden)${state.user ? `, user: ${state.user.identifier}` : ''}`);
  for (const c of capabilities(cfg, state)) {
    lines.push(`  ${c.enabled ? 'checked    ' : 'NOT_CHECKED'} ${c.name.padEnd(16)} items ${c.items}${c.enabled ? '' : ` (set ${c.variable})`}`);
  }
  for (const w of cfg.warnings) lines.push(`  warning: ${w}`);
  return lines;
}
