/**
 * From test results to the checklist verdict. Pure: the reporter feeds it, unit tests drive it.
 *
 * Rules: an item passes only when every test naming it passed; a skip never makes a pass; a
 * missing access is NOT_CHECKED with its reason; a run where no test ran is never GO.
 */
import { rerunCommand, SECTIONS } from '../helpers/checklist.js';
import type { ItemReport, ItemStatus, LaunchReport, SectionReport, TestRecord } from './model.js';
import type { Waiver } from './waivers.js';

const FAILED = new Set<TestRecord['status']>(['failed', 'timedOut', 'interrupted']);
const OUTCOME_TYPES = ['not_checked', 'manual', 'n_a'] as const;

function skipOutcome(t: TestRecord): { status: ItemStatus; reason: string; expected: boolean } {
  for (const type of OUTCOME_TYPES) {
    const a = t.annotations.find((x) => x.type === type);
    if (a) return { status: type === 'manual' ? 'MANUAL' : type === 'n_a' ? 'N_A' : 'NOT_CHECKED', reason: a.description ?? '', expected: true };
  }
  const skip = t.annotations.find((x) => x.type === 'skip' || x.type === 'fixme');
  const reason = skip?.description ?? 'skipped without a reason (did a dependency fail or the run stop early?)';
  // Safety skips (read-only run, settings on a deployment) are expected and explained.
  const expected = /read-only run|existing deployment/i.test(reason);
  return { status: 'NOT_CHECKED', reason: expected ? reason : `skipped: ${reason}`, expected };
}

function reportLink(t: TestRecord): string {
  return `../playwright-report/index.html#?testId=${t.id}`;
}

function itemStatus(tests: TestRecord[]): { status: ItemStatus; reason?: string; unexpectedSkip: boolean } {
  if (tests.some((t) => FAILED.has(t.status))) {
    const failed = tests.filter((t) => FAILED.has(t.status));
    return { status: 'FAIL', reason: failed.map((t) => `${t.title}: ${firstLine(t.error)}`).join(' | '), unexpectedSkip: false };
  }
  const skipped = tests.filter((t) => t.status === 'skipped');
  if (skipped.length === 0) return { status: 'PASS', unexpectedSkip: false };
  const outcomes = skipped.map(skipOutcome);
  const unexpectedSkip = outcomes.some((o) => !o.expected);
  const passed = tests.length - skipped.length;
  if (passed > 0 && outcomes.every((o) => o.status === 'N_A')) return { status: 'PASS', unexpectedSkip };
  const worst = outcomes.find((o) => o.status === 'NOT_CHECKED') ?? outcomes.find((o) => o.status === 'MANUAL') ?? outcomes[0];
  return { status: worst.status, reason: [...new Set(outcomes.map((o) => o.reason))].join(' | '), unexpectedSkip };
}

function firstLine(s: string | undefined): string {
  return (
    (s ?? '')
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? ''
  );
}

function sectionStatus(items: ItemReport[]): ItemStatus {
  const has = (s: ItemStatus) => items.some((i) => i.status === s);
  if (has('FAIL')) return 'FAIL';
  if (has('NOT_CHECKED')) return 'NOT_CHECKED';
  if (has('WAIVED')) return 'WAIVED';
  if (has('PASS')) return 'PASS';
  return has('MANUAL') ? 'MANUAL' : 'N_A';
}

export interface BuildInput {
  tests: TestRecord[];
  waivers: Waiver[];
  waiverFileProblems: string[];
  target: LaunchReport['target'];
  /** YYYY-MM-DD, for waiver expiry. */
  today: string;
  /** Set when Playwright itself reports a failure outside tests (global setup, worker crash). */
  runError?: string;
}

