/**
 * Runs one entry server (nginx or Caddy) for a managed target: the config written into the run's
 * own directory, unprivileged free ports on loopback, a foreground process of its own (stopped at
 * teardown, killed if the suite dies), ready once it answers over TLS with the run's certificate.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { looksLikePortClash, type ServiceProcess, spawnService, waitUntilReady } from '../services/process.js';
import type { RunCa } from './ca.js';
import { baseCaddySite, renderCaddyfile } from './caddy.js';
import { DEVIATIONS, type ProxyFault } from './deviations.js';
import { baseNginxSite, renderNginx } from './nginx.js';
import type { EntryListen, EntryServerName } from './types.js';

const INSTALL_HINT = 'apt-get install nginx caddy (or run .ci/run, which installs them)';

/** The server's executable: PATH, then the sbin directories (nginx lives in /usr/sbin). */
export function findServerBinary(name: EntryServerName): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* next */
    }
  }
  return null;
}

export function serverVersion(name: EntryServerName, bin: string): string {
  // nginx -v prints "nginx version: nginx/1.22.1" on stderr; caddy version prints "v2.6.2 h1:…" or "2.6.2".
  const r = spawnSync(bin, name === 'nginx' ? ['-v'] : ['version'], { encoding: 'utf8', timeout: 10_000 });
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const m = name === 'nginx' ? text.match(/nginx\/([\d.]+)/) : text.match(/v?(\d+\.\d+\.\d+)/);
  return m ? `${name} ${m[1]}` : name;
}

function listenOn(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(port, host, () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

/**
 * A port free on 127.0.0.1 and, when the machine has IPv6 loopback, on ::1 too; never one of
 * `avoid` (the system may hand a port it just released out again).
 */
async function freeLoopbackPort(hosts: string[], avoid: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await listenOn(0, hosts[0]);
    if (avoid.includes(port)) continue;
    try {
      for (const h of hosts.slice(1)) await listenOn(port, h);
      return port;
    } catch {
      /* taken on ::1; another one */
    }
  }
  throw new Error('no port free on every loopback address');
}

let loopbackHosts: Promise<string[]> | undefined;
/** 127.0.0.1, plus ::1 when it can be bound. */
export function loopbacks(): Promise<string[]> {
  loopbackHosts ??= listenOn(0, '::1').then(
    () => ['127.0.0.1', '::1'],
    () => ['127.0.0.1'],
  );
  return loopbackHosts;
}

export interface EntryServerOptions {
  server: EntryServerName;
  /** Directory of this entry (config, logs, temp files); created. */
  dir: string;
  upstream: string;
  ca: RunCa;
  faults: ProxyFault[];
  /** Comment lines for the top of the config. */
  banner: string[];
  /** Fixed ports (default: free ones). */
  httpsPort?: number;
  httpPort?: number;
}

export interface EntryServer {
  server: EntryServerName;
  /** e.g. "nginx 1.22.1" */
  version: string;
  configPath: string;
  logFile: string;
  listen: EntryListen;
  stop(): Promise<void>;
}

/** The config text for a server, base plus the deviations of `faults`. */
export function entryConfig(
  server: EntryServerName,
  faults: ProxyFault[],
  r: { dir: string; listen: EntryListen; upstream: string; ca: RunCa; banner: string[] },
): string {
  const common = { dir: r.dir, listen: r.listen, upstream: r.upstream, certPath: r.ca.chainPath, keyPath: r.ca.keyPath, banner: r.banner };
  if (server === 'nginx') {
    const site = baseNginxSite();
    for (const f of faults) {
      const d = DEVIATIONS[f].nginx;
      if (!d) throw new Error(`the entry fault ${f} has no nginx form: ${DEVIATIONS[f].only ?? ''}`);
      d(site);
    }
    return renderNginx(site, { ...common, asRoot: process.getuid?.() === 0 });
  }
  const site = baseCaddySite();
  for (const f of faults) {
    const d = DEVIATIONS[f].caddy;
    if (!d) throw new Error(`the entry fault ${f} has no Caddy form: ${DEVIATIONS[f].only ?? ''}`);
    d(site);
  }
  return renderCaddyfile(site, common);
}

/** Any HTTP answer over TLS on the HTTPS port, trusting only the run's CA. */
function answersOverTls(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: '/', method: 'HEAD', ca, servername: 'localhost', agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', reject);
    req.end();
  });
}

