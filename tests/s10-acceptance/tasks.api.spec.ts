import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/checklist.js';

const DAY_MS = 24 * 60 * 60 * 1000;

test('Admin → Tasks has no failed task in this run and none failing repeatedly', checks(['10.11'], '@readonly'), async ({ adminApi, run, evidence }) => {
  const failed = await adminApi.tasks({ status: 'failed', sort_by: 'updated_at', sort_order: 'desc' });
  const since = Date.parse(run.startedAt);
  const inRun = failed.items.filter((t) => Date.parse(t.updated_at ?? t.created_at) >= since);
  const lastDay = failed.items.filter((t) => Date.parse(t.updated_at ?? t.created_at) >= Date.now() - DAY_MS);
  const byKind = new Map<string, number>();
  for (const t of lastDay) byKind.set(t.kind, (byKind.get(t.kind) ?? 0) + 1);
  const repeated = [...byKind].filter(([, n]) => n >= 3);
  await evidence('failed tasks', { total: failed.total, inThisRun: inRun, lastDayByKind: Object.fromEntries(byKind) });
  expect(
    inRun.map((t) => `${t.kind} #${t.id}: ${t.last_error ?? ''}`),
    'background tasks failed during this run',
  ).toEqual([]);
  expect(
    repeated.map(([kind, n]) => `${kind} failed ${n} times in 24 h`),
    'a kind of task fails repeatedly',
  ).toEqual([]);
});
