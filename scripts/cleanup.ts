/**
 * `npm run cleanup [-- --dry-run] [-- --run r1a2b3c]`: removes what interrupted launch runs left on
 * the target in .env (ASTER_BASE_URL or nothing = nothing to do): namespaced files and folders (and
 * their trash entries), shares of them, WebDAV accounts and test users. Names outside the run
 * namespace are never touched.
 */
import { AsterClient } from '../helpers/api/aster.js';
import { ApiError } from '../helpers/api/http.js';
import { ConfigError, loadConfig } from '../helpers/config.js';
import { runOf } from '../helpers/namespace.js';
import { z } from 'zod';

interface Leftover {
  kind: string;
  name: string;
  run: string;
  remove: () => Promise<unknown>;
}

const WebdavAccounts = z.object({ items: z.array(z.object({ id: z.number(), username: z.string() }).passthrough()) }).passthrough();

async function leftoversOf(client: AsterClient, owner: string, onlyRun?: string): Promise<Leftover[]> {
  const out: Leftover[] = [];
  const keep = (run: string | undefined): run is string => Boolean(run) && (!onlyRun || run === onlyRun);
  const root = await client.listFolder(null);
  for (const f of root.folders) {
    const run = runOf('item', f.name);
    if (keep(run))
      out.push({
        kind: `${owner} folder`,
        name: f.name,
        run,
        remove: async () => {
          await client.deleteFolder(f.id);
          await client.purge('folder', f.id);
        },
      });
  }
  for (const f of root.files) {
    const run = runOf('item', f.name);
    if (keep(run))
      out.push({
        kind: `${owner} file`,
        name: f.name,
        run,
        remove: async () => {
          await client.deleteFile(f.id);
          await client.purge('file', f.id);
        },
      });
  }
  const trash = await client.trash();
  for (const f of trash.folders) {
    const run = runOf('item', f.name);
    if (keep(run)) out.push({ kind: `${owner} trashed folder`, name: f.name, run, remove: () => client.purge('folder', f.id) });
  }
  for (const f of trash.files) {
    const run = runOf('item', f.name);
    if (keep(run)) out.push({ kind: `${owner} trashed file`, name: f.name, run, remove: () => client.purge('file', f.id) });
  }
  for (const s of (await client.myShares()).items) {
    const run = runOf('item', s.resource_name ?? '');
    if (keep(run)) out.push({ kind: `${owner} share`, name: s.resource_name ?? s.token, run, remove: () => client.deleteShare(s.id) });
  }
  for (const a of (await client.call('GET', '/api/v1/webdav-accounts', WebdavAccounts, { query: { limit: 100 } })).items) {
    const run = runOf('webdavAccount', a.username);
    if (keep(run)) out.push({ kind: `${owner} WebDAV account`, name: a.username, run, remove: () => client.deleteWebdavAccount(a.id) });
  }
  return out;
}

async function main(): Promise<void> {
  const dryRun = process.argv.includes('--dry-run');
  const runArg = process.argv.indexOf('--run');
  const onlyRun = runArg > 0 ? process.argv[runArg + 1] : undefined;
  let cfg: ReturnType<typeof loadConfig>;
  try {
    cfg = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  const base = cfg.env.ASTER_BASE_URL;
  if (!base || !cfg.env.ASTER_ADMIN_USER || !cfg.env.ASTER_ADMIN_PASSWORD) {
    console.log('Nothing to clean: ASTER_BASE_URL and admin credentials are not set (managed targets are thrown away after each run).');
    return;
  }
  const admin = await AsterClient.signIn(base, { identifier: cfg.env.ASTER_ADMIN_USER, password: cfg.env.ASTER_ADMIN_PASSWORD });
  const found = await leftoversOf(admin, 'admin', onlyRun);
  if (cfg.env.ASTER_USER && cfg.env.ASTER_USER_PASSWORD) {
    const user = await AsterClient.signIn(base, { identifier: cfg.env.ASTER_USER, password: cfg.env.ASTER_USER_PASSWORD });
    found.push(...(await leftoversOf(user, cfg.env.ASTER_USER, onlyRun)));
  }
  for (const u of await admin.users()) {
    const run = runOf('user', u.username);
    if (run && (!onlyRun || run === onlyRun)) {
      found.push({ kind: 'test user', name: u.username, run, remove: () => admin.call('DELETE', `/api/v1/admin/users/${u.id}`, z.unknown()) });
    }
  }
  if (found.length === 0) {
    console.log(`No leftovers of launch runs on ${base}.`);
    return;
  }
  console.log(`${dryRun ? 'Would remove' : 'Removing'} ${found.length} leftover(s) of ${new Set(found.map((f) => f.run)).size} run(s) on ${base}:`);
  let problems = 0;
  for (const f of found) {
    if (dryRun) {
      console.log(`  ${f.run}  ${f.kind}: ${f.name}`);
      continue;
    }
    try {
      await f.remove();
      console.log(`  removed ${f.kind}: ${f.name}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) continue; // removed with its parent
      problems += 1;
      console.log(`  FAILED  ${f.kind}: ${f.name}: ${(e as Error).message}`);
    }
  }
  if (problems) process.exit(1);
}

main().catch((e) => {
  console.error(`cleanup: ${(e as Error).message}`);
  process.exit(1);
});
