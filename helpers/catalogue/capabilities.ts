/**
 * What a run has to work with.
 *
 * - Local tools the suite itself needs on this machine (a browser; for a managed target, Mailpit
 *   and an S3 server). A missing one stops the run before any test (exit 2, with the command that
 *   fixes it), unless the run goes without it (`--project api`, `ASTER_WITHOUT=...`): then the
 *   items that need it are NOT_CHECKED naming what is missing. Never a FAIL of the target.
 * - Optional access the operator may give the suite. Without it, the items that need it are
 *   NOT_CHECKED with the variable that would enable them, never PASS.
 */
import { browserProjectSelected, resolveChromium, SETUP_COMMAND } from '../harness/chromium.js';
import { loadConfig, type OPTIONAL_TOOLS, type SuiteConfig } from '../harness/config.js';
import { findBinary, toolsBinDir } from '../harness/services/process.js';
import type { RunState } from '../harness/target/run-state.js';
import { compactItems, declaredNeeds, expandItems } from './needs-scan.js';
import { notChecked } from './verdict.js';

export type OptionalTool = (typeof OPTIONAL_TOOLS)[number];

export interface LocalTool {
  tool: OptionalTool;
  /** e.g. `Mailpit` */
  name: string;
  /** present: will be used; missing: needed, not there; without: left out on purpose; not-needed: this run does not use it. */
  state: 'present' | 'missing' | 'without' | 'not-needed';
  /** Where it is (present), what is wrong (missing, without), or why it is not needed. */
  detail: string;
  /** Items that need it. */
  items: string;
  /** Playwright's own Chromium: no path to pass (present browser only). */
  executablePath?: string;
}

const SERVICES = {
  mailpit: { name: 'Mailpit', capability: 'Mailpit', binary: 'mailpit', envVar: 'MAILPIT_BIN', given: 'MAILPIT_URL' },
  s3: { name: 'S3 server', capability: 'S3 bucket', binary: 'versitygw', envVar: 'S3_SERVER_BIN', given: 'S3_ENDPOINT' },
} as const;

const BROWSER_ITEMS = '2.7, 6.8, 10.4-10.8';

function without(cfg: SuiteConfig): readonly string[] {
  return (cfg.env.ASTER_WITHOUT as string[] | undefined) ?? [];
}

/** Finds the browser and, for a managed target, the local services, as this invocation would use them. */
export function localTools(cfg: SuiteConfig, argv: string[] = process.argv.slice(2)): LocalTool[] {
  const skip = without(cfg);
  const tools: LocalTool[] = [];

  if (!browserProjectSelected(argv)) {
    tools.push({ tool: 'browser', name: 'browser', state: 'not-needed', detail: 'the browser project is not in this run (--project)', items: BROWSER_ITEMS });
  } else {
    const c = resolveChromium(cfg.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE);
    if (skip.includes('browser')) {
      tools.push({
        tool: 'browser',
        name: 'browser',
        state: 'without',
        detail: `left out (ASTER_WITHOUT=browser)${c.problem ? `; ${c.problem}` : ''}`,
        items: BROWSER_ITEMS,
      });
    } else if (c.problem) {
      tools.push({ tool: 'browser', name: 'browser', state: 'missing', detail: c.problem, items: BROWSER_ITEMS });
    } else {
      tools.push({
        tool: 'browser',
        name: 'browser',
        state: 'present',
        detail: c.executablePath ?? "Playwright's own Chromium",
        items: BROWSER_ITEMS,
        executablePath: c.executablePath,
      });
    }
  }

  for (const tool of ['mailpit', 's3'] as const) {
    const s = SERVICES[tool];
    const needing = Object.entries(SERVICE_NEEDS).flatMap(([need, t]) => (t === tool ? (declaredNeeds().get(need) ?? []) : []));
    const base = { tool, name: s.name, items: compactItems(needing) };
    if (cfg.mode === 'existing') {
      tools.push({ ...base, state: 'not-needed', detail: `the deployment's own (${s.given})` });
      continue;
    }
    if (cfg.env[s.given]) {
      tools.push({ ...base, state: 'not-needed', detail: `given: ${s.given}` });
      continue;
    }
    let found: string | null = null;
    let problem = '';
    try {
      found = findBinary(s.envVar, s.binary);
      if (!found) problem = `not installed (looked at $${s.envVar}, ${toolsBinDir()}/${s.binary} and PATH)`;
    } catch (e) {
      problem = (e as Error).message;
    }
    if (skip.includes(tool)) tools.push({ ...base, state: 'without', detail: `left out (ASTER_WITHOUT=${tool})` });
    else if (found) tools.push({ ...base, state: 'present', detail: found });
    else tools.push({ ...base, state: 'missing', detail: problem });
  }
  return tools;
}

