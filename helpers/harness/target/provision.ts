/**
 * Provisions a fresh managed target through the public API, exactly as an operator would:
 * first admin via setup, a default local storage policy, an ordinary user, then the settings
 * the run needs (mail to Mailpit, the suite's WOPI discovery). Upstream's e2e does the same in frontend-panel/e2e/support/auth.ts.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { activeFault } from '../../../faults/active.js';
import { AsterClient, type Credentials } from '../../clients/api/aster.js';
import { Http } from '../../clients/api/http.js';
import * as S from '../../clients/api/schemas.js';
import { previewAppRegistry } from '../../clients/wopi/app.js';
import type { RunState } from './run-state.js';

export function generatedPassword(): string {
  return `Lt-${randomBytes(18).toString('base64url')}`;
}

/** A local storage policy body, as the storage setup wizard sends it (upstream src/api/dto/admin.rs CreatePolicyReq). */
export function localPolicy(name: string, basePath: string, isDefault: boolean) {
  return {
    name,
    connection: {
      connector_config: {
        format_version: 1,
        connector_id: 'asterdrive.storage.local',
        schema_version: 1,
        values: { base_path: basePath, content_dedup: false },
      },
      behavior: {},
      credential: { mode: 'none' },
    },
    max_file_size: 0,
    chunk_size: 5 * 1024 * 1024,
    is_default: isDefault,
  };
}

export const LOCAL_POLICY = localPolicy('Launch suite local storage', './data/uploads', true);

/**
 * Creates the local policy's directory, as an operator does with the volume: AsterDrive does not
 * create it when the policy is made, and until something is uploaded /health/ready answers
 * "Storage unavailable" (upstream src/api/routes/health.rs probes the default policy).
 */
export function createPolicyDir(workdir: string): void {
  mkdirSync(path.join(workdir, 'data', 'uploads'), { recursive: true });
}

/**
 * The two steps every fresh AsterDrive needs (upstream src/services/system_setup.rs): the first admin through setup, then a
 * default local storage policy. Returns the signed-in admin.
 */
export async function bootstrapFresh(baseURL: string, admin: Credentials, email = `${admin.identifier}@launch.test`): Promise<AsterClient> {
  await new Http(baseURL).call('POST', '/api/v1/auth/setup', S.UserInfo, { json: { username: admin.identifier, email, password: admin.password } });
  const client = await AsterClient.signIn(baseURL, admin);
  await client.call('POST', '/api/v1/admin/policies', S.StoragePolicy, { json: LOCAL_POLICY });
  return client;
}

export async function provisionManaged(state: RunState): Promise<RunState> {
  const anon = new Http(state.baseURL);
  const check = await anon.call('POST', '/api/v1/auth/check', S.CheckResp);
  if (check.setup_state === 'needs_admin') {
    const email = state.admin.identifier.includes('@') ? state.admin.identifier : `${state.admin.identifier}@launch.test`;
    const username = state.admin.identifier.includes('@') ? state.admin.identifier.split('@')[0] : state.admin.identifier;
    await anon.call('POST', '/api/v1/auth/setup', S.UserInfo, {
      json: { username, email, password: state.admin.password },
      headers: { origin: state.baseURL },
    });
  }
  const admin = await AsterClient.signIn(state.baseURL, state.admin);
  const after = await anon.call('POST', '/api/v1/auth/check', S.CheckResp);
  const fault = activeFault();
  if (after.setup_state === 'needs_storage' && !fault?.skipStorage) {
    await admin.call('POST', '/api/v1/admin/policies', S.StoragePolicy, { json: LOCAL_POLICY });
    if (state.managed) createPolicyDir(state.managed.workdir);
  }

  const user: Credentials = state.user ?? { identifier: 'ltuser', password: generatedPassword() };
  if (fault?.skipStorage) return { ...state, user: undefined };
  // upstream: src/services/user/account/admin.rs CreateUserOutput (generated_password is skipped when None).
  await admin.call('POST', '/api/v1/admin/users', z.object({ user: S.UserInfo }).passthrough(), {
    json: { username: user.identifier, email: `${user.identifier}@launch.test`, password: user.password },
  });

  // Two public origins, like a site reached under two names: the entry and its 127.0.0.1 alias.
  await admin.setConfig('public_site_url', [state.baseURL, state.baseURL.replace('//localhost', '//127.0.0.1')]);
  // A second administrator, so the site has a recovery path (3.5).
  const second = await admin.call('POST', '/api/v1/admin/users', z.object({ user: S.UserInfo }).passthrough(), {
    json: { username: 'ltadmin2', email: 'ltadmin2@launch.test', password: generatedPassword() },
  });
  await admin.call('PATCH', `/api/v1/admin/users/${second.user.id}`, S.UserInfo, { json: { role: 'admin' } });
  if (state.mailpit?.smtpHost && state.mailpit.smtpPort) {
    await admin.setConfig('mail_smtp_host', state.mailpit.smtpHost);
    await admin.setConfig('mail_smtp_port', String(state.mailpit.smtpPort));
    await admin.setConfig('mail_security', 'false');
    await admin.setConfig('mail_from_address', 'drive@launch.test');
    await admin.setConfig('mail_outbox_dispatch_interval_secs', '1');
  }
  if (state.s3) {
    // A second, non-default policy on the run's S3 bucket, as an operator adds object storage.
    await admin.call('POST', '/api/v1/admin/policies', S.StoragePolicy, { json: s3Policy(state.s3) });
  }
  let wopi = state.wopi;
  if (wopi?.discoveryUrl) {
    // The "Build apps from WOPI discovery" action an operator clicks in Site Settings (upstream src/services/ops/config/actions.rs).
    await admin.call('POST', '/api/v1/admin/config/frontend_preview_apps_json/action', z.unknown(), {
      json: { action: 'build_wopi_discovery_preview_config', discovery_url: wopi.discoveryUrl },
    });
    const registry = await previewAppRegistry(admin);
    const apps: Record<string, string> = {};
    for (const app of registry.apps.filter((a) => a.provider === 'wopi')) for (const ext of app.extensions) apps[ext] ??= app.key;
    if (!apps.docx) throw new Error('The WOPI discovery import created no app for docx');
    wopi = { ...wopi, apps };
  }
  await fault?.afterProvision?.(admin, { ...state, user, wopi });
  return { ...state, user, wopi };
}

export function s3Policy(s3: NonNullable<RunState['s3']>) {
  return {
    name: 'Launch suite S3',
    connection: {
      connector_config: {
        format_version: 1,
        connector_id: 'asterdrive.storage.s3',
        schema_version: 1,
        values: { endpoint: s3.endpoint, bucket: s3.bucket, base_path: 'asterdrive', s3_region: s3.region, s3_path_style: s3.forcePathStyle },
      },
      behavior: {},
      credential: { mode: 'static', values: { s3_access_key_id: s3.accessKeyId, s3_secret_access_key: s3.secretAccessKey } },
    },
    max_file_size: 0,
    is_default: false,
  };
}
