import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { qualifiedPass } from '../../helpers/catalogue/verdict.js';
import { makePng } from '../../helpers/clients/files/generate.js';
import { waitFor } from '../../helpers/harness/target/wait.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A repeated failure: this many failures of one kind within a day. */
const REPEATED = 3;

test('Admin → Tasks has no failed task in this run and none failing repeatedly', checks(['10.11'], '@readonly'), async ({ adminApi, run, evidence }) => {
  // Every failed task on record, all pages (a busy deployment has more than one page of them).
  const failed = await adminApi.allTasks({ status: 'failed', sort_by: 'id', sort_order: 'asc' });
  const since = Date.parse(run.startedAt);
  const suiteAccounts = new Set([run.admin.identifier, run.user?.identifier].filter(Boolean).map((x) => x?.toLowerCase()));
  // A task this run caused: created since the run started, by one of the suite's accounts or about the
  // run's own namespaced files (thumbnail tasks have no creator; their payload names the source file).
  const causedByRun = (t: (typeof failed)[number]) => {
    if (Date.parse(t.created_at) < since) return false;
    const creator = (t as { creator?: { username?: string; email?: string } | null }).creator;
    if (creator && [creator.username, creator.email].some((x) => x && suiteAccounts.has(x.toLowerCase()))) return true;
    return JSON.stringify({ name: t.display_name, payload: (t as { payload?: unknown }).payload }).includes(run.runId);
  };
  const at = (t: (typeof failed)[number]) => Date.parse(t.updated_at ?? t.created_at);
  const ours = failed.filter(causedByRun);
  const lastDay = failed.filter((t) => at(t) >= Date.now() - DAY_MS);
  const byKind = new Map<string, number>();
  for (const t of lastDay) byKind.set(t.kind, (byKind.get(t.kind) ?? 0) + 1);
  const repeated = [...byKind].filter(([, n]) => n >= REPEATED);
  const othersRecent = lastDay.filter((t) => !ours.includes(t) && (byKind.get(t.kind) ?? 0) < REPEATED);
  const line = (t: (typeof failed)[number]) => `${t.kind} #${t.id} (${t.updated_at ?? t.created_at}): ${t.last_error ?? ''}`;
  await evidence('failed tasks', {
    failedOnRecord: failed.length,
    causedByThisRun: ours.map(line),
    lastDayByKind: Object.fromEntries(byKind),
    otherRecentFailures: othersRecent.map(line),
  });
  expect(ours.map(line), 'background tasks this run started failed').toEqual([]);
  expect(
    repeated.map(([kind, n]) => `${kind} failed ${n} times in 24 h`),
    'a kind of task fails repeatedly: open Admin → Tasks, read last_error and the server log',
  ).toEqual([]);
  if (othersRecent.length)
    qualifiedPass(
      `${othersRecent.length} task(s) not started by this run failed in the last 24 h (none repeatedly): ${othersRecent.slice(0, 3).map(line).join('; ')}`,
    );
});

test('a background task started by this run completes', checks(['10.11'], '@own-data'), async ({ adminApi, userApi, workFolder, owned, ns, evidence }) => {
  const since = Date.now() - 1000;
  const image = await userApi.uploadBytes(ns.name('task', 'png'), await makePng('task probe'), workFolder.id, 'image/png');
  owned.file(userApi, image.id);
  // Asking for a thumbnail queues a thumbnail_generate task (upstream src/services/files/file/thumbnail.rs).
  await userApi.thumbnail(image.id);
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
