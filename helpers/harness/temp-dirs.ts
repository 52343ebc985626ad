/**
 * The suite's own directories under the system temp directory (a run's state and secrets, the
 * managed target and its twins, the local services): named aster-<what>-XXXXXX, each holding an
 * `.owner` file that names the process that made it (pid and start time). A run removes its
 * directories as it ends; a run that was killed cannot, so each run starts by removing those whose
 * owner is gone, as `npm run cleanup` does. Directories without the file are never touched.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { procStat } from './proc.js';

const OWNER_FILE = '.owner';

interface Owner {
  pid: number;
  /** The process's start time (/proc/<pid>/stat), so a reused pid is not taken for the owner. */
  started: string;
}

function startTime(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

function alive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const started = startTime(owner.pid);
  return started === undefined || owner.started === '' || started === owner.started;
}

/** Marks `dir` as this process's (again, after it was recreated). */
export function claimTempDir(dir: string): void {
  const owner: Owner = { pid: process.pid, started: startTime(process.pid) ?? '' };
  writeFileSync(path.join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`);
}

/** A new private directory `aster-<what>-XXXXXX` under the temp directory, owned by this process. */
export function makeTempDir(what: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `aster-${what}-`));
  claimTempDir(dir);
  return dir;
}

/** Removes the suite's temp directories whose owning process is gone; returns their paths. */
export function sweepStaleTempDirs(tmp = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tmp).filter((n) => n.startsWith('aster-'));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = path.join(tmp, name);
    let owner: Owner;
    try {
      owner = JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as Owner;
    } catch {
      continue; // not one of ours, or still being made
    }
    if (typeof owner.pid !== 'number' || alive(owner)) continue;
    try {
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // Another user's, or in use: leave it.
    }
  }
  return removed;
}
