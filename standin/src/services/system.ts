import type { Ctx } from '../context.js';

export type SetupState = 'needs_admin' | 'needs_storage' | 'ready';

/** The setup state (upstream src/services/system_setup.rs). */
export function setupState(ctx: Ctx): SetupState {
  const s = ctx.store.s;
  if (s.users.length === 0) return 'needs_admin';
  const defPolicy = s.policies.find((p) => p.is_default);
  const defGroup = s.policyGroups.find((g) => g.is_default && g.is_enabled && g.items.length > 0);
  if (!defPolicy || !defGroup) return 'needs_storage';
  if (s.users.some((u) => u.role === 'admin' && u.policyGroupId === null)) return 'needs_storage';
  return 'ready';
}

export const VERSION = '0.5.0';
export const BUILD_TIME = '2026-08-22T00:00:00Z';
