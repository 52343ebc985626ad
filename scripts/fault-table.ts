/** Rewrites the fault coverage table in README.md from faults/catalogue.ts and the suite's tests. */
import { readFileSync, writeFileSync } from 'node:fs';
import { coverageTable, TABLE_END, TABLE_START } from '../faults/table.js';
import { listSuite } from '../unit/support/list-suite.js';

const checked = new Set(listSuite().flatMap((t) => t.annotations.filter((a) => a.type === 'checklist').map((a) => String(a.description))));
const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(TABLE_START);
const end = readme.indexOf(TABLE_END);
if (start < 0 || end < 0) throw new Error(`README.md has no ${TABLE_START} … ${TABLE_END} block`);
writeFileSync('README.md', readme.slice(0, start) + coverageTable(checked) + readme.slice(end + TABLE_END.length));
console.log('README.md fault coverage table updated');
