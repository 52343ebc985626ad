import type { Ctx } from '../context.js';
import type { TaskRec } from '../db/types.js';
import { getNum } from './settings.js';

export type TaskHandler = (task: TaskRec) => Promise<Record<string, unknown>>;

const now = () => new Date().toISOString();

/** In-process background task queue persisted in the state file (kinds from upstream crates/aster_drive_model/src/types/task.rs). */
export class TaskRunner {
  private handlers = new Map<string, TaskHandler>();
  private running = new Set<number>();
  ctx!: Ctx;

  register(kind: string, h: TaskHandler): void {
    this.handlers.set(kind, h);
  }

  enqueue(kind: string, displayName: string, creatorUserId: number | null, payload: Record<string, unknown>): TaskRec {
    const store = this.ctx.store;
    const t: TaskRec = {
      id: store.nextId('tasks'),
      kind,
      status: 'pending',
      displayName,
      creatorUserId,
      progressCurrent: 0,
      progressTotal: 1,
      statusText: null,
      attemptCount: 0,
      maxAttempts: getNum(store, 'background_task_max_attempts') || 3,
      lastError: null,
      payload,
      result: null,
      steps: [{ key: 'run', title: displayName, status: 'pending' }],
      startedAt: null,
      finishedAt: null,
      createdAt: now(),
      updatedAt: now(),
    };
    store.state.tasks.push(t);
    store.commit();
    this.updatePending();
    setImmediate(() => void this.run(t.id));
    return t;
  }

  /** Re-runs tasks left pending/processing by a previous process. */
  resume(): void {
    for (const t of this.ctx.store.state.tasks) {
      if (t.status === 'pending' || t.status === 'processing' || t.status === 'retry') setImmediate(() => void this.run(t.id));
    }
    this.updatePending();
  }

  private updatePending(): void {
    const n = this.ctx.store.state.tasks.filter((t) => t.status === 'pending' || t.status === 'retry' || t.status === 'processing').length;
    this.ctx.metrics.set('background_tasks_pending', 'Background tasks waiting or running', n);
  }

  private async run(id: number): Promise<void> {
    // Fault `stalled-tasks` (src/faults.ts): the worker never picks anything up (a dead task runner).
    if (this.ctx.cfg.faults.tasksStalled()) return;
    if (this.running.has(id)) return;
    const store = this.ctx.store;
    const t = store.state.tasks.find((x) => x.id === id);
    if (!t || t.status === 'succeeded' || t.status === 'failed' || t.status === 'canceled') return;
    this.running.add(id);
    try {
      t.status = 'processing';
      t.attemptCount++;
      t.startedAt ??= now();
      t.updatedAt = now();
      for (const s of t.steps) s.status = 'processing';
      store.commit();
      const h = this.handlers.get(t.kind);
      try {
        if (!h) throw new Error(`no handler for task kind ${t.kind}`);
        const result = await h(t);
        t.status = 'succeeded';
        t.result = result;
        t.progressCurrent = t.progressTotal;
        t.lastError = null;
        for (const s of t.steps) s.status = 'succeeded';
      } catch (e) {
        t.lastError = (e as Error).message || String(e);
        if (t.attemptCount < t.maxAttempts) {
          t.status = 'retry';
          setTimeout(() => void this.run(id), 500).unref();
        } else {
          t.status = 'failed';
          for (const s of t.steps) s.status = 'failed';
        }
        if (t.status === 'retry') this.ctx.metrics.inc('background_task_retries_total', 'Background task retries', { kind: t.kind });
      }
      t.updatedAt = now();
      if (t.status === 'succeeded' || t.status === 'failed') t.finishedAt = now();
      store.commit();
      if (t.status !== 'retry') this.ctx.metrics.inc('background_tasks_total', 'Background tasks finished', { kind: t.kind, status: t.status });
    } finally {
      this.running.delete(id);
      this.updatePending();
    }
  }
}

export function taskView(ctx: Ctx, t: TaskRec): Record<string, unknown> {
  const creator = t.creatorUserId ? ctx.store.state.users.find((u) => u.id === t.creatorUserId) : undefined;
  const pct = t.progressTotal > 0 ? Math.round((t.progressCurrent / t.progressTotal) * 100) : 0;
  return {
    id: t.id,
    kind: t.kind,
    status: t.status,
    display_name: t.displayName,
    creator: creator ? { id: creator.id, username: creator.username } : null,
    team_id: null,
    share_id: null,
    progress_current: t.progressCurrent,
    progress_total: t.progressTotal,
    progress_percent: pct,
    status_text: t.statusText,
    attempt_count: t.attemptCount,
    max_attempts: t.maxAttempts,
    last_error: t.lastError,
    payload: t.payload,
    result: t.result,
    steps: t.steps,
    can_retry: t.status === 'failed',
    lease_expires_at: null,
    started_at: t.startedAt,
    finished_at: t.finishedAt,
    expires_at: null,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}
