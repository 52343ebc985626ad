import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface LoggedRun {
  code: number;
  seconds: number;
  started: number;
  ended: number;
}

/** Runs a command to its end with stdout and stderr kept, in order, in `log` (a fault or bench run). */
export function runLogged(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; log: string }): Promise<LoggedRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
    });
    child.stderr.on('data', (d) => {
      text += d;
    });
    child.on('close', (code) => {
      writeFileSync(opts.log, text);
      const ended = Date.now();
      resolve({ code: code ?? 1, seconds: (ended - started) / 1000, started, ended });
    });
  });
}
