/** Rewrites the README's table of optional access from helpers/catalogue/capabilities.ts (ACCESS). */
import { readFileSync, writeFileSync } from 'node:fs';
import { CAPABILITY_TABLE_END, CAPABILITY_TABLE_START, capabilityTable } from '../helpers/catalogue/capabilities.js';

const readme = readFileSync('README.md', 'utf8');
const start = readme.indexOf(CAPABILITY_TABLE_START);
const end = readme.indexOf(CAPABILITY_TABLE_END);
if (start < 0 || end < 0) throw new Error(`README.md has no ${CAPABILITY_TABLE_START} … ${CAPABILITY_TABLE_END} block`);
writeFileSync('README.md', readme.slice(0, start) + capabilityTable() + readme.slice(end + CAPABILITY_TABLE_END.length));
console.log('README.md capability table updated');
