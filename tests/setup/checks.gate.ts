/**
 * The gate between provisioning and the checks. The disruptive checks are this project's
 * teardown, so they run after every other check whether those passed or not; the marker written
 * here tells them that setup completed, so they never run against a half-provisioned target.
 */
import { writeFileSync } from 'node:fs';
import { expect, test as gate } from '@playwright/test';
import { signInForSetup } from '../../helpers/target/sign-in.js';
import { checksStartedMarker, readRunState } from '../../helpers/target/run-state.js';

gate('the provisioned target accepts the administrator before the checks start', async () => {
  const state = readRunState();
  const admin = await signInForSetup(state.baseURL, state.admin);
  const me = await admin.me();
  expect(me.role, `${state.admin.identifier} must be an administrator`).toBe('admin');
  writeFileSync(checksStartedMarker(), new Date().toISOString());
});
