/**
 * One place says which optional access enables which items: the checks declare what they need
 * (`checks(..., { needs })`), helpers/catalogue/capabilities.ts ACCESS says which variable gives it, and the
 * README's table is generated from both. Every check that reports NOT_CHECKED for want of a
 * variable names one that ACCESS lists for its item.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ACCESS, accessItems, capabilityTable, NEEDS } from '../helpers/catalogue/capabilities.js';
import { compactItems, declaredNeeds, expandItems } from '../helpers/catalogue/needs-scan.js';

const expand = (items: string) => new Set(expandItems(items));

/** Each `notChecked('<variables>', …)` of a spec with the items of the test it is in. */
function notCheckedCalls(): { file: string; variables: string[]; items: string[] }[] {
  const calls: { file: string; variables: string[]; items: string[] }[] = [];
  const files = readdirSync('tests', { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.spec.ts'));
  for (const f of files) {
    const text = readFileSync(path.join('tests', f), 'utf8');
    for (const m of text.matchAll(/notChecked\(\s*'([^']+)'/g)) {
      const before = text.slice(0, m.index);
      const declared = [...before.matchAll(/checks\(\s*\[([^\]]*)\]/g)].at(-1)?.[1] ?? '';
      const variables = m[1].match(/\b(ASTER_[A-Z_]+|MAILPIT_URL|S3_[A-Z_]+)\b/g) ?? [];
      calls.push({ file: f, variables, items: [...declared.matchAll(/'([\d.]+)'/g)].map((x) => x[1]) });
    }
  }
  return calls;
}

/** Variables a NOT_CHECKED may name that are not optional access: the accounts and the target. */
const NOT_ACCESS = new Set(['ASTER_ADMIN_USER', 'ASTER_ADMIN_PASSWORD', 'ASTER_DRIVE_BIN']);

test('the README shows the access table generated from ACCESS', () => {
  expect(readFileSync('README.md', 'utf8'), 'run `npx tsx scripts/capability-table.ts` to refresh the README').toContain(capabilityTable());
});

test('every variable a check asks for in NOT_CHECKED is in ACCESS for that check’s items', () => {
  const calls = notCheckedCalls().filter((c) => c.variables.length > 0);
  expect(calls.length, 'the scan finds the checks').toBeGreaterThan(10);
  const problems: string[] = [];
  for (const c of calls) {
    for (const v of c.variables.filter((x) => !x.startsWith('ASTER_EXPECT_') && !NOT_ACCESS.has(x))) {
      const access = ACCESS.filter((a) => a.variable.includes(v) || a.give.includes(v) || (v.startsWith('S3_') && a.give.includes('S3_*')));
      if (!access.length) {
        problems.push(`${c.file}: ${v} is not in ACCESS`);
        continue;
      }
      const covered = new Set(access.flatMap((a) => [...expand(accessItems(a))]));
      for (const item of c.items.filter((i) => !covered.has(i))) problems.push(`${c.file}: ${v} enables ${item}, but ACCESS does not list it`);
    }
  }
  expect(problems).toEqual([]);
});

test('the needs the checks declare are the known ones, and each access row with a need is declared by a check', () => {
  const declared = declaredNeeds();
  expect(
    [...declared.keys()].filter((n) => !(NEEDS as readonly string[]).includes(n)),
    'unknown needs in checks()',
  ).toEqual([]);
  for (const row of ACCESS.filter((a) => a.need)) expect(declared.get(String(row.need)), `no check declares need "${row.need}"`).toBeTruthy();
  // The declarations the README's rows come from (a change here is a change of the README table).
  expect(compactItems(declared.get('mailpit') ?? [])).toBe('5.2-5.6');
  expect(compactItems(declared.get('metrics') ?? [])).toBe('9.1, 9.5, 10.3, 11.1, 11.2');
});

test('item lists compact and expand', () => {
  expect(compactItems(['3.1', '1.2', '1.1', '1.3', '10.5', '10.6'])).toBe('1.1-1.3, 3.1, 10.5, 10.6');
  expect(expandItems('1.1-1.3, 6.5-6.10')).toEqual(['1.1', '1.2', '1.3', '6.5', '6.6', '6.7', '6.8', '6.9', '6.10']);
});
