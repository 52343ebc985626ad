/**
 * The suite's configuration: `.env` (quietly loaded with dotenv) plus the process environment,
 * validated with zod. A bad value stops the run at once with a message that names the variable,
 * what is wrong and an example of a good value.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

interface VarSpec {
  schema: z.ZodType;
  example: string;
  doc: string;
  secret?: boolean;
}

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === 'http:' || u.protocol === 'https:';
      } catch {
        return false;
      }
    }, `must be an http:// or https:// URL (${what})`);

const origin = httpUrl('an origin').refine((v) => {
  const u = new URL(v);
  return u.pathname === '/' && !u.search && !u.hash;
}, 'must be an origin only, without a path, query or fragment');

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(v), 'must be 1 or 0 (true/false also work)')
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/** A whole number above 0, as the suite's variables take it (also the fault matrix's own, scripts/faults.ts). */
export const positiveInt = z
  .string()
  .trim()
  .regex(/^\d+$/, 'must be a whole number')
  .transform(Number)
  .refine((n) => n > 0, 'must be greater than 0');

/** Seconds that may be 0 (a cooldown of 0 = none). */
const wholeSeconds = z.string().trim().regex(/^\d+$/, 'must be a whole number of seconds').transform(Number);

const nonEmpty = z.string().min(1, 'must not be empty');

/** Local tools a run may do without (their items are then NOT_CHECKED instead of the run stopping). */
export const OPTIONAL_TOOLS = ['browser', 'mailpit', 's3'] as const;
const toolList = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => v.split(/[\s,]+/).filter(Boolean))
  .refine((l) => l.every((t) => (OPTIONAL_TOOLS as readonly string[]).includes(t)), `must be a comma-separated list of ${OPTIONAL_TOOLS.join(', ')}`);

const onOff = (a: string, b: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === a || v === b, `must be "${a}" or "${b}"`);

