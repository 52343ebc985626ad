import { test as setup } from '@playwright/test';
import { provisionManaged } from '../../helpers/target/provision.js';
import { readRunState, writeRunState } from '../../helpers/target/run-state.js';

setup('provision the managed target through the public API, as an operator would', async () => {
  const state = readRunState();
  setup.skip(state.mode === 'existing', 'existing deployment: never provisioned or reconfigured by the suite');
  const provisioned = await provisionManaged(state);
  writeRunState(String(process.env.ASTER_RUN_STATE), provisioned);
});
