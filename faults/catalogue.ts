/**
 * The fault matrix: each entry breaks the target the way real deployments break and names the
 * checklist items that must turn FAIL. `npm run faults` runs them; a unit test refuses a checked
 * item that no fault proves.
 */
import { chownSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { AsterClient } from '../helpers/clients/api/aster.js';
import { previewAppRegistry } from '../helpers/clients/wopi/app.js';
import type { Fault } from './types.js';

const setting = (key: string, value: string | string[]) => async (admin: AsterClient) => {
  await admin.setConfig(key, value);
};

// `share`: faults that run together on one target in `npm run faults` (the rules: faults/types.ts).
export const FAULTS: Fault[] = [
  {
    name: 'storage-not-configured',
    description: 'the storage setup step was never finished (no default storage policy)',
    induction: 'provisioning',
    skipStorage: true,
    runs: ['10.1', '10.2', '10.13'],
    fails: ['10.2', '10.13'],
  },
  {
    name: 'metrics-feature-off',
    description: 'the binary was built without the `metrics` feature, so /health/metrics is 404',
    induction: 'start-option',
    targetEnv: { STANDIN_FEATURES: '' },
    // 11.1 without any error signal is NOT_CHECKED (no data), not FAIL: it is not in this run.
    runs: ['9.1', '9.5', '10.3', '11.2'],
    fails: ['9.1', '9.5', '10.3', '11.2'],
    share: 'start-a',
  },
  {
    name: 'metrics-public',
    description: 'the proxy config has no deny rule for /health/metrics, so it is forwarded to the internet',
    induction: 'proxy',
    proxy: ['public-metrics'],
    runs: ['9.1', '9.2'],
    fails: ['9.2'],
    share: 'independent-a',
  },
  {
    name: 'password-login-off',
    description: 'password login was switched off without another sign-in method',
    induction: 'setting',
    afterProvision: setting('auth_password_login_enabled', 'false'),
    runs: ['10.4'],
    fails: ['10.4'],
  },
  {
    name: 'proxy-body-limit',
    description: "the proxy keeps nginx's default `client_max_body_size 1m` (Caddy: `request_body { max_size 1MB }`)",
    induction: 'proxy',
    proxy: ['body-limit-1m'],
    runs: ['2.5', '10.5'],
    fails: ['2.5', '10.5'],
  },
  {
    name: 'objects-missing',
    description: 'file objects are missing behind their records (a lost volume, a bad restore)',
    induction: 'start-option',
    targetEnv: { STANDIN_FAULTS: 'missing-objects' },
    // With one worker the api checks run in file order: the s10 downloads fail before s11 reads the signals.
    runs: ['10.5', '10.6', '10.8', '10.10', '11.1'],
    fails: ['10.5', '10.6', '10.8', '10.10', '11.1'],
    serial: true,
  },
  {
    name: 'uploads-dir-unwritable',
    description:
      "the default local policy's directory cannot be written (a read-only or wrongly mounted volume: here a file where data/uploads should be), so every upload to that backend fails",
    induction: 'data-dir',
    afterProvision: async (_admin, state) => {
      if (!state.managed) throw new Error('uploads-dir-unwritable needs a managed target');
      const dir = path.join(state.managed.workdir, 'data', 'uploads');
      rmSync(dir, { recursive: true, force: true });
      writeFileSync(dir, 'not a directory\n');
    },
    // One worker: the uploads of 10.5 fail before 11.2 reads the signals.
    runs: ['10.5', '11.2'],
    fails: ['10.5', '11.2'],
    serial: true,
  },
  {
    name: 'refresh-blocked',
    description:
      'the proxy denies POST /api/v1/auth/refresh (a rule meant to shield the auth endpoints that lets only the login through), so sessions end when the access token expires',
    induction: 'proxy',
    proxy: ['block-refresh'],
    runs: ['3.2', '10.4'],
    fails: ['3.2', '10.4'],
  },
  {
    name: 'share-blocked',
    description: 'the proxy config denies /s/ and /api/v1/s/ (a leftover `deny all` / `respond 403`)',
    induction: 'proxy',
    proxy: ['block-share'],
    runs: ['2.8', '10.7'],
    fails: ['2.8', '10.7'],
    share: 'independent-d',
  },
  {
    name: 'webdav-off',
    description: 'the global WebDAV switch is off',
    induction: 'setting',
    afterProvision: setting('webdav_enabled', 'false'),
    runs: ['6.1', '6.2', '6.3', '6.4', '10.9', '11.6'],
    fails: ['6.1', '6.2', '6.3', '6.4', '10.9', '11.6'],
    share: 'independent-c',
  },
  {
    name: 'wopi-blocked',
    description: 'the proxy config denies the WOPI callback paths /api/v1/wopi/',
    induction: 'proxy',
    proxy: ['block-wopi'],
    runs: ['6.5', '6.6', '6.7', '6.8', '6.9', '6.10', '10.10'],
    // 6.8: the Office server cannot load the file (CheckFileInfo refused), so its editor shows an error.
    fails: ['6.5', '6.8', '6.9', '6.10', '10.10'],
    share: 'independent-a',
  },
  {
    name: 'thumbnailer-broken',
    description:
      'the vips processor is switched on for image thumbnails (Admin → Settings → Media processing) with a vips that cannot write WebP (a minimal build), so every image thumbnail task fails',
    induction: 'setting',
    afterProvision: async (admin, state) => {
      if (!state.managed) throw new Error('thumbnailer-broken needs a managed target');
      const vips = path.join(state.managed.workdir, 'bin', 'vips');
      mkdirSync(path.dirname(vips), { recursive: true });
      writeFileSync(vips, '#!/bin/sh\necho "VipsForeignSave: $3 is not a known file format" >&2\nexit 1\n', { mode: 0o755 });
      const registry = JSON.parse(String((await admin.getConfig('media_processing_registry_json')).value)) as {
        processors: { kind: string; enabled: boolean; config?: { command?: string | null } }[];
      };
      const processor = registry.processors.find((p) => p.kind === 'vips_cli');
      if (!processor) throw new Error('media_processing_registry_json has no vips_cli processor');
      processor.enabled = true;
      processor.config = { ...processor.config, command: vips };
      await admin.setConfig('media_processing_registry_json', JSON.stringify(registry));
    },
    runs: ['10.11'],
    fails: ['10.11'],
    share: 'independent-b',
  },
  {
    name: 'audit-off',
    description: 'audit logging is switched off',
    induction: 'setting',
    afterProvision: setting('audit_log_enabled', 'false'),
    runs: ['8.3', '10.12'],
    fails: ['8.3', '10.12'],
    share: 'independent-b',
  },
  {
    name: 'audit-retention-short',
    description: 'audit retention was cut below the plan',
    induction: 'setting',
    env: { ASTER_EXPECT_AUDIT_RETENTION_DAYS: '90' },
    afterProvision: setting('audit_log_retention_days', '7'),
    runs: ['8.4'],
    fails: ['8.4'],
    share: 'independent-a',
  },
  {
    name: 'verbose-logging',
    description: 'the service environment still sets RUST_LOG=debug from a troubleshooting session (it wins over config.toml)',
    induction: 'service',
    targetEnv: { RUST_LOG: 'debug' },
    runs: ['8.2'],
    fails: ['8.2'],
    share: 'start-a',
  },
  {
    name: 'verbose-logging-env-level',
    description: 'the compose file / unit sets ASTER__LOGGING__LEVEL=debug, overriding the quiet level in config.toml',
    induction: 'service',
    targetEnv: { ASTER__LOGGING__LEVEL: 'debug' },
    share: 'independent-d',
    runs: ['8.2'],
    fails: ['8.2'],
  },
  {
    name: 'default-policy-broken',
    description: 'the default storage policy points at a path the server cannot write',
    induction: 'setting',
    afterProvision: async (admin) => {
      const policy = (await admin.policies()).items.find((p) => p.is_default);
      if (!policy) throw new Error('no default policy to break');
      await admin.call('PATCH', `/api/v1/admin/policies/${policy.id}`, z.unknown(), {
        json: {
          connector_config: {
            format_version: 1,
            connector_id: 'asterdrive.storage.local',
            schema_version: 1,
            values: { base_path: './data/config.toml/uploads', content_dedup: false },
          },
          credential: { mode: 'none' },
        },
      });
    },
    runs: ['4.1'],
    fails: ['4.1'],
  },
  {
    name: 'default-group-disabled',
    description: 'the default policy group was disabled',
    induction: 'setting',
    standInOnly:
      'AsterDrive refuses to disable the default policy group ("set another group as default first"), which the real binary answered; the stand-in still lets it happen',
    afterProvision: async (admin) => {
      const group = (await admin.policyGroups()).items.find((g) => g.is_default);
      if (!group) throw new Error('no default policy group to disable');
      await admin.call('PATCH', `/api/v1/admin/policy-groups/${group.id}`, z.unknown(), { json: { is_enabled: false } });
    },
    runs: ['4.2', '4.4'],
    fails: ['4.2', '4.4'],
  },
  {
    name: 'team-on-retired-storage',
    description:
      'a team still routes its uploads through a policy group whose storage was retired (the old directory is gone; a file now sits at its path) instead of being migrated first',
    induction: 'setting',
    afterProvision: async (admin, state) => {
      const old = await admin.call('POST', '/api/v1/admin/policies', z.object({ id: z.number() }).passthrough(), {
        json: {
          name: 'Old NAS (retired)',
          connection: {
            connector_config: {
              format_version: 1,
              connector_id: 'asterdrive.storage.local',
              schema_version: 1,
              values: { base_path: './data/config.toml/old-nas', content_dedup: false },
            },
            behavior: {},
            credential: { mode: 'none' },
          },
          max_file_size: 0,
          is_default: false,
        },
      });
      const group = await admin.call('POST', '/api/v1/admin/policy-groups', z.object({ id: z.number() }).passthrough(), {
        json: {
          name: 'Old NAS',
          description: '',
          is_enabled: true,
          is_default: false,
          items: [{ policy_id: old.id, priority: 1, min_file_size: 0, max_file_size: 0 }],
        },
      });
      await admin.createTeam({ name: 'Archive team', admin_identifier: state.admin.identifier, policy_group_id: group.id });
    },
    runs: ['4.4'],
    fails: ['4.4'],
    share: 'independent-d',
  },
  {
    name: 'unexpected-default-group',
    description: 'new users land in another policy group than planned',
    induction: 'expectation',
    env: { ASTER_EXPECT_DEFAULT_POLICY_GROUP: 'Planned group' },
    runs: ['4.3'],
    fails: ['4.3'],
    share: 'independent-a',
  },
  {
    name: 'unexpected-limits',
    description: 'the chunk size differs from the plan',
    induction: 'expectation',
    env: { ASTER_EXPECT_CHUNK_MB: '8' },
    runs: ['4.5'],
    fails: ['4.5'],
    share: 'independent-b',
  },
  {
    name: 'team-quota-unplanned',
    description: 'a team was given a 100 MiB quota while the plan gives teams unlimited space',
    induction: 'setting',
    env: { ASTER_EXPECT_MAX_FILE_MB: '0', ASTER_EXPECT_CHUNK_MB: '5', ASTER_EXPECT_USER_QUOTA_MB: '0', ASTER_EXPECT_TEAM_QUOTA_MB: '0' },
    afterProvision: async (admin, state) => {
      await admin.createTeam({ name: 'Design team', admin_identifier: state.admin.identifier, storage_quota: 100 * 1024 * 1024 });
    },
    runs: ['4.5'],
    fails: ['4.5'],
    share: 'independent-c',
  },
  {
    name: 'site-url-foreign',
    description: 'the Public Site URL names another domain than the one users reach',
    induction: 'setting',
    afterProvision: setting('public_site_url', ['https://drive.example.invalid']),
    runs: ['5.3', '5.4', '5.5', '6.2', '6.3', '6.4', '6.5', '6.9', '6.10', '11.5'],
    fails: ['5.3', '5.4', '5.5', '6.2', '6.3', '6.4', '6.5', '6.9', '6.10', '11.5'],
  },
  {
    name: 's3-credentials-wrong',
    description: 'the S3 policy holds a rotated-out secret key',
    induction: 'setting',
    afterProvision: async (admin) => {
      const policy = (await admin.policies()).items.find((p) => p.connector_id === 'asterdrive.storage.s3');
      if (!policy) throw new Error('no S3 policy to break (is the S3 server installed? bash .ci/install-services.sh)');
      // A patch names the connection's parts at the top level (upstream src/api/dto/admin.rs PatchPolicyReq).
      await admin.call('PATCH', `/api/v1/admin/policies/${policy.id}`, z.unknown(), {
        json: { credential: { mode: 'static', values: { s3_access_key_id: 'AKIAWRONGKEY', s3_secret_access_key: 'wrong-secret-key-0000000000000000000000' } } },
      });
    },
    runs: ['4.6'],
    fails: ['4.6'],
    share: 'independent-a',
  },
  {
    name: 's3-presigned-no-cors',
    description: 'the S3 policy was switched to presigned (browser-direct) uploads and downloads, but the bucket has no CORS rule for the site',
    induction: 'setting',
    afterProvision: async (admin, state) => {
      const policy = (await admin.policies()).items.find((p) => p.connector_id === 'asterdrive.storage.s3');
      if (!policy || !state.s3) throw new Error('no S3 policy to switch (is the S3 server installed? bash .ci/install-services.sh)');
      const cc = policy.connector_config as { values: Record<string, unknown> };
      await admin.call('PATCH', `/api/v1/admin/policies/${policy.id}`, z.unknown(), {
        json: {
          connector_config: { ...cc, values: { ...cc.values, object_storage_upload_strategy: 'presigned', object_storage_download_strategy: 'presigned' } },
          credential: { mode: 'static', values: { s3_access_key_id: state.s3.accessKeyId, s3_secret_access_key: state.s3.secretAccessKey } },
        },
      });
    },
    runs: ['4.6'],
    fails: ['4.6'],
    share: 'independent-c',
  },
  {
    name: 's3-unversioned',
    description: 'the object-storage bucket has no versioning (and no backup strategy)',
    induction: 'service',
    s3Unversioned: true,
    runs: ['7.2'],
    fails: ['7.2'],
    share: 'independent-b',
  },
  {
    name: 'smtp-unreachable',
    description: 'the SMTP server address is wrong (mail is never delivered)',
    induction: 'setting',
    afterProvision: setting('mail_smtp_port', '2'),
    // In file order (one worker) the failed test mail of 5.1 is on record when 11.3 reads the audit log.
    runs: ['5.1', '5.2', '11.3'],
    fails: ['5.1', '5.2', '11.3'],
    serial: true,
    share: 'independent-c',
  },
  {
    name: 'reset-cooldown-off',
    // AsterDrive refuses 0 (a positive integer; upstream src/config/auth_runtime.rs), so "off" is the shortest it takes.
    description: 'password-reset requests have a 1-second cooldown, as good as none (mail bombing)',
    induction: 'setting',
    env: { ASTER_EXPECT_RESET_COOLDOWN_S: '60' },
    afterProvision: setting('auth_password_reset_request_cooldown_secs', '1'),
    runs: ['5.6'],
    fails: ['5.6'],
    share: 'independent-b',
  },
  {
    name: 'registration-unplanned',
    description: 'public registration is open although the launch plan says closed',
    induction: 'expectation',
    env: { ASTER_EXPECT_REGISTRATION: 'closed' },
    runs: ['5.7'],
    fails: ['5.7'],
    share: 'independent-a',
  },
  {
    name: 'webdav-methods-blocked',
    description:
      'the proxy limits the methods on /webdav/ (nginx `limit_except GET HEAD POST PUT DELETE OPTIONS`), so PROPFIND, MKCOL, COPY, MOVE, LOCK are refused',
    induction: 'proxy',
    proxy: ['block-webdav-methods'],
    runs: ['2.6', '6.1', '6.2', '6.3', '6.4'],
    fails: ['2.6', '6.2', '6.3', '6.4'],
    share: 'independent-a',
  },
  {
    name: 'webdav-prefix-unplanned',
    description: 'the proxy forwards another WebDAV prefix than AsterDrive serves',
    induction: 'expectation',
    env: { ASTER_EXPECT_WEBDAV_PREFIX: '/dav' },
    runs: ['6.1', '6.2'],
    fails: ['6.2'],
    share: 'independent-b',
  },
  {
    name: 'office-app-disabled',
    description: 'the Office (WOPI) preview app is switched off',
    induction: 'setting',
    afterProvision: (admin) => editWopiApps(admin, (app) => ({ ...app, enabled: false })),
    runs: ['6.5', '6.6', '6.7', '6.8', '6.9', '6.10'],
    fails: ['6.5', '6.6', '6.7', '6.8', '6.9', '6.10'],
    share: 'independent-d',
  },
  {
    name: 'wopi-discovery-unreachable',
    description: 'the WOPI discovery URL points at an address AsterDrive cannot reach',
    induction: 'setting',
    afterProvision: (admin) =>
      editWopiApps(admin, (app) => ({ ...app, config: { ...(app.config as Record<string, unknown>), discovery_url: 'http://127.0.0.1:9/hosting/discovery' } })),
    runs: ['6.5', '6.6', '6.7', '6.8', '6.9', '6.10'],
    fails: ['6.5', '6.7', '6.8', '6.9', '6.10'],
    share: 'independent-c',
  },
  {
    name: 'health-not-routed',
    description: 'the proxy answers /health and /health/ready itself (404) instead of routing them to AsterDrive',
    induction: 'proxy',
    proxy: ['block-health'],
    runs: ['10.1', '10.2'],
    fails: ['10.1', '10.2'],
    share: 'independent-b',
  },
  {
    name: 'task-runner-stalled',
    description: 'background tasks are queued but never run (a stuck task runner)',
    induction: 'start-option',
    targetEnv: { STANDIN_FAULTS: 'stalled-tasks' },
    // Tasks must wait longer than the expectation; 0 minutes makes a stalled queue visible at once.
    env: { ASTER_EXPECT_MAX_TASK_WAIT_MIN: '0' },
    runs: ['10.11', '11.4'],
    fails: ['10.11', '11.4'],
    serial: true,
  },
  {
    name: 'no-https-redirect',
    description: 'the port-80 server block proxies the site over plain HTTP instead of `return 301 https://…`',
    induction: 'proxy',
    proxy: ['no-https-redirect'],
    runs: ['2.1'],
    fails: ['2.1'],
    share: 'independent-b',
  },
  {
    name: 'no-hsts',
    description: 'the proxy config has no `add_header Strict-Transport-Security … always`',
    induction: 'proxy',
    proxy: ['no-hsts'],
    runs: ['2.2'],
    fails: ['2.2'],
    share: 'independent-a',
  },
  {
    name: 'cert-expiring-soon',
    description: 'the certificate expires within days: automatic renewal did not run',
    induction: 'proxy',
    proxy: ['cert-expiring-soon'],
    runs: ['2.1', '2.10'],
    fails: ['2.1', '2.10'],
    share: 'independent-a',
  },
  {
    name: 'cert-one-name',
    description: 'the certificate covers one of the Public Site URLs only; the other answers with a name mismatch',
    induction: 'proxy',
    proxy: ['cert-one-name'],
    afterProvision: async (admin, state) =>
      admin.setConfig('public_site_url', [state.baseURL, state.baseURL.replace('//localhost', '//127.0.0.1')]).then(() => undefined),
    runs: ['2.10'],
    fails: ['2.10'],
    share: 'independent-c',
  },
  {
    name: 'legacy-tls',
    description: 'the proxy still accepts TLS 1.0 and 1.1 (an old ssl_protocols line carried over)',
    induction: 'proxy',
    proxy: ['legacy-tls'],
    runs: ['2.1', '2.10'],
    fails: ['2.1', '2.10'],
    share: 'independent-d',
  },
  {
    name: 'host-not-preserved',
    description: 'the proxy sends its upstream address as Host (nginx: no `proxy_set_header Host`; Caddy: `header_up Host {upstream_hostport}`)',
    induction: 'proxy',
    proxy: ['strip-host'],
    runs: ['2.3', '2.11'],
    fails: ['2.3', '2.11'],
  },
  {
    name: 'proto-not-forwarded',
    description: 'the proxy config sets no X-Forwarded-Proto, so AsterDrive thinks it is served over http',
    induction: 'proxy',
    proxy: ['no-forwarded-proto'],
    runs: ['2.4', '2.11'],
    fails: ['2.4', '2.11'],
  },
  {
    name: 'global-csp',
    description:
      "a server-wide `add_header Content-Security-Policy \"default-src 'none'\" always` on top of AsterDrive's own policy forbids the panel's scripts",
    induction: 'proxy',
    proxy: ['global-csp'],
    runs: ['2.7'],
    fails: ['2.7'],
    share: 'independent-b',
  },
  {
    name: 'preview-blocked',
    description: 'the proxy config denies the thumbnail, preview and /pv/ paths',
    induction: 'proxy',
    proxy: ['block-preview'],
    runs: ['2.8'],
    fails: ['2.8'],
    share: 'independent-c',
  },
  {
    name: 'proxy-idle-timeout',
    description:
      'the proxy cuts long responses: Caddy `servers { timeouts { write 10s } }` (like a short Traefik respondingTimeouts), so slow downloads end half way',
    induction: 'proxy',
    proxy: ['idle-timeout-5s'],
    runs: ['2.9'],
    fails: ['2.9'],
  },
  {
    name: 'sse-cut-by-proxy',
    description:
      "the proxy's read timeout is below the storage-event stream's 15 s heartbeat (nginx `proxy_read_timeout 10s;` server-wide, to drop hung requests), so the web panel's live updates are cut every few seconds while downloads still pass",
    induction: 'proxy',
    proxy: ['sse-read-timeout'],
    runs: ['2.9'],
    fails: ['2.9'],
    share: 'independent-b',
  },
  {
    name: 'site-url-plain-http',
    description: 'a Public Site URL entry is plain http (left over from the bootstrap)',
    induction: 'setting',
    afterProvision: async (admin, state) => admin.setConfig('public_site_url', [state.baseURL, 'http://drive.example.invalid']).then(() => undefined),
    runs: ['2.10'],
    fails: ['2.10'],
    share: 'start-a',
  },
  {
    name: 'cookies-not-secure',
    description: '"HTTPS-only auth cookies" was left off after an HTTP bootstrap',
    induction: 'setting',
    afterProvision: setting('auth_cookie_secure', 'false'),
    runs: ['3.2', '3.6'],
    fails: ['3.2', '3.6'],
    share: 'independent-b',
  },
  {
    name: 'token-lifetime-changed',
    description: 'the access-token lifetime differs from the security policy',
    induction: 'setting',
    env: { ASTER_EXPECT_ACCESS_TTL_S: '900', ASTER_EXPECT_REFRESH_TTL_S: '604800' },
    afterProvision: setting('auth_access_token_ttl_secs', '3600'),
    runs: ['3.3'],
    fails: ['3.3'],
    share: 'independent-a',
  },
  {
    name: 'weak-admin-password',
    description: 'the first administrator kept a common password',
    induction: 'provisioning',
    env: { ASTER_ADMIN_PASSWORD: 'Password123' },
    runs: ['3.4'],
    fails: ['3.4'],
    share: 'independent-c',
  },
  {
    name: 'default-admin-account',
    description: 'an extra administrator "admin" made while trying things out kept a common password (admin123)',
    induction: 'setting',
    afterProvision: async (admin) => {
      const made = await admin.createUser('admin', 'admin@launch.test', 'admin123');
      await admin.call('PATCH', `/api/v1/admin/users/${made.user.id}`, z.unknown(), { json: { role: 'admin' } });
    },
    runs: ['3.4'],
    fails: ['3.4'],
    share: 'independent-b',
  },
  {
    name: 'site-url-stale-first',
    description: 'the first Public Site URL is a retired domain left in the list before the current ones, so the panel puts share links on it',
    induction: 'setting',
    afterProvision: async (admin, state) =>
      admin
        .setConfig('public_site_url', ['https://old-drive.example.invalid', state.baseURL, state.baseURL.replace('//localhost', '//127.0.0.1')])
        .then(() => undefined),
    runs: ['2.4', '2.11', '11.5'],
    fails: ['2.11', '11.5'],
  },
  {
    name: 'jwt-secret-random',
    description: 'jwt_secret is a fresh random value at every start (not persisted)',
    induction: 'start-option',
    targetEnv: { STANDIN_FAULTS: 'random-jwt-secret' },
    runs: ['3.1'],
    fails: ['3.1'],
    share: 'start-a',
  },
  {
    name: 'unexpected-version',
    description: 'another version runs than the one planned',
    induction: 'expectation',
    env: { ASTER_EXPECT_VERSION: '9.9.9' },
    runs: ['12.1'],
    fails: ['12.1'],
    share: 'independent-a',
  },
  {
    name: 'config-not-persisted',
    description: 'data/config.toml is not on the volume: it is written anew with fresh secrets at every start',
    induction: 'start-option',
    targetEnv: { STANDIN_FAULTS: 'ephemeral-config' },
    runs: ['1.1', '1.2', '1.3'],
    fails: ['1.1'],
  },
  {
    name: 'database-not-persisted',
    description: 'the database file is not on the volume (a tmpfs, a path outside /data): it is empty after every restart',
    induction: 'start-option',
    targetEnv: { STANDIN_FAULTS: 'ephemeral-database' },
    runs: ['1.2'],
    fails: ['1.2'],
  },
  {
    name: 'uploads-not-persisted',
    description: 'the default local storage directory (data/uploads) is not on the volume: objects vanish at every restart',
    induction: 'start-option',
    targetEnv: { STANDIN_FAULTS: 'ephemeral-uploads' },
    runs: ['1.2', '1.3', '1.4'],
    fails: ['1.3'],
  },
  {
    name: 'extra-policy-dir-not-persisted',
    description: "an extra local storage policy's directory is not mounted: its objects vanish at every restart",
    induction: 'start-option',
    targetEnv: { STANDIN_FAULTS: 'ephemeral-extra-policy-dirs' },
    runs: ['1.3', '1.4'],
    fails: ['1.4'],
  },
  {
    name: 'no-data-volume',
    description: 'the container runs without a volume on /data: config, database and objects are gone after every restart',
    induction: 'start-option',
    targetEnv: { STANDIN_FAULTS: 'ephemeral-data' },
    runs: ['1.1', '1.2', '1.3', '7.3'],
    fails: ['1.1', '1.2', '1.3', '7.3'],
  },
  {
    name: 'data-owned-by-another-user',
    description:
      'the data/ bind mount belongs to another user than the one AsterDrive runs as (a backup copied in as a different user, the Docker volume not chowned to 10001:10001)',
    induction: 'data-dir',
    beforeStart: (workdir) => {
      const data = path.join(workdir, 'data');
      mkdirSync(path.join(data, 'uploads'), { recursive: true });
      // nobody:nogroup, as after `cp -a` of a backup made on another machine.
      for (const dir of [data, path.join(data, 'uploads')]) chownSync(dir, 65534, 65534);
    },
    runs: ['1.7', '11.7'],
    fails: ['1.7'],
  },
  {
    name: 'restore-without-objects',
    description: 'a restored instance comes up without its file objects (the local storage directory is not on the restored volume)',
    induction: 'start-option',
    targetEnv: { STANDIN_FAULTS: 'ephemeral-uploads' },
    runs: ['7.3'],
    fails: ['7.3'],
  },
  {
    name: 'stale-upload-temp',
    description: 'interrupted uploads leave temp files in data/.uploads that are never cleaned up',
    induction: 'data-dir',
    beforeStart: (workdir) => {
      const dir = path.join(workdir, 'data', '.uploads');
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'lt-stale-upload.part');
      writeFileSync(file, Buffer.alloc(64 * 1024));
      const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
      utimesSync(file, twoDaysAgo, twoDaysAgo);
    },
    runs: ['1.7', '11.7'],
    fails: ['11.7'],
  },
  {
    name: 'rate-limits-off',
    description: "AsterDrive's rate limits were left at their default, off ([rate_limit] enabled = false)",
    induction: 'start-option',
    targetEnv: { ASTER__RATE_LIMIT__ENABLED: 'false' },
    runs: ['8.5', '8.7'],
    fails: ['8.5', '8.7'],
    share: 'start-a',
  },
  {
    name: 'rate-limit-proxy',
    description: "the nginx config has its own limit_req zones (503 after a small per-second budget per client) in front of AsterDrive's limits",
    induction: 'proxy',
    proxy: ['rate-limit-proxy'],
    runs: ['8.6'],
    fails: ['8.6'],
  },
  {
    name: 'rate-limits-unplanned',
    description: 'AsterDrive rate limits are on although the launch plan says off (the plan or the config is out of date)',
    induction: 'expectation',
    env: { ASTER_EXPECT_RATE_LIMITS: 'off' },
    share: 'independent-d',
    runs: ['8.5'],
    fails: ['8.5'],
  },
];

/** Rewrites every WOPI app of the preview-app registry through the admin API. */
async function editWopiApps(admin: AsterClient, edit: (app: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const registry = await previewAppRegistry(admin);
  registry.apps = registry.apps.map((a) => (a.provider === 'wopi' ? (edit(a) as typeof a) : a));
  await admin.setConfig('frontend_preview_apps_json', JSON.stringify(registry));
}

export function findFault(name: string): Fault {
  const f = FAULTS.find((x) => x.name === name);
  if (!f) throw new Error(`ASTER_FAULT=${name} is not in faults/catalogue.ts. Known: ${FAULTS.map((x) => x.name).join(', ')}`);
  return f;
}
