import { expect, test } from '../../fixtures/index.js';
import { ReadyResp, envelope } from '../../helpers/clients/api/schemas.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { scrape, scraperMetricsUrl } from '../../helpers/clients/metrics.js';

test.describe('final acceptance: health endpoints', () => {
  test('/health answers 200 {"status":"ok"}', checks(['10.1'], '@readonly'), async ({ run, evidence }) => {
    const res = await fetch(`${run.baseURL}/health`);
    const body = await res.text();
    await evidence('GET /health', { status: res.status, body });
    expect(res.status, `GET ${run.baseURL}/health should answer 200`).toBe(200);
    expect(JSON.parse(body), '/health is not enveloped; it reports {"status":"ok"}').toEqual({ status: 'ok' });
  });

  test('/health/ready answers 200 with status ready', checks(['10.2'], '@readonly'), async ({ run, evidence }) => {
    const res = await fetch(`${run.baseURL}/health/ready`);
    const body = await res.text();
    await evidence('GET /health/ready', { status: res.status, body });
    // AsterDrive probes the default storage policy for readiness (upstream src/api/routes/health.rs).
    const storageHint = /storage unavailable/i.test(body)
      ? ' The default storage policy cannot be reached: for a local policy, its directory (e.g. data/uploads) must exist and be writable by the server; test the policy in Admin → Storage Policies and read the server log ("health readiness storage probe failed").'
      : '';
    expect(res.status, `/health/ready answered ${res.status}: ${body.slice(0, 200)}.${storageHint}`).toBe(200);
    const ready = envelope(ReadyResp).parse(JSON.parse(body));
    expect(ready.data.status, 'setup is incomplete: needs_admin / needs_storage means no admin or no default storage policy').toBe('ready');
  });

  test('the restricted /health/metrics returns Prometheus text', checks(['10.3'], '@readonly', { needs: ['metrics'] }), async ({ run, evidence }) => {
    const url = scraperMetricsUrl(run);
    const { res, text, families } = await scrape(url);
    await evidence('metrics families', {
      url,
      status: res.status,
      contentType: res.headers.get('content-type'),
      families: families.map((f) => `${f.name} ${f.type}`),
    });
    expect(res.status, `${url} answered ${res.status}; is the binary built with the "metrics" feature?`).toBe(200);
    expect(res.headers.get('content-type') ?? '').toContain('text/plain');
    expect(families.length, `no metric families parsed from ${text.slice(0, 120)}`).toBeGreaterThan(0);
    expect(families.map((f) => f.name)).toEqual(expect.arrayContaining(['http_requests_total', 'process_uptime_seconds']));
  });
});
