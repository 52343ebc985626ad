import { randomBytes } from 'node:crypto';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { sha256 } from '../../helpers/clients/files/hash.js';
import { createDavAccount } from '../../helpers/clients/webdav.js';

test(
  'a real WebDAV client lists, uploads, overwrites, downloads and deletes; the API sees its writes',
  checks(['10.9'], '@own-data'),
  async ({ userApi, workFolder, owned, ns, run, evidence }) => {
    const account = await createDavAccount(userApi, `lt${run.runId}${randomBytes(2).toString('hex')}`, workFolder.id);
    owned.webdavAccount(userApi, account.id);
    const dav = account.client;
    const name = ns.name('dav', 'bin');
    const first = randomBytes(20_000);
    const second = randomBytes(30_000);

    await test.step('connect and list the (empty) scoped folder', async () => {
      const listing = (await dav.getDirectoryContents('/')) as { basename: string }[];
      expect(listing.map((e) => e.basename)).toEqual([]);
    });
    await test.step('upload a new file', async () => {
      expect(await dav.putFileContents(`/${name}`, first, { overwrite: false })).toBe(true);
    });
    const apiFile = (await userApi.listFolder(workFolder.id)).files.find((f) => f.name === name);
    expect(apiFile, 'a file written over WebDAV is visible in the REST API').toBeDefined();
    const id = Number(apiFile?.id);

    await test.step('overwrite it (a save from a desktop client)', async () => {
      expect(await dav.putFileContents(`/${name}`, second, { overwrite: true })).toBe(true);
    });
    await test.step('download it back', async () => {
      const got = (await dav.getFileContents(`/${name}`)) as Buffer;
      expect(sha256(got), 'WebDAV GET returns the overwritten bytes').toBe(sha256(second));
    });
    const versions = await userApi.versions(id);
    await evidence('versions after the WebDAV overwrite', versions);
    expect(versions.length, 'the overwrite made a new version').toBeGreaterThanOrEqual(2);
    expect(versions.find((v) => v.current)?.size).toBe(second.byteLength);

    await test.step('delete it', async () => {
      await dav.deleteFile(`/${name}`);
      expect(await dav.exists(`/${name}`)).toBe(false);
    });
    expect((await userApi.listFolder(workFolder.id)).files.map((f) => f.name)).not.toContain(name);
    owned.file(userApi, id); // purge the trash entry the delete left
  },
);
