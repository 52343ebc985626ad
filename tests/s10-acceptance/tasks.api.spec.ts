import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/checklist.js';
import { makePng } from '../../helpers/files/generate.js';
import { waitFor } from '../../helpers/target/wait.js';

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

test('a background task started by this run completes', checks(['10.11'], '@own-data'), async ({ adminApi, userApi, workFolder, owned, ns, evidence }) => {
  const since = Date.now() - 1000;
  const image = await userApi.uploadBytes(ns.name('task', 'png'), await makePng('task probe'), workFolder.id, 'image/png');
  owned.file(userApi, image.id);
  // Asking for a thumbnail queues a thumbnail_generate task (core §4.8).
  await userApi.http.raw('GET', `/api/v1/files/${image.id}/thumbnail`);
  const task = await waitFor(
    'the thumbnail task to finish',
    async () => {
      const page = await adminApi.tasks({ kind: 'thumbnail_generate', sort_by: 'updated_at', sort_order: 'desc' });
      const mine = page.items.filter((t) => Date.parse(t.created_at) >= since);
      return mine.find((t) => t.status === 'succeeded' || t.status === 'failed');
    },
    { timeoutMs: 30_000, intervalMs: 500 },
  );
  await evidence('task', task);
  expect(task.status, `the ${task.kind} task #${task.id} failed: ${task.last_error ?? ''}`).toBe('succeeded');
});