/**
 * Whether this process is one of Playwright's test workers (which load the config too), not the
 * runner. TEST_WORKER_INDEX alone is not enough: a run started from inside a test inherits it.
 */
export function isTestWorker(): boolean {
  return /workerProcessEntry\.[cm]?js$/.test(process.argv[1] ?? '');
}

/**
 * The message that stops a run which lacks a tool it needs, or undefined when nothing is missing.
 * Names each missing tool, the command that installs it and how to run without it instead.
 */
export function missingToolsMessage(tools: LocalTool[]): string | undefined {
  const missing = tools.filter((t) => t.state === 'missing');
  if (missing.length === 0) return undefined;
  const lines = [
    'The suite cannot run: this machine lacks what the suite itself needs (nothing was checked, the target is not at fault):',
    ...missing.map((t) => `  - ${t.name}: ${t.detail}`),
    '',
    `Fix: ${SETUP_COMMAND}   (installs what is missing, showing each step; then run again)`,
    `Or run without ${missing.length > 1 ? 'them' : 'it'}; the items that need ${missing.length > 1 ? 'them' : 'it'} are then NOT_CHECKED:`,
  ];
  if (missing.some((t) => t.tool === 'browser')) lines.push('  npx playwright test --project api      (no browser)');
  lines.push(`  ASTER_WITHOUT=${missing.map((t) => t.tool).join(',')} npx playwright test`);
  return lines.join('\n');
}

/** The service a managed run went without: its items are NOT_CHECKED (never FAIL), naming what is missing. */
export function needsLocalService(run: Pick<RunState, 'mode' | 'mailpit' | 's3'>, tool: 'mailpit' | 's3', cfg: SuiteConfig = loadConfig()): void {
  if (run.mode !== 'managed' || run[tool]) return;
  const s = SERVICES[tool];
  const leftOut = without(cfg).includes(tool);
  const what = tool === 'mailpit' ? 'no mail catcher, so it was given no SMTP settings' : 'no S3 server, so it has no bucket to check';
  notChecked(
    s.envVar,
    `the managed target runs without ${s.name}: ${what} (${leftOut ? `left out with ASTER_WITHOUT=${tool}` : 'not started'}; \`${SETUP_COMMAND}\` installs it)`,
  );
}

export interface Capability {
  name: string;
  enabled: boolean;
  /** The variable(s) that enable it. */
  variable: string;
  items: string;
}

type Env = SuiteConfig['env'];
type Known = Pick<RunState, 'mode' | 'mailpit' | 's3' | 'wopi'> | undefined;

/**
 * What a check can declare it needs (`checks([...], '@own-data', { needs: ['mailpit'] })`): the
 * automatic fixture reports the check NOT_CHECKED, naming the variable, when the run lacks it.
 */
export const NEEDS = ['metrics', 'restart', 'doctor', 'data-dir', 'backup', 'mailpit', 'smtp-server', 's3-server'] as const;
export type Need = (typeof NEEDS)[number];

/**
 * Needs met by a service the target itself uses: on a deployment its own, on a managed target the
 * local tool the suite starts for it (NOT_CHECKED when the run went without that tool).
 */
const SERVICE_NEEDS: Partial<Record<Need, LocalService>> = { 'smtp-server': 'mailpit', 's3-server': 's3', mailpit: 'mailpit' };
type LocalService = 'mailpit' | 's3';

/**
 * The optional access an operator may give the suite: the one place that says which variable
 * enables which checks. A row's items are the items of the checks that declare its `need`
 * (helpers/catalogue/needs-scan.ts reads them from the specs), plus `alsoItems` that use the access only
 * when it is there. The start screen shows it and the README's table is generated from it
 * (`npx tsx scripts/capability-table.ts`; unit/capabilities.test.ts keeps both current).
 */
