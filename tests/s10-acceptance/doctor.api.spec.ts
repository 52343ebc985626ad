/**
 * 10.13: `aster_drive doctor` passes, judged by its status and exit code (its `ok` field is true
 * even when checks fail; helpers/clients/data/doctor.ts).
 */
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';
import { runDoctor } from '../../helpers/clients/data/doctor.js';

test('aster_drive doctor passes (judged by its status, not its ok field)', checks(['10.13'], '@readonly', { needs: ['doctor'] }), async ({ run, evidence }) => {
  const cmd = loadConfig().env.ASTER_DOCTOR_CMD ?? String(run.managed?.doctorCmd);
  const result = await runDoctor(cmd, run.managed?.workdir);
  await evidence('doctor', result);
  expect(result.problem, `${result.problem}; add --output-format json to ASTER_DOCTOR_CMD`).toBeUndefined();
  expect(result.failing, 'doctor checks that fail').toEqual([]);
  expect(result.status, '`ok: true` is printed even when checks fail; the status decides').not.toBe('fail');
  expect(result.exitCode, 'doctor exits 1 when its status is fail').toBe(0);
});
