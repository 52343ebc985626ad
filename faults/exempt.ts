/**
 * Checked items that no fault can turn FAIL, each with the reason. Everything else the suite
 * checks must be named by a fault in catalogue.ts (unit/fault-coverage.test.ts).
 */
export const NO_FAULT: Record<string, string> = {
  '9.3': 'reports MANUAL: only the operator can confirm who may reach the internal metrics address',
  '7.1': 'reports MANUAL: the suite cannot see the operator’s backups',
  '9.4': 'reports MANUAL: scrape jobs live in the operator’s Prometheus',
  '4.7': 'reports N_A without follower nodes and MANUAL with them (receiving targets are confirmed by a person); disabled followers fail',
  '1.6': 'reports N_A without follower nodes and MANUAL with them; the follower filesystem is not reachable from the suite',
  '1.5': 'reports NOT_CHECKED on the stand-in, which has no avatar API (standin/KNOWN-GAPS.md); it runs only with ASTER_DRIVE_BIN or a deployment',
  '3.5': 'reports PASS with two administrators and MANUAL (a recovery flow may exist) with one; it never fails',
};
