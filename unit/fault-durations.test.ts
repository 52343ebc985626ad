/** The fault matrix starts its runs longest first, from the measured times in faults/durations.json. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { DURATIONS_FILE, longestFirst, readDurations, storeDurations } from '../faults/durations.js';

const name = (j: { name: string }) => j.name;
const jobs = ['short', 'never-measured', 'long', 'clean', 'middle'].map((n) => ({ name: n }));

test('runs start longest first; a run never measured starts with the longest, the clean run before all', () => {
  const durations = { measured: 'test', runs: { short: 5, middle: 20, long: 60 } };
  const order = longestFirst(jobs, name, durations, (j) => j.name === 'clean').map(name);
  expect(order).toEqual(['clean', 'never-measured', 'long', 'middle', 'short']);
  // Without any figures the plan's own order stands.
  expect(longestFirst(jobs, name, { measured: '', runs: {} }).map(name)).toEqual(jobs.map(name));
});

test('storing keeps the figures of runs this matrix did not make; a broken file names the fix', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fault-durations-'));
  try {
    const file = path.join(dir, 'durations.json');
    storeDurations({ a: 10, b: 20 }, 'first', file);
    storeDurations({ b: 25, 'a@asterdrive': 40 }, 'second', file);
    expect(readDurations(file)).toEqual({ measured: 'second', runs: { a: 10, 'a@asterdrive': 40, b: 25 } });
    writeFileSync(file, JSON.stringify({ runs: { a: 'slow' } }));
    expect(() => readDurations(file)).toThrow(/is not a durations file .*npm run faults -- --store-durations/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the committed figures parse and name runs in seconds', () => {
  const committed = readDurations(DURATIONS_FILE);
  expect(Object.keys(committed.runs).length, readFileSync(DURATIONS_FILE, 'utf8')).toBeGreaterThan(10);
  expect(committed.measured).toMatch(/cores/);
});
