import type { Response } from '@playwright/test';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import type { OfficeKind } from '../../helpers/clients/files/generate.js';
import { registerSecret } from '../../helpers/harness/secrets.js';
import { notChecked } from '../../helpers/catalogue/verdict.js';
import { appLabel, publicPreviewApps, wopiAppInPanel } from '../../helpers/clients/wopi/app.js';
import { uploadOfficeFile } from '../../helpers/clients/wopi/office-session.js';
import { OpenMethodChooser } from '../../pages/open-method-chooser.js';
import { WopiPreview } from '../../pages/wopi-preview.js';

const withoutQuery = (url: string) => url.split('?')[0];

for (const kind of ['docx', 'xlsx', 'pptx'] as OfficeKind[]) {
  test(
    `a real ${kind} opens in the Office editor from the panel`,
    checks(['6.8'], '@own-data'),
    async ({ userPage, files, userApi, run, workFolder, owned, ns, evidence }) => {
      const app = wopiAppInPanel(run, await publicPreviewApps(run.baseURL), kind);
      if (!app && !run.wopi)
        notChecked('ASTER_WOPI_APP', `no enabled WOPI (Office) app opens .${kind}; if online editing is planned, configure it in Site Settings → Preview Apps`);
      expect(app, `no enabled WOPI app opens .${kind} in the panel (see item 6.6)`).toBeDefined();
      if (!app) return;
      const label = appLabel(app);

      const name = ns.name('office', kind);
      owned.byName(userApi, name, { folderId: workFolder.id });
      const { file } = await uploadOfficeFile(userApi, workFolder.id, name, kind);
      owned.file(userApi, file.id);

      // Every response of the page and its frames, so the launch form post is seen however fast it is.
      const responses: Response[] = [];
      userPage.on('response', (r) => responses.push(r));
      const recorded = async (what: string, match: (r: Response) => boolean): Promise<Response> => {
        await expect.poll(() => responses.some(match), { message: what, timeout: 30_000 }).toBe(true);
        return responses.find(match) as Response;
      };
      await files.openFolder(workFolder);

      await test.step(`open ${name} with "${label}" from the method chooser`, async () => {
        await new OpenMethodChooser(userPage).open(files.row(name).getByTitle(name, { exact: true }), label);
      });

      const preview = new WopiPreview(userPage, name, label);
      const launch = await test.step('the panel starts a WOPI session', async () => {
        const opened = await recorded(
          'the panel never called POST /api/v1/files/{id}/wopi/open',
          (r) => r.request().method() === 'POST' && /\/api\/v1\/files\/\d+\/wopi\/open$/.test(new URL(r.url()).pathname),
        );
        const body = await opened.text();
        const data = opened.status() === 200 ? (JSON.parse(body).data as { action_url: string; access_token: string; mode: string }) : undefined;
        if (data) registerSecret(data.access_token);
        expect(opened.status(), `wopi/open answered ${opened.status()}: ${body.replace(/wopi_[\w-]+/g, '[REDACTED]').slice(0, 200)}`).toBe(200);
        return data as { action_url: string; mode: string };
      });
      expect(launch.mode, `the ${label} app opens in a new tab, not in the preview dialog; set its mode to iframe to check it here`).toBe('iframe');

      await test.step(`the editor iframe "${label}" loads the Office page`, async () => {
        const state = await preview.waitForEditorOrError();
        expect(state, `the panel shows "This WOPI app is unavailable" for ${label}`).toBe('editor');
        const post = await recorded(
          `the panel's form never posted to the Office action URL ${withoutQuery(launch.action_url)}`,
          (r) => r.request().method() === 'POST' && withoutQuery(r.url()) === withoutQuery(launch.action_url),
        );
        expect(post.status(), `the Office server answered the launch form with ${post.status()}`).toBe(200);
        expect(post.request().postData() ?? '', 'the form post carried no access_token for the Office server').toContain('access_token=');
        const frame = await (await preview.frameElement.elementHandle())?.contentFrame();
        expect(
          frame?.url() ?? '',
          'the Office page did not load inside the iframe (blocked by X-Frame-Options / CSP frame-ancestors?): allow the drive origin to frame the Office server',
        ).toContain(new URL(launch.action_url).host);
        // Inside the editor: the document itself (its name or its text), not the Office server's error page.
        const view = await preview.waitForDocument([name, name.replace(/\.[^.]+$/, ''), `Launch check ${name}`]);
        await evidence('Office launch', {
          app: app.key,
          label,
          action_url: withoutQuery(launch.action_url),
          form_post_status: post.status(),
          frame_url: withoutQuery(frame?.url() ?? ''),
          editor: { state: view.state, detail: view.detail, frames: view.frames },
        });
        expect(
          view.state,
          view.state === 'error'
            ? `the Office editor shows an error instead of ${name}: ${view.detail}. The Office server could not load the file from AsterDrive: check that it reaches the WOPISrc host (${new URL(launch.action_url).searchParams.get('WOPISrc') ?? '?'}) and that the proxy passes /api/v1/wopi/`
            : `the Office editor never showed ${name} (neither its name nor its text appeared in the editor frame within 90 s): ${view.detail}`,
        ).toBe('document');
      });
      await test.info().attach(`${kind} in ${label}`, { body: await userPage.screenshot(), contentType: 'image/png' });
      await preview.close();
    },
  );
}
