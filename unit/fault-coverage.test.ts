/**
 * A check that cannot fail gives false confidence: every checklist item the suite checks must be
 * turned FAIL by at least one fault of the fault matrix (or be listed in faults/exempt.ts with why).
 */
import { expect, test } from '@playwright/test';
import { FAULTS } from '../faults/catalogue.js';
import { NO_FAULT } from '../faults/exempt.js';
import { coverageTable } from '../faults/table.js';
import { findItem } from '../helpers/catalogue/checklist.js';
import { listSuite } from './support/list-suite.js';

test('every checked item is proved by a fault that makes it fail', () => {
  const checked = new Set(listSuite().flatMap((t) => t.annotations.filter((a) => a.type === 'checklist').map((a) => String(a.description))));
  const proved = new Set(FAULTS.flatMap((f) => f.fails));
  const missing = [...checked].filter((id) => findItem(id)?.item.kind !== 'manual' && !proved.has(id) && !(id in NO_FAULT)).sort();
  expect(missing, 'add a fault to faults/catalogue.ts that makes each of these items FAIL').toEqual([]);
});

test('every fault is well formed: it fails only items it runs, and names real items', () => {
  const problems: string[] = [];
  for (const f of FAULTS) {
    for (const id of [...f.runs, ...f.fails]) if (!findItem(id)) problems.push(`${f.name}: unknown item ${id}`);
    for (const id of f.fails) if (!f.runs.includes(id)) problems.push(`${f.name}: fails ${id} but does not run it`);
    if (f.fails.length === 0) problems.push(`${f.name}: breaks nothing`);
  }
  expect(new Set(FAULTS.map((f) => f.name)).size).toBe(FAULTS.length);
  expect(problems).toEqual([]);
});

test('exemptions are for checked items only and say why', () => {
  for (const [id, why] of Object.entries(NO_FAULT)) {
    expect(findItem(id), id).toBeDefined();
    expect(why.length).toBeGreaterThan(20);
  }
});

test('the coverage table names, for every checked item, the faults that make it fail or why it has none', () => {
  const checked = new Set(listSuite().flatMap((t) => t.annotations.filter((a) => a.type === 'checklist').map((a) => String(a.description))));
  const table = coverageTable(checked);
  for (const id of checked) expect(table, id).toMatch(new RegExp(`^\\| ${id.replace('.', '\\.')} .*\\| (\`|none: )`, 'm'));
});
