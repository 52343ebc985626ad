import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test as teardown } from '@playwright/test';
import { AsterClient } from '../../helpers/api/aster.js';
import { readRunState } from '../../helpers/target/run-state.js';

teardown('the existing deployment has the same instance settings as before the run', async () => {
  const state = readRunState();
  teardown.skip(state.mode === 'managed', 'managed target: settings are the suite’s own');
  const file = path.join(path.dirname(String(process.env.ASTER_RUN_STATE)), 'settings-before.json');
  expect(existsSync(file), 'the settings snapshot of the setup step is missing').toBe(true);
  const before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const admin = await AsterClient.signIn(state.baseURL, state.admin);
  const after = Object.fromEntries((await admin.allConfig()).map((c) => [c.key, c.value]));
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  expect(changed, 'SETTINGS CHANGED DURING THE RUN: the suite must never change a deployment; restore these keys and report a bug').toEqual([]);
});

teardown('this run left none of its data behind', async () => {
  const state = readRunState();
  const admin = await AsterClient.signIn(state.baseURL, state.admin);
  const clients = [admin, ...(state.user ? [await AsterClient.signIn(state.baseURL, state.user)] : [])];
  const prefix = `lt-${state.runId}-`;
  const left: string[] = [];
  for (const c of clients) {
    const root = await c.listFolder(null);
    const trash = await c.trash();
    for (const x of [...root.folders, ...root.files, ...trash.folders, ...trash.files]) if (x.name.startsWith(prefix)) left.push(`${c.identifier}: ${x.name}`);
  }
  expect(left, 'test data left on the target; run `npm run cleanup`').toEqual([]);
});
