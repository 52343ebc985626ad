import { expect, test } from '../../fixtures/index.js';
import { needsLocalService } from '../../helpers/capabilities.js';
import { checks } from '../../helpers/checklist.js';
import { loadConfig } from '../../helpers/config.js';
import { scrape, scraperMetricsUrl } from '../../helpers/metrics.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Client errors that point at the platform rather than at a user's mistake. */
const PLATFORM_4XX = new Set(['408', '413', '429']);

test('no class of 5xx (or platform 4xx) repeats in the HTTP metrics', checks(['11.1'], '@readonly'), async ({ run, evidence }) => {
  const { families } = await scrape(scraperMetricsUrl(run));
  const requests = families.find((f) => f.name === 'http_requests_total');
  expect(requests, 'http_requests_total is missing from /health/metrics').toBeDefined();
  const repeated = (requests?.metrics ?? [])
    .filter((m) => (m.labels?.status?.startsWith('5') || PLATFORM_4XX.has(m.labels?.status ?? '')) && Number(m.value) >= 3)
    .map((m) => `${m.labels?.method} ${m.labels?.route} → ${m.labels?.status}: ${m.value} times`);
  await evidence('repeated error classes', repeated);
  expect(repeated, 'error classes that repeat; read the server log for these routes').toEqual([]);
});

test('upload failures do not concentrate in one backend', checks(['11.2'], '@readonly'), async ({ run, evidence }) => {
  const { res, families } = await scrape(scraperMetricsUrl(run));
  expect(res.status, 'the upload and storage signals need /health/metrics').toBe(200);
  const uploads = families.find((f) => f.name === 'file_uploads_total')?.metrics ?? [];
  const storage = families.find((f) => f.name === 'storage_driver_operations_total')?.metrics ?? [];
  const count = (ms: typeof uploads, pred: (l: Record<string, string>) => boolean) =>
    ms.filter((m) => pred(m.labels ?? {})).reduce((a, m) => a + Number(m.value), 0);
  const failed = count(uploads, (l) => l.status === 'failure');
  const total = count(uploads, () => true);
  const failingDrivers = [
    ...new Set(
      storage.filter((m) => m.labels?.status && m.labels.status !== 'success' && Number(m.value) >= 3).map((m) => `${m.labels?.driver} ${m.labels?.operation}`),
    ),
  ];
  await evidence('upload outcomes', { failed, total, failingDrivers });
  expect(failingDrivers, 'storage driver operations fail repeatedly').toEqual([]);
  expect(total === 0 ? 0 : failed / total, `${failed} of ${total} uploads failed`).toBeLessThan(0.05);
});

test('the mail queue has no persistent delivery failures', checks(['11.3'], '@readonly'), async ({ adminApi, run, evidence }) => {
  needsLocalService(run, 'mailpit');
  const after = new Date(Date.now() - DAY_MS).toISOString();
  const failures = await adminApi.auditLogs({ action: 'mail_delivery_failed', after });
  await evidence(
    'mail_delivery_failed in 24 h',
    failures.items.map((a) => ({ at: a.created_at, entity: a.entity_name, details: a.details })),
  );
  expect(failures.total, 'mails failed to deliver in the last 24 h; check Admin → Settings → Mail Delivery and the SMTP server').toBe(0);
});

test('thumbnail and extraction tasks do not accumulate', checks(['11.4'], '@readonly'), async ({ adminApi, evidence }) => {
  const maxWaitMin = loadConfig().env.ASTER_EXPECT_MAX_TASK_WAIT_MIN ?? 10;
  const kinds = ['thumbnail_generate', 'image_preview_generate', 'media_metadata_extract', 'archive_extract', 'archive_preview_generate'];
  const stale: string[] = [];
  for (const status of ['pending', 'retry', 'processing']) {
    // All pages: a pile-up is exactly when the queue holds more than one page.
    for (const t of await adminApi.allTasks({ status, sort_by: 'created_at', sort_order: 'asc' })) {
      if (kinds.includes(t.kind) && Date.now() - Date.parse(t.created_at) > maxWaitMin * 60 * 1000)
        stale.push(`${t.kind} #${t.id} ${status} since ${t.created_at}`);
    }
  }
  await evidence('stale media tasks', stale);
  expect(stale, `media tasks waiting for more than ${maxWaitMin} minutes; is the task runner or vips/ffmpeg healthy?`).toEqual([]);
});
