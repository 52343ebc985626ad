/** One test per automated checklist item; FIXTURE_FAIL / FIXTURE_NOT_CHECKED / FIXTURE_QUALIFIED name one item each. */
import { test } from '@playwright/test';
import { allItems, checks } from '../../../helpers/catalogue/checklist.js';
import { notChecked, qualifiedPass } from '../../../helpers/catalogue/verdict.js';

for (const i of allItems().filter((x) => x.kind !== 'manual')) {
  test(`item ${i.id}`, checks([i.id], '@readonly'), () => {
    if (i.id === process.env.FIXTURE_NOT_CHECKED) notChecked('ASTER_FIXTURE_URL', 'the fixture was told not to check it');
    if (i.id === process.env.FIXTURE_QUALIFIED) qualifiedPass('checked one domain of several');
    if (i.id === process.env.FIXTURE_FAIL) throw new Error('\u001b[31mthe fixture was told to fail\u001b[39m');
  });
}
