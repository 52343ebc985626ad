/** Builders for the verdict unit tests: test records, a full-suite listing, waivers and sign-offs. */
import { allItems } from '../../helpers/catalogue/checklist.js';
import type { ListedTest, Signoff, TestRecord } from '../../reporter/model.js';
import { type BuildInput, buildReport } from '../../reporter/verdict.js';
import type { Waiver } from '../../reporter/waivers.js';

let n = 0;
export function rec(items: string[], status: TestRecord['status'], annotations: TestRecord['annotations'] = [], extra: Partial<TestRecord> = {}): TestRecord {
  n += 1;
  return {
    id: `t${n}`,
    key: `k${n}`,
    title: `test ${n}`,
    file: 'tests/x.api.spec.ts',
    line: n,
    project: 'api',
    items,
    status,
    durationMs: 1,
    annotations,
    attachments: [],
    error: status === 'failed' ? 'Error: boom\n  at x' : undefined,
    ...extra,
  };
}

export const listedOf = (t: TestRecord): ListedTest => ({ key: t.key, title: t.title, project: t.project, file: `${t.file}:${t.line}`, items: t.items });

/** A run of the whole suite, where the suite is exactly these tests, against a deployment. */
export function input(tests: TestRecord[], waivers: Waiver[] = [], more: Partial<BuildInput> = {}): BuildInput {
  return {
    tests,
    suite: { listed: tests.filter((t) => t.items.length).map(listedOf), selected: tests.filter((t) => t.items.length).map((t) => t.key) },
    waivers,
    waiverFileProblems: [],
    signoffs: [],
    signoffFileProblems: [],
    target: { kind: 'deployment', baseURL: 'https://drive.example.com' },
    today: '2026-11-26',
    ...more,
  };
}

/** One passing test for every automated item, and a valid sign-off for every manual one: the only way to GO. */
export function everythingPasses(): { tests: TestRecord[]; signoffs: Signoff[] } {
  const tests = allItems()
    .filter((i) => i.kind !== 'manual')
    .map((i) => rec([i.id], 'passed'));
  return {
    tests,
    signoffs: allItems()
      .filter((i) => i.kind === 'manual')
      .map((i) => signoff(i.id)),
  };
}

export function signoff(item: string, more: Partial<Signoff> = {}): Signoff {
  return { item, signedBy: 'Jane Roe (ops lead)', signedOn: '2026-11-20', confirmed: 'checked on the production hosts', expires: '2027-05-20', ...more };
}

export const waiver = (item: string, expires = '2027-01-31'): Waiver => ({
  item,
  reason: 'known proxy limit, fix planned',
  tracking: 'https://tracker.example/1',
  expires,
});

export const item = (r: ReturnType<typeof buildReport>, id: string) => r.sections.flatMap((s) => s.items).find((i) => i.id === id)!;

/** A report where everything passes, with one change applied to the input. */
export function goWith(change: (i: BuildInput) => BuildInput = (i) => i) {
  const all = everythingPasses();
  return buildReport(change(input(all.tests, [], { signoffs: all.signoffs })));
}
