import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { scrape, scraperMetricsUrl } from '../../helpers/clients/metrics.js';
import { manual } from '../../helpers/catalogue/verdict.js';

/** Families the launch checklist asks to see (item 9.5), by area (upstream crates/aster_drive_metrics/src/lib.rs). */
const REQUIRED: Record<string, string[]> = {
  HTTP: ['http_requests_total', 'http_request_duration_seconds'],
  database: ['db_queries_total'],
  upload: ['file_uploads_total'],
  download: ['file_downloads_total'],
  'background tasks': ['background_tasks_pending'],
  'storage driver': ['storage_driver_operations_total'],
  process: ['process_memory_rss_bytes', 'process_cpu_milliseconds_total', 'process_uptime_seconds'],
};

test('/health/metrics is reachable from the scraper', checks(['9.1'], '@readonly', { needs: ['metrics'] }), async ({ run, evidence }) => {
  const url = scraperMetricsUrl(run);
  const { res, families } = await scrape(url);
  await evidence('scrape', { url, status: res.status, families: families.length });
  expect(res.status, `the scraper URL ${url} answered ${res.status}`).toBe(200);
  expect(families.length).toBeGreaterThan(0);
});

test('/health/metrics is not exposed on the public entry', checks(['9.2'], '@readonly'), async ({ run, evidence }) => {
  const res = await fetch(`${run.baseURL}/health/metrics`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const body = await res.text();
  const exposed = res.status === 200 && /^# (HELP|TYPE) /m.test(body);
  await evidence('public /health/metrics', {
    url: `${run.baseURL}/health/metrics`,
    status: res.status,
    server: res.headers.get('server'),
    prometheusText: exposed,
  });
  expect(
    exposed,
    `${run.baseURL}/health/metrics serves Prometheus text to anyone; deny it at the proxy (e.g. nginx \`location = /health/metrics { deny all; }\`) and scrape the internal address`,
  ).toBe(false);
});

test('only monitoring systems can reach /health/metrics', checks(['9.3'], '@readonly'), async () => {
  manual('the firewall, security group or proxy rule lets only the Prometheus scrapers reach /health/metrics (9.2 checks the public entry only)');
});

test('scrape interval, retention and targets are defined', checks(['9.4'], '@readonly'), async () => {
  manual('Prometheus has a scrape job for AsterDrive with a chosen interval, retention and target list');
});

test(
  'HTTP, DB, upload, download, task, storage and process metrics are visible',
  checks(['9.5'], '@own-data', { needs: ['metrics'] }),
  async ({ run, userApi, workFolder, owned, ns, evidence }) => {
    const url = scraperMetricsUrl(run);
    // Labelled families appear only after their first observation, so cause one upload and download.
    const file = await userApi.uploadBytes(ns.name('metrics', 'txt'), Buffer.from('metrics probe\n'), workFolder.id, 'text/plain');
    owned.file(userApi, file.id);
    await (await userApi.download(file.id)).arrayBuffer();
    const { families } = await scrape(url);
    const names = new Set(families.map((f) => f.name));
    const missing = Object.entries(REQUIRED).flatMap(([area, list]) => list.filter((n) => !names.has(n)).map((n) => `${area}: ${n}`));
    await evidence('families', [...names].sort());
    expect(missing, 'metric families the launch checklist expects are missing').toEqual([]);
  },
);
