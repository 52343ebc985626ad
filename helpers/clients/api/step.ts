import { test } from '@playwright/test';

/**
 * Runs an API call as a boxed step of the current test, so the HTML report and trace show each
 * call (`GET /api/v1/files/12`) where it happened; outside a test (global setup, scripts,
 * worker fixtures) it just runs. The title carries the method and path only: no query, no body.
 */
export function apiStep<T>(title: string, fn: () => Promise<T>): Promise<T> {
  try {
    test.info();
  } catch {
    return fn();
  }
  return test.step(title, fn, { box: true });
}