/** Every variable the suite reads. Grouped and documented in .env.example in the same order. */
export const VARIABLES = {
  // Target
  ASTER_BASE_URL: { schema: origin, example: 'https://drive.example.com', doc: 'public origin of an existing deployment' },
  ASTER_DRIVE_BIN: { schema: nonEmpty, example: '/opt/asterdrive/aster_drive', doc: 'real AsterDrive binary for a managed local target' },
  ASTER_ADMIN_USER: { schema: nonEmpty, example: 'admin', doc: 'an administrator (username or email)' },
  ASTER_ADMIN_PASSWORD: { schema: nonEmpty, example: 'a-long-production-password', doc: "the administrator's password", secret: true },
  ASTER_USER: { schema: nonEmpty, example: 'qa-user', doc: 'an ordinary account' },
  ASTER_USER_PASSWORD: { schema: nonEmpty, example: 'another-long-password', doc: "the ordinary account's password", secret: true },
  ASTER_READONLY: { schema: flag, example: '1', doc: '1 = run only checks that write nothing' },
  ASTER_ENTRY: { schema: onOff('nginx', 'caddy'), example: 'caddy', doc: 'reverse proxy in front of a managed target (default nginx)' },
  ASTER_CA_FILE: { schema: nonEmpty, example: '/etc/ssl/private-ca.pem', doc: "PEM of the private CA the deployment's certificate chains to" },
  // Operator access (auto+ items)
  ASTER_METRICS_URL: {
    schema: httpUrl('the internal /health/metrics URL'),
    example: 'http://10.0.0.5:3000/health/metrics',
    doc: 'scraper-side URL of /health/metrics',
  },
  ASTER_RESTART_CMD: { schema: nonEmpty, example: 'systemctl restart asterdrive', doc: 'shell command that restarts the server' },
  ASTER_RECREATE_CMD: {
    schema: nonEmpty,
    example: 'docker compose up -d --force-recreate asterdrive',
    doc: "shell command that recreates the server's container (or host) from its volumes",
  },
  ASTER_DOCTOR_CMD: {
    schema: nonEmpty,
    example: 'docker exec aster aster_drive doctor --output-format json',
    doc: 'shell command that runs aster_drive doctor',
  },
  ASTER_DATA_DIR: { schema: nonEmpty, example: '/srv/asterdrive/data', doc: 'the data directory, when the suite runs on the same host' },
  ASTER_ENV_CMD: {
    schema: nonEmpty,
    example: 'docker exec aster env',
    doc: "shell command that prints the server process's environment (RUST_LOG, ASTER__LOGGING__LEVEL), one NAME=value a line",
  },
  ASTER_RUNTIME_USER: {
    schema: z
      .string()
      .trim()
      .regex(/^\d+:\d+$/, 'must be uid:gid in numbers'),
    example: '10001:10001',
    doc: 'uid:gid AsterDrive runs as (the Docker image: 10001:10001), when the suite cannot see the process',
  },
  ASTER_BACKUP_CMD: { schema: nonEmpty, example: '/usr/local/bin/asterdrive-backup', doc: 'shell command that makes a backup of the deployment' },
  ASTER_RESTORE_CMD: {
    schema: nonEmpty,
    example: '/usr/local/bin/asterdrive-restore --latest',
    doc: 'shell command that restores the last backup and leaves the server running',
  },
  // Mail
  MAILPIT_URL: { schema: httpUrl('the Mailpit web/API origin'), example: 'http://127.0.0.1:8025', doc: 'Mailpit API that receives the deployment mail' },
  MAILPIT_USER: { schema: nonEmpty, example: 'qa', doc: 'Mailpit basic-auth user' },
  MAILPIT_PASSWORD: { schema: nonEmpty, example: 'secret', doc: 'Mailpit basic-auth password', secret: true },
  MAILPIT_SMTP: {
    schema: z
      .string()
      .trim()
      .regex(/^[^:\s]+:\d+$/, 'must be host:port'),
    example: '127.0.0.1:1025',
    doc: 'Mailpit SMTP address a managed target sends to',
  },
  // S3
  S3_ENDPOINT: { schema: httpUrl('the S3 endpoint'), example: 'https://s3.example.com', doc: 'S3 endpoint behind an S3 storage policy' },
  S3_REGION: { schema: nonEmpty, example: 'us-east-1', doc: 'S3 region' },
  S3_BUCKET: { schema: nonEmpty, example: 'asterdrive', doc: 'S3 bucket' },
  S3_ACCESS_KEY_ID: { schema: nonEmpty, example: 'AKIA...', doc: 'S3 access key id', secret: true },
  S3_SECRET_ACCESS_KEY: { schema: nonEmpty, example: 'wJalr...', doc: 'S3 secret access key', secret: true },
  S3_FORCE_PATH_STYLE: { schema: flag, example: '1', doc: '1 for MinIO-style path addressing' },
  // Run behaviour
  ASTER_TRACE: { schema: onOff('on', 'retain-on-failure'), example: 'on', doc: 'on = keep traces for every test' },
  ASTER_LARGE_FILE_MB: { schema: positiveInt, example: '64', doc: 'size of the large (chunked) upload in MiB' },
  ASTER_WOPI_APP: {
    schema: nonEmpty,
    example: 'custom.wopi.office.example.com__wopi_discovery__word',
    doc: 'preview app key to use on an existing deployment',
  },
  ASTER_WAIVERS_FILE: { schema: nonEmpty, example: 'waivers.json', doc: 'waivers file' },
  ASTER_SIGNOFFS_FILE: { schema: nonEmpty, example: 'signoffs.json', doc: 'sign-offs of MANUAL items' },
  PLAYWRIGHT_CHROMIUM_EXECUTABLE: { schema: nonEmpty, example: '/usr/bin/chromium', doc: 'Chromium to drive' },
  ASTER_WITHOUT: { schema: toolList, example: 'mailpit,s3', doc: 'run without these local tools; their items are NOT_CHECKED' },
  // Expectations
  ASTER_EXPECT_VERSION: {
    schema: z
      .string()
      .trim()
      .regex(/^\d+\.\d+\.\d+/, 'must look like 0.5.0'),
    example: '0.5.0',
    doc: 'version that must be running',
  },
  ASTER_EXPECT_ACCESS_TTL_S: { schema: positiveInt, example: '900', doc: 'access token lifetime in seconds' },
  ASTER_EXPECT_REFRESH_TTL_S: { schema: positiveInt, example: '604800', doc: 'refresh token lifetime in seconds' },
  ASTER_EXPECT_REGISTRATION: { schema: onOff('open', 'closed'), example: 'closed', doc: 'public registration open or closed' },
  ASTER_EXPECT_ACTIVATION_LINK_TTL_S: { schema: positiveInt, example: '86400', doc: 'auth_register_activation_ttl_secs' },
  ASTER_EXPECT_RESET_LINK_TTL_S: { schema: positiveInt, example: '3600', doc: 'auth_password_reset_ttl_secs' },
  ASTER_EXPECT_EMAIL_CHANGE_LINK_TTL_S: { schema: positiveInt, example: '86400', doc: 'auth_contact_change_ttl_secs' },
  ASTER_EXPECT_RESEND_COOLDOWN_S: { schema: wholeSeconds, example: '60', doc: 'auth_contact_verification_resend_cooldown_secs' },
  ASTER_EXPECT_RESET_COOLDOWN_S: { schema: wholeSeconds, example: '60', doc: 'auth_password_reset_request_cooldown_secs' },
  ASTER_EXPECT_MAX_DIRECT_UPLOAD_MB: { schema: positiveInt, example: '100', doc: 'largest direct upload the proxy must accept, MiB' },
  ASTER_EXPECT_CERT_MIN_DAYS: { schema: positiveInt, example: '21', doc: 'days a certificate must stay valid (default 21)' },
  ASTER_EXPECT_LONG_CONNECTION_S: { schema: positiveInt, example: '120', doc: 'a transfer this long must not be cut' },
  ASTER_EXPECT_AUDIT_RETENTION_DAYS: { schema: positiveInt, example: '90', doc: 'audit_log_retention_days' },
  ASTER_EXPECT_RATE_LIMITS: { schema: onOff('on', 'off'), example: 'on', doc: 'whether AsterDrive rate limits are expected on' },
  ASTER_EXPECT_DEFAULT_POLICY_GROUP: { schema: nonEmpty, example: 'Default', doc: 'name of the policy group new users get' },
  ASTER_EXPECT_MAX_FILE_MB: {
    schema: z.string().trim().regex(/^\d+$/, 'must be a whole number (0 = unlimited)').transform(Number),
    example: '0',
    doc: "default policy's single-file limit in MiB (0 = unlimited)",
  },
  ASTER_EXPECT_CHUNK_MB: { schema: positiveInt, example: '5', doc: "default policy's chunk size in MiB" },
  ASTER_EXPECT_USER_QUOTA_MB: {
    schema: z.string().trim().regex(/^\d+$/, 'must be a whole number (0 = unlimited)').transform(Number),
    example: '10240',
    doc: 'default_storage_quota in MiB (0 = unlimited)',
  },
  ASTER_EXPECT_TEAM_QUOTA_MB: {
    schema: z.string().trim().regex(/^\d+$/, 'must be a whole number (0 = unlimited)').transform(Number),
    example: '51200',
    doc: "every team's quota and default_storage_quota for new teams, MiB (0 = unlimited)",
  },
  ASTER_EXPECT_MAX_TEMP_MB: { schema: positiveInt, example: '1024', doc: 'largest size of data/.tmp plus data/.uploads, MiB' },
  ASTER_EXPECT_MAX_TASK_WAIT_MIN: {
    schema: z.string().trim().regex(/^\d+$/, 'must be a whole number of minutes').transform(Number),
    example: '10',
    doc: 'longest a thumbnail or extraction task may wait before it counts as piling up',
  },
  ASTER_EXPECT_WEBDAV_PREFIX: { schema: z.string().regex(/^\/[^\s]*$/, 'must start with /'), example: '/webdav', doc: 'WebDAV prefix the proxy forwards' },
} satisfies Record<string, VarSpec>;

