/**
 * Which checklist tests the whole suite has, whatever this run selected. Playwright hands a
 * reporter only the tests of the selected projects, filtered by --grep, file arguments,
 * --last-failed or --shard, so the reporter lists the suite again in a child process (every
 * project, no filter, `--list`: nothing runs) and compares. A test is known by its key: project,
 * file, line, column and title, the same in the run and in the listing.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CHECKLIST_ANNOTATION } from '../helpers/catalogue/checklist.js';
import type { Suite } from '@playwright/test/reporter';
import type { ListedTest } from './model.js';
import { makeTempDir } from '../helpers/harness/temp-dirs.js';

export function testKey(project: string, absFile: string, line: number, column: number, title: string): string {
  return [project, absFile, line, column, title].join('\u0000');
}

interface JsonSuite {
  specs?: {
    title: string;
    file: string;
    line: number;
    column: number;
    tests: { projectName: string; annotations: { type: string; description?: string }[] }[];
  }[];
  suites?: JsonSuite[];
}

/**
 * The suite's own files do not load (a missing module, a syntax error, an unknown checklist ID):
 * listing touches no target, so this is the suite's fault, never the target's.
 */
export class SuiteLoadError extends Error {
  constructor(readonly problems: string[]) {
    super(`the listing reported errors: ${problems.join('; ')}`);
  }
}

export interface SuiteListing {
  tests?: ListedTest[];
  error?: string;
  /** Set when the suite's own files failed to load (SuiteLoadError). */
  loadErrors?: string[];
}

/** The checklist tests of a `playwright test --list --reporter=json` report. `projectRoot`: file paths in the result are relative to it. */
export function parseListing(json: string, projectRoot: string): ListedTest[] {
  const report = JSON.parse(json) as { config: { rootDir: string }; suites: JsonSuite[]; errors?: { message?: string }[] };
  if (report.errors?.length) throw new SuiteLoadError([...new Set(report.errors.map((e) => (e.message ?? '').split('\n')[0]))]);
  const out: ListedTest[] = [];
  const walk = (s: JsonSuite) => {
    for (const spec of s.specs ?? []) {
      const abs = path.resolve(report.config.rootDir, spec.file);
      for (const t of spec.tests) {
        const items = [...new Set(t.annotations.filter((a) => a.type === CHECKLIST_ANNOTATION).map((a) => String(a.description)))];
        if (items.length === 0) continue;
        out.push({
          key: testKey(t.projectName, abs, spec.line, spec.column, spec.title),
          title: spec.title,
          project: t.projectName,
          file: `${path.relative(projectRoot, abs).split(path.sep).join('/')}:${spec.line}`,
          items,
        });
      }
    }
    for (const c of s.suites ?? []) walk(c);
  };
  for (const s of report.suites) walk(s);
  return out;
}

/** The checklist tests of a run's own suite (the whole suite when nothing narrowed the run). */
export function listedTests(suite: Suite, projectRoot: string): ListedTest[] {
  return suite.allTests().flatMap((t) => {
    const items = [...new Set(t.annotations.filter((a) => a.type === CHECKLIST_ANNOTATION).map((a) => String(a.description)))];
    if (items.length === 0) return [];
    const project = t.parent.project()?.name ?? '';
    return [
      {
        key: testKey(project, t.location.file, t.location.line, t.location.column, t.title),
        title: t.title,
        project,
        file: `${path.relative(projectRoot, t.location.file).split(path.sep).join('/')}:${t.location.line}`,
        items,
      },
    ];
  });
}

/** Lists every checklist test of the suite defined by `configFile`, in a child process. */
export function listWholeSuite(configFile: string, projectRoot: string, timeoutMs = 180_000): Promise<SuiteListing> {
  // `npm run faults` lists the suite once (same checkout, same configuration and environment as its
  // runs; listed again whenever a test file changes) and hands the listing to every run it starts.
  const given = process.env.ASTER_RUN_SUITE_LISTING;
  if (given) {
    try {
      const tests = parseListing(readFileSync(given, 'utf8'), projectRoot);
      return Promise.resolve(tests.length ? { tests } : { error: `the listing ${given} has no checklist test` });
    } catch (e) {
      return Promise.resolve({ error: `the listing ${given}: ${(e as Error).message.split('\n')[0]}`, ...loadErrorsOf(e) });
    }
  }
  const dir = makeTempDir('listing');
  const out = path.join(dir, 'list.json');
  const cli = createRequire(path.join(projectRoot, 'package.json')).resolve('@playwright/test/cli');
  const env: NodeJS.ProcessEnv = { ...process.env, PLAYWRIGHT_JSON_OUTPUT_FILE: out, ASTER_JSON_REPORT: '' };
  delete env.PLAYWRIGHT_JSON_OUTPUT_NAME;
  delete env.PLAYWRIGHT_JSON_OUTPUT_DIR;
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(process.execPath, [cli, 'test', '--list', '--reporter=json', '--config', configFile], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const finish = (r: SuiteListing) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve(r);
    };
    child.on('error', (e) => finish({ error: e.message }));
    child.on('close', (code, signal) => {
      try {
        const tests = parseListing(readFileSync(out, 'utf8'), projectRoot);
        if (tests.length === 0) return finish({ error: 'the listing found no checklist test' });
        finish({ tests });
      } catch (e) {
        const why = signal ? `killed by ${signal}` : `exit ${code}`;
        if (e instanceof SuiteLoadError) return finish({ error: e.message, loadErrors: e.problems });
        finish({ error: `${why}: ${(e as Error).message.split('\n')[0]}${stderr ? `; ${stderr.trim().split('\n').slice(-1)[0]}` : ''}` });
      }
    });
  });
}

function loadErrorsOf(e: unknown): Pick<SuiteListing, 'loadErrors'> {
  return e instanceof SuiteLoadError ? { loadErrors: e.problems } : {};
}
