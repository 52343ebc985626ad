/**
 * Runs once before any test: validates the target (an existing deployment is checked for reach,
 * identity and credentials within seconds), or starts a managed one with the services it needs,
 * prints a one-screen summary and hands the run state to the workers. The returned function is
 * the teardown; it also runs after a failure or Ctrl-C.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';
import { LoginError } from '../clients/api/aster.js';
import { type LocalTool, localTools, summaryLines } from '../catalogue/capabilities.js';
import { SETUP_COMMAND } from './chromium.js';
import { loadConfig } from './config.js';
import { registerSecret } from './secrets.js';
import { startMailpit } from './services/mailpit.js';
import { startS3 } from './services/s3.js';
import { CertificatePreflightError, preflightCertificate, preflightExisting } from './target/preflight.js';
import { activeFault } from '../../faults/active.js';
import { parseFaults, startEntry } from './entry-servers/entry-proxy.js';
import { trustCa, trustInChromium } from './trust.js';
import { managedRateLimitEnv } from '../judges/rate-limits.js';
import { startManagedTarget } from './target/managed.js';
import { keepOwnRateLimited } from './target/own-traffic.js';
import { generatedPassword } from './target/provision.js';
import { newRunId, type RunState, writeRunState } from './target/run-state.js';
import { startFakeOffice } from './services/fake-office.js';
import { makeTempDir, sweepStaleTempDirs } from './temp-dirs.js';

type Stop = () => Promise<void>;

/** A local tool that is installed but would not start: the suite's own problem, never the target's. */
class LocalToolError extends Error {}

async function localService<T>(tools: LocalTool[], tool: 'mailpit' | 's3', start: () => Promise<T>): Promise<T | null> {
  const t = tools.find((x) => x.tool === tool);
  if (t?.state !== 'present') return null; // not needed, or left out (ASTER_WITHOUT); a missing one stopped the run already
  try {
    return await start();
  } catch (e) {
    throw new LocalToolError(
      `The suite cannot run: ${t.name} (${t.detail}) is installed but did not start (nothing was checked, the target is not at fault):\n` +
        `  ${(e as Error).message.split('\n').slice(0, 6).join('\n  ')}\n\n` +
        `Fix: \`${SETUP_COMMAND}\` (reinstalls it with \`bash .ci/install-services.sh --force\` when it is broken), or run without it: ASTER_WITHOUT=${tool} npx playwright test`,
    );
  }
}

/** Registers the stop of a thing once it has started, whatever else fails meanwhile. */
function tracked<T>(stops: Stop[], start: Promise<T>, stopOf: (v: T) => Stop | undefined): Promise<T> {
  return start.then((v) => {
    const stop = stopOf(v);
    if (stop) stops.push(stop);
    return v;
  });
}

