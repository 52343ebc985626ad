/**
 * Playwright reporter that writes reports/launch-report.{json,md,html}: every checklist item with a
 * status, evidence, notes and re-run command; prints a per-section summary; sets the exit status
 * from the verdict (0 GO, 1 NO_GO, 3 INCOMPLETE; a failed test never yields 0); and scrubs the
 * run's secrets from every artifact once all reporters are done.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { CHECKLIST_ANNOTATION } from '../helpers/catalogue/checklist.js';
import { renderHtml } from './html.js';
import { renderMarkdown, renderSummary } from './markdown.js';
import { combineTargets, isMergeRun, parseTargetAnnotation, type ShardTarget, TARGET_ANNOTATION } from './merge.js';
import type { TestRecord, Verdict } from './model.js';
import { scrubArtifacts } from './scrub.js';
import { loadSignoffs } from './signoffs.js';
import { listedTests, listWholeSuite, type SuiteListing, testKey } from './suite-listing.js';
import { stripAnsi } from './text.js';
import { wholeSuiteRun } from '../helpers/harness/run-scope.js';
import { blobDir, blobReporters } from '../helpers/harness/shard.js';
import { buildReport, exitCodeFor } from './verdict.js';
import { loadWaivers } from './waivers.js';

/** `npx playwright test --list`: nothing runs, so there is no verdict to give. */
const listMode = () => process.argv.includes('--list');

export default class LaunchReporter implements Reporter {
  private readonly records = new Map<string, TestRecord>();
  private config?: FullConfig;
  private outDir = 'reports';
  private runError?: string;
  private listing?: Promise<SuiteListing>;
  private selected: string[] = [];
  private verdict?: Verdict;
  private suiteError = false;
  private targetKind?: string;
  /** The targets the runs recorded (tests/setup/target.setup.ts): a merged run has no run state. */
  private readonly targets: ShardTarget[] = [];
  /** A merged run's status as Playwright merged it (a failed test in any shard: failed). */
  private mergedStatus?: FullResult['status'];

  /**
   * `suiteConfig`: the suite's configuration to list the whole suite from when this reporter runs
   * under another configuration, as in `merge-reports --config merge.config.ts`.
   */
  constructor(private readonly options: { suiteConfig?: string } = {}) {}

  printsToStdio(): boolean {
    return false;
  }

  /** The project root: where playwright.config.ts lives (config.rootDir is the test directory). */
  private root = process.cwd();

  onBegin(config: FullConfig, suite: Suite): void {
    this.config = config;
    if (listMode()) return;
    if (config.configFile) this.root = path.dirname(config.configFile);
    this.outDir = path.resolve(process.env.ASTER_REPORTS_DIR ?? path.join(this.root, 'reports'));
    rmSync(path.join(this.outDir, 'evidence'), { recursive: true, force: true });
    this.targetKind = targetKindFromRunState();
    // The tests this run selected, and (in the background) every test of the whole suite: an item
    // passes only when all of its tests ran, and a run that selected less is PARTIAL.
    this.selected = suite
      .allTests()
      .filter((t) => t.annotations.some((a) => a.type === CHECKLIST_ANNOTATION))
      .map((t) => testKey(t.parent.project()?.name ?? '', t.location.file, t.location.line, t.location.column, t.title));
    const suiteConfig = this.options.suiteConfig ? path.resolve(this.root, this.options.suiteConfig) : config.configFile;
    if (wholeSuiteRun() && !isMergeRun() && !process.env.ASTER_RUN_SUITE_LISTING && this.selected.length > 0) {
      // Nothing narrowed this run, so it selected the whole suite: no second listing (a child
      // process loading every spec, at the moment the checks start). A suite whose files did not
      // load selects nothing: the listing then names the load errors.
      this.listing = Promise.resolve({ tests: listedTests(suite, this.root) });
    } else {
      this.listing = suiteConfig ? listWholeSuite(suiteConfig, this.root) : Promise.resolve({ error: 'no configuration file to list the suite from' });
    }
  }