export const ACCESS: readonly {
  name: string;
  variable: string;
  /** What to give, as the README says it. */
  give: string;
  /** The checks that declare this need are NOT_CHECKED without it. */
  need?: Need;
  /** Items that use the access when it is given but do not declare the need (the check decides at run time). */
  alsoItems?: string;
  /** The row enables the same checks as the row of this need (a recreation instead of a restart). */
  sameItemsAs?: Need;
  /** What the items check with it, when the item list alone does not say. */
  note?: string;
  /** Why a check that needs it cannot run without it. */
  missing?: string;
  /** What the NOT_CHECKED of such a check names, when not just `variable`. */
  names?: string;
  enabled: (e: Env, managed: boolean, known: Known) => boolean;
}[] = [
  {
    name: 'internal metrics',
    variable: 'ASTER_METRICS_URL',
    give: '`ASTER_METRICS_URL` (scraper-side URL)',
    need: 'metrics',
    missing: 'the internal metrics URL (what Prometheus scrapes) is not known',
    enabled: (e, managed) => Boolean(e.ASTER_METRICS_URL) || managed,
  },
  {
    name: 'recreate command',
    variable: 'ASTER_RECREATE_CMD',
    give: '`ASTER_RECREATE_CMD` (recreates the container from its volumes)',
    sameItemsAs: 'restart',
    note: 'persistence across a recreation, as the checklist says',
    enabled: (e, managed) => Boolean(e.ASTER_RECREATE_CMD) || managed,
  },
  {
    name: 'restart command',
    variable: 'ASTER_RESTART_CMD',
    give: '`ASTER_RESTART_CMD`',
    need: 'restart',
    alsoItems: '1.1, 1.3, 1.4, 3.1',
    note: "passes carry a note: a restart keeps the container's writable layer, so it proves less",
    missing: 'a restart cannot be made from outside; run the suite where it may restart the server',
    names: 'ASTER_RECREATE_CMD or ASTER_RESTART_CMD',
    enabled: (e, managed) => Boolean(e.ASTER_RESTART_CMD || e.ASTER_RECREATE_CMD) || managed,
  },
  {
    name: 'doctor command',
    variable: 'ASTER_DOCTOR_CMD',
    give: '`ASTER_DOCTOR_CMD`',
    need: 'doctor',
    missing: 'no command runs `aster_drive doctor` for this deployment',
    enabled: (e, managed) => Boolean(e.ASTER_DOCTOR_CMD) || managed,
  },
  {
    name: 'data directory',
    variable: 'ASTER_DATA_DIR',
    give: '`ASTER_DATA_DIR` (+ `ASTER_RUNTIME_USER` when the server runs on another host or in a container the suite cannot see)',
    need: 'data-dir',
    alsoItems: '1.1, 3.1, 8.2',
    note: '8.2 also needs the server environment: `ASTER_ENV_CMD`, or the aster_drive process on this host',
    missing: 'the data directory cannot be seen from outside',
    enabled: (e, managed) => Boolean(e.ASTER_DATA_DIR) || managed,
  },
  {
    name: 'server environment',
    variable: 'ASTER_ENV_CMD',
    give: "`ASTER_ENV_CMD` (prints the server's environment, e.g. `docker exec aster env`)",
    alsoItems: '8.2',
    enabled: (e, managed) => Boolean(e.ASTER_ENV_CMD || e.ASTER_DATA_DIR) || managed,
  },
  {
    name: 'backup/restore',
    variable: 'ASTER_BACKUP_CMD + ASTER_RESTORE_CMD',
    give: '`ASTER_BACKUP_CMD` + `ASTER_RESTORE_CMD` (a staging copy: the rehearsal really restores)',
    need: 'backup',
    missing: 'a restore cannot be rehearsed without the commands that back up and restore this deployment',
    enabled: (e, managed) => Boolean(e.ASTER_BACKUP_CMD && e.ASTER_RESTORE_CMD) || managed,
  },
  {
    name: 'Mailpit',
    variable: 'MAILPIT_URL',
    give: '`MAILPIT_URL` (the Mailpit the site sends to)',
    need: 'mailpit',
    missing: 'no Mailpit receives this deployment’s mail, so its mail cannot be read',
    enabled: (e, _managed, known) => Boolean(known?.mailpit ?? e.MAILPIT_URL),
  },
  {
    name: 'S3 bucket',
    variable: 'S3_ENDPOINT + S3_*',
    give: '`S3_*`',
    alsoItems: '4.6, 7.2',
    enabled: (e, _managed, known) => Boolean(known?.s3 ?? e.S3_ENDPOINT),
  },
  {
    name: 'WOPI app',
    variable: 'ASTER_WOPI_APP',
    give: '`ASTER_WOPI_APP` (or an Office app configured in Site Settings → Preview Apps)',
    alsoItems: '6.5-6.10, 10.10',
    enabled: (e, _managed, known) => Boolean(known?.wopi ?? e.ASTER_WOPI_APP),
  },
];

