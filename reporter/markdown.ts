/** reports/launch-report.md: the filled-in checklist for people, one table per section; and the terminal summary. */
import type { ItemReport, ItemStatus, LaunchReport, Verdict } from './model.js';

export const ICON: Record<ItemStatus, string> = {
  PASS: '✅ PASS',
  FAIL: '❌ FAIL',
  WAIVED: '⚠️ WAIVED',
  NOT_CHECKED: '⬜ NOT_CHECKED',
  MANUAL: '👤 MANUAL',
  N_A: '➖ N_A',
};

export const VERDICT_ICON: Record<Verdict, string> = { GO: '🟢 GO', NO_GO: '🔴 NO-GO', INCOMPLETE: '🟡 INCOMPLETE' };

const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The headline: the verdict, and PARTIAL / SELF-TEST when the run is one. */
export function headline(r: LaunchReport): string {
  const tags = [
    r.suiteError ? 'SUITE_ERROR' : '',
    r.partial ? 'PARTIAL' : '',
    r.selfTest ? (r.selfTestPassed ? 'SELF_TEST_PASSED' : 'SELF_TEST_FAILED') : '',
  ].filter(Boolean);
  return `${r.verdict}${tags.length ? ` (${tags.join(', ')})` : ''}`;
}

/** Plain-language scope warnings shown above everything else. */
export function scopeNotes(r: LaunchReport): string[] {
  const notes: string[] = [];
  if (r.suiteError) notes.push(`SUITE ERROR (exit 2): ${r.suiteError}. Nothing in this report is a finding about the target.`);
  if (r.partial) {
    const outcome = r.counts.FAIL
      ? 'at least one of them FAILS'
      : r.scope.selectionComplete
        ? 'every selected item is checked and passes'
        : 'some selected items are not checked';
    notes.push(
      `PARTIAL run: only ${r.scope.selectedItems.length} of ${r.sections.flatMap((s) => s.items).length} items were selected (${r.scope.selectedTests} of ${r.scope.listedTests} checklist tests); ${outcome}. This is not a verdict on the checklist: never GO. Run \`npx playwright test\` without filters for one.`,
    );
  }
  if (r.selfTest) {
    notes.push(
      `SELF-TEST: the target is the suite's own stand-in, so this run tests the suite, not AsterDrive (${r.selfTestPassed ? 'self-test passed' : 'self-test FAILED'}). Never a launch GO: set ASTER_BASE_URL to your deployment (or ASTER_DRIVE_BIN to a real binary).`,
    );
  }
  if (r.scope.listError && !r.suiteError)
    notes.push(`The whole suite could not be listed (${r.scope.listError}): no item can be shown to have run all its tests.`);
  return notes;
}

/** What a person reads in the Details column. */
export function details(i: ItemReport, testTitles = true): string {
  const parts: string[] = [];
  if (i.status === 'WAIVED') parts.push(`waived until ${i.waiver?.expires}: ${i.waiver?.reason} (${i.waiver?.tracking})`);
  else if (i.signoff) parts.push(`signed off by ${i.signoff.signedBy} on ${i.signoff.signedOn} (until ${i.signoff.expires}): ${i.signoff.confirmed}`);
  else if (i.reason) parts.push(i.reason);
  else if (testTitles) parts.push(i.tests.map((t) => t.title).join('; '));
  if (i.completeWith) parts.push(`to complete: ${i.completeWith}`);
  for (const n of i.notes) parts.push(`${n.type === 'qualified' ? 'QUALIFIED' : n.type}: ${n.text}`);
  return parts.join(' — ');
}

export function statusLabel(i: ItemReport, icons = true): string {
  const label = icons ? ICON[i.status] : i.status;
  if (i.status === 'PASS' && i.qualified) return `${label} (qualified)`;
  if (i.status === 'MANUAL' && i.signoff) return `${label} (signed off)`;
  if (!i.inScope) return `${label} (not selected)`;
  return label;
}

