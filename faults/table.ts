/** The coverage table (`npm run faults -- --coverage`): which fault makes which checked item fail. */
import { SECTIONS } from '../helpers/catalogue/checklist.js';
import { FAULTS } from './catalogue.js';
import { NO_FAULT } from './exempt.js';
import { realAsterDrive } from './types.js';

export function coverageTable(checked: Set<string>): string {
  const lines = ['| item | faults that make it fail |', '| --- | --- |'];
  for (const s of SECTIONS) {
    for (const i of s.items) {
      if (!checked.has(i.id)) continue;
      const faults = FAULTS.filter((f) => f.fails.includes(i.id)).map((f) => `\`${f.name}\`${realAsterDrive(f) ? '' : ' (stand-in)'}`);
      lines.push(`| ${i.id} ${i.title} | ${faults.join(', ') || `none: ${NO_FAULT[i.id] ?? 'manual item'}`} |`);
    }
  }
  return lines.join('\n');
}
