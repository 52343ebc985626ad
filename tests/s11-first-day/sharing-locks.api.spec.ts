import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { createDavAccount, lock, unlock } from '../../helpers/clients/webdav.js';

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
