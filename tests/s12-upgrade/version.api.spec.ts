/** 12.1: the running version and its build are known, and match ASTER_EXPECT_VERSION when given. */
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';

const normal = (v: string) => v.trim().replace(/^v/i, '');

test('the running version is reported and matches the expected version', checks(['12.1'], '@readonly'), async ({ run, adminApi, evidence }) => {
  const info = await adminApi.systemInfo();
  const expected = loadConfig().env.ASTER_EXPECT_VERSION;
  await evidence('system info', {
    target: run.baseURL,
    version: info.version,
    build_time: info.build_time ?? null,
    expected: expected ?? '(ASTER_EXPECT_VERSION not set)',
  });
  test.info().annotations.push({ type: 'version', description: `AsterDrive ${info.version}${info.build_time ? ` built ${info.build_time}` : ''}` });
  expect(normal(info.version), 'GET /api/v1/admin/system-info reports no version').toMatch(/^\d+\.\d+\.\d+/);
  if (expected) {
    expect(
      normal(info.version),
      `${run.baseURL} runs AsterDrive ${info.version}, but ASTER_EXPECT_VERSION is ${expected}: deploy the expected release (check the image tag or binary), or update ASTER_EXPECT_VERSION after reviewing its release notes`,
    ).toBe(normal(expected));
  } else {
    test.info().annotations.push({ type: 'note', description: 'ASTER_EXPECT_VERSION not set: the version is reported, not compared' });
  }
});
