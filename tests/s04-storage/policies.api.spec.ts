import { expect, test } from '../../fixtures/index.js';
import type { AsterClient } from '../../helpers/clients/api/aster.js';
import { parseCode } from '../../helpers/clients/api/http.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';
import { notChecked, qualifiedPass } from '../../helpers/catalogue/verdict.js';

const MiB = 1024 * 1024;

// @own-data: upstream's connection test writes a probe object and removes it (a version stays on a versioned bucket).
test('the default storage policy exists and passes its connection test', checks(['4.1'], '@own-data'), async ({ adminApi, evidence }) => {
  const policies = (await adminApi.policies()).items;
  const defaults = policies.filter((p) => p.is_default);
  await evidence(
    'policies',
    policies.map((p) => ({ id: p.id, name: p.name, connector: p.connector_id, is_default: p.is_default, chunk_size: p.chunk_size })),
  );
  expect(defaults.length, 'exactly one storage policy must be the default (Admin → Storage Policies)').toBe(1);
  const res = await adminApi.testPolicy(defaults[0].id);
  const body = await res.text();
  await evidence('connection test', { policy: defaults[0].name, status: res.status, body });
  expect(
    res.status,
    `the default policy "${defaults[0].name}" fails its connection test (${parseCode(body) ?? res.status}): check its path or bucket and credentials`,
  ).toBe(200);
});

test('the default policy group exists, is enabled and has a policy', checks(['4.2'], '@readonly'), async ({ adminApi, evidence }) => {
  const groups = (await adminApi.policyGroups()).items;
  await evidence('policy groups', groups);
  const def = groups.find((g) => g.is_default);
  expect(def, 'no policy group is marked "New User Default Group"').toBeDefined();
  expect(def?.is_enabled, `the default policy group "${def?.name}" is disabled`).toBe(true);
  expect(def?.items.length, `the default policy group "${def?.name}" has no policy`).toBeGreaterThan(0);
});

test('the new-user default policy group is the expected one', checks(['4.3'], '@readonly'), async ({ adminApi, run, evidence }) => {
  const expected = loadConfig().env.ASTER_EXPECT_DEFAULT_POLICY_GROUP;
  if (!expected && run.mode === 'existing') notChecked('ASTER_EXPECT_DEFAULT_POLICY_GROUP', 'the expected default policy group is not given');
  const groups = (await adminApi.policyGroups()).items;
  const def = groups.find((g) => g.is_default);
  const policies = (await adminApi.policies()).items;
  await evidence('default group', { expected: expected ?? '(managed target: the group holding the default policy)', actual: def });
  if (expected) expect(def?.name).toBe(expected);
  else expect(def?.items.map((i) => i.policy_id)).toContain(policies.find((p) => p.is_default)?.id);
});

type Binding = { who: string; policyGroupId: number | null | undefined };

/** Every user's and every active team's policy group binding (all pages). */
async function bindings(adminApi: AsterClient): Promise<Binding[]> {
  const users = (await adminApi.users()).map((u) => ({ who: `user ${u.username}`, policyGroupId: u.policy_group_id }));
  const teams = (await adminApi.teams()).map((t) => ({ who: `team ${t.name}`, policyGroupId: t.policy_group_id }));
  return [...users, ...teams];
}

/**
 * AsterDrive 0.5.0 has no "deprecated" mark on a storage policy (upstream
 * crates/aster_drive_model/src/entities/storage_policy.rs): a policy is deprecated when it is gone,
 * when its connector is no longer registered in this build (upstream `require_policy`:
 * "references unavailable connector"), or when its storage was retired and no longer answers.
 * This check reads the bindings and the policies behind them; the connection test of the same
 * policies is the next check.
 */
test('no user or team binding points to a missing, disabled, empty or deprecated policy', checks(['4.4'], '@readonly'), async ({ adminApi, evidence }) => {
  const groups = new Map((await adminApi.allPolicyGroups()).map((g) => [g.id, g]));
  const policies = new Map((await adminApi.allPolicies()).map((p) => [p.id, p]));
  const connectors = new Set((await adminApi.storageConnectors()).map((c) => c.connector_id));
  const all = await bindings(adminApi);
  const problems: string[] = [];
  const bound = new Set<number>();
  for (const b of all) {
    if (b.policyGroupId == null) {
      problems.push(`${b.who}: no policy group`);
      continue;
    }
    const g = groups.get(b.policyGroupId);
    if (!g) problems.push(`${b.who}: policy group #${b.policyGroupId} does not exist`);
    else if (!g.is_enabled) problems.push(`${b.who}: policy group "${g.name}" is disabled`);
    else if (g.items.length === 0) problems.push(`${b.who}: policy group "${g.name}" has no policy`);
    else
      for (const item of g.items) {
        const p = policies.get(item.policy_id);
        if (!p) problems.push(`${b.who}: group "${g.name}" points to deleted policy #${item.policy_id}`);
        else if (p.connector_id && !connectors.has(p.connector_id))
          problems.push(`${b.who}: group "${g.name}" points to policy "${p.name}" whose connector ${p.connector_id} this build no longer has`);
        else bound.add(p.id);
      }
  }
  await evidence('bindings', {
    users: all.filter((b) => b.who.startsWith('user ')).length,
    teams: all.filter((b) => b.who.startsWith('team ')).length,
    boundPolicies: [...bound].map((id) => policies.get(id)?.name),
    connectors: [...connectors],
    problems,
  });
  expect(problems, 'users or teams bound to unusable storage; rebind them in Admin → Users / Admin → Teams or migrate the group').toEqual([]);
  qualifiedPass(
    'AsterDrive has no "deprecated" flag on a storage policy: this read-only check proves bound groups exist, are enabled and hold existing policies on registered connectors; the @own-data check of 4.4 tests that their storage still answers',
  );
});

