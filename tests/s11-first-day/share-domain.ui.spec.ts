/**
 * 11.5: public sharing uses the correct domain. The link is the one the panel's share dialog shows
 * (what a user copies and sends), not one the suite builds: the panel puts `/s/<token>` on the
 * first Public Site URL, else on the address the sharer happens to use. It must be an https origin
 * users reach, and open the share for an anonymous visitor.
 */
import { expect, PANEL_PREFERENCES, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { entryOf } from '../../helpers/clients/entry/entry.js';
import { expectedShareOrigin, linkOrigin, publicSiteUrls, shareLinkProblem } from '../../helpers/clients/entry/public-site.js';
import { reachable } from '../../helpers/clients/entry/server-view.js';
import { ShareDialog } from '../../pages/share-dialog.js';

test(
  'the share link the panel hands out is on the public domain and opens for anyone',
  checks(['11.5'], '@own-data'),
  async ({ run, adminApi, userApi, userPage, files, browser, workFolder, owned, ns, evidence }) => {
    const current = entryOf(run).current;
    const entries = (await publicSiteUrls(adminApi)).map((e) => e.replace(/\/$/, ''));
    const name = ns.name('share-domain', 'txt');
    owned.byName(userApi, name, { folderId: workFolder.id });
    const file = await userApi.uploadBytes(name, Buffer.from('which domain?\n'), workFolder.id, 'text/plain');
    owned.file(userApi, file.id);

    await files.openFolder(workFolder, current);
    await files.rowAction(name, 'Share');
    const link = await test.step('create the link in the share dialog', () => new ShareDialog(userPage, name).createLink());
    const token = link.match(/\/s\/([^/?#]+)/)?.[1];
    const share = (await userApi.myShares()).items.find((s) => s.token === token);
    if (share) owned.share(userApi, share.id);

    const origin = linkOrigin(link);
    const reach = origin ? await reachable(origin) : undefined;
    const opened = await test.step('open the link as an anonymous visitor', () => shareLinkProblem(browser, link, name, PANEL_PREFERENCES));
    await evidence('share link from the panel', {
      link,
      origin,
      entryUsersReach: current,
      publicSiteUrls: entries,
      expectedOrigin: expectedShareOrigin(current, entries),
      reachable: reach,
      anonymousVisitor: opened ?? `the share page shows ${name}`,
    });

    expect(
      entries.length,
      `public_site_url is empty: the panel builds share links from whatever address the sharer uses (here ${origin}), so links made on an internal address reach nobody. Set it in Admin → System Settings → Site Settings to ["${current}"]`,
    ).toBeGreaterThan(0);
    expect(origin, `the share dialog shows "${link}", not an absolute link`).toBeDefined();
    expect(new URL(link).protocol, `the share link ${link} is not https: set the first Public Site URL to ${current}`).toBe('https:');
    expect(
      reach?.ok,
      `the share link ${link} is on ${origin}, which does not answer as this AsterDrive over trusted HTTPS (${reach?.detail}). The panel uses the first Public Site URL (${entries[0]}); make it the domain users reach (${current})`,
    ).toBe(true);
    expect(opened, `the share link does not work for its recipients: ${opened}`).toBeUndefined();
  },
);
