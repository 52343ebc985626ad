/**
 * Mail as a person receives it: a typed helper over `mailpit-api` (tooling notes §2.2) that waits
 * for the message AsterDrive sent to one address, pulls the emailed links out of it and checks
 * that they point at the site's public origin (upstream src/services/mail/template.rs: mail links are built from the
 * first `public_site_url` entry, or are bare relative paths when it is empty).
 *
 * Every address the suite mails is run-namespaced (`launch+lt-<runId>-<label>@<domain>`), so
 * parallel tests and other runs never read each other's mail, and the messages can be removed
 * after the test (they carry single-use tokens).
 */
import { expect } from '@playwright/test';
import { MailpitClient, type MailpitMessageListItem, type MailpitMessageSummaryResponse } from 'mailpit-api';
import type { AsterClient } from '../api/aster.js';
import { loadConfig } from '../../harness/config.js';
import { registerSecret } from '../../harness/secrets.js';
import type { RunState } from '../../harness/target/run-state.js';
import { waitFor } from '../../harness/target/wait.js';

export type MailMessage = MailpitMessageSummaryResponse;

/** Managed targets mail a reserved domain that only Mailpit ever sees. */
const MANAGED_DOMAIN = 'launch.test';

/**
 * The domain the run mails: on a managed target `launch.test`; on a deployment the domain of the
 * administrator's own address (the one the deployment's allow-lists and relay already accept).
 */
export async function mailDomain(run: RunState, adminApi: AsterClient): Promise<string> {
  if (run.mode === 'managed') return MANAGED_DOMAIN;
  const email = (await adminApi.me()).email;
  const at = email.lastIndexOf('@');
  return at > 0 ? email.slice(at + 1).toLowerCase() : MANAGED_DOMAIN;
}

/** A run-namespaced plus-address: `launch+lt-<runId>-<label>@<domain>`. */
export function runAddress(run: RunState, label: string, domain: string): string {
  return `launch+lt-${run.runId}-${label}@${domain}`.toLowerCase();
}

export class Mailbox {
  private constructor(
    private readonly client: MailpitClient,
    readonly apiUrl: string,
  ) {}

  /** The run's Mailpit (started by global setup, or MAILPIT_URL), or undefined without one. */
  static forRun(run: RunState): Mailbox | undefined {
    if (!run.mailpit?.apiUrl) return undefined;
    const env = loadConfig().env;
    const auth = env.MAILPIT_USER && env.MAILPIT_PASSWORD ? { username: env.MAILPIT_USER, password: env.MAILPIT_PASSWORD } : undefined;
    const apiUrl = run.mailpit.apiUrl.replace(/\/$/, '');
    return new Mailbox(new MailpitClient(apiUrl, auth ? { auth } : undefined), apiUrl);
  }

  /** Messages whose recipients include exactly this address (Mailpit's `to:` search is a substring match). */
  async messagesTo(address: string): Promise<MailpitMessageListItem[]> {
    const found = await this.client.searchMessages({ query: `to:"${address}"`, limit: 200 });
    return found.messages.filter((m) => m.To.some((t) => t.Address.toLowerCase() === address.toLowerCase()));
  }

  async countTo(address: string): Promise<number> {
    return (await this.messagesTo(address)).length;
  }

  /**
   * Waits for a message to `address` (optionally with this subject, or the n-th such message) and
   * returns it in full. A timeout names what to check: the SMTP settings and the outbox.
   */
  async waitForMessageTo(address: string, opts: { subject?: string; count?: number; timeoutMs?: number } = {}): Promise<MailMessage> {
    const timeoutMs = opts.timeoutMs ?? 45_000;
    const wanted = opts.count ?? 1;
    let item: MailpitMessageListItem | undefined;
    try {
      item = await waitFor(
        `mail to ${address}`,
        async () => {
          const list = (await this.messagesTo(address)).filter((m) => !opts.subject || m.Subject === opts.subject);
          // Mailpit lists newest first.
          return list.length >= wanted ? list[0] : undefined;
        },
        { timeoutMs, intervalMs: 500 },
      );
    } catch (e) {
      throw new Error(
        `No mail${opts.subject ? ` "${opts.subject}"` : ''} to ${address} arrived in Mailpit (${this.apiUrl}) within ${Math.round(timeoutMs / 1000)} s. ` +
          'Check that AsterDrive’s SMTP settings (mail_smtp_host, mail_smtp_port, mail_security) point at the SMTP server that feeds this Mailpit, ' +
          `and look for mail_delivery_failed in Admin → Audit Logs. (${(e as Error).message})`,
      );
    }
    return this.client.getMessageSummary(item.ID);
  }

  /** Removes the run's messages to this address (they carry single-use tokens). */
  async deleteTo(address: string): Promise<void> {
    const ids = (await this.messagesTo(address)).map((m) => m.ID);
    if (ids.length) await this.client.deleteMessages({ IDs: ids });
  }
}

