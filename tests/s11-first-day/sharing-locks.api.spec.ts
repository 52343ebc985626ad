import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/checklist.js';
import { createDavAccount, lock, unlock } from '../../helpers/webdav.js';

test('public share links use the public domain', checks(['11.5'], '@own-data'), async ({ run, adminApi, userApi, workFolder, owned, ns, evidence }) => {
  const file = await userApi.uploadBytes(ns.name('share-domain', 'txt'), Buffer.from('x\n'), workFolder.id, 'text/plain');
  owned.file(userApi, file.id);
  const share = await userApi.createShare({ type: 'file', id: file.id });
  owned.share(userApi, share.id);
  const sites = (await adminApi.getConfig('public_site_url')).value;
  const first = Array.isArray(sites) ? sites[0] : sites;
  // The panel builds share links from the first Public Site URL (ui reference §5.1).
  const link = `${first}/s/${share.token}`;
  await evidence('share link', { public_site_url: sites, link, entry: run.baseURL });
  expect(first, 'public_site_url is empty, so share links use whatever address the sharer happened to use').toBeTruthy();
  expect(new URL(link).origin, 'share links point at another origin than the one users reach').toBe(new URL(run.baseURL).origin);
  const page = await fetch(link, { signal: AbortSignal.timeout(10_000) });
  expect(page.status, `${link} does not open`).toBe(200);
});

test('WebDAV clients do not leave locks behind', checks(['11.6'], '@own-data'), async ({ run, adminApi, userApi, workFolder, owned, ns, evidence }) => {
  const account = await createDavAccount(userApi, `lt${run.runId}lk`, workFolder.id);
  owned.webdavAccount(userApi, account.id);
  const name = `/${ns.name('locked', 'txt')}`;
  await account.client.putFileContents(name, Buffer.from('lock me\n'));
  const token = await lock(account.client, name);
  await unlock(account.client, name, token);
  const file = (await userApi.listFolder(workFolder.id)).files[0];
  if (file) owned.file(userApi, file.id);

  // All pages: the locks left behind are exactly the ones that pile up past the first page.
  const locks = (await adminApi.allLocks()).filter((l) => l.origin === 'web_dav');
  const old = locks.filter((l) => Date.now() - Date.parse(l.created_at) > 24 * 60 * 60 * 1000);
  const ours = locks.filter((l) => l.lockroot_path?.endsWith(name));
  await evidence('WebDAV locks', { total: locks.length, olderThan24h: old, ours });
  expect(ours, 'UNLOCK did not release the lock').toEqual([]);
  expect(
    old.map((l) => `${l.lockroot_path} since ${l.created_at}`),
    'WebDAV locks older than a day; release them in Admin → Locks',
  ).toEqual([]);
});