export function renderMarkdown(r: LaunchReport): string {
  const out: string[] = [];
  out.push(`# AsterDrive launch report: ${VERDICT_ICON[r.verdict]}${r.partial ? ' — PARTIAL run' : ''}${r.selfTest ? ' — SELF-TEST (stand-in)' : ''}`);
  out.push('');
  for (const n of scopeNotes(r)) out.push(`> **${n.split(':')[0]}**:${n.slice(n.indexOf(':') + 1)}`, '');
  out.push(`Target: ${r.target.baseURL ?? 'unknown'} (${r.target.description ?? r.target.kind ?? 'unknown'}), run ${r.target.runId ?? '-'}, ${r.generatedAt}`);
  out.push('');
  const c = r.counts;
  out.push(
    `**${c.checked} of ${c.total} ${r.partial ? 'selected ' : ''}items checked** by ${c.testsRun} test(s): ${c.PASS} pass (${c.qualified} qualified), ${c.FAIL} fail, ${c.WAIVED} waived, ${c.NOT_CHECKED} not checked, ${c.MANUAL} manual (${c.signedOff} signed off), ${c.N_A} not applicable.`,
  );
  out.push('', `HTML: [launch-report.html](${r.links.html}) · Playwright report: [index.html](${r.links.playwrightReport})`);
  if (r.noGoReasons.length) {
    out.push('', 'NO-GO because:');
    for (const reason of r.noGoReasons) out.push(`- ${reason}`);
  }
  if (r.incompleteReasons.length) {
    out.push('', r.noGoReasons.length ? 'Also not complete:' : 'Not GO because it is incomplete:');
    for (const reason of r.incompleteReasons) out.push(`- ${reason}`);
  }
  const failed = r.sections.flatMap((s) => s.items).filter((i) => i.status === 'FAIL');
  if (failed.length) {
    out.push('', '## Failures', '');
    for (const i of failed) {
      out.push(`### ${i.id} ${i.title}`);
      for (const t of i.tests.filter((t) => t.status !== 'passed' && t.status !== 'skipped' && t.status !== 'not run')) {
        out.push(`- ${t.title} (${t.file}): ${t.error ?? t.status} — [report](${t.reportLink})`);
      }
      out.push(`- re-run: \`${i.rerun}\``, '');
    }
  }
  if (r.missing.length) {
    out.push('', `## Missing for GO (${r.missing.length})`, '', '| Item | Status | Why | To complete |', '| --- | --- | --- | --- |');
    for (const m of r.missing) out.push(`| ${m.item} | ${ICON[m.status]} | ${cell(m.reason)} | ${cell(m.completeWith)} |`);
  }
  for (const s of r.sections) {
    out.push('', `## ${s.number}. ${s.title} — ${ICON[s.status]}`, '');
    out.push('| Item | Check | Status | Details | Evidence |', '| --- | --- | --- | --- | --- |');
    for (const i of s.items) {
      const evidence = i.tests.flatMap((t) => t.evidence.filter((e) => e.path).map((e) => `[${e.name}](${e.path})`)).join(' ');
      out.push(`| ${i.id} | ${cell(i.title)} | ${statusLabel(i)} | ${cell(details(i))} | ${evidence} |`);
    }
  }
  if (r.waiverProblems.length) {
    out.push('', '## Waiver problems', '');
    for (const p of r.waiverProblems) out.push(`- ${p}`);
  }
  if (r.signoffProblems.length) {
    out.push('', '## Sign-off problems', '');
    for (const p of r.signoffProblems) out.push(`- ${p}`);
  }
  if (r.cleanupProblems.length) {
    out.push('', '## Cleanup problems (test data that may be left on the target; run `npm run cleanup`)', '');
    for (const p of r.cleanupProblems) out.push(`- ${cell(p)}`);
  }
  if (r.safetyNotes?.length) {
    out.push('', '## Safety notes (removed by the teardown sweep, or changed by someone else)', '');
    for (const p of r.safetyNotes) out.push(`- ${cell(p)}`);
  }
  out.push('');
  return out.join('\n');
}

/** The terminal summary. `reportsDir`: where the reports were written, as the user would type it. */
export function renderSummary(r: LaunchReport, reportsDir = 'reports'): string {
  const c = r.counts;
  const lines = [
    `Launch verdict: ${headline(r)} — ${c.checked}/${c.total} ${r.partial ? 'selected ' : ''}items checked (${c.PASS} pass, ${c.FAIL} fail, ${c.WAIVED} waived, ${c.NOT_CHECKED} not checked, ${c.MANUAL} manual, ${c.signedOff} signed off, ${c.N_A} n/a)`,
  ];
  for (const n of scopeNotes(r)) lines.push(`  ${n}`);
  for (const s of r.sections) {
    const inScope = s.items.filter((i) => i.inScope);
    if (inScope.length === 0) continue;
    const n = (st: ItemStatus) => inScope.filter((i) => i.status === st).length;
    lines.push(
      `  ${String(s.number).padStart(2)}. ${s.title.padEnd(42).slice(0, 42)} ${s.status.padEnd(11)} ${n('PASS')}✓ ${n('FAIL')}✗ ${n('NOT_CHECKED')}? ${n('MANUAL')}👤`,
    );
  }
  for (const reason of r.noGoReasons) lines.push(`  NO-GO: ${reason}`);
  for (const reason of r.incompleteReasons) lines.push(`  INCOMPLETE: ${reason}`);
  const shown = r.missing.slice(0, 15);
  if (shown.length) lines.push('  Missing for GO:');
  for (const m of shown) lines.push(`    ${m.item.padEnd(5)} ${m.status.padEnd(11)} ${m.completeWith}`);
  if (r.missing.length > shown.length) lines.push(`    … and ${r.missing.length - shown.length} more (see the report)`);
  lines.push(`  Report: ${reportsDir}/launch-report.html (and .md, .json), Playwright's: npx playwright show-report`);
  return lines.join('\n');
}
