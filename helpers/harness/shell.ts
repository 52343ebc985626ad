/** Runs an operator's shell command (ASTER_BACKUP_CMD, ASTER_RESTORE_CMD) with a time limit. */
import { exec } from 'node:child_process';

export function runShell(variable: string, cmd: string, timeoutMs = 600_000): Promise<{ output: string; seconds: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    exec(cmd, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`.trim().slice(-1000);
      if (err)
        reject(
          new Error(`${variable} failed (${err.code ?? err.signal ?? err.message}) after ${Math.round((Date.now() - t0) / 1000)} s: ${output.slice(-400)}`),
        );
      else resolve({ output, seconds: (Date.now() - t0) / 1000 });
    });
  });
}