export type VarName = keyof typeof VARIABLES;

type Parsed = { [K in VarName]?: z.output<(typeof VARIABLES)[K]['schema']> };

export interface SuiteConfig {
  env: Parsed;
  /** 'existing' when ASTER_BASE_URL is given, else a managed target. */
  mode: 'existing' | 'managed';
  targetKind: 'deployment' | 'asterdrive-binary' | 'standin';
  readonly: boolean;
  largeFileMb: number;
  warnings: string[];
  /** Secret values to be redacted from every artifact. */
  secrets: string[];
}

function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return dp[a.length][b.length];
}

export function nearestKnown(name: string): string {
  let best = '';
  let bestScore = Number.POSITIVE_INFINITY;
  for (const known of Object.keys(VARIABLES)) {
    const d = levenshtein(name, known);
    if (d < bestScore) [best, bestScore] = [known, d];
  }
  return best;
}

/** Variables of the stand-in / real server itself, passed through on purpose. */
const PASSTHROUGH =
  /^ASTER__|^ASTER_CLI_|^ASTER_RUN_|^ASTER_TOOLS_DIR$|^ASTER_BOOTSTRAP_|^ASTER_SECRETS_DIR(_KEEP)?$|^ASTER_CHROMIUM_PROBLEM$|^ASTER_JSON_REPORT$|^ASTER_REPORTS_DIR$|^ASTER_FAULT$|^ASTER_PROXY_FAULTS$|^ASTER_ENV_FILE$|^ASTER_BLOB_REPORT$|^ASTER_BLOB_DIR$|^ASTER_SHARD_DISRUPTIVE$/;

