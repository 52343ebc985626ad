/**
 * The environment AsterDrive runs with, for the settings it reads from there first (RUST_LOG,
 * ASTER__*): the operator's ASTER_ENV_CMD, else /proc/<pid>/environ of the managed target's
 * process or of the one aster_drive process on this host that serves the given data directory.
 */
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadConfig } from '../../harness/config.js';
import type { RunState } from '../../harness/target/run-state.js';
import { localServerPid } from '../../judges/data-dir.js';

export interface ServerEnvironment {
  source: string;
  vars: Map<string, string>;
}

/** `A=1` lines, NUL-separated environ, `export A=1`, or systemd's `Environment=A=1 B=2`. */
export function parseEnvironment(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (let line of text.split(/[\0\n]/)) {
    line = line.trim().replace(/^export\s+/, '');
    const parts = line.startsWith('Environment=') ? line.slice('Environment='.length).split(/\s+/) : [line];
    for (const part of parts) {
      const m = part.match(/^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/);
      if (m) vars.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
    }
  }
  return vars;
}

export function serverEnvironment(run: RunState, dataDir: string | undefined): ServerEnvironment | undefined {
  const cmd = loadConfig().env.ASTER_ENV_CMD;
  if (cmd)
    return {
      source: `ASTER_ENV_CMD (${cmd})`,
      vars: parseEnvironment(execSync(cmd, { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] })),
    };
  const pid = run.managed?.pid ?? (dataDir ? localServerPid(dataDir) : undefined);
  const file = pid === undefined ? undefined : `/proc/${pid}/environ`;
  if (!file || !existsSync(file)) return undefined;
  try {
    return { source: file, vars: parseEnvironment(readFileSync(file, 'utf8')) };
  } catch {
    return undefined; // another user's process: not readable without privileges
  }
}