test('the storage behind every user and team binding still answers its connection test', checks(['4.4'], '@own-data'), async ({ adminApi, evidence }) => {
  // AsterDrive's connection test writes and deletes a probe object (upstream probe_storage_driver),
  // so this half of 4.4 is not @readonly.
  const groups = new Map((await adminApi.allPolicyGroups()).map((g) => [g.id, g]));
  const policies = new Map((await adminApi.allPolicies()).map((p) => [p.id, p]));
  const boundBy = new Map<number, string[]>();
  for (const b of await bindings(adminApi)) {
    for (const item of (b.policyGroupId != null && groups.get(b.policyGroupId)?.items) || []) {
      boundBy.set(item.policy_id, [...(boundBy.get(item.policy_id) ?? []), b.who]);
    }
  }
  const results: { policy: string; status: number; body: string; boundTo: string[] }[] = [];
  for (const [id, who] of boundBy) {
    const p = policies.get(id);
    if (!p) continue; // the read-only check reports deleted policies
    const res = await adminApi.testPolicy(id);
    results.push({ policy: p.name, status: res.status, body: (await res.text()).slice(0, 300), boundTo: who.slice(0, 5) });
  }
  await evidence('connection tests of bound policies', results);
  expect(
    results.filter((r) => r.status !== 200).map((r) => `"${r.policy}" (${parseCode(r.body) ?? r.status}) bound to ${r.boundTo.join(', ')}`),
    'bound policies whose storage no longer answers (a retired backend): migrate the data and rebind the groups',
  ).toEqual([]);
});

const MB_VARS = ['ASTER_EXPECT_MAX_FILE_MB', 'ASTER_EXPECT_CHUNK_MB', 'ASTER_EXPECT_USER_QUOTA_MB', 'ASTER_EXPECT_TEAM_QUOTA_MB'] as const;

test('file size limit, chunk size, user quota and team quota match the expectations', checks(['4.5'], '@readonly'), async ({ adminApi, evidence }) => {
  const env = loadConfig().env;
  const given = MB_VARS.filter((v) => env[v] !== undefined);
  if (given.length === 0) notChecked(MB_VARS.join(' / '), 'no size or quota expectations are given, so there is nothing to compare the limits with');
  const policy = (await adminApi.allPolicies()).find((p) => p.is_default);
  expect(policy, 'there is no default storage policy (4.1)').toBeDefined();
  const quota = Number((await adminApi.getConfig('default_storage_quota')).value);
  const teams = await adminApi.teams();
  const mb = (bytes: number) => bytes / MiB;
  const differences: string[] = [];
  const compared: Record<string, unknown> = {};
  const compare = (variable: (typeof MB_VARS)[number], what: string, actualMb: number) => {
    const expected = env[variable];
    if (expected === undefined) return;
    compared[what] = { expected, actual: actualMb };
    if (actualMb !== expected) differences.push(`${what}: ${actualMb} MiB, planned ${expected} MiB (${variable})`);
  };
  compare('ASTER_EXPECT_MAX_FILE_MB', `single-file limit of the default policy "${policy?.name}"`, mb(Number(policy?.max_file_size ?? 0)));
  compare('ASTER_EXPECT_CHUNK_MB', `chunk size of the default policy "${policy?.name}"`, mb(Number(policy?.chunk_size)));
  compare('ASTER_EXPECT_USER_QUOTA_MB', 'default_storage_quota (new users)', mb(quota));
  if (env.ASTER_EXPECT_TEAM_QUOTA_MB !== undefined) {
    // default_storage_quota is also what new teams get (upstream definitions.rs); existing teams keep their own.
    compare('ASTER_EXPECT_TEAM_QUOTA_MB', 'default_storage_quota (new teams)', mb(quota));
    for (const t of teams) compare('ASTER_EXPECT_TEAM_QUOTA_MB', `quota of team "${t.name}"`, mb(t.storage_quota));
  }
  const skipped = MB_VARS.filter((v) => env[v] === undefined);
  await evidence('limits', { compared, notCompared: skipped, teams: teams.length });
  expect(differences, 'limits and quotas differ from the plan').toEqual([]);
  if (skipped.length) qualifiedPass(`not compared, no expectation given: ${skipped.join(', ')}`);
});
