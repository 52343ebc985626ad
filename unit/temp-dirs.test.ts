/** A killed run's temporary directories are removed by the next run; a live run's and foreign ones are not. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { makeTempDir, sweepStaleTempDirs } from '../helpers/harness/temp-dirs.js';

test('directories whose owner is gone are swept, a reused pid is not taken for the owner, live and foreign ones are kept', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'temp-dirs-unit-'));
  try {
    const mine = makeTempDir('unit');
    const own = JSON.parse(readFileSync(path.join(mine, '.owner'), 'utf8')) as { pid: number; started: string };
    expect(own.pid).toBe(process.pid);
    // A process that has exited: its pid is free (or reused with another start time).
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    const dirs = {
      dead: path.join(tmp, 'aster-run-dead'),
      reused: path.join(tmp, 'aster-launch-reused'),
      live: path.join(tmp, 'aster-secrets-live'),
      foreign: path.join(tmp, 'aster-foreign'),
      other: path.join(tmp, 'mailpit-other'),
    };
    for (const d of Object.values(dirs)) mkdirSync(d);
    writeFileSync(path.join(dirs.dead, '.owner'), JSON.stringify({ pid: Number(gone), started: '1' }));
    writeFileSync(path.join(dirs.reused, '.owner'), JSON.stringify({ pid: process.pid, started: 'not-its-start-time' }));
    writeFileSync(path.join(dirs.live, '.owner'), JSON.stringify(own));
    writeFileSync(path.join(dirs.other, '.owner'), JSON.stringify({ pid: Number(gone), started: '1' }));

    expect(sweepStaleTempDirs(tmp).sort()).toEqual([dirs.reused, dirs.dead].sort());
    expect(existsSync(dirs.live)).toBe(true);
    expect(existsSync(dirs.foreign), 'no .owner file: not the suite’s').toBe(true);
    expect(existsSync(dirs.other), 'not named aster-*').toBe(true);
    rmSync(mine, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
