#!/usr/bin/env node
/**
 * `npm run setup`: installs whatever the suite itself still lacks on this machine, and nothing
 * that is already there. Plain Node with no dependencies, so it runs before `npm ci`. Each step
 * says what it found or did and how long it took (on stderr):
 *
 *   1. Node.js version (package.json engines)
 *   2. npm dependencies: `npm ci` only when node_modules does not match package-lock.json
 *   3. Chromium: PLAYWRIGHT_CHROMIUM_EXECUTABLE, Playwright's own, or /usr/bin/chromium; when
 *      none, Playwright's download where it works, else the OS package (`apt-get install chromium`)
 *   4. Debian packages: nginx, caddy, openssl (the managed target's entry), litmus (--for tests)
 *   5. Mailpit and the S3 server (versitygw): built with Go by .ci/install-services.sh
 *
 * Usage: node scripts/setup.mjs [--for check|tests]
 *   check (default): what `npx playwright test` needs (ASTER_WITHOUT and ASTER_BASE_URL leave
 *   out what the run will not use); tests: what `npm test` needs (everything).
 * Exit 0 when ready; 2 when something could not be set up (each failure names its fix).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(ROOT);

const args = process.argv.slice(2);
const forIdx = args.indexOf('--for');
const FOR = forIdx >= 0 ? args[forIdx + 1] : (args.find((a) => a.startsWith('--for='))?.slice(6) ?? 'check');
if (!['check', 'tests'].includes(FOR)) {
  console.error(`setup: --for must be check or tests, not ${FOR}`);
  process.exit(2);
}

const started = Date.now();
const results = [];
const log = (msg) => console.error(`[setup] ${msg}`);
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;

/** Runs one step: fn returns a short outcome, or throws an Error whose message says what to do. */
async function step(name, fn) {
  const t = Date.now();
  log(`${name} ...`);
  try {
    const outcome = await fn();
    results.push({ name, ok: true, outcome, ms: Date.now() - t });
    log(`${name}: ${outcome} (${secs(Date.now() - t)})`);
  } catch (e) {
    results.push({ name, ok: false, outcome: e.message, ms: Date.now() - t });
    log(`${name}: FAILED after ${secs(Date.now() - t)}: ${e.message}`);
  }
}

