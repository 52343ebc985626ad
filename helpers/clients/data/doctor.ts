/**
 * Runs `aster_drive doctor --output-format json` and judges it by `data.status` (the `ok` field is
 * true even when checks fail; upstream src/cli/doctor/mod.rs), as check 10.13 does.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';

// upstream: src/cli/shared.rs SuccessEnvelope around src/cli/doctor/mod.rs DoctorReport, DoctorCheck (suggestion and details
// are skipped when empty; DoctorStatus is ok/warn/fail).
const Doctor = z.object({
  ok: z.boolean(),
  data: z.object({
    status: z.enum(['ok', 'warn', 'fail']),
    summary: z.object({ total: z.number(), ok: z.number(), warn: z.number(), fail: z.number() }),
    checks: z.array(
      z.object({ name: z.string(), status: z.string(), summary: z.string().optional(), suggestion: z.string().nullable().optional() }).passthrough(),
    ),
  }),
});

export interface DoctorResult {
  exitCode: number;
  status?: 'ok' | 'warn' | 'fail';
  summary?: unknown;
  failing: string[];
  /** Set when no JSON report came out. */
  problem?: string;
}

/** `argv` runs directly; a string runs through /bin/sh (an operator's ASTER_DOCTOR_CMD). */
export async function runDoctor(cmd: string[] | string, cwd?: string): Promise<DoctorResult> {
  const [file, args] = typeof cmd === 'string' ? ['/bin/sh', ['-c', cmd]] : [cmd[0], cmd.slice(1)];
  const r = await promisify(execFile)(file, args, { cwd, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }).then(
    (x) => ({ code: 0, stdout: x.stdout, stderr: x.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof e.code === 'number' ? e.code : 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }),
  );
  const start = r.stdout.indexOf('{');
  if (start < 0) return { exitCode: r.code, failing: [], problem: `doctor printed no JSON (exit ${r.code}): ${r.stderr.slice(0, 300)}` };
  let json: unknown;
  try {
    json = JSON.parse(r.stdout.slice(start));
  } catch {
    return { exitCode: r.code, failing: [], problem: `doctor printed no valid JSON (exit ${r.code}): ${r.stdout.slice(start, start + 300)}` };
  }
  const parsed = Doctor.safeParse(json);
  if (!parsed.success) return { exitCode: r.code, failing: [], problem: `doctor printed unexpected JSON: ${r.stdout.slice(start, start + 300)}` };
  const d = parsed.data.data;
  return {
    exitCode: r.code,
    status: d.status,
    summary: d.summary,
    failing: d.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.summary ?? ''} ${c.suggestion ?? ''}`.trim()),
  };
}

/** The doctor argv of a managed target (same CLI as the target, its database URL). */
export function managedDoctorArgv(target: { cli: string[]; databaseUrl: string }): string[] {
  return [...target.cli, 'doctor', '--database-url', target.databaseUrl, '--output-format', 'json'];
}
