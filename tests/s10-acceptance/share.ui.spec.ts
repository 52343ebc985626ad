import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { sha256 } from '../../helpers/clients/files/hash.js';
import { registerSecret } from '../../helpers/harness/secrets.js';
import { PublicSharePage } from '../../pages/public-share-page.js';
import { ShareDialog } from '../../pages/share-dialog.js';

test(
  'a share link made in the panel opens and downloads without login',
  checks(['10.7'], '@own-data'),
  async ({ userPage, files, anonPage: page, userApi, workFolder, owned, ns, evidence }) => {
    const name = ns.name('shared', 'txt');
    const bytes = Buffer.from(`shared ${name} ${randomBytes(8).toString('hex')}\n`);
    // The file and the share the dialog makes of it, removed by name whatever step fails.
    owned.byName(userApi, name, { folderId: workFolder.id });
    const file = await userApi.uploadBytes(name, bytes, workFolder.id, 'text/plain');
    owned.file(userApi, file.id);

    await files.openFolder(workFolder);
    await files.rowAction(name, 'Share');
    const url = await test.step('create the link in the share dialog', () => new ShareDialog(userPage, name).createLink());
    const token = url.match(/\/s\/([^/?#]+)/)?.[1];
    const share = (await userApi.myShares()).items.find((s) => s.token === token);
    if (share) owned.share(userApi, share.id);
    await evidence('share link', { url });

    const publicPage = new PublicSharePage(page);
    await publicPage.open(url);
    await expect(publicPage.heading(name), 'the share page shows the file name to an anonymous visitor').toBeVisible();
    const download = await test.step('download as the anonymous visitor', () => publicPage.download());
    const got = await readFile(await download.path());
    expect(sha256(got), 'the anonymous download differs from the file').toBe(sha256(bytes));
    expect(
      (await page.context().cookies()).filter((c) => c.name === 'aster_access'),
      'no login happened',
    ).toEqual([]);
  },
);

test(
  'a password share refuses a wrong password and opens with the right one',
  checks(['10.7'], '@own-data'),
  async ({ userApi, anonPage: page, workFolder, owned, ns }) => {
    const name = ns.name('protected', 'txt');
    owned.byName(userApi, name, { folderId: workFolder.id });
    const file = await userApi.uploadBytes(name, Buffer.from('protected content\n'), workFolder.id, 'text/plain');
    owned.file(userApi, file.id);
    const password = `pw-${randomBytes(9).toString('base64url')}`;
    registerSecret(password);
    const share = await userApi.createShare({ type: 'file', id: file.id }, { password });
    owned.share(userApi, share.id);

    const publicPage = new PublicSharePage(page);
    await publicPage.open(`/s/${share.token}`);
    await expect(publicPage.passwordPrompt).toBeVisible();
    const wrong = page.waitForResponse((r) => r.url().endsWith(`/api/v1/s/${share.token}/verify`));
    await publicPage.unlock(`${password}x`);
    expect((await wrong).status(), 'a wrong share password must be refused').toBe(401);
    await expect(publicPage.passwordPrompt).toBeVisible();
    const denied = await page.request.get(`/api/v1/s/${share.token}/download`);
    expect(denied.status(), 'the file must not download before the password is given').toBe(403);
    await publicPage.unlock(password);
    await expect(publicPage.heading(name)).toBeVisible();
    await expect(publicPage.passwordPrompt).toBeHidden();
  },
);