/** Runs a command with its output shown (to stderr), a progress line every 30 s when it is quiet, and a time limit. */
function run(cmd, argv, { timeoutMs = 30 * 60_000, env = {}, label = `${cmd} ${argv.join(' ')}` } = {}) {
  return new Promise((resolve) => {
    log(`  $ ${label}`);
    const t = Date.now();
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let last = Date.now();
    let tail = '';
    const out = (chunk) => {
      last = Date.now();
      process.stderr.write(chunk);
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', out);
    child.stderr.on('data', out);
    const tick = setInterval(() => {
      if (Date.now() - last >= 30_000) log(`  ... still running ${label} (${secs(Date.now() - t)})`);
    }, 30_000);
    const kill = setTimeout(() => {
      log(`  ${label}: no result after ${secs(timeoutMs)}, stopping it`);
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (e) => {
      clearInterval(tick);
      clearTimeout(kill);
      resolve({ status: 127, tail: e.message });
    });
    child.on('close', (status) => {
      clearInterval(tick);
      clearTimeout(kill);
      resolve({ status: status ?? 1, tail });
    });
  });
}

/** `.env` values (the real environment wins), read without dotenv: only simple KEY=VALUE lines. */
function settings() {
  const file = process.env.ASTER_ENV_FILE ?? path.join(ROOT, '.env');
  const fromFile = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
      if (m) fromFile[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  const get = (k) => (process.env[k] !== undefined && process.env[k] !== '' ? process.env[k] : fromFile[k] || undefined);
  return {
    baseUrl: get('ASTER_BASE_URL'),
    without: (get('ASTER_WITHOUT') ?? '')
      .toLowerCase()
      .split(/[\s,]+/)
      .filter(Boolean),
    chromium: get('PLAYWRIGHT_CHROMIUM_EXECUTABLE'),
    mailpitUrl: get('MAILPIT_URL'),
    s3Endpoint: get('S3_ENDPOINT'),
  };
}

function isExecutable(file) {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Like helpers/harness/services/process.ts findBinary: $ENV_VAR, then the tools dir, then PATH (+ sbin dirs). */
function findBinary(name, envVar) {
  if (envVar && process.env[envVar]) return isExecutable(process.env[envVar]) ? process.env[envVar] : null;
  if (envVar) {
    const tools = path.join(process.env.ASTER_TOOLS_DIR || path.join(os.homedir(), '.cache', 'aster-launch-tools'), 'bin', name);
    if (isExecutable(tools)) return tools;
  }
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) if (d && isExecutable(path.join(d, name))) return path.join(d, name);
  return null;
}

const isRoot = process.getuid?.() === 0;
const hasSudo = !isRoot && findBinary('sudo') !== null;
const hasApt = findBinary('apt-get') !== null;
const canRoot = isRoot || hasSudo;
const asRoot = (cmd, argv) => (isRoot ? [cmd, argv] : hasSudo ? ['sudo', ['-E', cmd, ...argv]] : null);

let aptUpdated = false;
/** apt-get install of the given Debian packages (waits for another apt/dpkg to finish). */
async function aptInstall(packages) {
  if (!hasApt) throw new Error(`no apt-get on this machine: install ${packages.join(', ')} with its package manager`);
  const lock = ['-o', 'DPkg::Lock::Timeout=1800', '-o', 'Acquire::Retries=3'];
  const update = asRoot('apt-get', [...lock, 'update', '-q']);
  const install = asRoot('apt-get', [...lock, 'install', '-y', '-q', '--no-install-recommends', ...packages]);
  if (!update || !install) throw new Error(`not root and no sudo: run \`sudo apt-get install ${packages.join(' ')}\``);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    const u = await run(update[0], update[1], { env });
    if (u.status !== 0) throw new Error(`apt-get update failed (exit ${u.status}); run \`sudo apt-get update && sudo apt-get install ${packages.join(' ')}\``);
    aptUpdated = true;
  }
  const r = await run(install[0], install[1], { env });
  if (r.status !== 0) throw new Error(`apt-get install ${packages.join(' ')} failed (exit ${r.status}); run it by hand to see why`);
}

// ---- 1. Node.js ------------------------------------------------------------------------------
await step('Node.js', async () => {
  const want = JSON.parse(readFileSync('package.json', 'utf8')).engines?.node ?? '>=20';
  const [wMaj, wMin = 0] = want
    .replace(/[^\d.]/g, '')
    .split('.')
    .map(Number);
  const [maj, min] = process.versions.node.split('.').map(Number);
  if (maj < wMaj || (maj === wMaj && min < wMin))
    throw new Error(`Node.js ${process.versions.node} is too old (package.json wants ${want}); install a newer Node.js`);
  return `${process.versions.node} (wants ${want})`;
});

// ---- 2. npm dependencies ----------------------------------------------------------------------
/** Why node_modules does not match package-lock.json, or '' when it does (every direct dependency at its locked version). */
function depsMismatch() {
  if (!existsSync('node_modules')) return 'no node_modules';
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages ?? {};
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
    const want = lock[`node_modules/${name}`]?.version;
    const file = path.join('node_modules', name, 'package.json');
    if (!existsSync(file)) return `${name} is not installed`;
    const have = JSON.parse(readFileSync(file, 'utf8')).version;
    if (want && have !== want) return `${name} is ${have}, package-lock.json wants ${want}`;
  }
  return '';
}

await step('npm dependencies', async () => {
  const why = depsMismatch();
  if (!why) return 'present (node_modules matches package-lock.json)';
  log(`  ${why}: running npm ci`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // No browser download here: step 3 decides how Chromium comes.
  const r = await run(npm, ['ci', '--no-audit', '--no-fund'], { env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  if (r.status !== 0) throw new Error(`npm ci failed (exit ${r.status}); fix what it says and run again`);
  const still = depsMismatch();
  if (still) throw new Error(`after npm ci, ${still}`);
  return 'installed with npm ci';
});
const depsReady = results.at(-1).ok;

// ---- 3. Chromium ------------------------------------------------------------------------------
const cfg = settings();
const OS_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser']; // as helpers/harness/chromium.ts

async function playwrightChromium() {
  try {
    const { chromium } = await import('@playwright/test');
    const p = chromium.executablePath();
    return existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

/** Whether Playwright's own Chromium may be installed: its directory exists (cheap; importing Playwright takes seconds). */
function playwrightChromiumDir() {
  try {
    const rev = JSON.parse(readFileSync('node_modules/playwright-core/browsers.json', 'utf8')).browsers.find((b) => b.name === 'chromium')?.revision;
    const base = process.env.PLAYWRIGHT_BROWSERS_PATH || path.join(os.homedir(), '.cache', 'ms-playwright');
    return rev !== undefined && existsSync(path.join(base, `chromium-${rev}`));
  } catch {
    return false;
  }
}

/** Where the suite will find Chromium (the order of helpers/harness/chromium.ts), or null. */
async function findChromium() {
  if (cfg.chromium) return existsSync(cfg.chromium) ? cfg.chromium : null;
  return (playwrightChromiumDir() ? await playwrightChromium() : null) ?? OS_CHROMIUM.find((p) => existsSync(p)) ?? null;
}

/** Starts the browser once, headless, as the suite does; returns '' or what went wrong. */
async function smokeLaunch(executablePath) {
  const code = `const { chromium } = await import('@playwright/test');
const b = await chromium.launch({ executablePath: process.argv[1] || undefined, args: ['--no-sandbox', '--disable-gpu'], timeout: 60000 });
await b.close();`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code, executablePath ?? ''], { encoding: 'utf8', timeout: 90_000 });
  return r.status === 0 ? '' : (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(0, 3).join(' ');
}

const needBrowser = !cfg.without.includes('browser') || FOR === 'tests';
await step('Chromium', async () => {
  if (!needBrowser) return 'not needed (ASTER_WITHOUT=browser)';
  if (!depsReady) throw new Error('needs the npm dependencies (step above)');
  const found = await findChromium();
  if (found) return `present (${found})`;
  if (cfg.chromium)
    throw new Error(`PLAYWRIGHT_CHROMIUM_EXECUTABLE=${cfg.chromium} does not exist: point it at a Chromium binary, or unset it so setup can install one`);

  // Playwright's own build where the download works ...
  log("  none found: trying Playwright's download (npx playwright install chromium)");
  const dl = await run(process.execPath, ['node_modules/@playwright/test/cli.js', 'install', 'chromium'], {
    timeoutMs: 15 * 60_000,
    env: { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '' },
    label: 'npx playwright install chromium',
  });
  const own = dl.status === 0 ? await playwrightChromium() : null;
  if (own) {
    let problem = await smokeLaunch(undefined);
    if (problem && hasApt && canRoot) {
      log(`  Playwright's Chromium does not start (${problem}); installing its system libraries`);
      const [c, a] = asRoot(process.execPath, ['node_modules/@playwright/test/cli.js', 'install-deps', 'chromium']);
      await run(c, a, { label: 'npx playwright install-deps chromium' });
      problem = await smokeLaunch(undefined);
    }
    if (!problem) return `installed Playwright's Chromium (${own})`;
    log(`  Playwright's Chromium still does not start: ${problem}`);
  } else {
    log("  Playwright's download did not work here; falling back to the OS package");
  }
  // ... else the OS package.
  await aptInstall(['chromium']);
  const osChromium = OS_CHROMIUM.find((p) => existsSync(p));
  if (!osChromium) throw new Error('apt-get installed chromium but /usr/bin/chromium is not there');
  const problem = await smokeLaunch(osChromium);
  if (problem) throw new Error(`${osChromium} does not start: ${problem}`);
  return `installed the OS package (${osChromium})`;
});

// ---- 4. Debian packages ------------------------------------------------------------------------
// nginx and caddy: the managed target's entry; openssl makes its certificate; litmus: the
// stand-in's WebDAV compliance tests (npm test only).
const PACKAGES = [
  { pkg: 'nginx', bin: 'nginx' },
  { pkg: 'caddy', bin: 'caddy' },
  { pkg: 'openssl', bin: 'openssl' },
  ...(FOR === 'tests' ? [{ pkg: 'litmus', bin: 'litmus' }] : []),
];
await step(`OS packages (${PACKAGES.map((p) => p.pkg).join(', ')})`, async () => {
  const missing = PACKAGES.filter((p) => !findBinary(p.bin));
  if (missing.length === 0) return 'present';
  log(`  missing: ${missing.map((p) => p.pkg).join(', ')}`);
  await aptInstall(missing.map((p) => p.pkg));
  const still = missing.filter((p) => !findBinary(p.bin));
  if (still.length) throw new Error(`installed, but ${still.map((p) => p.bin).join(', ')} still not found on PATH`);
  return `installed ${missing.map((p) => p.pkg).join(', ')}`;
});

// ---- 5. Mailpit and the S3 server --------------------------------------------------------------
const SERVICES = [
  { name: 'Mailpit', tool: 'mailpit', bin: 'mailpit', envVar: 'MAILPIT_BIN', given: cfg.mailpitUrl },
  { name: 'S3 server', tool: 's3', bin: 'versitygw', envVar: 'S3_SERVER_BIN', given: cfg.s3Endpoint },
];
await step('Mailpit and S3 server', async () => {
  const wanted = SERVICES.filter((s) => FOR === 'tests' || !(cfg.baseUrl || s.given || cfg.without.includes(s.tool)));
  if (wanted.length === 0) return `not needed (${cfg.baseUrl ? 'ASTER_BASE_URL: the deployment brings its own' : 'given or left out'})`;
  const missing = wanted.filter((s) => !findBinary(s.bin, s.envVar));
  if (missing.length === 0) return `present (${wanted.map((s) => findBinary(s.bin, s.envVar)).join(', ')})`;
  for (const s of missing) {
    if (process.env[s.envVar]) throw new Error(`${s.envVar}=${process.env[s.envVar]} is not an executable file: unset it so setup can build ${s.name}`);
  }
  log(`  missing: ${missing.map((s) => s.name).join(', ')}; building with Go (a few minutes the first time)`);
  const r = await run('bash', ['.ci/install-services.sh'], { label: 'bash .ci/install-services.sh' });
  if (r.status !== 0) {
    const noGo = /Go not found/.test(r.tail);
    throw new Error(
      noGo
        ? 'Go >= 1.26 is needed to build them: install it from https://go.dev/dl/ (e.g. into /usr/local/go), then run again; or run without them: ASTER_WITHOUT=mailpit,s3'
        : `bash .ci/install-services.sh failed (exit ${r.status}); see its output above`,
    );
  }
  const still = missing.filter((s) => !findBinary(s.bin, s.envVar));
  if (still.length) throw new Error(`built, but ${still.map((s) => s.name).join(', ')} still not found`);
  return `built ${missing.map((s) => `${s.name} (${findBinary(s.bin, s.envVar)})`).join(', ')}`;
});

// ---- summary ---------------------------------------------------------------------------------
const failed = results.filter((r) => !r.ok);
log(`steps (${FOR === 'tests' ? 'for npm test' : 'for the launch check'}):`);
for (const r of results) log(`  ${r.ok ? 'ok    ' : 'FAILED'} ${r.name.padEnd(48)} ${secs(r.ms).padStart(7)}  ${r.outcome}`);
if (failed.length) {
  log(`not ready after ${secs(Date.now() - started)}: ${failed.map((r) => r.name).join(', ')} (see above); the suite cannot run until fixed`);
  process.exit(2);
}
log(`ready in ${secs(Date.now() - started)}`);
