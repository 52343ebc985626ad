// /health, /health/ready and, with the metrics feature, /health/metrics (upstream src/api/routes/health.rs, developer-docs/en/api/health.md).
import { Router } from 'express';
import type { Ctx } from '../context.js';
import { setupState } from '../services/system.js';
import { StorageError } from '../storage/driver.js';

export function healthRoutes(ctx: Ctx): Router {
  const r = Router();
  r.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  r.get('/health/ready', async (_req, res) => {
    let state: ReturnType<typeof setupState>;
    try {
      state = setupState(ctx);
    } catch {
      res.status(503).json({ code: 'database.error', msg: 'Database unavailable', error: { retryable: true } });
      return;
    }
    if (state === 'ready') {
      const p = ctx.store.s.policies.find((x) => x.is_default);
      if (p) {
        try {
          await ctx.storage.ready(p);
        } catch (e) {
          const kind = e instanceof StorageError ? e.kind : 'unknown';
          const error: Record<string, unknown> = { retryable: kind === 'transient' };
          if (e instanceof StorageError) error.diagnostic = { kind, message: e.message };
          res.status(503).json({ code: `storage.${kind}`, msg: 'Storage unavailable', error });
          return;
        }
      }
    }
    res.json({ code: 'success', msg: '', data: { status: state } });
  });

  r.get('/health/metrics', (_req, res) => {
    if (!ctx.cfg.features.has('metrics')) {
      res.status(404).end();
      return;
    }
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    ctx.metrics.set('process_memory_rss_bytes', 'Resident set size in bytes', mem.rss);
    ctx.metrics.set('process_cpu_milliseconds_total', 'Process CPU time in milliseconds', Math.round((cpu.user + cpu.system) / 1000));
    ctx.metrics.set('process_uptime_seconds', 'Process uptime in seconds', Math.round((Date.now() - ctx.startedAt) / 1000));
    ctx.metrics.set('process_heap_memory_mib', 'Heap memory in MiB', Math.round((mem.heapUsed / 1048576) * 100) / 100, { kind: 'allocated' });
    ctx.metrics.set('process_heap_memory_mib', 'Heap memory in MiB', Math.round((mem.heapTotal / 1048576) * 100) / 100, { kind: 'peak_or_resident' });
    res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    res.send(ctx.metrics.render());
  });
  return r;
}
