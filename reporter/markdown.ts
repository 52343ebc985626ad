/** reports/launch-report.md: the filled-in checklist for people, one table per section. */
import type { ItemStatus, LaunchReport } from './model.js';

const ICON: Record<ItemStatus, string> = {
  PASS: '✅ PASS',
  FAIL: '❌ FAIL',
  WAIVED: '⚠️ WAIVED',
  NOT_CHECKED: '⬜ NOT_CHECKED',
  MANUAL: '👤 MANUAL',
  N_A: '➖ N_A',
};

const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(r: LaunchReport): string {
  const out: string[] = [];
  out.push(`# AsterDrive launch report: ${r.verdict === 'GO' ? '🟢 GO' : '🔴 NO-GO'}`);
  out.push('');
  out.push(`Target: ${r.target.baseURL ?? 'unknown'} (${r.target.kind ?? 'unknown'}), run ${r.target.runId ?? '-'}, ${r.generatedAt}`);
  out.push('');
  const c = r.counts;
  out.push(
    `**${c.checked} of ${c.total} items checked** by ${c.testsRun} test(s): ${c.PASS} pass, ${c.FAIL} fail, ${c.WAIVED} waived, ${c.NOT_CHECKED} not checked, ${c.MANUAL} manual, ${c.N_A} not applicable.`,
  );
  if (r.verdictReasons.length) {
    out.push('');
    out.push('Why not GO:');
    for (const reason of r.verdictReasons) out.push(`- ${reason}`);
  }
  const failed = r.sections.flatMap((s) => s.items).filter((i) => i.status === 'FAIL');
  if (failed.length) {
    out.push('', '## Failures', '');
    for (const i of failed) {
      out.push(`### ${i.id} ${i.title}`);
      for (const t of i.tests.filter((t) => t.status !== 'passed' && t.status !== 'skipped')) {
        out.push(`- ${t.title} (${t.file}): ${t.error ?? t.status} — [report](${t.reportLink})`);
      }
      out.push(`- re-run: \`${i.rerun}\``, '');
    }
  }
  for (const s of r.sections) {
    out.push('', `## ${s.number}. ${s.title} — ${ICON[s.status]}`, '');
    out.push('| Item | Check | Status | Details | Evidence |', '| --- | --- | --- | --- | --- |');
    for (const i of s.items) {
      const details =
        i.status === 'WAIVED'
          ? `waived until ${i.waiver?.expires}: ${i.waiver?.reason} (${i.waiver?.tracking})`
          : (i.reason ?? i.tests.map((t) => t.title).join('; '));
      const evidence = i.tests.flatMap((t) => t.evidence.filter((e) => e.path).map((e) => `[${e.name}](${relative(e.path ?? '')})`)).join(' ');
      out.push(`| ${i.id} | ${cell(i.title)} | ${ICON[i.status]} | ${cell(details)} | ${evidence} |`);
    }
  }
  if (r.waiverProblems.length) {
    out.push('', '## Waiver problems', '');
    for (const p of r.waiverProblems) out.push(`- ${p}`);
  }
  if (r.cleanupProblems.length) {
    out.push('', '## Cleanup problems (test data that may be left on the target; run `npm run cleanup`)', '');
    for (const p of r.cleanupProblems) out.push(`- ${cell(p)}`);
  }
  out.push('');
  return out.join('\n');
}

/** Links relative to reports/launch-report.md. */
function relative(p: string): string {
  const evidence = p.indexOf('/evidence/');
  if (evidence >= 0) return p.slice(evidence + 1);
  const results = p.indexOf('/test-results/');
  return results >= 0 ? `..${p.slice(results)}` : p;
}

export function renderSummary(r: LaunchReport): string {
  const lines = [
    `Launch verdict: ${r.verdict} — ${r.counts.checked}/${r.counts.total} items checked (${r.counts.PASS} pass, ${r.counts.FAIL} fail, ${r.counts.WAIVED} waived, ${r.counts.NOT_CHECKED} not checked, ${r.counts.MANUAL} manual, ${r.counts.N_A} n/a)`,
  ];
  for (const s of r.sections) {
    const n = (st: ItemStatus) => s.items.filter((i) => i.status === st).length;
    lines.push(
      `  ${String(s.number).padStart(2)}. ${s.title.padEnd(42).slice(0, 42)} ${s.status.padEnd(11)} ${n('PASS')}✓ ${n('FAIL')}✗ ${n('NOT_CHECKED')}? ${n('MANUAL')}👤`,
    );
  }
  for (const reason of r.verdictReasons) lines.push(`  NO-GO: ${reason}`);
  lines.push('  Report: reports/launch-report.md (and .json), HTML: npx playwright show-report');
  return lines.join('\n');
}
