/**
 * The gate between provisioning and the checks. The disruptive checks are this project's
 * teardown, so they run after every other check whether those passed or not; the marker written
 * here tells them that setup completed, so they never run against a half-provisioned target.
 * A filtered run has no gate project: its set-up opens the gate (playwright.config.ts).
 */
import { test as gate } from '@playwright/test';
import { openGate } from '../../helpers/harness/target/gate.js';
import { readRunState } from '../../helpers/harness/target/run-state.js';

gate('the provisioned target accepts the administrator before the checks start', async () => {
  await openGate(readRunState());
});
