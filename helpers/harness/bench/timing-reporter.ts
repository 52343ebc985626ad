/**
 * Reporter for `npm run bench` (scripts/bench.ts): when each test ran, in which project and
 * worker, and how long each worker spent signing in (the setup of the `adminApi` and `userApi`
 * fixtures, helpers' AsterClient.signIn). Writes ASTER_BENCH_TIMING (JSON) at the end.
 */
import { writeFileSync } from 'node:fs';
import type { FullResult, Reporter, TestCase, TestResult, TestStep } from '@playwright/test/reporter';

export interface TimedTest {
  title: string;
  project: string;
  worker: number;
  start: number;
  end: number;
  status: string;
}

export interface Timing {
  /** ms since the epoch: when the reporter began (after global setup) and ended. */
  begin: number;
  end: number;
  tests: TimedTest[];
  /** Sign-in fixture setups: worker, fixture, start, duration (ms). */
  signIns: { worker: number; fixture: string; start: number; ms: number }[];
  status: string;
}

const SIGN_IN_FIXTURES = /\b(adminApi|userApi)\b/;

export default class TimingReporter implements Reporter {
  private readonly timing: Timing = { begin: Date.now(), end: 0, tests: [], signIns: [], status: '' };

  printsToStdio(): boolean {
    return false;
  }

  onBegin(): void {
    this.timing.begin = Date.now();
  }

  onStepEnd(_test: TestCase, result: TestResult, step: TestStep): void {
    if (step.category === 'fixture' && SIGN_IN_FIXTURES.test(step.title)) {
      this.timing.signIns.push({ worker: result.workerIndex, fixture: step.title, start: step.startTime.getTime(), ms: step.duration });
    }
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const start = result.startTime.getTime();
    this.timing.tests.push({
      title: test.title,
      project: test.parent.project()?.name ?? '',
      worker: result.workerIndex,
      start,
      end: start + result.duration,
      status: result.status,
    });
  }

  onEnd(result: FullResult): void {
    this.timing.end = Date.now();
    this.timing.status = result.status;
    const file = process.env.ASTER_BENCH_TIMING;
    if (file) writeFileSync(file, `${JSON.stringify(this.timing)}\n`);
  }
}
