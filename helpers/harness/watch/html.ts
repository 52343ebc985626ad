/** reports/watch.html: one inline-SVG plot per signal (no external library), the flags, the rounds. */
import { SIGNAL_GROUPS, type SignalGroup } from './signals.js';
import { seriesOf, type WatchFile } from './trend.js';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#be185d', '#4d7c0f', '#64748b'];
const MAX_SERIES = 8;

function plot(file: WatchFile, group: SignalGroup): string {
  const all = [...seriesOf(file.rounds, group)];
  const flagged = new Set(file.flags.filter((f) => f.group === group).map((f) => f.series));
  // The busiest series first (flagged ones always shown); the rest are counted below the plot.
  const series = all
    .sort((a, b) => Number(flagged.has(b[0])) - Number(flagged.has(a[0])) || Math.max(...b[1].map((v) => v ?? 0)) - Math.max(...a[1].map((v) => v ?? 0)))
    .slice(0, MAX_SERIES);
  const title = SIGNAL_GROUPS[group];
  if (series.length === 0) {
    const why = file.rounds
      .flatMap((r) => r.problems)
      .find((p) => p.startsWith(group === 'errors' || group === 'uploads' ? 'metrics' : group === 'disk' ? 'disk' : 'admin'));
    const note = group === 'disk' && !why ? 'not read: set ASTER_DATA_DIR (the watch runs on the server host)' : (why ?? 'no value read yet');
    return `<section class="plot"><h2>${esc(title)}</h2><p class="empty">${esc(note)}</p></section>`;
  }
  const W = 560;
  const H = 220;
  const L = 48;
  const R = 12;
  const T = 12;
  const B = 28;
  const n = file.rounds.length;
  const max = Math.max(1, ...series.flatMap(([, v]) => v.filter((x): x is number => x !== undefined)));
  const x = (i: number) => L + (n <= 1 ? (W - L - R) / 2 : (i * (W - L - R)) / (n - 1));
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const grid = [0, 0.5, 1]
    .map((f) => {
      const v = max * f;
      return `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end">${esc(Number(v.toFixed(2)))}</text>`;
    })
    .join('');
  const ticks = file.rounds
    .map((r, i) => (n <= 12 || i % Math.ceil(n / 12) === 0 ? `<text x="${x(i)}" y="${H - 8}" text-anchor="middle">${r.n}</text>` : ''))
    .join('');
  const failed = file.rounds
    .map((r, i) =>
      r.error ? `<line x1="${x(i)}" x2="${x(i)}" y1="${T}" y2="${H - B}" class="failed"><title>round ${r.n} failed: ${esc(r.error)}</title></line>` : '',
    )
    .join('');
  const lines = series
    .map(([name, values], k) => {
      const color = flagged.has(name) ? '#dc2626' : COLORS[k % COLORS.length];
      const pts = values.map((v, i) => (v === undefined ? undefined : `${x(i).toFixed(1)},${y(v).toFixed(1)}`));
      // A gap where a round did not read the series.
      const segments: string[][] = [[]];
      for (const p of pts) {
        if (p) segments[segments.length - 1].push(p);
        else if (segments[segments.length - 1].length) segments.push([]);
      }
      const path = segments
        .filter((s) => s.length)
        .map(
          (s) =>
            `<polyline points="${s.join(' ')}" fill="none" stroke="${color}" stroke-width="${flagged.has(name) ? 3 : 2}"${flagged.has(name) ? ' stroke-dasharray="6 3"' : ''}/>`,
        )
        .join('');
      const dots = values
        .map((v, i) =>
          v === undefined
            ? ''
            : `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"><title>${esc(name)}, round ${file.rounds[i].n}: ${v}</title></circle>`,
        )
        .join('');
      return path + dots;
    })
    .join('');
  const legend = series
    .map(([name, values], k) => {
      const last = [...values].reverse().find((v) => v !== undefined);
      const bad = flagged.has(name);
      return `<li${bad ? ' class="worse"' : ''}><span class="swatch" style="background:${bad ? '#dc2626' : COLORS[k % COLORS.length]}"></span>${esc(name)}: <b>${esc(last ?? '–')}</b>${bad ? ' — <b>WORSE round after round</b>' : ''}</li>`;
    })
    .join('');
  const more = all.length > series.length ? `<p class="more">${all.length - series.length} more series in watch.json</p>` : '';
  return `<section class="plot${flagged.size ? ' flagged' : ''}" data-group="${group}"><h2>${esc(title)}</h2>
<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${grid}${failed}${lines}${ticks}</svg>
<p class="axis">x: round · y: ${esc(group === 'disk' ? 'MiB' : 'count')}</p><ul class="legend">${legend}</ul>${more}</section>`;
}

