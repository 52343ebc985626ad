import type { StaticConfig } from './config.js';
import type { Store } from './db/state.js';
import type { Metrics } from './services/metrics.js';
import type { TaskRunner } from './services/tasks.js';
import type { StorageManager } from './storage/index.js';
import type { Mailer } from './services/mail.js';
import type { StorageEvents } from './services/storage-events.js';

/** Everything a route or service needs, built once in app.ts. */
export interface Ctx {
  cfg: StaticConfig;
  store: Store;
  metrics: Metrics;
  tasks: TaskRunner;
  storage: StorageManager;
  mail: Mailer;
  /** storage change events for the SSE stream (services/storage-events.ts) */
  events: StorageEvents;
  startedAt: number;
  timers: NodeJS.Timeout[];
  /** drops cached WebDAV credentials (set by the Vfs implementation) */
  vfsCacheClear?: () => void;
}