/** The items a row of ACCESS enables: those of the checks declaring its need, and its `alsoItems`. */
export function accessItems(row: (typeof ACCESS)[number]): string {
  const same = row.sameItemsAs ? ACCESS.find((a) => a.need === row.sameItemsAs) : undefined;
  if (same) return accessItems(same);
  const declared = row.need ? (declaredNeeds().get(row.need) ?? []) : [];
  return compactItems([...declared, ...expandItems(row.alsoItems ?? '')]);
}

/**
 * Reports the running check NOT_CHECKED, naming the variable, when the run lacks what it declared
 * it needs; a managed run that went without Mailpit or the S3 server names the tool instead.
 */
export function requireNeeds(needs: readonly Need[], run: RunState, cfg: SuiteConfig = loadConfig()): void {
  for (const need of needs) {
    const service = SERVICE_NEEDS[need];
    if (service) needsLocalService(run, service, cfg);
    const row = ACCESS.find((a) => a.need === need);
    if (!row) {
      if (service) continue;
      throw new Error(`requireNeeds: no ACCESS row for need "${need}"`);
    }
    if (!row.enabled(cfg.env, run.mode === 'managed', run))
      notChecked(row.names ?? row.variable.replace(' + ', ' and '), row.missing ?? `${row.name} is not given`);
  }
}

export function capabilities(cfg: SuiteConfig, state?: Pick<RunState, 'mode' | 'mailpit' | 's3' | 'wopi'>): Capability[] {
  const managed = cfg.mode === 'managed';
  return [
    ...ACCESS.map((a) => ({
      name: a.name,
      enabled: a.enabled(cfg.env, managed, state),
      variable: a.variable,
      items: accessItems(a),
    })),
    { name: 'writes', enabled: !cfg.readonly, variable: 'ASTER_READONLY=0', items: 'every @own-data / @settings check' },
  ];
}

export const CAPABILITY_TABLE_START = '<!-- capabilities:start (generated by `npx tsx scripts/capability-table.ts`) -->';
export const CAPABILITY_TABLE_END = '<!-- capabilities:end -->';

/** The README's table of optional access, from ACCESS. */
export function capabilityTable(): string {
  const rows = ACCESS.map((a) => `| ${a.give} | ${accessItems(a).replace(/-/g, '–')}${a.note ? `: ${a.note}` : ''} |`);
  return [
    CAPABILITY_TABLE_START,
    '| give the suite | items it enables |',
    '| --- | --- |',
    ...rows,
    '| `ASTER_EXPECT_*` | the "matches expectations" items (token lifetimes, registration, limits, version, ...) |',
    CAPABILITY_TABLE_END,
  ].join('\n');
}

export function summaryLines(cfg: SuiteConfig, state: RunState, tools: LocalTool[] = localTools(cfg)): string[] {
  const target =
    state.mode === 'existing'
      ? `existing deployment ${state.baseURL} (settings never changed${cfg.readonly ? ', read-only run' : ''})`
      : `managed ${state.targetKind === 'standin' ? 'AsterDrive stand-in' : `AsterDrive binary ${cfg.env.ASTER_DRIVE_BIN}`} at ${state.baseURL}`;
  const lines = [`Launch acceptance run ${state.runId}: ${target}`];
  lines.push(`  admin: ${state.admin.identifier} (password hidden)${state.user ? `, user: ${state.user.identifier}` : ''}`);
  // What the suite has on this machine: the browser and the managed target's own services.
  const shownTools = tools.filter((t) => t.tool === 'browser' || t.state !== 'not-needed');
  for (const t of shownTools) {
    const at = t.tool === 'mailpit' && state.mailpit?.apiUrl ? ` at ${state.mailpit.apiUrl}` : t.tool === 's3' && state.s3 ? ` at ${state.s3.endpoint}` : '';
    const label = t.state === 'present' ? 'present    ' : t.state === 'not-needed' ? 'not used   ' : 'NOT_CHECKED';
    lines.push(`  ${label} ${t.name.padEnd(16)} ${t.detail}${at}${t.state === 'without' || t.state === 'missing' ? ` (items ${t.items})` : ''}`);
  }
  // What access the suite has to the target (Mailpit and S3 here only when not shown above).
  const covered = new Set<string>(shownTools.flatMap((t) => (t.tool === 'browser' ? [] : [SERVICES[t.tool].capability])));
  for (const c of capabilities(cfg, state).filter((c) => !covered.has(c.name))) {
    lines.push(`  ${c.enabled ? 'checked    ' : 'NOT_CHECKED'} ${c.name.padEnd(16)} items ${c.items}${c.enabled ? '' : ` (set ${c.variable})`}`);
  }
  for (const w of cfg.warnings) lines.push(`  warning: ${w}`);
  return lines;
}
