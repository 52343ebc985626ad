/**
 * Which items need which access, read from the specs' own declarations
 * (`checks(['5.4'], '@own-data', { needs: ['mailpit'] })`), so the start screen and the README's
 * table cannot drift from what the checks ask for. Read as text: the runner and the scripts that
 * use it do not load the specs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TESTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests');

/** `checks([ids], 'safety', { ... needs: [...] ... })`, across lines. */
const CHECKS_CALL = /checks\(\s*\[([^\]]*)\]\s*,\s*'[^']*'\s*(?:,\s*\{([^}]*)\})?\s*\)/g;

let cache: Map<string, string[]> | undefined;

/** need → the item IDs of the checks that declare it, in checklist order. */
export function declaredNeeds(testsDir = TESTS): Map<string, string[]> {
  if (cache && testsDir === TESTS) return cache;
  const out = new Map<string, Set<string>>();
  const files = readdirSync(testsDir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.spec.ts'));
  for (const f of files) {
    for (const m of readFileSync(path.join(testsDir, f), 'utf8').matchAll(CHECKS_CALL)) {
      const needs = m[2]?.match(/needs:\s*\[([^\]]*)\]/)?.[1];
      if (!needs) continue;
      const ids = [...m[1].matchAll(/'([\d.]+)'/g)].map((x) => x[1]);
      for (const need of [...needs.matchAll(/'([\w-]+)'/g)].map((x) => x[1])) {
        out.set(need, new Set([...(out.get(need) ?? []), ...ids]));
      }
    }
  }
  const sorted = new Map([...out].map(([k, v]) => [k, sortItems([...v])]));
  if (testsDir === TESTS) cache = sorted;
  return sorted;
}

function sortItems(ids: string[]): string[] {
  const key = (id: string) => id.split('.').map(Number);
  return [...new Set(ids)].sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]);
}

/** `1.1-1.5, 3.1` → ['1.1', …, '1.5', '3.1']. */
export function expandItems(items: string): string[] {
  const out: string[] = [];
  for (const part of items.split(',').map((s) => s.trim())) {
    const m = part.match(/^(\d+)\.(\d+)(?:-(\d+)\.(\d+))?$/);
    if (!m) continue;
    const last = m[3] ? Number(m[4]) : Number(m[2]);
    for (let n = Number(m[2]); n <= last; n++) out.push(`${m[1]}.${n}`);
  }
  return out;
}

/** ['1.1', '1.2', '1.3', '3.1'] → `1.1-1.3, 3.1`; two in a row stay a list. */
export function compactItems(ids: string[]): string {
  const parts: string[] = [];
  const sorted = sortItems(ids).map((id) => id.split('.').map(Number));
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1][0] === sorted[i][0] && sorted[j + 1][1] === sorted[j][1] + 1) j++;
    const [s, a] = sorted[i];
    // Three or more in a row make a range; two stay a list (`9.1, 9.2`).
    if (j - i >= 2) {
      parts.push(`${s}.${a}-${s}.${sorted[j][1]}`);
      i = j + 1;
    } else {
      parts.push(`${s}.${a}`);
      i++;
    }
  }
  return parts.join(', ');
}
