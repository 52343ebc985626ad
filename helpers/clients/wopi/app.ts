/**
 * Which WOPI app the suite launches for a file type, and whether the suite can act as its
 * Office server. With a real Office server whose discovery publishes a proof key, every host
 * call must be signed by that server, so the suite cannot save on its behalf (upstream src/services/preview/wopi/proof.rs).
 */
import { z } from 'zod';
import type { AsterClient } from '../api/aster.js';
import type { RunState } from '../../harness/target/run-state.js';

/**
 * The preview-app registry (`frontend_preview_apps_json`).
 * upstream: src/services/preview/apps/types.rs PublicPreviewAppsConfig, PublicPreviewAppDefinition: `labels`, `extensions`
 * and `config` are skipped when empty, `enabled` may be absent from hand-written JSON (it defaults to true).
 */
export const Registry = z
  .object({
    version: z.number(),
    apps: z.array(
      z
        .object({
          key: z.string(),
          provider: z.string(),
          enabled: z.boolean().optional(),
          // Absent when the app handles no extension (e.g. a discovery-built app with none listed).
          extensions: z.array(z.string()).default([]),
          config: z.record(z.string(), z.unknown()).optional(),
        })
        .passthrough(),
    ),
  })
  // Unknown top-level keys are kept, so a registry read here can be written back unchanged.
  .passthrough();

/** Reads the instance's preview-app registry through the admin API. */
export async function previewAppRegistry(admin: AsterClient): Promise<z.output<typeof Registry>> {
  return Registry.parse(JSON.parse(String((await admin.getConfig('frontend_preview_apps_json')).value)));
}

export type WopiApp = { key: string; discoveryUrl?: string; proofKey: boolean } | { problem: string; variable: string; reason: 'no-app' | 'proof-key' };

export async function wopiAppFor(run: RunState, admin: AsterClient, ext: string): Promise<WopiApp> {
  const registry = await previewAppRegistry(admin);
  const wanted = run.wopi?.apps[ext];
  const app = registry.apps.find((a) => a.provider === 'wopi' && a.enabled !== false && (wanted ? a.key === wanted : a.extensions.includes(ext)));
  if (!app) {
    return {
      problem: `no enabled WOPI preview app handles .${ext}`,
      variable: 'ASTER_WOPI_APP (or configure an Office app in Site Settings → Preview Apps)',
      reason: 'no-app',
    };
  }
  const discoveryUrl = typeof app.config?.discovery_url === 'string' ? app.config.discovery_url : undefined;
  let proofKey = false;
  if (discoveryUrl) {
    const xml = await fetch(discoveryUrl, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());
    proofKey = /<([\w-]+:)?proof-key\b/i.test(xml);
  }
  if (proofKey && !run.wopi?.ownOffice) {
    return {
      problem: `the Office server's discovery (${discoveryUrl}) publishes a proof key, so only that server can sign WOPI saves`,
      variable: 'a manual open-and-save in the panel',
      reason: 'proof-key',
    };
  }
  return { key: app.key, discoveryUrl, proofKey };
}

/**
 * An app as the panel sees it in `GET /api/v1/public/preview-apps` (disabled apps are left out).
 * upstream: src/services/preview/apps/types.rs PublicPreviewAppDefinition (labels, extensions, config skipped when empty).
 */
export const PublicPreviewApp = z
  .object({
    key: z.string(),
    provider: z.string(),
    enabled: z.boolean().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    extensions: z.array(z.string()).default([]),
    config: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .passthrough();
export type PublicPreviewApp = z.output<typeof PublicPreviewApp>;

/** The preview apps an anonymous panel loads (upstream src/api/routes/public.rs). */
export async function publicPreviewApps(baseURL: string): Promise<PublicPreviewApp[]> {
  const res = await fetch(new URL('/api/v1/public/preview-apps', baseURL), { signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET /api/v1/public/preview-apps answered ${res.status}: ${text.slice(0, 200)}`);
  // `{ version, apps }` as the panel reads it; a bare array is accepted too.
  const data = JSON.parse(text).data;
  return z.array(PublicPreviewApp).parse(Array.isArray(data) ? data : data?.apps);
}

/** The enabled WOPI app the panel offers for an extension (the run's own choice first). */
export function wopiAppInPanel(run: RunState, apps: PublicPreviewApp[], ext: string): PublicPreviewApp | undefined {
  const wopi = apps.filter((a) => a.provider === 'wopi' && a.enabled !== false);
  const wanted = run.wopi?.apps[ext];
  if (wanted) return wopi.find((a) => a.key === wanted);
  return wopi.find((a) => a.extensions.map((e) => e.replace(/^\./, '').toLowerCase()).includes(ext));
}

/** The English label the panel shows for an app (button in the method chooser, iframe title). */
export function appLabel(app: PublicPreviewApp): string {
  const l = app.labels ?? {};
  return l.en ?? l['en-US'] ?? Object.values(l)[0] ?? app.key;
}
