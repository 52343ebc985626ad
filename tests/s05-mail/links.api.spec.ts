import { expect, test } from '../../fixtures/index.js';
import { AsterClient, login } from '../../helpers/clients/api/aster.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { createTempUser, tempPassword } from '../../helpers/clients/mail/accounts.js';
import { expectSiteLinkOrigin, findLink, mailDomain, messageEvidence, redactToken, runAddress } from '../../helpers/clients/mail/mailpit.js';
import { registerSecret } from '../../helpers/harness/secrets.js';

const RESET_PATH = '/reset-password';
const CONFIRM_PATH = '/api/v1/auth/contact-verification/confirm';

async function publicSiteUrl(adminApi: AsterClient): Promise<string[]> {
  const v = (await adminApi.getConfig('public_site_url')).value;
  return Array.isArray(v) ? v : [v].filter(Boolean);
}

test(
  'password reset links use the public domain, and the link sets a new password',
  checks(['5.4'], '@own-data', { needs: ['mailpit'] }),
  async ({ adminApi, publicAuth, run, owned, mailbox, evidence }) => {
    const email = runAddress(run, 'rst', await mailDomain(run, adminApi));
    owned.custom(`mail to ${email}`, () => mailbox.deleteTo(email));
    const user = await test.step('an administrator creates a throwaway account', () => createTempUser(adminApi, owned, run, 'rst', email));

    await test.step('"Forgot password" for that address', async () => {
      const res = await publicAuth.requestPasswordReset(email);
      expect(res.status, `the reset request answered ${res.status}: ${(await res.text()).slice(0, 200)}`).toBe(200);
    });
    const message = await test.step('the reset mail arrives', () => mailbox.waitForMessageTo(email));
    await evidence('reset mail', messageEvidence(message));
    const link = findLink(message, RESET_PATH);
    expect(link, `the reset mail carries no ${RESET_PATH}?token=… link; was the password_reset template edited?`).toBeDefined();
    if (!link) return;

    await test.step('the link uses the public origin', async () => {
      expectSiteLinkOrigin(link, 'password reset link', run, await publicSiteUrl(adminApi));
    });
    await test.step('the link opens the reset page of the web panel', async () => {
      const res = await fetch(link.raw, { signal: AbortSignal.timeout(15_000) });
      expect(res.status, `the reset page ${redactToken(link)} answered ${res.status}; the proxy must hand /reset-password to AsterDrive’s web panel`).toBe(200);
      expect(res.headers.get('content-type') ?? '', 'the reset page is not HTML').toContain('text/html');
    });

    const newPassword = tempPassword();
    await test.step('confirming with a new password works; only the new password signs in', async () => {
      const res = await publicAuth.confirmPasswordReset(link.token, newPassword);
      const body = await res.text();
      await evidence('reset confirm', { status: res.status, body: body.slice(0, 300) });
      expect(res.status, `confirming the emailed token answered ${res.status}: ${body.slice(0, 200)}`).toBe(200);
      await expect(login(run.baseURL, { identifier: user.username, password: newPassword }), 'the new password signs in').resolves.toBeTruthy();
      await expect(login(run.baseURL, user.creds), 'the old password still signs in after a reset').rejects.toThrow(/refused \(401/);
    });
    await test.step('the emailed token is single-use', async () => {
      const again = await publicAuth.confirmPasswordReset(link.token, tempPassword());
      expect(again.status, 'a used reset token was accepted a second time').toBe(400);
    });
  },
);

test(
  'email change links go to the new address and use the public domain',
  checks(['5.5'], '@own-data', { needs: ['mailpit'] }),
  async ({ adminApi, run, owned, mailbox, evidence }) => {
    const domain = await mailDomain(run, adminApi);
    const oldEmail = runAddress(run, 'eml', domain);
    const newEmail = runAddress(run, 'eml-new', domain);
    owned.custom(`mail to ${oldEmail}`, () => mailbox.deleteTo(oldEmail));
    owned.custom(`mail to ${newEmail}`, () => mailbox.deleteTo(newEmail));
    const user = await test.step('an administrator creates a throwaway account', () => createTempUser(adminApi, owned, run, 'eml', oldEmail));

    await test.step('the account asks to change its email address', async () => {
      const client = await AsterClient.signIn(run.baseURL, user.creds);
      registerSecret(client.accessToken);
      const res = await client.http.raw('POST', '/api/v1/auth/email/change', { json: { new_email: newEmail } });
      const body = await res.text();
      expect(res.status, `POST /api/v1/auth/email/change answered ${res.status}: ${body.slice(0, 200)}`).toBe(200);
      expect(JSON.parse(body).data?.pending_email, 'the new address is not pending confirmation').toBe(newEmail);
    });
    const message = await test.step('the confirmation mail arrives at the new address', () => mailbox.waitForMessageTo(newEmail));
    await evidence('email change mail', messageEvidence(message));
    const link = findLink(message, CONFIRM_PATH);
    expect(link, `the confirmation mail carries no ${CONFIRM_PATH}?token=… link; was the contact_change_confirmation template edited?`).toBeDefined();
    if (!link) return;

    await test.step('the link uses the public origin', async () => {
      expectSiteLinkOrigin(link, 'email change link', run, await publicSiteUrl(adminApi));
    });
    await test.step('following the link changes the address', async () => {
      const res = await fetch(link.raw, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
      const location = res.headers.get('location') ?? '';
      await evidence('confirm answer', { link: redactToken(link), status: res.status, location });
      expect(res.status, `the confirmation link answered ${res.status} instead of a 302`).toBe(302);
      expect(location, 'the redirect does not report email-changed').toContain('contact_verification=email-changed');
      const after = await adminApi.getUser(user.id);
      expect(after.email, 'the account still has its old address after confirming').toBe(newEmail);
    });
  },
);
