/** Reading Linux /proc: a process's stat fields, the machine's busy CPU time, and the clock ticks they count in. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of /proc's CPU times. */
export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * The fields of /proc/<pid>/stat after "pid (comm) ", so index 0 is the state, 1 the parent pid,
 * 2 the process group, 11 and 12 user and system ticks, 19 the start time; undefined when the
 * process is gone or there is no /proc.
 */
export function procStat(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Busy CPU seconds of the whole machine since boot (/proc/stat: all but idle and iowait), NaN where there is no /proc. */
export function machineBusyS(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}
