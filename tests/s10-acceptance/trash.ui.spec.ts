import { randomBytes } from 'node:crypto';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { sha256, sha256OfResponse } from '../../helpers/clients/files/hash.js';

test(
  'a file deleted in the panel is restored from the trash with the same bytes',
  checks(['10.8'], '@own-data'),
  async ({ files, trash, userApi, workFolder, owned, ns, evidence }) => {
    const name = ns.name('restore-me', 'bin');
    const bytes = randomBytes(32 * 1024);
    // Found by name wherever the panel leaves it (its folder or the trash) if a step fails.
    owned.byName(userApi, name, { folderId: workFolder.id });
    const file = await userApi.uploadBytes(name, bytes, workFolder.id);
    owned.file(userApi, file.id);

    await files.openFolder(workFolder);
    await test.step('delete it in the file browser', async () => {
      await files.rowAction(name, 'Delete');
      await expect(files.row(name)).toHaveCount(0, { timeout: 15_000 });
    });
    expect(
      (await userApi.trash()).files.map((f) => f.name),
      'the deleted file is listed in the trash',
    ).toContain(name);

    await test.step('restore it on the Trash page', async () => {
      await trash.goto();
      await trash.restore(name);
    });

    await files.openFolder(workFolder);
    await expect(files.row(name), 'the restored file is back in its folder').toBeVisible();
    const got = await sha256OfResponse(await userApi.download(file.id));
    await evidence('restore', { fileId: file.id, sha256Before: sha256(bytes), sha256After: got.sha256 });
    expect(got.sha256).toBe(sha256(bytes));
  },
);