  onError(error: { message?: string }): void {
    // The first error is the cause; Playwright's later "No tests found" only follows from it.
    this.runError ??= stripAnsi(error.message ?? 'unknown error').split('\n')[0];
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // Setup and teardown steps prove no item, but their failure means the run cannot be trusted.
    const project = test.parent.project()?.name;
    if ((project === 'setup' || project === 'checks' || project === 'teardown') && (result.status === 'failed' || result.status === 'timedOut')) {
      this.runError = `${project} step "${test.title}" failed: ${stripAnsi(result.error?.message ?? '').split('\n')[0]}`;
    }
    const annotations = [...test.annotations, ...result.annotations.filter((a) => !test.annotations.includes(a))];
    for (const a of annotations.filter((x) => x.type === TARGET_ANNOTATION)) {
      const t = parseTargetAnnotation(a.description);
      if (t && !this.targets.some((x) => x.runId === t.runId)) this.targets.push(t);
    }
    const items = [...new Set(annotations.filter((a) => a.type === CHECKLIST_ANNOTATION).map((a) => String(a.description)))];
    this.records.set(test.id, {
      id: test.id,
      key: testKey(project ?? '', test.location.file, test.location.line, test.location.column, test.title),
      title: test.title,
      file: path.relative(this.root, test.location.file),
      line: test.location.line,
      project: test.parent.project()?.name ?? '',
      items,
      sectionTag: test.tags.find((t) => /^@s\d\d-/.test(t)),
      status: result.status,
      durationMs: result.duration,
      annotations: annotations.map((a) => ({ type: a.type, description: a.description })),
      error: result.error?.message === undefined ? undefined : stripAnsi(result.error.message),
      attachments: result.attachments.map((a) => ({ name: a.name, path: a.path ?? this.saveEvidence(test, a), contentType: a.contentType })),
    });
  }

