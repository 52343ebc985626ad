/**
 * Start-up faults that reproduce state which is not persisted across restarts (the `ephemeral-*`
 * switches of src/faults.ts), applied only when the server starts (`aster_drive serve`), never by
 * the doctor CLI:
 *
 * - `ephemeral-data`: the whole data/ directory is empty at every start, like a container run
 *   without a volume on /data (config.toml with new secrets, an empty database, no objects).
 * - `ephemeral-config`: data/config.toml is gone at every start, so it is written again with new
 *   random secrets (only the database was mounted, not config.toml).
 * - `ephemeral-database`: the database file is gone at every start (it lives on a tmpfs or outside
 *   the volume).
 * - `ephemeral-uploads`: the default local storage directory (data/uploads) is empty at every start.
 * - `ephemeral-extra-policy-dirs`: the directories of local storage policies other than the default
 *   one are empty at every start (they live outside the mounted volume).
 */
import fs from 'node:fs';
import path from 'node:path';
import { statePathFromUrl } from './config.js';
import type { Ctx } from './context.js';
import type { Faults } from './faults.js';

function emptyDir(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
}

/** Runs before the static configuration is read (it may remove config.toml). */
export function wipeBeforeStart(cwd: string, faults: Faults): string[] {
  const wipe = faults.wipesBeforeStart();
  const dataDir = path.join(cwd, 'data');
  const done: string[] = [];
  if (wipe.data) {
    emptyDir(dataDir);
    done.push('ephemeral-data');
  }
  if (wipe.config) {
    fs.rmSync(path.join(dataDir, 'config.toml'), { force: true });
    done.push('ephemeral-config');
  }
  if (wipe.database) {
    const url = process.env.ASTER__DATABASE__URL ?? 'sqlite://asterdrive.db?mode=rwc';
    fs.rmSync(statePathFromUrl(url, dataDir), { force: true });
    done.push('ephemeral-database');
  }
  if (wipe.uploads) {
    emptyDir(path.join(dataDir, 'uploads'));
    done.push('ephemeral-uploads');
  }
  return done;
}

/** Runs once the database is open: empties the roots of non-default local storage policies. */
export function wipeAfterOpen(ctx: Ctx): string[] {
  if (!ctx.cfg.faults.extraPolicyDirsEphemeral()) return [];
  const wiped: string[] = [];
  for (const p of ctx.store.state.policies) {
    if (p.is_default || p.connector_id !== 'asterdrive.storage.local') continue;
    const values = ((p.connector_config as { values?: Record<string, unknown> }).values ?? {}) as Record<string, unknown>;
    const root = path.resolve(ctx.cfg.cwd, String(values.base_path || './data/uploads'));
    if (root === path.resolve(ctx.cfg.cwd, 'data', 'uploads')) continue;
    emptyDir(root);
    wiped.push(root);
  }
  return wiped;
}