async function launch(o: EntryServerOptions, bin: string, listen: EntryListen): Promise<{ proc: ServiceProcess; configPath: string; logFile: string }> {
  const config = entryConfig(o.server, o.faults, { dir: o.dir, listen, upstream: o.upstream, ca: o.ca, banner: o.banner });
  const logFile = path.join(o.dir, `${o.server}.log`);
  let configPath: string;
  let args: string[];
  const env: Record<string, string> = {};
  if (o.server === 'nginx') {
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(o.dir, 'tmp', t), { recursive: true });
    configPath = path.join(o.dir, 'nginx.conf');
    writeFileSync(configPath, config);
    // -e: the start-up error log too (before the config is read) stays in the run directory.
    const base = ['-p', o.dir, '-c', configPath, '-e', path.join(o.dir, 'error.log')];
    try {
      execFileSync(bin, [...base, '-t', '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Error(`nginx refused the entry config ${configPath}: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`);
    }
    args = [...base, '-g', 'daemon off;'];
  } else {
    configPath = path.join(o.dir, 'Caddyfile');
    writeFileSync(configPath, config);
    // Caddy keeps its state under XDG directories: this run's, not the user's.
    env.XDG_DATA_HOME = path.join(o.dir, 'xdg-data');
    env.XDG_CONFIG_HOME = path.join(o.dir, 'xdg-config');
    env.HOME = o.dir;
    args = ['run', '--config', configPath, '--adapter', 'caddyfile'];
  }
  const proc = spawnService(bin, args, { logFile, cwd: o.dir, env, dropEnvPrefixes: ['CADDY_'] });
  const caPem = readFileSync(o.ca.caPath, 'utf8');
  try {
    await waitUntilReady(`${o.server} (entry)`, proc, () => answersOverTls(listen.httpsPort, caPem), 20_000);
  } catch (e) {
    await proc.stop(1000);
    const extra = o.server === 'nginx' ? `\n${tail(path.join(o.dir, 'error.log'))}` : '';
    throw new Error(`${(e as Error).message}${extra}`);
  }
  return { proc, configPath, logFile };
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

export async function startEntryServer(o: EntryServerOptions): Promise<EntryServer> {
  const bin = findServerBinary(o.server);
  if (!bin) throw new Error(`ASTER_ENTRY=${o.server}: \`${o.server}\` is not installed. Install it: ${INSTALL_HINT}.`);
  mkdirSync(o.dir, { recursive: true });
  const hosts = await loopbacks();
  for (let attempt = 0; ; attempt++) {
    const httpsPort = o.httpsPort ?? (await freeLoopbackPort(hosts));
    // Two different ports: the same one twice makes nginx put the plain-HTTP server on the TLS listener.
    const listen: EntryListen = { hosts, httpsPort, httpPort: o.httpPort ?? (await freeLoopbackPort(hosts, [httpsPort])) };
    try {
      const { proc, configPath, logFile } = await launch(o, bin, listen);
      let stopped: Promise<void> | undefined;
      return {
        server: o.server,
        version: serverVersion(o.server, bin),
        configPath,
        logFile,
        listen,
        stop: () => {
          stopped ??= proc.stop(5000);
          return stopped;
        },
      };
    } catch (e) {
      // A free port may be taken between the check and the bind; try other ports.
      if (attempt < 2 && !o.httpsPort && looksLikePortClash((e as Error).message)) continue;
      throw e;
    }
  }
}
