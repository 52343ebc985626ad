/**
 * A real Mailpit (https://mailpit.axllent.org) on free loopback ports, for tests
 * that need mail delivered by a server and read back through Mailpit's REST API.
 *
 * Binary: $MAILPIT_BIN, then ${ASTER_TOOLS_DIR:-~/.cache/aster-launch-tools}/bin/mailpit,
 * then PATH. Install the pinned version with `bash .ci/install-services.sh`.
 * (A `go install`ed Mailpit has no web-UI assets; the REST API and SMTP are complete.)
 */
import path from 'node:path';
import {
  canConnect,
  findBinary,
  freePort,
  httpAnswers,
  looksLikePortClash,
  missingBinaryError,
  removeDir,
  type ServiceProcess,
  spawnService,
  stopOnce,
  waitUntilReady,
} from './process.js';
import { makeTempDir } from '../temp-dirs.js';

export interface MailpitOptions {
  /**
   * SMTP authentication. `accept-any` (default): any username/password, or none, is
   * accepted, also without TLS (`--smtp-auth-accept-any --smtp-auth-allow-insecure`),
   * so a server configured with SMTP credentials can deliver. `none`: no AUTH offered.
   */
  smtpAuth?: 'accept-any' | 'none';
  /** More Mailpit flags, appended as given (see `mailpit --help`). */
  extraArgs?: string[];
  /** How long to wait for the API and SMTP to answer (default 20 s). */
  startTimeoutMs?: number;
  /** Keep the temp dir (database + log) after stop(), for debugging. */
  keepTempDir?: boolean;
}

export interface MailpitInstance {
  /** Base URL for `new MailpitClient(apiUrl)`, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  apiUrl: string;
  smtpHost: string;
  smtpPort: number;
  /** Temp dir holding `mailpit.db` and `mailpit.log`; removed by stop() unless keepTempDir. */
  tempDir: string;
  logFile: string;
  stop(): Promise<void>;
}

export const MAILPIT_BIN_ENV = 'MAILPIT_BIN';

/** Path of the Mailpit binary, or null when it isn't installed. */
export function findMailpit(): string | null {
  return findBinary(MAILPIT_BIN_ENV, 'mailpit');
}

export async function startMailpit(opts: MailpitOptions = {}): Promise<MailpitInstance> {
  const bin = findMailpit();
  if (!bin) throw missingBinaryError('Mailpit', MAILPIT_BIN_ENV, 'mailpit');
  const host = '127.0.0.1';
  const tempDir = makeTempDir('mailpit');
  const logFile = path.join(tempDir, 'mailpit.log');
  const timeout = opts.startTimeoutMs ?? 20_000;

  try {
    for (let attempt = 1; ; attempt++) {
      const httpPort = await freePort(host);
      let smtpPort = await freePort(host);
      while (smtpPort === httpPort) smtpPort = await freePort(host);
      const apiUrl = `http://${host}:${httpPort}`;
      const args = [
        '--listen',
        `${host}:${httpPort}`,
        '--smtp',
        `${host}:${smtpPort}`,
        '--database',
        path.join(tempDir, 'mailpit.db'),
        '--disable-version-check',
        '--smtp-disable-rdns',
        ...(opts.smtpAuth === 'none' ? [] : ['--smtp-auth-accept-any', '--smtp-auth-allow-insecure']),
        ...(opts.extraArgs ?? []),
      ];
      const proc: ServiceProcess = spawnService(bin, args, {
        logFile,
        cwd: tempDir,
        dropEnvPrefixes: ['MP_'], // Mailpit reads MP_* settings from the environment
      });
      try {
        await waitUntilReady(
          `Mailpit (${bin})`,
          proc,
          async () => (await httpAnswers(`${apiUrl}/api/v1/info`, [200])) && (await canConnect(host, smtpPort)),
          timeout,
        );
      } catch (err) {
        await proc.stop(1000);
        if (attempt < 3 && looksLikePortClash(proc.logTail())) continue;
        throw err;
      }
      return {
        apiUrl,
        smtpHost: host,
        smtpPort,
        tempDir,
        logFile,
        stop: stopOnce(proc, tempDir, opts.keepTempDir),
      };
    }
  } catch (err) {
    if (!opts.keepTempDir) removeDir(tempDir);
    throw err;
  }
}
