import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { makeOffice, OFFICE_MIME, type OfficeKind } from '../../helpers/clients/files/generate.js';
import { sha256, sha256OfResponse } from '../../helpers/clients/files/hash.js';
import { notChecked } from '../../helpers/catalogue/verdict.js';
import { wopiAppFor } from '../../helpers/clients/wopi/app.js';
import { WopiSession } from '../../helpers/clients/wopi/client.js';

for (const kind of ['docx', 'xlsx', 'pptx'] as OfficeKind[]) {
  test(
    `a real ${kind} opens and saves through WOPI, adding a version`,
    checks(['10.10'], '@own-data'),
    async ({ run, adminApi, userApi, workFolder, owned, ns, evidence }) => {
      const app = await wopiAppFor(run, adminApi, kind);
      if ('problem' in app) notChecked(app.variable, app.problem);

      const name = ns.name('office', kind);
      const original = await makeOffice(kind, `Launch check ${name}`);
      const file = await userApi.uploadBytes(name, original, workFolder.id, OFFICE_MIME[kind]);
      owned.file(userApi, file.id);
      const versionsBefore = await userApi.versions(file.id);

      const open = await test.step('launch an editing session', () => userApi.wopiOpen(file.id, app.key));
      const wopi = new WopiSession(open.action_url, open.access_token);
      const lockId = `launch-${run.runId}-${kind}`;

      await test.step('CheckFileInfo describes the file', async () => {
        const { status, info, body } = await wopi.checkFileInfo();
        expect(status, `CheckFileInfo answered ${status}: ${body.slice(0, 200)}`).toBe(200);
        expect(info).toMatchObject({ BaseFileName: name, Size: original.byteLength, UserCanWrite: true, SupportsLocks: true });
      });
      await test.step('GetFile returns the document', async () => {
        const got = await sha256OfResponse(await wopi.getFile());
        expect(got.sha256).toBe(sha256(original));
      });
      const edited = await makeOffice(kind, `Launch check ${name} — edited through WOPI`);
      await test.step('lock, save, unlock', async () => {
        expect((await wopi.lock(lockId)).status, 'WOPI LOCK').toBe(200);
        const put = await wopi.putFile(edited, lockId);
        expect(put.status, `PutFile answered ${put.status}: ${(await put.clone().text()).slice(0, 200)}`).toBe(200);
        expect(put.headers.get('x-wopi-itemversion'), 'PutFile returns the new item version').toBeTruthy();
        expect((await wopi.unlock(lockId)).status, 'WOPI UNLOCK').toBe(200);
      });

      const versionsAfter = await userApi.versions(file.id);
      await evidence('versions', { before: versionsBefore, after: versionsAfter, action_url: open.action_url.replace(/access_token=[^&]+/, '') });
      expect(versionsAfter.length, 'the WOPI save adds one version').toBe(versionsBefore.length + 1);
      const downloaded = await sha256OfResponse(await userApi.download(file.id));
      expect(downloaded.sha256, 'the saved bytes download from AsterDrive').toBe(sha256(edited));
    },
  );
}
