import { expect, test } from '../../fixtures/index.js';
import { parseCode } from '../../helpers/api/http.js';
import { checks } from '../../helpers/checklist.js';
import { loadConfig } from '../../helpers/config.js';
import { notChecked } from '../../helpers/verdict.js';

const MiB = 1024 * 1024;

test('the default storage policy exists and passes its connection test', checks(['4.1'], '@readonly'), async ({ adminApi, evidence }) => {
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

test('no user points to a missing, disabled or empty policy group', checks(['4.4'], '@readonly'), async ({ adminApi, evidence }) => {
  const groups = new Map((await adminApi.policyGroups()).items.map((g) => [g.id, g]));
  const policyIds = new Set((await adminApi.policies()).items.map((p) => p.id));
  const problems: string[] = [];
  for (const u of await adminApi.users()) {
    if (u.policy_group_id == null) {
      problems.push(`${u.username}: no policy group`);
      continue;
    }
    const g = groups.get(u.policy_group_id);
    if (!g) problems.push(`${u.username}: policy group #${u.policy_group_id} does not exist`);
    else if (!g.is_enabled) problems.push(`${u.username}: policy group "${g.name}" is disabled`);
    else if (g.items.some((i) => !policyIds.has(i.policy_id))) problems.push(`${u.username}: group "${g.name}" points to a deleted policy`);
  }
  await evidence('binding problems', problems);
  expect(problems, 'users bound to unusable storage; rebind them in Admin → Users or migrate the group').toEqual([]);
});

test('file size limit, chunk size and user quota match the expectations', checks(['4.5'], '@readonly'), async ({ adminApi, run, evidence }) => {
  const env = loadConfig().env;
  const given = env.ASTER_EXPECT_MAX_FILE_MB !== undefined || env.ASTER_EXPECT_CHUNK_MB !== undefined || env.ASTER_EXPECT_USER_QUOTA_MB !== undefined;
  if (!given && run.mode === 'existing')
    notChecked('ASTER_EXPECT_MAX_FILE_MB / ASTER_EXPECT_CHUNK_MB / ASTER_EXPECT_USER_QUOTA_MB', 'no size expectations are given');
  // A managed target is provisioned with AsterDrive's defaults: unlimited size, 5 MiB chunks, no quota.
  const expected = { maxFileMb: env.ASTER_EXPECT_MAX_FILE_MB ?? 0, chunkMb: env.ASTER_EXPECT_CHUNK_MB ?? 5, quotaMb: env.ASTER_EXPECT_USER_QUOTA_MB ?? 0 };
  const policy = (await adminApi.policies()).items.find((p) => p.is_default);
  const quota = Number((await adminApi.getConfig('default_storage_quota')).value);
  const actual = { maxFileMb: Number(policy?.max_file_size ?? 0) / MiB, chunkMb: Number(policy?.chunk_size) / MiB, quotaMb: quota / MiB };
  await evidence('limits', { expected, actual });
  expect(actual, 'default policy limits / default quota differ from the plan').toEqual(expected);
});
