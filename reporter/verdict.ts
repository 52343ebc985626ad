/**
 * From test results to the checklist verdict. Pure: the reporter feeds it, unit tests drive it.
 *
 * Rules ("GO must mean checked"):
 * - an item is PASS only when every one of its tests, as the whole suite lists them, ran and
 *   passed; a skip never makes a pass; a missing access is NOT_CHECKED with its reason and the
 *   variable that would enable it; a qualified pass keeps its note;
 * - GO only when every item is PASS, WAIVED, N_A, or MANUAL with a valid sign-off, in a run of the
 *   whole suite, against a real target (not the suite's own stand-in);
 * - NO_GO on any FAIL, when no checklist test ran, when the run did not complete, or on a bad
 *   waiver or sign-off;
 * - INCOMPLETE otherwise, listing what is missing and what would complete it;
 * - a filtered run is PARTIAL: its verdict covers the selected items only and is never GO.
 */
import { rerunCommand, SECTIONS } from '../helpers/catalogue/checklist.js';
import type { ItemNote, ItemReport, ItemStatus, LaunchReport, ListedTest, MissingItem, SectionReport, Signoff, TestRecord, Verdict } from './model.js';
import { firstLine, linkFrom, stripAnsi } from './text.js';
import type { Waiver } from './waivers.js';

const FAILED = new Set<TestRecord['status']>(['failed', 'timedOut', 'interrupted']);
const OUTCOME_TYPES = ['not_checked', 'manual', 'n_a'] as const;
/** Annotation types that structure the report rather than qualify a result. */
const SAFETY_NOTES = new Set(['swept', 'sweep_incomplete', 'settings_changed']);
const STRUCTURAL = new Set(['checklist', 'section', 'not_checked', 'manual', 'n_a', 'skip', 'fixme', 'fail', 'slow', 'cleanup_failed', ...SAFETY_NOTES]);
/** The annotation a test leaves when its pass holds only as far as the note says (helpers/catalogue/verdict.ts `qualifiedPass`). */
export const QUALIFIED_ANNOTATION = 'qualified';

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

/** What would complete a NOT_CHECKED or MANUAL item, read from its reason. */
function completion(id: string, status: ItemStatus, reason: string): string {
  if (status === 'MANUAL') return `confirm it, then sign it off in signoffs.json (item "${id}")`;
  const vars = [...reason.matchAll(/\(set ([A-Z][A-Z0-9_]*(?:(?:,| and| or) [A-Z][A-Z0-9_]*)*) to check it\)/g)].map((m) => m[1]);
  if (vars.length) return `set ${[...new Set(vars)].join(', ')}`;
  if (/read-only run/i.test(reason)) return `run without ASTER_READONLY=1: ${rerunCommand(id)}`;
  if (/did not run in this run|not selected/i.test(reason)) return `run all of its tests (no --project or file filter): ${rerunCommand(id)}`;
  if (/no test for this item/i.test(reason)) return 'no automated check exists for it yet: add one (README "Add a check")';
  return `remove the cause (${reason.slice(0, 120)}) and re-run: ${rerunCommand(id)}`;
}