export function renderWatchHtml(file: WatchFile): string {
  const failed = file.rounds.filter((r) => r.error).length;
  const state = file.done ? `finished ${esc(file.finishedAt ?? '')}` : `running: round ${file.rounds.length} of ${file.plannedRounds}`;
  const flags = file.flags.length
    ? `<div class="flags"><h2>Getting worse round after round (${file.flags.length})</h2><ul>${file.flags.map((f) => `<li><b>${esc(SIGNAL_GROUPS[f.group])}</b>: ${esc(f.why)}</li>`).join('')}</ul></div>`
    : `<div class="calm">No signal got worse in each of the last ${file.worseAfter} rounds.</div>`;
  const rows = file.rounds
    .map(
      (r) =>
        `<tr${r.error ? ' class="failed"' : ''}><td>${r.n}</td><td>${esc(r.startedAt)}</td><td>${(r.durationMs / 1000).toFixed(1)} s</td><td>${
          r.error ? `FAILED: ${esc(r.error)}` : esc(r.problems.join('; ') || 'ok')
        }</td></tr>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>First-day watch: ${esc(file.target)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#0f172a;background:#f8fafc}
h1{font-size:20px;margin:0 0 4px}.meta{color:#475569;margin:0 0 16px}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(580px,1fr));gap:16px}
.plot{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px}.plot.flagged{border-color:#dc2626}
.plot h2{font-size:15px;margin:0 0 8px}svg text{font-size:11px;fill:#475569}.grid{stroke:#e2e8f0}.failed{stroke:#f87171;stroke-dasharray:2 3}
.legend{list-style:none;padding:0;margin:6px 0 0}.legend li{margin:2px 0}.legend .worse{color:#b91c1c}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px}
.flags{background:#fef2f2;border:1px solid #fca5a5;border-radius:8px;padding:8px 12px;margin-bottom:16px}.flags h2{font-size:15px;margin:4px 0;color:#b91c1c}
.calm{background:#f0fdf4;border:1px solid #86efac;border-radius:8px;padding:8px 12px;margin-bottom:16px}
.empty,.more,.axis{color:#64748b}.axis{font-size:12px;margin:0}table{border-collapse:collapse;margin-top:16px;background:#fff}td,th{border:1px solid #e2e8f0;padding:4px 8px;text-align:left}tr.failed td{background:#fef2f2}
</style></head><body>
<h1>First-day watch (checklist section 11)</h1>
<p class="meta">${esc(file.target)} · every ${esc(file.everyMinutes)} min for ${esc(file.forHours)} h · ${file.rounds.length} of ${file.plannedRounds} round(s), ${failed} failed · ${state} · started ${esc(file.startedAt)}<br>Read-only: ${esc(file.readOnly)}. Data: <a href="watch.json">watch.json</a></p>
${flags}
<div class="plots">${(Object.keys(SIGNAL_GROUPS) as SignalGroup[]).map((g) => plot(file, g)).join('\n')}</div>
<table><thead><tr><th>round</th><th>started</th><th>took</th><th>problems</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>
`;
}
