/**
 * reports/launch-report.html: the filled-in checklist a person opens in a browser. One
 * self-contained page (no scripts, no external assets): the verdict on top, what is missing for
 * GO, failures, one table per section, links to evidence and to Playwright's HTML report.
 */
import { details, headline, scopeNotes, statusLabel } from './markdown.js';
import type { ItemReport, ItemStatus, LaunchReport, Verdict } from './model.js';

const esc = (s: string | number | undefined) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/** Only relative links and http(s) links become hrefs. */
const href = (s: string | undefined) => (s && (/^https?:\/\//i.test(s) || !/^[a-z][a-z0-9+.-]*:/i.test(s)) ? esc(s) : '#');

const VERDICT_CLASS: Record<Verdict, string> = { GO: 'go', NO_GO: 'nogo', INCOMPLETE: 'incomplete' };
const STATUS_CLASS: Record<ItemStatus, string> = { PASS: 'pass', FAIL: 'fail', WAIVED: 'waived', NOT_CHECKED: 'notchecked', MANUAL: 'manual', N_A: 'na' };

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
main{max-width:1280px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:26px}h2{margin:28px 0 8px;font-size:18px}
.verdict{border-radius:10px;padding:18px 22px;color:#fff;margin-bottom:16px}
.verdict.go{background:#1f7a3a}.verdict.nogo{background:#b3261e}.verdict.incomplete{background:#a06700}
.verdict .big{font-size:32px;font-weight:700;letter-spacing:.5px}
.verdict ul{margin:8px 0 0 18px;padding:0}
.scope{border:2px solid #a06700;background:#fff4e0;border-radius:8px;padding:10px 14px;margin:8px 0;font-weight:600}
.meta{color:#4b5565;margin:6px 0}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.08)}
th,td{border-bottom:1px solid #e3e6eb;padding:6px 8px;text-align:left;vertical-align:top}
th{background:#eef0f4;font-weight:600}
table.items{table-layout:fixed}table.items col.id{width:56px}table.items col.check{width:26%}table.items col.status{width:170px}table.items col.tests{width:20%}table.items col.ev{width:14%}
td{overflow-wrap:anywhere}
td.id{white-space:nowrap;font-weight:600}
.st{white-space:nowrap;font-weight:600;border-radius:4px;padding:1px 6px;display:inline-block}
.st.pass{background:#dff3e4;color:#1f7a3a}.st.fail{background:#fbe0de;color:#b3261e}.st.waived{background:#fff0c2;color:#7a5400}
.st.notchecked{background:#eceff3;color:#4b5565}.st.manual{background:#e4ecfb;color:#2346a0}.st.na{background:#f1f1f1;color:#777}
tr.out td{color:#9aa1ac}
.note{display:block;margin-top:3px;font-size:13px;color:#4b5565}.note.qualified{color:#7a5400;font-weight:600}
.todo{display:block;margin-top:3px;font-size:13px;color:#2346a0}
code{background:#eef0f4;padding:0 3px;border-radius:3px}
a{color:#1a56c4}
`;

function statusCell(i: ItemReport): string {
  return `<span class="st ${STATUS_CLASS[i.status]}">${esc(statusLabel(i, false))}</span>`;
}

function itemRow(i: ItemReport): string {
  const main = details({ ...i, notes: [], completeWith: undefined }, false);
  const notes = i.notes.map(
    (n) => `<span class="note ${n.type === 'qualified' ? 'qualified' : ''}">${esc(n.type === 'qualified' ? 'QUALIFIED' : n.type)}: ${esc(n.text)}</span>`,
  );
  const todo = i.completeWith ? `<span class="todo">To complete: ${esc(i.completeWith)}</span>` : '';
  const tests = i.tests
    .map(
      (t) =>
        `${t.reportLink ? `<a href="${href(t.reportLink)}">${esc(t.title)}</a>` : esc(t.title)} <small>[${esc(t.project)}] ${esc(t.status)}${t.error ? `: ${esc(t.error)}` : ''}</small>`,
    )
    .join('<br>');
  const evidence = i.tests.flatMap((t) => t.evidence.filter((e) => e.path).map((e) => `<a href="${href(e.path)}">${esc(e.name)}</a>`)).join('<br>');
  return `<tr class="${i.inScope ? '' : 'out'}" id="item-${esc(i.id)}"><td class="id">${esc(i.id)}</td><td>${esc(i.title)}</td><td>${statusCell(i)}</td><td>${esc(main)}${notes.join('')}${todo}${
    i.rerun ? `<span class="todo">Re-run: <code>${esc(i.rerun)}</code></span>` : ''
  }</td><td>${tests}</td><td>${evidence}</td></tr>`;
}

export function renderHtml(r: LaunchReport): string {
  const c = r.counts;
  const out: string[] = [];
  out.push(
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>AsterDrive launch report: ${esc(headline(r))}</title><style>${CSS}</style></head><body><main>`,
  );
  out.push(`<div class="verdict ${VERDICT_CLASS[r.verdict]}"><div class="big">${esc(headline(r).replace('NO_GO', 'NO-GO'))}</div>`);
  out.push(
    `<div>${c.checked} of ${c.total} ${r.partial ? 'selected ' : ''}items checked by ${c.testsRun} test(s): ${c.PASS} pass (${c.qualified} qualified), ${c.FAIL} fail, ${c.WAIVED} waived, ${c.NOT_CHECKED} not checked, ${c.MANUAL} manual (${c.signedOff} signed off), ${c.N_A} not applicable.</div>`,
  );
  const reasons = [...r.noGoReasons.map((x) => `NO-GO: ${x}`), ...r.incompleteReasons.map((x) => `Incomplete: ${x}`)];
  if (reasons.length) out.push(`<ul>${reasons.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`);
  out.push('</div>');
  for (const n of scopeNotes(r)) out.push(`<div class="scope">${esc(n)}</div>`);
  out.push(
    `<p class="meta">Target: ${esc(r.target.baseURL ?? 'unknown')} (${esc(r.target.description ?? r.target.kind ?? 'unknown')}), run ${esc(r.target.runId ?? '-')}, ${esc(r.generatedAt)} · <a href="${href(r.links.playwrightReport)}">Playwright HTML report</a> · <a href="${href(r.links.markdown)}">Markdown</a> · <a href="${href(r.links.json)}">JSON</a></p>`,
  );
  if (r.missing.length) {
    out.push(`<h2>Missing for GO (${r.missing.length})</h2><table><thead><tr><th>Item</th><th>Status</th><th>Why</th><th>To complete</th></tr></thead><tbody>`);
    for (const m of r.missing) {
      out.push(
        `<tr><td class="id"><a href="#item-${esc(m.item)}">${esc(m.item)}</a></td><td><span class="st ${STATUS_CLASS[m.status]}">${esc(m.status)}</span></td><td>${esc(m.reason)}</td><td>${esc(m.completeWith)}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  const problems = [
    ...r.waiverProblems.map((p) => `waiver: ${p}`),
    ...r.signoffProblems.map((p) => `sign-off: ${p}`),
    ...r.cleanupProblems.map((p) => `cleanup: ${p}`),
  ];
  if (problems.length) out.push(`<h2>Problems</h2><ul>${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`);
  if (r.safetyNotes?.length) out.push(`<h2>Safety notes</h2><ul>${r.safetyNotes.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`);
  for (const s of r.sections) {
    out.push(
      `<h2 id="section-${s.number}">${s.number}. ${esc(s.title)} <span class="st ${STATUS_CLASS[s.status]}">${esc(s.status)}</span></h2>`,
      '<table class="items"><colgroup><col class="id"><col class="check"><col class="status"><col><col class="tests"><col class="ev"></colgroup>',
      '<thead><tr><th>Item</th><th>Check</th><th>Status</th><th>Details</th><th>Tests</th><th>Evidence</th></tr></thead><tbody>',
      ...s.items.map(itemRow),
      '</tbody></table>',
    );
  }
  out.push('</main></body></html>', '');
  return out.join('\n');
}