export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const cfg = loadConfig();
  const tools = localTools(cfg);
  const stops: Stop[] = [];
  // What killed runs left on this machine (their state, secrets, targets' working directories).
  const stale = sweepStaleTempDirs();
  if (stale.length) console.log(`Removed ${stale.length} temporary director${stale.length === 1 ? 'y' : 'ies'} left by interrupted runs.`);
  const stateDir = makeTempDir('run');
  stops.push(async () => rmSync(stateDir, { recursive: true, force: true }));
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.warn(`teardown: ${(e as Error).message}`));
  };
  const runId = newRunId();
  /** The managed entry, for the summary and the report's target line. */
  const entryLines: string[] = [];
  let entryDescription: string | undefined;

  try {
    let state: RunState;
    if (cfg.mode === 'existing') {
      const baseURL = String(cfg.env.ASTER_BASE_URL).replace(/\/$/, '');
      const admin = { identifier: String(cfg.env.ASTER_ADMIN_USER), password: String(cfg.env.ASTER_ADMIN_PASSWORD) };
      const user = cfg.env.ASTER_USER && cfg.env.ASTER_USER_PASSWORD ? { identifier: cfg.env.ASTER_USER, password: cfg.env.ASTER_USER_PASSWORD } : undefined;
      // The certificate first: an untrusted one stops here, not in every check (ASTER_CA_FILE).
      await preflightCertificate(baseURL, cfg.env.ASTER_CA_FILE, stateDir);
      await preflightExisting(baseURL, admin, user);
      stops.push(async () => keepOwnRateLimited(baseURL));
      state = {
        runId,
        baseURL,
        mode: 'existing',
        targetKind: 'deployment',
        admin,
        user,
        mailpit: cfg.env.MAILPIT_URL ? { apiUrl: cfg.env.MAILPIT_URL } : undefined,
        s3: s3FromEnv(cfg),
        wopi: cfg.env.ASTER_WOPI_APP ? { apps: { docx: cfg.env.ASTER_WOPI_APP }, ownOffice: false } : undefined,
        startedAt: new Date().toISOString(),
      };
    } else {
      // Real Mailpit and a real S3 server (`npm run setup` installs them; playwright.config.ts stopped
      // the run if one is missing); ASTER_WITHOUT leaves one out and its items are NOT_CHECKED.
      const fault = activeFault();
      // The services and the target start side by side (none needs another to start); each one
      // that started is stopped at teardown, also when another failed.
      const mailpitStart = tracked(
        stops,
        localService(tools, 'mailpit', () => startMailpit()),
        (m) => m?.stop,
      );
      const s3Start = tracked(
        stops,
        localService(tools, 's3', () => startS3({ enableBucketVersioning: !fault?.s3Unversioned })),
        (x) => x?.stop,
      );
      const officeStart = tracked(stops, startFakeOffice(), (o) => o.close);
      // Rate limits on, as for an internet-facing launch, with bursts the suite's own traffic never
      // trips (helpers/judges/rate-limits.ts); a fault's start options still win (rate-limits-off).
      const targetStart = tracked(
        stops,
        startManagedTarget({ binary: cfg.env.ASTER_DRIVE_BIN, beforeStart: fault?.beforeStart, env: { ...managedRateLimitEnv(), ...fault?.targetEnv } }),
        (t) => async () => {
          await t.stop();
          rmSync(t.workdir, { recursive: true, force: true });
        },
      );
      const failed = (await Promise.allSettled([mailpitStart, s3Start, officeStart, targetStart])).find((r) => r.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      const [mailpit, s3, office, target] = [await mailpitStart, await s3Start, await officeStart, await targetStart];
      // Users reach a managed target through a real reverse proxy (nginx, or Caddy with
      // ASTER_ENTRY=caddy) with TLS from a CA made for this run; a fault run's entry mistake is
      // written into its config.
      const entryServer = cfg.env.ASTER_ENTRY === 'caddy' ? 'caddy' : 'nginx';
      const entry = await startEntry({
        upstream: target.baseURL,
        server: entryServer,
        faults: [...(fault?.proxy ?? []), ...parseFaults(process.env.ASTER_PROXY_FAULTS)],
        dir: path.join(stateDir, 'entry'),
        runId,
      }).catch((e: Error) => {
        throw new LocalToolError(
          `The suite cannot run: the managed target's entry (${entryServer}) did not start (nothing was checked, the target is not at fault):\n  ${e.message.split('\n').slice(0, 12).join('\n  ')}\n\n` +
            `Fix: apt-get install nginx caddy, or choose the other server with ASTER_ENTRY=${entryServer === 'nginx' ? 'caddy' : 'nginx'}.`,
        );
      });
      stops.push(entry.stop);
      entryLines.push(`  entry: ${entry.description}, config ${entry.configPath}`);
      if (entry.note) entryLines.push(`  note: ${entry.note}`);
      // Node (this process, and the workers started after setup) trusts the run's CA; Chromium
      // trusts exactly the entry's key.
      await trustCa(entry.caPath, stateDir);
      trustInChromium(entry.spki);
      entryDescription = entry.description;
      const smtp = cfg.env.MAILPIT_SMTP?.split(':');
      state = {
        runId,
        baseURL: entry.httpsOrigin,
        mode: 'managed',
        targetKind: cfg.env.ASTER_DRIVE_BIN ? 'asterdrive-binary' : 'standin',
        admin: { identifier: cfg.env.ASTER_ADMIN_USER ?? 'ltadmin', password: cfg.env.ASTER_ADMIN_PASSWORD ?? generatedPassword() },
        user:
          cfg.env.ASTER_USER && cfg.env.ASTER_USER_PASSWORD
            ? { identifier: cfg.env.ASTER_USER, password: cfg.env.ASTER_USER_PASSWORD }
            : { identifier: 'ltuser', password: generatedPassword() },
        managed: {
          internalURL: target.baseURL,
          plainEntryURL: entry.httpOrigin,
          workdir: target.workdir,
          pid: target.pid,
          databaseUrl: target.databaseUrl,
          doctorCmd: [...target.cli, 'doctor', '--database-url', target.databaseUrl, '--output-format', 'json'].map(shellQuote).join(' '),
        },
        mailpit: mailpit
          ? { apiUrl: mailpit.apiUrl, smtpHost: mailpit.smtpHost, smtpPort: mailpit.smtpPort }
          : cfg.env.MAILPIT_URL
            ? { apiUrl: cfg.env.MAILPIT_URL, smtpHost: smtp?.[0], smtpPort: smtp ? Number(smtp[1]) : undefined }
            : undefined,
        s3: s3
          ? {
              endpoint: s3.endpoint,
              region: s3.region,
              bucket: s3.bucket,
              accessKeyId: s3.accessKeyId,
              secretAccessKey: s3.secretAccessKey,
              forcePathStyle: true,
            }
          : undefined,
        wopi: { apps: {}, discoveryUrl: office.discoveryUrl, ownOffice: true },
        startedAt: new Date().toISOString(),
      };
    }
    const file = path.join(stateDir, 'run-state.json');
    writeRunState(file, state);
    process.env.ASTER_RUN_STATE = file;
    process.env.ASTER_RUN_ID = runId;
    process.env.ASTER_RUN_BASE_URL = state.baseURL;
    process.env.ASTER_RUN_TARGET_KIND = entryDescription ? `${state.targetKind} behind ${entryDescription}` : state.targetKind;
    for (const c of [state.admin, state.user]) registerSecret(c?.password);
    if (state.s3) registerSecret(state.s3.secretAccessKey);
    console.log([...summaryLines(cfg, state, tools), ...entryLines].join('\n'));
    return teardown;
  } catch (e) {
    await teardown();
    // A missing local tool, or a deployment whose certificate is not trusted: exit 2 with the message, before any test.
    if (e instanceof LocalToolError || e instanceof CertificatePreflightError) {
      console.error(`\n${e.message}\n`);
      process.exit(2);
    }
    if (e instanceof LoginError) throw new Error(e.message);
    throw e;
  }
}

function s3FromEnv(cfg: ReturnType<typeof loadConfig>): RunState['s3'] {
  const e = cfg.env;
  if (!e.S3_ENDPOINT || !e.S3_BUCKET || !e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY) return undefined;
  return {
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION ?? 'us-east-1',
    bucket: e.S3_BUCKET,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE ?? true,
  };
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
