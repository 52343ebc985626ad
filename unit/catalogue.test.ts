/**
 * Every test of the launch suite names exactly one section tag, one safety tag and one or more
 * known checklist items; and the catalogue matches the canonical list when it is at hand.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { allItems, findItem, SAFETY_TAGS, SECTION_TAGS } from '../helpers/catalogue/checklist.js';
import { listSuite } from './support/list-suite.js';

test('every suite test carries one section tag, one safety tag and known checklist items of that section', () => {
  const tests = listSuite();
  expect(tests.length).toBeGreaterThan(0);
  const problems: string[] = [];
  for (const t of tests) {
    const where = `${t.file} › ${t.title}`;
    const sections = t.tags.filter((x) => SECTION_TAGS.includes(x));
    if (sections.length !== 1) problems.push(`${where}: ${sections.length} section tags (need exactly 1)`);
    const safety = t.tags.filter((x) => (SAFETY_TAGS as readonly string[]).includes(x));
    if (safety.length !== 1) problems.push(`${where}: ${safety.length} safety tags (need exactly 1 of ${SAFETY_TAGS.join(', ')})`);
    const items = t.annotations.filter((a) => a.type === 'checklist').map((a) => String(a.description));
    if (items.length === 0) problems.push(`${where}: no checklist annotation`);
    for (const id of items) {
      const found = findItem(id);
      if (!found) problems.push(`${where}: unknown item ${id}`);
      else if (found.section.tag !== sections[0]) problems.push(`${where}: item ${id} is not in ${sections[0]}`);
      if (!t.tags.includes(`@item-${id}`)) problems.push(`${where}: item ${id} has no @item-${id} tag, so it cannot be re-run alone`);
    }
    if (!/\.(api|ui)\.spec\.ts$/.test(t.file)) problems.push(`${where}: spec files end in .api.spec.ts or .ui.spec.ts`);
    if (!t.file.startsWith(`${sections[0]?.slice(1)}/`)) problems.push(`${where}: lives outside its section folder tests/${sections[0]?.slice(1)}/`);
  }
  expect(problems).toEqual([]);
});

test('the catalogue carries exactly the canonical item IDs, titles and kinds', () => {
  const canonical = 'docs/checklist-items.md';
  const rows = [...readFileSync(canonical, 'utf8').matchAll(/^\| (\d+\.\d+) \| (.+) \| (.+) \|$/gm)].map((m) => ({
    id: m[1],
    title: m[2].trim(),
    kindNote: m[3].trim(),
  }));
  expect(allItems().map(({ id, title, kindNote }) => ({ id, title, kindNote }))).toEqual(rows);
});
