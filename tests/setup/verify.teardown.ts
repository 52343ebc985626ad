/**
 * After every check: the deployment's settings are as before (changes the server or another
 * administrator made are reported, not failed), and the run's own data is gone. The data check
 * first sweeps this run's namespace on every account the run used (wherever the data ended up)
 * the way `npm run cleanup -- --run <id>` does, reports what it removed and which test left it
 * (annotation `swept`), and fails only for what is still there, with the command that removes it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test as teardown } from '@playwright/test';
import { runOf } from '../../helpers/harness/namespace.js';
import { signInRunAccounts } from '../../helpers/harness/safety/accounts.js';
import { describeChange, judgeSettings, parseSnapshot, recordOf } from '../../helpers/judges/settings.js';
import { describeLeftover, sweep, unremovedMessage } from '../../helpers/harness/safety/sweep.js';
import { checksStartedMarker, readRunState } from '../../helpers/harness/target/run-state.js';

// In order, in one worker: the settings are judged while the run's test users still exist.
teardown.describe.configure({ mode: 'default' });

/** Set-up did not complete (the gate was never opened): no check ran, so nothing was changed or made. */
const NO_CHECK_RAN = 'no check ran (set-up did not complete; see its error), so the run changed and made nothing';

teardown('the existing deployment has the same instance settings as before the run', async ({}, testInfo) => {
  const state = readRunState();
  teardown.skip(state.mode === 'managed', 'managed target: settings are the suite’s own');
  teardown.skip(!existsSync(checksStartedMarker()), NO_CHECK_RAN);
  const file = path.join(path.dirname(String(process.env.ASTER_RUN_STATE)), 'settings-before.json');
  expect(existsSync(file), 'the settings snapshot of the setup step is missing').toBe(true);
  const before = parseSnapshot(JSON.parse(readFileSync(file, 'utf8')));
  const accounts = await signInRunAccounts(state);
  const admin = accounts[0].client;
  const users = await admin.users();
  const suite = new Map<number, string>();
  for (const a of accounts) {
    const me = await a.client.me();
    suite.set(me.id, `${me.username} (the run's ${a.role} account)`);
  }
  for (const u of users) if (runOf('user', u.username) === state.runId) suite.set(u.id, `${u.username} (a user this run created)`);
  const now = Object.fromEntries((await admin.allConfig()).map((c) => [c.key, recordOf(c)]));
  const changes = judgeSettings(before, now, { suite, users: new Map(users.map((u) => [u.id, u.username])) });
  for (const c of changes.filter((x) => !x.fails)) {
    testInfo.annotations.push({ type: 'settings_changed', description: `not by the suite: ${describeChange(c)}` });
    console.warn(`[settings] changed during the run, not by the suite: ${describeChange(c)}`);
  }
  expect(
    changes.filter((c) => c.fails).map(describeChange),
    'SETTINGS CHANGED DURING THE RUN by the suite, or with no record of who changed them: the suite must never change a deployment; restore these keys and report a bug',
  ).toEqual([]);
});

teardown('this run left none of its data behind', async ({}, testInfo) => {
  const state = readRunState();
  teardown.skip(!existsSync(checksStartedMarker()), NO_CHECK_RAN);
  const accounts = await signInRunAccounts(state);
  const result = await sweep(
    accounts.map((a) => ({ label: a.client.identifier, client: a.client })),
    accounts[0].client,
    { run: state.runId },
  );
  for (const l of result.removed) testInfo.annotations.push({ type: 'swept', description: `removed at the end of the run: ${describeLeftover(l)}` });
  for (const i of result.incomplete) testInfo.annotations.push({ type: 'sweep_incomplete', description: i });
  if (result.removed.length) {
    console.warn(
      `[sweep] ${result.removed.length} item(s) of run ${state.runId} were left by checks and removed at the end of the run:\n${result.removed
        .map((l) => `  - ${describeLeftover(l)}`)
        .join('\n')}`,
    );
  }
  for (const i of result.incomplete) console.warn(`[sweep] incomplete: ${i}`);
  expect(result.remaining.map(describeLeftover), unremovedMessage(result.remaining, result.failed, state.runId, state.mode === 'managed')).toEqual([]);
});