export function parseConfig(source: NodeJS.ProcessEnv): SuiteConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const env: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(VARIABLES) as [VarName, VarSpec][]) {
    const raw = source[name];
    if (raw === undefined || raw === '') continue;
    const result = spec.schema.safeParse(raw);
    if (result.success) env[name] = result.data;
    else {
      const shown = spec.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown} ${result.error.issues[0]?.message ?? 'is invalid'}. Example: ${name}=${spec.example}`);
    }
  }
  for (const name of Object.keys(source)) {
    if (!name.startsWith('ASTER_') || name in VARIABLES || PASSTHROUGH.test(name)) continue;
    warnings.push(`Unknown variable ${name} is ignored. Did you mean ${nearestKnown(name)}?`);
  }
  if (env.ASTER_BASE_URL && env.ASTER_DRIVE_BIN) {
    problems.push(
      'ASTER_BASE_URL and ASTER_DRIVE_BIN are both set. Use ASTER_BASE_URL for an existing deployment or ASTER_DRIVE_BIN for a managed local one, not both.',
    );
  }
  if (env.ASTER_BASE_URL && (!env.ASTER_ADMIN_USER || !env.ASTER_ADMIN_PASSWORD)) {
    problems.push(
      'ASTER_BASE_URL is set but ASTER_ADMIN_USER / ASTER_ADMIN_PASSWORD are missing. An existing deployment needs an administrator. Example: ASTER_ADMIN_USER=admin',
    );
  }
  if (typeof env.ASTER_DRIVE_BIN === 'string' && !existsSync(env.ASTER_DRIVE_BIN)) {
    problems.push(
      `ASTER_DRIVE_BIN=${env.ASTER_DRIVE_BIN} does not exist. Give the path of the aster_drive binary. Example: ASTER_DRIVE_BIN=/opt/asterdrive/aster_drive`,
    );
  }
  if (typeof env.ASTER_CA_FILE === 'string') {
    const file = env.ASTER_CA_FILE;
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      problems.push(
        `ASTER_CA_FILE=${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? e}). Give the PEM file of the CA. Example: ASTER_CA_FILE=/etc/ssl/private-ca.pem`,
      );
    }
    if (text && !/-----BEGIN CERTIFICATE-----/.test(text)) {
      problems.push(
        `ASTER_CA_FILE=${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----). Give the CA certificate in PEM form, not a key or DER file.`,
      );
    }
    if (!env.ASTER_BASE_URL)
      warnings.push('ASTER_CA_FILE is for an existing deployment (ASTER_BASE_URL); a managed target makes its own CA, so it is ignored.');
  }
  if (env.ASTER_ENTRY && env.ASTER_BASE_URL)
    warnings.push("ASTER_ENTRY chooses the proxy of a managed target; with ASTER_BASE_URL the deployment's own proxy is checked, so it is ignored.");
  const s3Set = (['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const).filter((n) => env[n]);
  if (s3Set.length > 0 && s3Set.length < 4) {
    problems.push(`S3 access is incomplete: set S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY together (only ${s3Set.join(', ')} given).`);
  }
  if (problems.length) throw new ConfigError(problems);

  const parsed = env as Parsed;
  const secrets = (Object.entries(VARIABLES) as [VarName, VarSpec][])
    .filter(([name, spec]) => spec.secret && typeof parsed[name] === 'string')
    .map(([name]) => parsed[name] as string);
  return {
    env: parsed,
    mode: parsed.ASTER_BASE_URL ? 'existing' : 'managed',
    targetKind: parsed.ASTER_BASE_URL ? 'deployment' : parsed.ASTER_DRIVE_BIN ? 'asterdrive-binary' : 'standin',
    readonly: parsed.ASTER_READONLY === true,
    largeFileMb: parsed.ASTER_LARGE_FILE_MB ?? 64,
    warnings,
    secrets,
  };
}

let cached: SuiteConfig | undefined;

/** Loads `.env` from the project root (quietly; real environment wins) and validates it once per process. */
export function loadConfig(root = process.cwd()): SuiteConfig {
  if (cached) return cached;
  const file = process.env.ASTER_ENV_FILE ?? path.join(root, '.env');
  if (existsSync(file)) dotenv.config({ path: file, quiet: true });
  cached = parseConfig(process.env);
  return cached;
}

export function mask(value: string | undefined): string {
  return value ? '(set, hidden)' : '(not set)';
}
