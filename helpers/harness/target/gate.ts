/**
 * Opens the gate to the checks: the provisioned target accepts its administrator, and the marker
 * the disruptive checks look for is written (fixtures/index.ts `safetyGate`).
 */
import { writeFileSync } from 'node:fs';
import { expect } from '@playwright/test';
import { checksStartedMarker, type RunState } from './run-state.js';
import { signInForSetup } from './sign-in.js';

export async function openGate(state: RunState): Promise<void> {
  const admin = await signInForSetup(state.baseURL, state.admin);
  const me = await admin.me();
  expect(me.role, `${state.admin.identifier} must be an administrator`).toBe('admin');
  writeFileSync(checksStartedMarker(), new Date().toISOString());
}