export function buildReport(input: BuildInput): LaunchReport {
  const checklistTests = input.tests.filter((t) => t.items.length > 0);
  const byItem = new Map<string, TestRecord[]>();
  for (const t of checklistTests) for (const id of t.items) byItem.set(id, [...(byItem.get(id) ?? []), t]);

  const waiverProblems = [...input.waiverFileProblems];
  const waiverByItem = new Map<string, Waiver>();
  const known = new Set(SECTIONS.flatMap((s) => s.items.map((i) => i.id)));
  for (const w of input.waivers) {
    if (!known.has(w.item)) waiverProblems.push(`waiver for unknown item ${w.item}: remove it or fix the ID`);
    else if (w.expires < input.today) waiverProblems.push(`waiver for ${w.item} expired on ${w.expires} (${w.tracking}): fix the item or renew the waiver`);
    else waiverByItem.set(w.item, w);
  }

  const unexpectedSections = new Set<string>();
  const sections: SectionReport[] = SECTIONS.map((section) => {
    const items: ItemReport[] = section.items.map((item) => {
      const tests = byItem.get(item.id) ?? [];
      const base = {
        id: item.id,
        title: item.title,
        kind: item.kindNote,
        tests: tests.map((t) => ({
          title: t.title,
          status: t.status,
          file: `${t.file}:${t.line}`,
          error: t.error ? firstLine(t.error) : undefined,
          reportLink: reportLink(t),
          evidence: t.attachments.filter((a) => !['trace', 'screenshot', 'video'].includes(a.name)).map((a) => ({ name: a.name, path: a.path })),
        })),
      };
      if (tests.length === 0) {
        if (item.kind === 'manual') return { ...base, status: 'MANUAL', reason: `An operator must confirm: ${item.title}.` };
        return { ...base, status: 'NOT_CHECKED', reason: 'No test for this item ran in this run (not selected, or no automated check yet).' };
      }
      const s = itemStatus(tests);
      const report: ItemReport = { ...base, status: s.status, reason: s.reason };
      if (s.status === 'FAIL') {
        report.rerun = rerunCommand(item.id);
        const w = waiverByItem.get(item.id);
        if (w) {
          report.status = 'WAIVED';
          report.waiver = { reason: w.reason, tracking: w.tracking, expires: w.expires };
        }
      } else if (s.status === 'PASS' && waiverByItem.has(item.id)) {
        waiverProblems.push(`waiver for ${item.id} is stale: the item passes now; remove the waiver`);
      }
      return report;
    });
    const sectionTests = checklistTests.filter((t) => t.items.some((id) => section.items.some((i) => i.id === id)));
    if (sectionTests.length > 0 && sectionTests.every((t) => t.status === 'skipped' && !skipOutcome(t).expected)) {
      unexpectedSections.add(section.tag);
    }
    return { id: String(section.number), number: section.number, title: section.title, tag: section.tag, status: sectionStatus(items), items };
  });

  const all = sections.flatMap((s) => s.items);
  const count = (s: ItemStatus) => all.filter((i) => i.status === s).length;
  const testsRun = checklistTests.filter((t) => t.status !== 'skipped').length;
  const reasons: string[] = [];
  if (count('FAIL')) reasons.push(`${count('FAIL')} item(s) failed`);
  if (testsRun === 0) reasons.push('no checklist test ran');
  if (waiverProblems.length) reasons.push(`${waiverProblems.length} waiver problem(s)`);
  for (const tag of unexpectedSections) reasons.push(`every test of ${tag} was skipped for an unexpected reason`);
  if (input.runError) reasons.push(`the run did not complete: ${input.runError}`);

  return {
    verdict: reasons.length === 0 ? 'GO' : 'NO_GO',
    verdictReasons: reasons,
    target: input.target,
    generatedAt: new Date().toISOString(),
    counts: {
      PASS: count('PASS'),
      FAIL: count('FAIL'),
      WAIVED: count('WAIVED'),
      NOT_CHECKED: count('NOT_CHECKED'),
      MANUAL: count('MANUAL'),
      N_A: count('N_A'),
      checked: count('PASS') + count('FAIL') + count('WAIVED'),
      total: all.length,
      testsRun,
    },
    sections,
    waiverProblems,
    cleanupProblems: input.tests.flatMap((t) => t.annotations.filter((a) => a.type === 'cleanup_failed').map((a) => `${t.title}: ${a.description}`)),
  };
}
