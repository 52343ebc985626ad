/**
 * The public entry of a managed target: a real reverse proxy, as operators run AsterDrive.
 * Debian's nginx by default, Caddy with ASTER_ENTRY=caddy, configured the way AsterDrive's
 * reverse-proxy guide asks (helpers/entry-servers/), with TLS from a CA made for the run.
 *
 * Entry faults (the fault matrix's `proxy` faults, and ASTER_PROXY_FAULTS=a,b) are mistakes in
 * that config (helpers/harness/entry-servers/deviations.ts). When the chosen server cannot make a
 * fault's mistake, the entry uses the other server and says so.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { makeRunCa } from './ca.js';
import { DEVIATIONS, leafOptionsOf, type ProxyFault, parseFaults } from './deviations.js';
import { startEntryServer } from './server.js';
import type { EntryServerName } from './types.js';
import { makeTempDir } from '../temp-dirs.js';

export { DEVIATIONS, GLOBAL_CSP, PROXY_FAULTS, PROXY_LIMIT_REQ, type ProxyFault, parseFaults } from './deviations.js';
export { HSTS_VALUE } from './nginx.js';
export type { EntryServerName } from './types.js';

/**
 * The Server header the suite's former in-process proxy put on its own answers. Neither nginx
 * nor Caddy sends it: their own answers are told from AsterDrive's by the missing X-Request-ID
 * and JSON envelope (helpers/clients/entry/answer.ts).
 */
export const PROXY_SERVER = 'launch-entry-proxy';

export const ENTRY_SERVERS: readonly EntryServerName[] = ['nginx', 'caddy'];

export interface EntryOptions {
  /** The target, e.g. http://127.0.0.1:3000 */
  upstream: string;
  /** Default nginx. */
  server?: EntryServerName;
  faults?: ProxyFault[];
  /** Directory for the entry (config, certificates, logs); default a new temp dir, removed at stop. */
  dir?: string;
  /** Public host name of the origins; default `localhost`. */
  host?: string;
  runId?: string;
  httpsPort?: number;
  httpPort?: number;
}

export interface EntryProxy {
  /** https://localhost:P */
  httpsOrigin: string;
  /** http://localhost:Q, redirects to httpsOrigin (unless `no-https-redirect`) */
  httpOrigin: string;
  /** PEM of the run's CA: what Node clients trust. */
  caPath: string;
  /** base64 SHA-256 SPKI hashes of the entry's certificate chain, leaf first (Chromium's allow-list). */
  spki: string[];
  server: EntryServerName;
  /** e.g. "nginx 1.22.1" */
  version: string;
  /** One line for the run summary and the report: server, version, deviation. */
  description: string;
  configPath: string;
  logFile: string;
  faults: ProxyFault[];
  /** Set when the entry is not the server asked for (the fault needs the other one). */
  note?: string;
  stop(): Promise<void>;
}

/** The server that can make every fault's mistake: the one asked for, else the other one. */
export function chooseServer(wanted: EntryServerName, faults: ProxyFault[]): { server: EntryServerName; note?: string } {
  const can = (s: EntryServerName) => faults.every((f) => DEVIATIONS[f][s]);
  if (can(wanted)) return { server: wanted };
  const other = ENTRY_SERVERS.find((s) => s !== wanted && can(s));
  const why = faults
    .filter((f) => !DEVIATIONS[f][wanted])
    .map((f) => `${f}: ${DEVIATIONS[f].only ?? `no ${wanted} form`}`)
    .join('; ');
  if (!other) throw new Error(`no entry server can make all of ${faults.join(', ')} (${why})`);
  return { server: other, note: `entry is ${other}, not ${wanted}: ${why}` };
}

export async function startEntry(opts: EntryOptions): Promise<EntryProxy> {
  const faults = [...new Set<ProxyFault>([...(opts.faults ?? []), ...parseFaults(process.env.ASTER_PROXY_FAULTS)])];
  const upstream = new URL(opts.upstream);
  if (upstream.protocol !== 'http:') throw new Error(`startEntry: upstream must be http://host:port, got ${opts.upstream}`);
  const { server, note } = chooseServer(opts.server ?? 'nginx', faults);
  const host = opts.host ?? 'localhost';
  const ownDir = !opts.dir;
  const dir = opts.dir ?? makeTempDir('entry');
  mkdirSync(dir, { recursive: true });
  try {
    const ca = makeRunCa(dir, host, opts.runId, leafOptionsOf(faults));
    const deviation = faults.map((f) => `${f} (${DEVIATIONS[f].summary})`).join('; ');
    const banner = [
      `AsterDrive launch suite: entry of run ${opts.runId ?? '-'} in front of ${upstream.host}. Generated at start; removed at teardown.`,
      deviation ? `Deviation from the base (fault matrix): ${deviation}` : 'Base config: no deviation.',
    ];
    const s = await startEntryServer({ server, dir, upstream: opts.upstream, ca, faults, banner, httpsPort: opts.httpsPort, httpPort: opts.httpPort });
    const description = `${s.version}${faults.length ? ` with ${faults.join(', ')}` : ''}`;
    return {
      httpsOrigin: `https://${host}:${s.listen.httpsPort}`,
      httpOrigin: `http://${host}:${s.listen.httpPort}`,
      caPath: ca.caPath,
      spki: [ca.leafSpki, ca.caSpki],
      server,
      version: s.version,
      description,
      configPath: s.configPath,
      logFile: s.logFile,
      faults,
      note,
      async stop() {
        await s.stop();
        if (ownDir) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
