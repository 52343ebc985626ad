/** The launch suite's tests as `npx playwright test --list` sees them (setup, the checks gate and teardown excluded). */
import { execFileSync } from 'node:child_process';

export interface ListedTest {
  title: string;
  file: string;
  project: string;
  tags: string[];
  annotations: { type: string; description?: string }[];
}

export function listSuite(): ListedTest[] {
  const out = execFileSync('npx', ['playwright', 'test', '--list', '--reporter=json'], {
    encoding: 'utf8',
    // Outer runs may set PLAYWRIGHT_JSON_OUTPUT_NAME, which would send this JSON to their file.
    env: { ...process.env, ASTER_BASE_URL: '', ASTER_JSON_REPORT: '', PLAYWRIGHT_JSON_OUTPUT_NAME: '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const tests: ListedTest[] = [];
  type S = {
    specs?: { title: string; file: string; tags: string[]; tests: { projectName: string; annotations: ListedTest['annotations'] }[] }[];
    suites?: S[];
  };
  const walk = (s: S) => {
    for (const spec of s.specs ?? [])
      for (const t of spec.tests)
        tests.push({ title: spec.title, file: spec.file, project: t.projectName, tags: spec.tags.map((x) => `@${x}`), annotations: t.annotations });
    for (const c of s.suites ?? []) walk(c);
  };
  for (const s of (JSON.parse(out) as { suites: S[] }).suites) walk(s);
  return tests.filter((t) => !['setup', 'checks', 'teardown'].includes(t.project));
}
