import { randomBytes } from 'node:crypto';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { sha256, sha256OfResponse } from '../../helpers/clients/files/hash.js';

test(
  'a small file uploads through the panel file chooser, intact',
  checks(['10.5'], '@own-data'),
  async ({ files: browser, userApi, workFolder, owned, ns, evidence }) => {
    const name = ns.name('small', 'txt');
    const buffer = Buffer.concat([Buffer.from(`launch check ${name}\n`), randomBytes(4096)]);

    // Registered before the panel creates it, so a failure after the upload still removes it.
    owned.byName(userApi, name, { folderId: workFolder.id });
    await browser.openFolder(workFolder);
    await test.step('upload through the file chooser', () => browser.uploadThroughChooser({ name, mimeType: 'text/plain', buffer }));

    const listed = (await userApi.listFolder(workFolder.id)).files.find((f) => f.name === name);
    expect(listed, `${name} is not in the folder listing after the upload`).toBeDefined();
    const got = await sha256OfResponse(await userApi.download(Number(listed?.id)));
    await evidence('small upload', { name, bytes: buffer.byteLength, sha256Sent: sha256(buffer), sha256Received: got.sha256 });
    expect(got.sha256).toBe(sha256(buffer));
  },
);