function notesOf(tests: TestRecord[]): ItemNote[] {
  const seen = new Set<string>();
  const notes: ItemNote[] = [];
  for (const t of tests) {
    for (const a of t.annotations) {
      if (STRUCTURAL.has(a.type) || !a.description) continue;
      const text = stripAnsi(a.description);
      const key = `${a.type}\u0000${text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      notes.push({ type: a.type, text, test: t.title });
    }
  }
  return notes;
}

function sectionStatus(items: ItemReport[]): ItemStatus {
  const inScope = items.filter((i) => i.inScope);
  const has = (s: ItemStatus) => inScope.some((i) => i.status === s);
  if (has('FAIL')) return 'FAIL';
  if (has('NOT_CHECKED') || inScope.length === 0) return 'NOT_CHECKED';
  if (has('WAIVED')) return 'WAIVED';
  if (has('PASS')) return 'PASS';
  return has('MANUAL') ? 'MANUAL' : 'N_A';
}

export interface BuildInput {
  tests: TestRecord[];
  /**
   * The whole suite's checklist tests (every project, no filter), and the keys of those this run
   * selected. `listed` undefined means the listing failed (`listError`): completeness is unknown.
   */
  suite: { listed?: ListedTest[]; listError?: string; selected: string[]; loadErrors?: string[] };
  waivers: Waiver[];
  waiverFileProblems: string[];
  signoffs: Signoff[];
  signoffFileProblems: string[];
  target: LaunchReport['target'];
  /** YYYY-MM-DD, for waiver and sign-off dates. */
  today: string;
  /** Set when Playwright itself reports a failure outside tests (global setup, worker crash). */
  runError?: string;
  /** Absolute directory of the launch report and of Playwright's HTML report: links are relative to the first. */
  paths?: { reportDir: string; playwrightReport: string };
}

export function buildReport(input: BuildInput): LaunchReport {
  const reportDir = input.paths?.reportDir ?? '/reports';
  const htmlReport = linkFrom(reportDir, input.paths?.playwrightReport ?? '/playwright-report');
  const checklistTests = input.tests.filter((t) => t.items.length > 0);
  const byItem = new Map<string, TestRecord[]>();
  for (const t of checklistTests) for (const id of t.items) byItem.set(id, [...(byItem.get(id) ?? []), t]);

  // Which tests the whole suite has for each item, and which of them this run selected.
  const listed = input.suite.listed;
  const selected = new Set(input.suite.selected);
  const listedByItem = new Map<string, ListedTest[]>();
  for (const t of listed ?? []) for (const id of t.items) listedByItem.set(id, [...(listedByItem.get(id) ?? []), t]);
  const partial = (listed ?? []).some((t) => !selected.has(t.key));
  const selectedItems = new Set<string>([...(listed ?? []).filter((t) => selected.has(t.key)).flatMap((t) => t.items), ...byItem.keys()]);

  const waiverProblems = [...input.waiverFileProblems];
  const waiverByItem = new Map<string, Waiver>();
  const known = new Set(SECTIONS.flatMap((s) => s.items.map((i) => i.id)));
  for (const w of input.waivers) {
    if (!known.has(w.item)) waiverProblems.push(`waiver for unknown item ${w.item}: remove it or fix the ID`);
    else if (w.expires < input.today) waiverProblems.push(`waiver for ${w.item} expired on ${w.expires} (${w.tracking}): fix the item or renew the waiver`);
    else waiverByItem.set(w.item, w);
  }

  const signoffProblems = [...input.signoffFileProblems];
  const signoffByItem = new Map<string, Signoff>();
  for (const s of input.signoffs) {
    if (!known.has(s.item)) signoffProblems.push(`sign-off for unknown item ${s.item}: remove it or fix the ID`);
    else if (signoffByItem.has(s.item)) signoffProblems.push(`two sign-offs for ${s.item}: keep one`);
    else if (s.expires < input.today) signoffProblems.push(`sign-off for ${s.item} by ${s.signedBy} expired on ${s.expires}: confirm it again and renew it`);
    else if (s.signedOn > input.today) signoffProblems.push(`sign-off for ${s.item} is dated ${s.signedOn}, in the future: fix the date`);
    else if (s.expires < s.signedOn) signoffProblems.push(`sign-off for ${s.item} expires (${s.expires}) before it was signed (${s.signedOn})`);
    else signoffByItem.set(s.item, s);
  }

  const unexpectedSections = new Set<string>();
  const sections: SectionReport[] = SECTIONS.map((section) => {
    const items: ItemReport[] = section.items.map((item) => {
      const tests = byItem.get(item.id) ?? [];
      const ran = new Set(tests.map((t) => t.key));
      // Tests the whole suite has for this item that produced no result in this run.
      const notRun = (listedByItem.get(item.id) ?? []).filter((t) => !ran.has(t.key));
      const inScope = !partial || selectedItems.has(item.id);
      const base: ItemReport = {
        id: item.id,
        title: item.title,
        kind: item.kindNote,
        status: 'NOT_CHECKED',
        inScope,
        qualified: false,
        notes: notesOf(tests),
        tests: [
          ...tests.map((t) => ({
            title: t.title,
            project: t.project,
            status: t.status,
            file: `${t.file}:${t.line}`,
            error: t.error ? firstLine(t.error) : undefined,
            reportLink: `${htmlReport}/index.html#?testId=${t.id}`,
            evidence: t.attachments
              .filter((a) => !['trace', 'screenshot', 'video'].includes(a.name))
              .map((a) => ({ name: a.name, path: a.path ? linkFrom(reportDir, a.path) : undefined })),
          })),
          ...notRun.map((t) => ({ title: t.title, project: t.project, status: 'not run' as const, file: t.file, evidence: [] })),
        ],
      };
      const finish = (r: ItemReport): ItemReport => {
        if (r.status === 'NOT_CHECKED' || (r.status === 'MANUAL' && !r.signoff)) r.completeWith = completion(item.id, r.status, r.reason ?? '');
        return r;
      };
      if (!inScope) return { ...base, status: item.kind === 'manual' ? 'MANUAL' : 'NOT_CHECKED', reason: 'not selected in this partial run' };
      if (tests.length === 0 && notRun.length === 0) {
        if (item.kind === 'manual') return finish({ ...base, status: 'MANUAL', reason: `An operator must confirm: ${item.title}.` });
        return finish({ ...base, status: 'NOT_CHECKED', reason: 'No test for this item ran in this run (not selected, or no automated check yet).' });
      }
      const s = itemStatus(tests);
      const report: ItemReport = { ...base, status: s.status, reason: s.reason };
      if (s.status !== 'FAIL' && notRun.length > 0) {
        // A pass on whichever subset ran is no pass: every test of the item must have run.
        report.status = 'NOT_CHECKED';
        const which = notRun.map((t) => `${t.title} [${t.project}]`).join('; ');
        report.reason = [
          `${notRun.length} of ${tests.length + notRun.length} test(s) of this item did not run in this run: ${which}`,
          s.status === 'PASS' ? '' : s.reason,
        ]
          .filter(Boolean)
          .join(' | ');
      }
      if (report.status === 'FAIL') {
        report.rerun = rerunCommand(item.id);
        const w = waiverByItem.get(item.id);
        if (w) {
          report.status = 'WAIVED';
          report.waiver = { reason: w.reason, tracking: w.tracking, expires: w.expires };
        }
      } else if (report.status === 'PASS') {
        if (waiverByItem.has(item.id)) waiverProblems.push(`waiver for ${item.id} is stale: the item passes now; remove the waiver`);
        report.qualified = tests.some((t) => t.status === 'passed' && t.annotations.some((a) => a.type === QUALIFIED_ANNOTATION));
      }
      return finish(report);
    });
    const sectionTests = checklistTests.filter((t) => t.items.some((id) => section.items.some((i) => i.id === id)));
    if (sectionTests.length > 0 && sectionTests.every((t) => t.status === 'skipped' && !skipOutcome(t).expected)) {
      unexpectedSections.add(section.tag);
    }
    return { id: String(section.number), number: section.number, title: section.title, tag: section.tag, status: sectionStatus(items), items };
  });

  const all = sections.flatMap((s) => s.items);
  const byId = new Map(all.map((i) => [i.id, i]));
  // Sign-offs apply to MANUAL items only; one for an item that is checked now (or no longer MANUAL) is stale.
  for (const [id, s] of signoffByItem) {
    const it = byId.get(id);
    if (!it) continue;
    if (it.status === 'MANUAL') {
      it.signoff = s;
      it.completeWith = undefined;
    } else if (it.inScope) {
      signoffProblems.push(`sign-off for ${id} is stale: the item is ${it.status} in this run, not MANUAL; remove the sign-off`);
    }
  }

  const scoped = all.filter((i) => i.inScope);
  const count = (s: ItemStatus) => all.filter((i) => i.status === s && i.inScope).length;
  const testsRun = checklistTests.filter((t) => t.status !== 'skipped').length;

  // The suite's own files did not load: what did not run says nothing about the target.
  const suiteError = input.suite.loadErrors?.length
    ? `the suite itself is broken, not the target: ${input.suite.loadErrors.join('; ')}. Fix or update the suite (git status, npm ci), then run again`
    : undefined;
  const noGo: string[] = [];
  const notTheTarget: string[] = [];
  if (count('FAIL')) noGo.push(`${count('FAIL')} item(s) failed`);
  if (testsRun === 0) (suiteError ? notTheTarget : noGo).push('no checklist test ran');
  if (waiverProblems.length) noGo.push(`${waiverProblems.length} waiver problem(s)`);
  if (signoffProblems.length) noGo.push(`${signoffProblems.length} sign-off problem(s)`);
  for (const tag of unexpectedSections) noGo.push(`every test of ${tag} was skipped for an unexpected reason`);
  if (input.runError) (suiteError ? notTheTarget : noGo).push(`the run did not complete: ${input.runError}`);

  const missing: MissingItem[] = scoped
    .filter((i) => i.status === 'NOT_CHECKED' || (i.status === 'MANUAL' && !i.signoff))
    .map((i) => ({ item: i.id, title: i.title, status: i.status, reason: i.reason ?? '', completeWith: i.completeWith ?? '' }));

  const selfTest = /^standin\b/.test(input.target.kind ?? '');
  const incomplete: string[] = suiteError ? [`SUITE ERROR: ${suiteError}`, ...notTheTarget] : [];
  const byStatus = (s: ItemStatus) => missing.filter((m) => m.status === s).length;
  if (byStatus('NOT_CHECKED'))
    incomplete.push(`${byStatus('NOT_CHECKED')} item(s) not checked (see "missing" for the variable or re-run that would check each)`);
  if (byStatus('MANUAL')) incomplete.push(`${byStatus('MANUAL')} manual item(s) without a sign-off in signoffs.json`);
  if (partial)
    incomplete.push(`PARTIAL run: ${selectedItems.size} of ${all.length} items selected; the others were not checked, so this is no verdict on the checklist`);
  if (selfTest) incomplete.push('SELF-TEST: the target is the suite’s own stand-in; this run tests the suite, not AsterDrive, and is never a launch GO');
  if (!listed && !suiteError)
    incomplete.push(`the whole suite could not be listed (${input.suite.listError ?? 'no listing'}), so no item can be shown to have run all its tests`);
  if (!input.target.kind) incomplete.push('the target is unknown (global setup did not report it)');

  const verdict: Verdict = noGo.length ? 'NO_GO' : incomplete.length ? 'INCOMPLETE' : 'GO';
  const selectionComplete = noGo.length === 0 && missing.length === 0;

  return {
    verdict,
    verdictReasons: [...noGo, ...incomplete],
    noGoReasons: noGo,
    incompleteReasons: incomplete,
    partial,
    selfTest,
    ...(selfTest ? { selfTestPassed: noGo.length === 0 && !suiteError } : {}),
    ...(suiteError ? { suiteError } : {}),
    scope: {
      selectedItems: all.filter((i) => i.inScope && (!partial || selectedItems.has(i.id))).map((i) => i.id),
      selectionComplete,
      listedTests: listed?.length ?? 0,
      selectedTests: listed ? listed.filter((t) => selected.has(t.key)).length : checklistTests.length,
      ...(listed ? {} : { listError: input.suite.listError ?? 'no listing' }),
    },
    missing,
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
      total: scoped.length,
      testsRun,
      signedOff: scoped.filter((i) => i.signoff).length,
      qualified: scoped.filter((i) => i.qualified).length,
    },
    sections,
    waiverProblems,
    signoffProblems,
    cleanupProblems: input.tests.flatMap((t) =>
      t.annotations.filter((a) => a.type === 'cleanup_failed').map((a) => `${t.title}: ${stripAnsi(a.description ?? '')}`),
    ),
    safetyNotes: input.tests.flatMap((t) =>
      t.annotations.filter((a) => SAFETY_NOTES.has(a.type)).map((a) => `${a.type.replace('_', ' ')}: ${stripAnsi(a.description ?? '')}`),
    ),
    links: {
      playwrightReport: `${htmlReport}/index.html`,
      markdown: 'launch-report.md',
      json: 'launch-report.json',
      html: 'launch-report.html',
    },
  };
}

/** The process exit status for a verdict: 0 GO, 1 NO_GO, 3 INCOMPLETE (2: the suite itself could not run). */
export const EXIT_CODES: Record<Verdict, number> = { GO: 0, NO_GO: 1, INCOMPLETE: 3 };
export const SUITE_ERROR_EXIT = 2;

/**
 * The exit status of a launch run, from the one Playwright chose and the verdict: a failure
 * Playwright saw (1) or an interrupt (130) always stands, so a failed test never yields 0. A
 * suite that does not load exits 2 unless a test failed or the run was interrupted.
 */
export function exitCodeFor(playwrightCode: number, verdict: Verdict, suiteError = false): number {
  if (playwrightCode === 130) return playwrightCode;
  if (suiteError) return SUITE_ERROR_EXIT;
  if (playwrightCode !== 0) return playwrightCode;
  return EXIT_CODES[verdict];
}
