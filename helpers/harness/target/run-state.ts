/**
 * What global setup learned about the target, handed to the workers through a private file
 * (mode 0600, outside the reports) whose path is in ASTER_RUN_STATE.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Credentials } from '../../clients/api/aster.js';

export interface RunState {
  runId: string;
  /** Public origin the suite talks to. */
  baseURL: string;
  mode: 'existing' | 'managed';
  targetKind: 'deployment' | 'asterdrive-binary' | 'standin';
  admin: Credentials;
  /** The ordinary account; on managed targets created by provisioning. */
  user?: Credentials;
  managed?: {
    /** The target itself, behind the entry proxy (what a scraper or the operator's host sees). */
    internalURL: string;
    /** The entry's plain-HTTP origin (redirects to baseURL). */
    plainEntryURL: string;
    workdir: string;
    pid: number;
    /** The command a doctor check runs for a managed target. */
    doctorCmd: string;
    databaseUrl: string;
  };
  mailpit?: { apiUrl: string; smtpHost?: string; smtpPort?: number };
  s3?: { endpoint: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string; forcePathStyle: boolean };
  /** WOPI apps the suite may launch (file extension -> app key), and whether the suite plays the Office side. */
  wopi?: { apps: Record<string, string>; discoveryUrl?: string; ownOffice: boolean };
  startedAt: string;
}

export function newRunId(): string {
  return `r${randomBytes(4).toString('hex').slice(0, 6)}`;
}

export function writeRunState(file: string, state: RunState): void {
  writeFileSync(file, JSON.stringify(state, null, 2), { mode: 0o600 });
}

export function readRunState(): RunState {
  const file = process.env.ASTER_RUN_STATE;
  if (!file) throw new Error('ASTER_RUN_STATE is not set: run the suite with `npx playwright test`, which prepares the target first.');
  return JSON.parse(readFileSync(file, 'utf8')) as RunState;
}

/** Written by the `checks` gate once setup has completed; the disruptive checks run only after it. */
/** Set by playwright.config.ts for a filtered run, which has no gate project: its set-up opens the gate (helpers/harness/target/gate.ts). */
export const GATE_IN_SETUP_ENV = 'ASTER_GATE_IN_SETUP';

export function checksStartedMarker(): string {
  const file = process.env.ASTER_RUN_STATE;
  if (!file) throw new Error('ASTER_RUN_STATE is not set');
  return `${file}.checks-started`;
}
