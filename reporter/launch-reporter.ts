/**
 * Playwright reporter that writes reports/launch-report.{json,md}: every checklist item with a
 * status, evidence and re-run command; prints a per-section summary; turns the run red on a FAIL,
 * a run with no checklist test, or a stale waiver; and scrubs the run's secrets from every
 * artifact once all reporters are done.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { CHECKLIST_ANNOTATION } from '../helpers/checklist.js';
import { renderMarkdown, renderSummary } from './markdown.js';
import type { TestRecord } from './model.js';
import { scrubArtifacts } from './scrub.js';
import { buildReport } from './verdict.js';
import { loadWaivers } from './waivers.js';

export default class LaunchReporter implements Reporter {
  private readonly records = new Map<string, TestRecord>();
  private config?: FullConfig;
  private outDir = 'reports';
  private runError?: string;

  printsToStdio(): boolean {
    return false;
  }

  /** The project root: where playwright.config.ts lives (config.rootDir is the test directory). */
  private root = process.cwd();

  onBegin(config: FullConfig, _suite: Suite): void {
    this.config = config;
    if (config.configFile) this.root = path.dirname(config.configFile);
    this.outDir = process.env.ASTER_REPORTS_DIR ?? path.join(this.root, 'reports');
    rmSync(path.join(this.outDir, 'evidence'), { recursive: true, force: true });
  }

  onError(error: { message?: string }): void {
    this.runError = (error.message ?? 'unknown error').split('\n')[0];
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    // Setup and teardown steps prove no item, but their failure means the run cannot be trusted.
    const project = test.parent.project()?.name;
    if ((project === 'setup' || project === 'teardown') && (result.status === 'failed' || result.status === 'timedOut')) {
      this.runError = `${project} step "${test.title}" failed: ${(result.error?.message ?? '').split('\n')[0]}`;
    }
    const annotations = [...test.annotations, ...result.annotations.filter((a) => !test.annotations.includes(a))];
    const items = [...new Set(annotations.filter((a) => a.type === CHECKLIST_ANNOTATION).map((a) => String(a.description)))];
    this.records.set(test.id, {
      id: test.id,
      title: test.title,
      file: path.relative(this.root, test.location.file),
      line: test.location.line,
      project: test.parent.project()?.name ?? '',
      items,
      sectionTag: test.tags.find((t) => /^@s\d\d-/.test(t)),
      status: result.status,
      durationMs: result.duration,
      annotations: annotations.map((a) => ({ type: a.type, description: a.description })),
      error: result.error?.message,
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
    const waiverFile = process.env.ASTER_WAIVERS_FILE ?? path.join(this.root, 'waivers.json');
    const { waivers, problems } = loadWaivers(waiverFile);
    const report = buildReport({
      tests: [...this.records.values()],
      waivers,
      waiverFileProblems: problems,
      target: { baseURL: process.env.ASTER_RUN_BASE_URL, kind: process.env.ASTER_RUN_TARGET_KIND, runId: process.env.ASTER_RUN_ID },
      today: new Date().toISOString().slice(0, 10),
      runError: this.runError ?? (result.status === 'interrupted' ? 'interrupted' : result.status === 'timedout' ? 'global timeout' : undefined),
    });
    mkdirSync(this.outDir, { recursive: true });
    writeFileSync(path.join(this.outDir, 'launch-report.json'), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(path.join(this.outDir, 'launch-report.md'), renderMarkdown(report));
    console.log(`\n${renderSummary(report)}`);
    if (report.verdict === 'NO_GO' && result.status === 'passed') return { status: 'failed' };
    return undefined;
  }

  async onExit(): Promise<void> {
    // This run's artifacts only (reports/ may also hold other runs, e.g. the fault matrix's).
    const dirs = [
      ...['launch-report.json', 'launch-report.md', 'junit.xml', 'evidence'].map((f) => path.join(this.outDir, f)),
      this.config?.projects[0]?.outputDir ?? path.join(this.root, 'test-results'),
      process.env.PLAYWRIGHT_HTML_OUTPUT_DIR ?? path.join(this.root, 'playwright-report'),
    ];
    const found = await scrubArtifacts(dirs);
    if (found > 0) console.log(`Redacted ${found} secret occurrence(s) from the run's artifacts.`);
    // The run's private list of secrets (and role storage states) goes too, unless a caller keeps it to audit the artifacts.
    const secrets = process.env.ASTER_SECRETS_DIR;
    if (secrets && !process.env.ASTER_SECRETS_DIR_KEEP) rmSync(secrets, { recursive: true, force: true });
  }
}
