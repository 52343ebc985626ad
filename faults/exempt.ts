/**
 * Checked items that no fault can turn FAIL, each with the reason. Everything else the suite
 * checks must be named by a fault in catalogue.ts (unit/fault-coverage.test.ts).
 */
export const NO_FAULT: Record<string, string> = {
  '9.3': 'reports MANUAL: only the operator can confirm who may reach the internal metrics address',
  '3.5': 'reports PASS with two administrators and MANUAL (a recovery flow may exist) with one; it never fails',
};
