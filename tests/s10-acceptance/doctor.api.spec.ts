import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/checklist.js';
import { loadConfig } from '../../helpers/config.js';
import { notChecked } from '../../helpers/verdict.js';

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

test('aster_drive doctor passes (judged by its status, not its ok field)', checks(['10.13'], '@readonly'), async ({ run, evidence }) => {
  const cmd = loadConfig().env.ASTER_DOCTOR_CMD ?? run.managed?.doctorCmd;
  if (!cmd) notChecked('ASTER_DOCTOR_CMD', 'no command that runs `aster_drive doctor` for this deployment');
  const result = await promisify(execFile)('/bin/sh', ['-c', cmd], { cwd: run.managed?.workdir, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
  const jsonStart = result.stdout.indexOf('{');
  expect(
    jsonStart,
    `doctor printed no JSON (exit ${result.code}); add --output-format json to ASTER_DOCTOR_CMD. stderr: ${result.stderr.slice(0, 300)}`,
  ).toBeGreaterThanOrEqual(0);
  const report = Doctor.parse(JSON.parse(result.stdout.slice(jsonStart)));
  await evidence('doctor', { exitCode: result.code, status: report.data.status, summary: report.data.summary, checks: report.data.checks });
  const failing = report.data.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.summary ?? ''} ${c.suggestion ?? ''}`.trim());
  expect(failing, 'doctor checks that fail').toEqual([]);
  expect(report.data.status, '`ok: true` is printed even when checks fail; the status decides').not.toBe('fail');
  expect(result.code, 'doctor exits 1 when its status is fail').toBe(0);
});
