/**
 * Outcomes other than pass/fail, recorded so the launch report can tell them apart from an
 * unexplained skip: NOT_CHECKED (missing access, names the variable), MANUAL (a person must
 * confirm), N_A (does not apply to this deployment).
 */
import { test } from '@playwright/test';

export function notChecked(variable: string, why: string): never {
  const description = `${why} (set ${variable} to check it)`;
  test.info().annotations.push({ type: 'not_checked', description });
  test.skip(true, `NOT_CHECKED: ${description}`);
  throw new Error('unreachable');
}

export function manual(whatToConfirm: string): never {
  test.info().annotations.push({ type: 'manual', description: whatToConfirm });
  test.skip(true, `MANUAL: ${whatToConfirm}`);
  throw new Error('unreachable');
}

export function notApplicable(why: string): never {
  test.info().annotations.push({ type: 'n_a', description: why });
  test.skip(true, `N_A: ${why}`);
  throw new Error('unreachable');
}

/**
 * Marks a passing check's result as qualified: it passed, but what it proved is narrower than the
 * item or carries advice. The note travels into every launch report format.
 */
export function qualifiedPass(note: string): void {
  test.info().annotations.push({ type: 'qualified', description: note });
}
