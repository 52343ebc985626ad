import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { makePdf, makePng } from '../../helpers/clients/files/generate.js';
import { headersOf } from '../../helpers/clients/api/http.js';
import { sha256, sha256OfResponse } from '../../helpers/clients/files/hash.js';
import { waitFor } from '../../helpers/harness/target/wait.js';

test(
  'a file downloads intact, an image and a PDF preview, the thumbnail is an image',
  checks(['10.6'], '@own-data'),
  async ({ files: browser, userApi, workFolder, owned, ns, evidence }) => {
    const pngName = ns.name('image', 'png');
    const pdfName = ns.name('doc', 'pdf');
    const png = await makePng(pngName);
    const pdf = await makePdf(pdfName);
    owned.byName(userApi, pngName, { folderId: workFolder.id });
    owned.byName(userApi, pdfName, { folderId: workFolder.id });
    const image = await userApi.uploadBytes(pngName, png, workFolder.id, 'image/png');
    owned.file(userApi, image.id);
    const doc = await userApi.uploadBytes(pdfName, pdf, workFolder.id, 'application/pdf');
    owned.file(userApi, doc.id);

    await test.step('the download is byte-identical', async () => {
      const res = await userApi.download(image.id);
      expect(res.status).toBe(200);
      const got = await sha256OfResponse(res);
      await evidence('download', { status: res.status, headers: headersOf(res), sha256: got.sha256 });
      expect(got.sha256).toBe(sha256(png));
    });

    await test.step('the thumbnail endpoint answers with an image', async () => {
      const res = await waitFor(
        'the thumbnail to be generated',
        async () => {
          const r = await userApi.thumbnail(image.id);
          if (r.status === 202) return undefined; // still rendering
          return r;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      const body = Buffer.from(await res.arrayBuffer());
      await evidence('thumbnail', { status: res.status, contentType: res.headers.get('content-type'), bytes: body.byteLength });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^image\//);
      expect(body.byteLength).toBeGreaterThan(0);
    });

    await browser.openFolder(workFolder);

    await test.step('the image previews in the panel', async () => {
      const dialog = await browser.preview(pngName);
      const img = dialog.getByRole('img', { name: pngName });
      await expect(img).toBeVisible();
      await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
      await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
      await expect(dialog).toBeHidden();
    });

    await test.step('the PDF previews in the panel', async () => {
      const dialog = await browser.preview(pdfName);
      await expect(dialog.locator('canvas').first()).toBeVisible({ timeout: 30_000 });
    });
  },
);
