import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig, type VarName } from '../../helpers/harness/config.js';
import { createTempUser } from '../../helpers/clients/mail/accounts.js';
import { mailDomain, messageEvidence, runAddress } from '../../helpers/clients/mail/mailpit.js';
import { notApplicable, notChecked } from '../../helpers/catalogue/verdict.js';

/** Link lifetimes and cooldowns (upstream src/config/auth_runtime.rs) and the variables that state the plan. */
const PLAN: { variable: VarName; key: string; what: string }[] = [
  { variable: 'ASTER_EXPECT_ACTIVATION_LINK_TTL_S', key: 'auth_register_activation_ttl_secs', what: 'activation link lifetime' },
  { variable: 'ASTER_EXPECT_RESET_LINK_TTL_S', key: 'auth_password_reset_ttl_secs', what: 'password reset link lifetime' },
  { variable: 'ASTER_EXPECT_EMAIL_CHANGE_LINK_TTL_S', key: 'auth_contact_change_ttl_secs', what: 'email change link lifetime' },
  {
    variable: 'ASTER_EXPECT_RESEND_COOLDOWN_S',
    key: 'auth_contact_verification_resend_cooldown_secs',
    what: 'activation / email change resend cooldown',
  },
  { variable: 'ASTER_EXPECT_RESET_COOLDOWN_S', key: 'auth_password_reset_request_cooldown_secs', what: 'password reset request cooldown' },
];

/** The plan: the operator's values only (a default would be compared with itself). */
function planned(variable: VarName): number | undefined {
  const v = loadConfig().env[variable];
  return typeof v === 'number' ? v : undefined;
}

test('link lifetimes and resend cooldowns match the plan', checks(['5.6'], '@readonly'), async ({ adminApi, evidence }) => {
  const rows = await Promise.all(
    PLAN.map(async (p) => ({
      ...p,
      expected: planned(p.variable),
      actual: Number((await adminApi.getConfig(p.key)).value),
    })),
  );
  await evidence(
    'lifetimes and cooldowns (seconds)',
    rows.map((r) => ({ setting: r.key, actual: r.actual, expected: r.expected ?? `(not given: ${r.variable})` })),
  );
  const mismatches = rows
    .filter((r) => r.expected !== undefined && r.actual !== r.expected)
    .map((r) => `${r.what}: ${r.key}=${r.actual} s, planned ${r.expected} s (${r.variable}); change it in Admin → System Settings → Authentication`);
  expect(mismatches, 'settings that differ from the plan').toEqual([]);
  const missing = rows.filter((r) => r.expected === undefined);
  if (missing.length) {
    notChecked(missing.map((r) => r.variable).join(', '), `the planned ${missing.map((r) => r.what).join(', ')} are not given`);
  }
});

test(
  'a second password reset request inside the cooldown sends no second mail',
  checks(['5.6'], '@own-data', { needs: ['mailpit'] }),
  async ({ adminApi, publicAuth, run, owned, mailbox, evidence }) => {
    const configured = Number((await adminApi.getConfig('auth_password_reset_request_cooldown_secs')).value);
    const plan = loadConfig().env.ASTER_EXPECT_RESET_COOLDOWN_S ?? configured;
    if (plan === 0) notApplicable('no password reset cooldown is planned (0 s), so a second mail is expected');
    const interval = Number((await adminApi.getConfig('mail_outbox_dispatch_interval_secs').catch(() => ({ value: '5' }))).value) || 5;

    const email = runAddress(run, 'cool', await mailDomain(run, adminApi));
    owned.custom(`mail to ${email}`, () => mailbox.deleteTo(email));
    await createTempUser(adminApi, owned, run, 'cool', email);
    const request = async () => {
      const res = await publicAuth.requestPasswordReset(email);
      expect(res.status, `the reset request answered ${res.status}`).toBe(200);
    };

    const first = Date.now();
    await test.step('the first reset request sends a mail', async () => {
      await request();
      await evidence('first reset mail', messageEvidence(await mailbox.waitForMessageTo(email)));
    });
    const elapsed = (Date.now() - first) / 1000;
    if (elapsed >= plan)
      notApplicable(`the planned cooldown (${plan} s) is shorter than the mail round trip (${elapsed.toFixed(1)} s), so it cannot be observed`);

    await test.step(`a second request ${elapsed.toFixed(1)} s later (cooldown ${plan} s planned, ${configured} s configured) sends nothing`, async () => {
      await request();
      // Watch long enough for the outbox to have sent a second mail: two dispatch rounds plus slack.
      const windowMs = Math.min(20_000, (2 * interval + 3) * 1000);
      const deadline = Date.now() + windowMs;
      let count = 1;
      while (Date.now() < deadline && count < 2) {
        await new Promise((r) => setTimeout(r, 500));
        count = await mailbox.countTo(email);
      }
      await evidence('reset mails received', { count, watchedSeconds: windowMs / 1000, plannedCooldown: plan, configuredCooldown: configured });
      expect(
        count,
        `a second reset mail went out inside the ${plan} s cooldown (auth_password_reset_request_cooldown_secs=${configured}): ` +
          'anyone can flood a mailbox with reset mails; set the cooldown in Admin → System Settings → Authentication',
      ).toBe(1);
    });
  },
);
