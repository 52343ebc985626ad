/** A second test of item 10.5 in another project: `--project api` leaves it out. */
import { test } from '@playwright/test';
import { checks } from '../../../helpers/catalogue/checklist.js';

test('large upload in the panel', checks(['10.5'], '@own-data'), () => {});
