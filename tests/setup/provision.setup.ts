import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test as setup } from '@playwright/test';
import { snapshotOf } from '../../helpers/judges/settings.js';
import { openGate } from '../../helpers/harness/target/gate.js';
import { provisionManaged } from '../../helpers/harness/target/provision.js';
import { signInForSetup } from '../../helpers/harness/target/sign-in.js';
import { GATE_IN_SETUP_ENV, readRunState, writeRunState } from '../../helpers/harness/target/run-state.js';

setup('provision the managed target through the public API, as an operator would', async () => {
  const state = readRunState();
  setup.skip(state.mode === 'existing', 'existing deployment: never provisioned or reconfigured by the suite');
  const provisioned = await provisionManaged(state);
  writeRunState(String(process.env.ASTER_RUN_STATE), provisioned);
  if (process.env[GATE_IN_SETUP_ENV]) await openGate(provisioned);
});

setup('snapshot the instance settings of the existing deployment', async () => {
  const state = readRunState();
  setup.skip(state.mode === 'managed', 'managed target: thrown away after the run');
  const admin = await signInForSetup(state.baseURL, state.admin);
  // Values with who wrote each last and when, so the teardown can tell the suite's changes from the server's own.
  const settings = snapshotOf(await admin.allConfig());
  writeFileSync(path.join(path.dirname(String(process.env.ASTER_RUN_STATE)), 'settings-before.json'), JSON.stringify(settings), { mode: 0o600 });
  if (process.env[GATE_IN_SETUP_ENV]) await openGate(state);
});