  /** Evidence attached as a body (already redacted by the fixture) is kept as a file the report links to. */
  private saveEvidence(test: TestCase, a: TestResult['attachments'][number]): string | undefined {
    if (!a.body) return undefined;
    const slug = (s: string) =>
      s
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 60);
    const ext = a.contentType.includes('json') ? 'json' : 'txt';
    const file = path.join(this.outDir, 'evidence', `${slug(test.title)}-${test.id.slice(0, 8)}`, `${slug(a.name)}.${ext}`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, a.body);
    return file;
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    if (listMode()) return undefined;
    const waiverFile = process.env.ASTER_WAIVERS_FILE ?? path.join(this.root, 'waivers.json');
    const signoffFile = process.env.ASTER_SIGNOFFS_FILE ?? path.join(this.root, 'signoffs.json');
    const { waivers, problems } = loadWaivers(waiverFile);
    const signoffs = loadSignoffs(signoffFile);
    const listing = (await this.listing) ?? { error: 'the run did not begin' };
    const htmlReport = path.resolve(this.root, process.env.PLAYWRIGHT_HTML_OUTPUT_DIR ?? 'playwright-report');
    // A live run knows its target from the run state; merged blobs only from what the runs recorded.
    const kind = this.targetKind ?? targetKindFromRunState();
    const merged = isMergeRun() || (!kind && !process.env.ASTER_RUN_TARGET_KIND && this.targets.length > 0) ? combineTargets(this.targets) : undefined;
    if (isMergeRun()) this.mergedStatus = result.status;
    const report = buildReport({
      tests: [...this.records.values()],
      suite: { listed: listing.tests, listError: listing.error, loadErrors: listing.loadErrors, selected: this.selected },
      waivers,
      waiverFileProblems: problems,
      signoffs: signoffs.signoffs,
      signoffFileProblems: signoffs.problems,
      target: merged?.target ?? {
        baseURL: process.env.ASTER_RUN_BASE_URL,
        kind: kind ?? process.env.ASTER_RUN_TARGET_KIND?.split(' ')[0],
        description: process.env.ASTER_RUN_TARGET_KIND,
        runId: process.env.ASTER_RUN_ID,
      },
      today: new Date().toISOString().slice(0, 10),
      runError:
        this.runError ?? merged?.problem ?? (result.status === 'interrupted' ? 'interrupted' : result.status === 'timedout' ? 'global timeout' : undefined),
      paths: { reportDir: this.outDir, playwrightReport: htmlReport },
    });
    mkdirSync(this.outDir, { recursive: true });
    writeFileSync(path.join(this.outDir, 'launch-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(this.outDir, 'launch-report.md'), renderMarkdown(report));
    writeFileSync(path.join(this.outDir, 'launch-report.html'), renderHtml(report));
    const shown = path.relative(process.cwd(), this.outDir);
    console.log(`\n${renderSummary(report, shown.startsWith('..') ? this.outDir : shown || '.')}`);
    this.verdict = report.verdict;
    this.suiteError = Boolean(report.suiteError);
    if (report.verdict === 'NO_GO' && result.status === 'passed') return { status: 'failed' };
    return undefined;
  }

  async onExit(): Promise<void> {
    // merge-reports exits 0 whatever the shards' tests did: a failed test still never yields 0.
    if (this.verdict) setExitStatus(this.verdict, this.mergedStatus === 'failed' ? 1 : 0, this.suiteError);
    // This run's artifacts only (reports/ may also hold other runs, e.g. the fault matrix's).
    const dirs = [
      ...['launch-report.json', 'launch-report.md', 'launch-report.html', 'junit.xml', 'evidence'].map((f) => path.join(this.outDir, f)),
      this.config?.projects[0]?.outputDir ?? path.join(this.root, 'test-results'),
      process.env.PLAYWRIGHT_HTML_OUTPUT_DIR ?? path.join(this.root, 'playwright-report'),
      // A sharded run's blob holds the same attachments and traces.
      ...(blobReporters().length ? [path.resolve(this.root, blobDir())] : []),
    ];
    const found = await scrubArtifacts(dirs);
    if (found > 0) console.log(`Redacted ${found} secret occurrence(s) from the run's artifacts.`);
    // The run's private list of secrets (and role storage states) goes too, unless a caller keeps it to audit the artifacts.
    const secrets = process.env.ASTER_SECRETS_DIR;
    if (secrets && !process.env.ASTER_SECRETS_DIR_KEEP) rmSync(secrets, { recursive: true, force: true });
  }
}

/**
 * The target kind global setup learned, from the run state it wrote (helpers/harness/target/run-state.ts:
 * 'deployment' | 'asterdrive-binary' | 'standin'). Read while the file exists (onBegin runs after
 * global setup, onEnd after its teardown removed it); else the first word of the description
 * global setup puts in ASTER_RUN_TARGET_KIND (e.g. "standin behind nginx 1.22.1").
 */
function targetKindFromRunState(): string | undefined {
  const file = process.env.ASTER_RUN_STATE;
  if (!file || !existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { targetKind?: string }).targetKind;
  } catch {
    return undefined;
  }
}

/**
 * Playwright ends the run with process.exit(0 | 1 | 130) after every reporter's onExit
 * (lib/cli/testActions.js: `status === "passed" ? 0 : 1`). A reporter cannot return its own code,
 * so the verdict's code replaces a 0 at that call: GO stays 0, INCOMPLETE becomes 3. A 1 (a failed
 * test, a NO_GO) or 130 (interrupted) is never changed, except that a suite that does not load exits 2.
 */
function setExitStatus(verdict: Verdict, atLeast: number, suiteError: boolean): void {
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) =>
    exit(exitCodeFor(Number(code ?? process.exitCode ?? 0) || atLeast, verdict, suiteError))) as typeof process.exit;
}
