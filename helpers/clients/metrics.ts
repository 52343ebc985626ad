/** Reads /health/metrics from where a scraper would (ASTER_METRICS_URL, or the managed target). */
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { loadConfig } from '../harness/config.js';
import type { RunState } from '../harness/target/run-state.js';
import { notChecked } from '../catalogue/verdict.js';

export function scraperMetricsUrl(run: RunState): string {
  const url = loadConfig().env.ASTER_METRICS_URL;
  if (url) return url;
  if (run.managed) return `${run.managed.internalURL}/health/metrics`;
  return notChecked('ASTER_METRICS_URL', 'the internal metrics URL is not known');
}

export async function scrape(url: string): Promise<{ res: Response; text: string; families: PromFamily[] }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let families: PromFamily[] = [];
  if (res.ok) {
    try {
      families = parsePrometheusTextFormat(text);
    } catch (e) {
      throw new Error(`${url} answered 200 but the body is not Prometheus text: ${(e as Error).message}`);
    }
  }
  return { res, text, families };
}
