import { expect, test } from '../../fixtures/index.js';
import { parseCode } from '../../helpers/clients/api/http.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { mailDomain, messageEvidence, runAddress } from '../../helpers/clients/mail/mailpit.js';

const SUBJECT = 'AsterDrive SMTP test';
const SMTP_KEYS = ['mail_smtp_host', 'mail_smtp_port', 'mail_security', 'mail_smtp_username', 'mail_from_address', 'mail_from_name'];

/** What the operator fixes for each refusal of the test email (upstream src/services/mail/sender.rs). */
function smtpAdvice(code: string | undefined): string {
  if (code === 'mail.not_configured') {
    return 'SMTP is not configured: set mail_smtp_host and mail_from_address in Admin → System Settings → Mail';
  }
  if (code === 'mail.delivery_failed') {
    return (
      'the SMTP server refused or could not be reached: check mail_smtp_host and mail_smtp_port, mail_security ' +
      '(true + 465 = TLS, true + other port = STARTTLS, false = plain) and mail_smtp_username / mail_smtp_password in Admin → System Settings → Mail'
    );
  }
  return 'the test email action failed unexpectedly; read the response and the server log';
}

test('the SMTP connection test passes', checks(['5.1'], '@own-data', { needs: ['smtp-server'] }), async ({ adminApi, run, evidence }) => {
  const to = runAddress(run, 'smtp', await mailDomain(run, adminApi));
  const settings = Object.fromEntries(
    await Promise.all(
      SMTP_KEYS.map(
        async (k) =>
          [
            k,
            await adminApi.getConfig(k).then(
              (c) => c.value,
              () => '(unreadable)',
            ),
          ] as const,
      ),
    ),
  );
  await evidence('SMTP settings (password never read)', settings);

  const res = await test.step(`Admin → Mail → Send test email to ${to}`, () => adminApi.sendTestEmail(to));
  const body = await res.text();
  const code = parseCode(body);
  await evidence('send_test_email answer', { status: res.status, code, body: body.slice(0, 500) });
  expect(res.status, `the SMTP test answered ${res.status}${code ? ` ${code}` : ''}: ${smtpAdvice(code)}. Server said: ${body.slice(0, 300)}`).toBe(200);
});

test('a test email is received in Mailpit', checks(['5.2'], '@own-data', { needs: ['mailpit'] }), async ({ adminApi, run, mailbox, evidence }) => {
  const to = runAddress(run, 'smtp-rx', await mailDomain(run, adminApi));
  try {
    const res = await test.step('send the test email', () => adminApi.sendTestEmail(to));
    const body = await res.text();
    const code = parseCode(body);
    expect(res.status, `the SMTP test answered ${res.status}${code ? ` ${code}` : ''}, so nothing was sent: ${smtpAdvice(code)}`).toBe(200);

    const message = await test.step('the mail arrives in Mailpit', () => mailbox.waitForMessageTo(to, { subject: SUBJECT, timeoutMs: 30_000 }));
    await evidence('received test email', messageEvidence(message));
    expect(message.Subject).toBe(SUBJECT);
    const from = String((await adminApi.getConfig('mail_from_address')).value);
    expect(message.From?.Address?.toLowerCase(), 'the sender is not mail_from_address; a relay rewrote it or the setting changed').toBe(from.toLowerCase());
  } finally {
    await mailbox.deleteTo(to).catch(() => {});
  }
});
