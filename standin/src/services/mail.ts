import nodemailer from 'nodemailer';
import type { Ctx } from '../context.js';
import type { OutboxRec } from '../db/types.js';
import { ApiError } from '../http/errors.js';
import { audit } from './audit.js';
import { getArr, getBool, getNum, getStr, siteName } from './settings.js';

const RETRY_DELAYS_SECS = [5, 15, 60, 300, 900];
const MAX_ATTEMPTS = 6;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fill(tpl: string, vars: Record<string, string>): string {
  return tpl.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_, k: string) => vars[k] ?? '');
}

/** Default bodies; `{{link}}` is the absolute (or relative) link built at dispatch time. */
const BODIES: Record<string, string> = {
  register_activation:
    '<p>Hello {{username}},</p><p>Activate your {{site_name}} account: <a href="{{link}}">{{link}}</a></p><p>The link expires in {{ttl_hours}} hours.</p>',
  contact_change_confirmation: '<p>Hello {{username}},</p><p>Confirm your new {{site_name}} email address: <a href="{{link}}">{{link}}</a></p>',
  password_reset: '<p>Hello {{username}},</p><p>Reset your {{site_name}} password: <a href="{{link}}">{{link}}</a></p>',
  password_reset_notice: '<p>Hello {{username}},</p><p>Your {{site_name}} password was reset.</p>',
  contact_change_notice: '<p>Hello {{username}},</p><p>Your {{site_name}} email address was changed to {{new_email}}.</p>',
};

export class Mailer {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  constructor(private ctx: Ctx) {}

  configured(): boolean {
    return Boolean(getStr(this.ctx.store, 'mail_smtp_host').trim() && getStr(this.ctx.store, 'mail_from_address').trim());
  }

  private transport() {
    const s = this.ctx.store;
    const port = getNum(s, 'mail_smtp_port') || 587;
    const security = getBool(s, 'mail_security');
    const user = getStr(s, 'mail_smtp_username');
    return nodemailer.createTransport({
      host: getStr(s, 'mail_smtp_host'),
      port,
      secure: security && port === 465,
      requireTLS: security && port !== 465,
      ignoreTLS: !security,
      auth: user ? { user, pass: getStr(s, 'mail_smtp_password') } : undefined,
      connectionTimeout: 5000,
      greetingTimeout: 5000,
      socketTimeout: 10000,
    });
  }

  /** Synchronous send; 503 mail.not_configured / mail.delivery_failed (upstream src/services/mail/sender.rs, src/errors.rs). */
  async sendNow(to: string, subject: string, html: string): Promise<void> {
    if (!this.configured()) throw new ApiError(503, 'mail.not_configured', 'mail is not configured');
    const s = this.ctx.store;
    const t = this.transport();
    try {
      await t.sendMail({
        from: { name: getStr(s, 'mail_from_name') || 'AsterDrive', address: getStr(s, 'mail_from_address') },
        to,
        subject,
        html,
        text: html
          .replace(/<\/p>|<br\s*\/?>/gi, '\n')
          .replace(/<[^>]+>/g, '')
          .trim(),
      });
    } catch (e) {
      throw new ApiError(503, 'mail.delivery_failed', `mail delivery failed: ${(e as Error).message}`);
    } finally {
      t.close();
    }
  }

  /** Queues a flow mail in the outbox (caller commits). `vars.link_path` is made absolute at dispatch. */
  enqueue(template: string, to: string, userId: number | null, vars: Record<string, string>): OutboxRec {
    const row: OutboxRec = {
      id: this.ctx.store.nextId('outbox'),
      template,
      to,
      userId,
      vars,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: Date.now(),
      lastError: null,
      createdAt: new Date().toISOString(),
    };
    this.ctx.store.state.outbox.push(row);
    this.kick();
    return row;
  }

  render(row: OutboxRec): { subject: string; html: string } {
    const s = this.ctx.store;
    const base = getArr(s, 'public_site_url')[0] ?? '';
    const vars: Record<string, string> = { site_name: siteName(s), ...row.vars };
    if (row.vars.link_path) vars.link = `${base}${row.vars.link_path}`;
    const subjectTpl = getStr(s, `mail_template_${row.template}_subject`) || row.template;
    const htmlTpl = getStr(s, `mail_template_${row.template}_html`) || BODIES[row.template] || '<p>{{link}}</p>';
    const escVars = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, esc(v)]));
    return { subject: fill(subjectTpl, vars), html: fill(htmlTpl, escVars) };
  }

  start(): void {
    this.schedule(200);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private kick(): void {
    this.schedule(50);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private busy = false;

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.dispatch();
    } catch (e) {
      console.error('[standin] outbox dispatch failed', e);
    } finally {
      this.busy = false;
      const interval = Math.max(1, getNum(this.ctx.store, 'mail_outbox_dispatch_interval_secs') || 5);
      this.schedule(interval * 1000);
    }
  }

  private async dispatch(): Promise<void> {
    const store = this.ctx.store;
    const due = store.state.outbox
      .filter((r) => (r.status === 'pending' || r.status === 'retry' || r.status === 'processing') && r.nextAttemptAt <= Date.now())
      .slice(0, 20);
    if (due.length === 0) return;
    let sent = 0;
    let failed = 0;
    for (const row of due) {
      row.status = 'processing';
      row.attempts++;
      const { subject, html } = this.render(row);
      const details = { template_code: row.template, outbox_id: row.id, attempt_count: row.attempts, to: row.to };
      try {
        await this.sendNow(row.to, subject, html);
        row.status = 'sent';
        row.lastError = null;
        sent++;
        audit(this.ctx, { userId: row.userId, action: 'mail_send', entityType: 'mail', entityId: row.id, entityName: row.to, details });
      } catch (e) {
        row.lastError = (e as Error).message;
        if (row.attempts >= MAX_ATTEMPTS) row.status = 'failed';
        else {
          row.status = 'retry';
          row.nextAttemptAt = Date.now() + RETRY_DELAYS_SECS[row.attempts - 1]! * 1000;
        }
        failed++;
        audit(this.ctx, {
          userId: row.userId,
          action: 'mail_delivery_failed',
          entityType: 'mail',
          entityId: row.id,
          entityName: row.to,
          details: { ...details, error: row.lastError },
        });
      }
      store.commit();
    }
    // Rounds that processed something are recorded as system_runtime tasks (upstream src/runtime/tasks.rs).
    const t = new Date().toISOString();
    store.state.tasks.push({
      id: store.nextId('tasks'),
      kind: 'system_runtime',
      status: 'succeeded',
      displayName: 'mail-outbox-dispatch',
      creatorUserId: null,
      progressCurrent: 1,
      progressTotal: 1,
      statusText: null,
      attemptCount: 1,
      maxAttempts: 1,
      lastError: null,
      payload: { job: 'mail-outbox-dispatch' },
      result: { sent, failed },
      steps: [],
      startedAt: t,
      finishedAt: t,
      createdAt: t,
      updatedAt: t,
    });
    this.ctx.metrics.inc('background_tasks_total', 'Background tasks finished', { kind: 'system_runtime', status: 'succeeded' });
    store.commit();
  }
}