export interface MailLink {
  /** The link exactly as written in the mail. */
  raw: string;
  /** False when AsterDrive wrote a bare path (public_site_url empty). */
  absolute: boolean;
  /** `scheme://host[:port]` of an absolute link. */
  origin?: string;
  token: string;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&#x2F;/gi, '/')
    .replace(/&#47;/g, '/')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");

/** Every link in the mail (HTML hrefs and URLs in the text part), absolute or relative. */
export function linksIn(message: MailMessage): string[] {
  const html = message.HTML ?? '';
  const hrefs = [...html.matchAll(/href\s*=\s*["']([^"']+)["']/gi)].map((m) => decodeEntities(m[1]));
  const text = [...(message.Text ?? '').matchAll(/(?:https?:\/\/|\/)[^\s<>"')\]]+\?token=[^\s<>"')\]]+/g)].map((m) => m[0]);
  return [...new Set([...hrefs, ...text])];
}

/**
 * The emailed link whose path is `path` and that carries a `token` (e.g. `/reset-password` or
 * `/api/v1/auth/contact-verification/confirm`). The token is registered as a secret.
 */
export function findLink(message: MailMessage, path: string): MailLink | undefined {
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const re = new RegExp(`^(https?://[^/\\s?#]+)?${escaped}\\?(?:[^\\s#]*&)?token=([^&\\s#]+)`, 'i');
  for (const candidate of [...linksIn(message), ...searchBody(message, path)]) {
    const m = re.exec(candidate);
    if (!m) continue;
    const token = decodeURIComponent(m[2]);
    registerSecret(token);
    const absolute = Boolean(m[1]);
    return { raw: candidate, absolute, origin: absolute ? new URL(candidate).origin : undefined, token };
  }
  return undefined;
}

/** Links that are only in the HTML text (not in an href), absolute or a bare path. */
function searchBody(message: MailMessage, path: string): string[] {
  const body = decodeEntities(`${message.HTML ?? ''}\n${message.Text ?? ''}`);
  const idx: string[] = [];
  const re = /(?:https?:\/\/[^\s<>"'/]+)?\/[^\s<>"']*\?[^\s<>"']*token=[^\s<>"'&]+/g;
  for (const m of body.matchAll(re)) if (m[0].includes(path)) idx.push(m[0]);
  return idx;
}

/**
 * Asserts that an emailed link points at the site's public origin (and uses https where the
 * site is public). The messages say what is wrong and which setting fixes it.
 */
export function expectLinkOrigin(link: MailLink, opts: { what: string; expectedOrigin: string; publicSiteUrl: string[]; requireHttps: boolean }): void {
  const configured = `public_site_url is currently ${JSON.stringify(opts.publicSiteUrl)}`;
  expect(
    link.absolute,
    `the ${opts.what} is a bare path (${redactToken(link)}): AsterDrive builds mail links from the first Public site URL entry, and ${configured}. ` +
      `Set Admin → System Settings → Site → Public site URL to ${opts.expectedOrigin}.`,
  ).toBe(true);
  expect(
    link.origin,
    `the ${opts.what} points at ${link.origin}, but the site is served at ${opts.expectedOrigin}; ${configured}. ` +
      `Put ${opts.expectedOrigin} first in Admin → System Settings → Site → Public site URL (mail always uses the first entry).`,
  ).toBe(opts.expectedOrigin);
  if (opts.requireHttps) {
    expect(
      new URL(link.raw).protocol,
      `the ${opts.what} uses ${new URL(link.raw).protocol.replace(':', '')}: a public site must mail https:// links (fix the scheme in Public site URL).`,
    ).toBe('https:');
  }
}

/** The link as shown in messages and evidence, token hidden. */
export function redactToken(link: MailLink | string): string {
  const raw = typeof link === 'string' ? link : link.raw;
  return raw.replace(/token=[^&\s]+/g, 'token=[REDACTED]');
}

/** A message for evidence: who, what, when and its links (tokens hidden). */
export function messageEvidence(message: MailMessage): Record<string, unknown> {
  return {
    id: message.ID,
    from: message.From?.Address,
    to: message.To.map((t) => t.Address),
    subject: message.Subject,
    date: message.Date,
    links: linksIn(message).map(redactToken),
  };
}

/** The link check for this run: users reach the site at run.baseURL; https is required on deployments and https entries. */
export function expectSiteLinkOrigin(link: MailLink, what: string, run: { baseURL: string; mode: string }, publicSiteUrl: string[]): void {
  expectLinkOrigin(link, {
    what,
    expectedOrigin: new URL(run.baseURL).origin,
    publicSiteUrl,
    requireHttps: run.mode === 'existing' || run.baseURL.startsWith('https:'),
  });
}
