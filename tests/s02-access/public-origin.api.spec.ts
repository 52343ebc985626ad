/**
 * 2.3, 2.4, 2.10, 2.11: the proxy hands AsterDrive the real Host and the public protocol, and
 * every address AsterDrive hands out is an HTTPS origin users really reach, the current one where
 * several are configured. The addresses are the ones AsterDrive itself gives: the WebDAV address
 * (GET /api/v1/webdav-accounts/settings) and the WOPISrc of a WOPI launch, both built per request
 * from the Public Site URL equal to the request's scheme://host (else the first), and the share
 * link the panel's share dialog shows (the first Public Site URL, else the page's origin), read in
 * a real browser.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { expect, type Names, PANEL_PREFERENCES, test } from '../../fixtures/index.js';
import type { OwnedData } from '../../fixtures/owned-data.js';
import type { AsterClient, Credentials } from '../../helpers/clients/api/aster.js';
import { WopiOpen } from '../../helpers/clients/api/schemas.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { answerOf, explain } from '../../helpers/clients/entry/answer.js';
import { aliasOf, entryOf, isHttpsOrigin, originOf } from '../../helpers/clients/entry/entry.js';
import { certMinDays, inspectTls, tlsProblems } from '../../helpers/judges/tls.js';
import {
  expectedOriginFor,
  expectedShareOrigin,
  launchPanelBrowser,
  linkOrigin,
  type PanelShareLink,
  panelShareLink,
  publicSiteUrls,
  shareLinkProblem,
} from '../../helpers/clients/entry/public-site.js';
import { destinationProbe, originProbe, type Probe, reachable, tell, webdavEndpointVia } from '../../helpers/clients/entry/server-view.js';
import { makeOffice, OFFICE_MIME } from '../../helpers/clients/files/generate.js';
import type { RunState } from '../../helpers/harness/target/run-state.js';
import { registerSecret } from '../../helpers/harness/secrets.js';
import { notApplicable, notChecked } from '../../helpers/catalogue/verdict.js';
import { createDavAccount } from '../../helpers/clients/webdav.js';
import { wopiAppFor } from '../../helpers/clients/wopi/app.js';
import type { FolderRef } from '../../pages/file-browser.js';

const NGINX_HOST = 'proxy_set_header Host $host; proxy_set_header X-Forwarded-Host $host;';
const NGINX_PROTO =
  'proxy_set_header X-Forwarded-Proto $scheme; (Caddy sets it by itself; behind a TLS-terminating load balancer pass its X-Forwarded-Proto on)';

function withScheme(origin: string, scheme: 'http:' | 'https:'): string {
  const u = new URL(origin);
  u.protocol = scheme;
  return u.origin;
}

/** Runs both probes of the server's view of the request origin (helpers/clients/entry/server-view.ts). */
async function serverView(run: RunState, userApi: AsterClient, workFolderId: number, creds: { identifier: string; password: string }, entries: string[]) {
  const current = entryOf(run).current;
  const probes: Probe[] = [];
  const prefix = (await userApi.webdavSettings()).prefix;
  const account = await createDavAccount(userApi, `lt${run.runId}${randomBytes(3).toString('hex')}`, workFolderId);
  try {
    const endpoint = `${current}${prefix.replace(/\/$/, '')}/`;
    const put = await fetch(new URL('probe.txt', endpoint), {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from(`${account.username}:${account.password}`).toString('base64')}`, 'content-type': 'text/plain' },
      body: 'where am I?\n',
      signal: AbortSignal.timeout(20_000),
    });
    const putAnswer = await answerOf(put);
    if (put.status === 201 || put.status === 204) {
      probes.push(await destinationProbe(endpoint, account, 'probe.txt', [current, withScheme(current, 'http:')]));
    } else {
      probes.push({ name: `WebDAV PUT before the COPY probe (${explain(putAnswer)})`, tried: [] });
    }
  } finally {
    await userApi.deleteWebdavAccount(account.id).catch(() => undefined);
  }
  const alias = aliasOf(current);
  if (alias && !entries.map((e) => e.toLowerCase()).includes(alias) && (await reachable(alias)).ok) {
    probes.push(await originProbe(alias, creds, [alias, withScheme(alias, 'http:')]));
  }
  // A probe decides only when AsterDrive itself answered every try.
  const decisive = probes.filter((p) => p.tried.length > 0 && (p.accepted || p.tried.every((t) => t.from === 'app')));
  return { probes, decisive };
}

/**
 * Shares a file (one per origin) from the panel opened on each of `origins` (a browser of its
 * own: these are API checks) and returns the links its share dialog shows; with `open`, whether
 * each opens the share for an anonymous visitor. The shares are removed with the test's data.
 */
async function shareLinksInPanel(
  userApi: AsterClient,
  creds: Credentials,
  folder: FolderRef,
  owned: OwnedData,
  ns: Names,
  origins: string[],
  opts: { open?: boolean } = {},
): Promise<{ links: (PanelShareLink & { opens?: string })[]; problem?: string; variable?: string }> {
  const launched = await launchPanelBrowser();
  if (!launched.browser) return { links: [], problem: `no browser: ${launched.problem}`, variable: 'a Chromium (npm run setup; unset ASTER_WITHOUT=browser)' };
  const browser = launched.browser;
  try {
    const links: (PanelShareLink & { opens?: string })[] = [];
    for (const origin of origins) {
      // A file of its own per origin: AsterDrive keeps one active share per file.
      const name = ns.name('share', 'txt');
      owned.byName(userApi, name, { folderId: folder.id });
      const file = await userApi.uploadBytes(name, Buffer.from('which domain?\n'), folder.id, 'text/plain');
      owned.file(userApi, file.id);
      const got: PanelShareLink & { opens?: string } = await panelShareLink(browser, {
        origin,
        creds,
        folder,
        fileName: name,
        initScript: PANEL_PREFERENCES,
      });
      const token = got.link?.match(/\/s\/([^/?#]+)/)?.[1];
      const share = token ? (await userApi.myShares()).items.find((s) => s.token === token) : undefined;
      if (share) owned.share(userApi, share.id);
      if (opts.open && got.link) got.opens = await shareLinkProblem(browser, got.link, name, PANEL_PREFERENCES);
      links.push(got);
    }
    return { links };
  } finally {
    await browser.close();
  }
}

test.describe('the public origin behind the proxy', () => {
  test(
    'every Public Site URL is a real HTTPS origin that users reach, the current one included',
    checks(['2.10'], '@readonly'),
    async ({ run, adminApi, evidence }) => {
      const current = entryOf(run).current;
      const entries = await publicSiteUrls(adminApi);
      const checked = await Promise.all(entries.map(async (e) => ({ entry: e, https: isHttpsOrigin(e), reach: await reachable(e.replace(/\/$/, '')) })));
      // Certificate and protocols of every entry that answers over HTTPS (unreachable ones fail below).
      const minDays = certMinDays();
      const tlsViews = await Promise.all(checked.filter((c) => c.https && c.reach.ok).map((c) => inspectTls(c.entry.replace(/\/$/, ''))));
      await evidence('public_site_url', { current, entries: checked, tls: { minDays, origins: tlsViews } });
      expect(
        entries.length,
        `public_site_url is empty: AsterDrive then builds relative links and refuses WOPI. Set it in Admin → System Settings → Site Settings to ["${current}"]`,
      ).toBeGreaterThan(0);
      for (const c of checked) {
        expect
          .soft(
            c.https,
            `Public Site URL "${c.entry}" is not an https:// origin (scheme://host[:port], no path): mail links, share links and WOPISrc would use it. Change it to its https:// origin`,
          )
          .toBe(true);
        expect
          .soft(
            c.reach.ok,
            `Public Site URL "${c.entry}" does not answer as this AsterDrive over trusted HTTPS (${c.reach.detail}): remove stale domains, or fix DNS/certificate`,
          )
          .toBe(true);
      }
      expect
        .soft(
          tlsViews.flatMap((v) => tlsProblems(v, minDays)),
          'TLS of the Public Site URLs',
        )
        .toEqual([]);
      expect(
        entries.map((e) => e.replace(/\/$/, '').toLowerCase()),
        `the origin users reach (${current}) is not a Public Site URL (${entries.join(', ')}): links would point elsewhere and CSRF checks rely on it. Add ${current}`,
      ).toContain(current.toLowerCase());
    },
  );

  test(
    'the proxy preserves the real Host: AsterDrive sees the public host of each request',
    checks(['2.3'], '@own-data'),
    async ({ run, adminApi, userApi, userCredentials, workFolder, evidence }) => {
      const current = entryOf(run).current;
      const entries = await publicSiteUrls(adminApi);
      const { probes, decisive } = await serverView(run, userApi, workFolder.id, userCredentials, entries);
      await evidence('how AsterDrive sees the request origin', { publicHost: new URL(current).host, probes });
      if (decisive.length === 0) {
        notChecked('a proxy that passes WebDAV COPY (item 2.6)', `cannot tell which Host AsterDrive sees: ${probes.map(tell).join(' | ')}`);
      }
      for (const p of decisive) {
        expect(
          p.accepted !== undefined,
          `AsterDrive does not see the public host ${new URL(current).host} (${tell(p)}). The proxy replaces Host, so WebDAV MOVE/COPY from desktop clients fail and origins are misjudged. nginx: ${NGINX_HOST}`,
        ).toBe(true);
      }
    },
  );

  test(
    'the proxy passes the public protocol (X-Forwarded-Proto): AsterDrive sees https, and the URLs it builds are https',
    checks(['2.4'], '@own-data'),
    async ({ run, adminApi, userApi, userCredentials, workFolder, owned, ns, evidence }) => {
      const current = entryOf(run).current;
      const entries = (await publicSiteUrls(adminApi)).map((e) => e.replace(/\/$/, ''));
      const expected = expectedOriginFor(current, entries);
      const { probes, decisive } = await serverView(run, userApi, workFolder.id, userCredentials, entries);
      const found: Record<string, unknown> = { current, publicSiteUrls: entries, expectedOrigin: expected, probes };

      // The addresses AsterDrive hands out for this request: the WebDAV address and the WOPISrc.
      const endpoint = (await userApi.webdavSettings()).endpoint;
      found.webdavEndpoint = endpoint;
      let wopiSrc: string | undefined;
      const app = await wopiAppFor(run, adminApi, 'docx');
      if (!('problem' in app)) {
        const name = ns.name('origin', 'docx');
        const file = await userApi.uploadBytes(name, await makeOffice('docx', name), workFolder.id, OFFICE_MIME.docx);
        owned.file(userApi, file.id);
        const open = await userApi.wopiOpen(file.id, app.key);
        registerSecret(open.access_token);
        wopiSrc = new URL(open.action_url).searchParams.get('WOPISrc') ?? undefined;
        found.wopiSrc = wopiSrc;
      } else found.wopi = `not checked: ${app.problem}`;
      // The share link the panel's share dialog shows on the entry users reach.
      const share = await shareLinksInPanel(userApi, userCredentials, workFolder, owned, ns, [current]);
      found.shareLink = share.links[0] ?? share.problem;
      // Where AsterDrive answers for a request, per Public Site URL: it takes the entry equal to the
      // request's scheme://host, else the first. So an entry other than the first that comes back as
      // itself proves AsterDrive saw https for that request; the first one proves nothing.
      const perRequest: { via: string; endpoint: string }[] = [];
      for (const origin of entries.slice(1)) {
        if (!isHttpsOrigin(origin) || !(await reachable(origin)).ok) continue;
        perRequest.push({ via: origin, endpoint: await webdavEndpointVia(userApi, origin) });
      }
      found.webdavEndpointPerPublicSiteUrl = perRequest;
      await evidence('generated URLs and the server view of the request', found);

      for (const p of decisive.filter((d) => d.accepted)) {
        expect(
          new URL(String(p.accepted)).protocol,
          `AsterDrive sees this HTTPS request as ${p.accepted} (${tell(p)}): the proxy does not pass X-Forwarded-Proto. nginx: ${NGINX_PROTO}`,
        ).toBe('https:');
      }
      expect(
        originOf(endpoint) && /^https?:\/\//.test(endpoint),
        `the WebDAV address is "${endpoint}", not an absolute URL: set public_site_url to ["${current}"] so clients get a full https:// address`,
      ).toBeTruthy();
      expect(
        originOf(endpoint),
        `the WebDAV address ${endpoint} (GET /api/v1/webdav-accounts/settings) is not on ${expected}: it must be the https Public Site URL users reach`,
      ).toBe(expected);
      expect(new URL(endpoint).protocol, `the WebDAV address ${endpoint} is not https`).toBe('https:');
      if (wopiSrc) {
        expect(originOf(wopiSrc), `WOPISrc ${wopiSrc} is not on ${expected}: the Office server would call back elsewhere`).toBe(expected);
        expect(new URL(wopiSrc).protocol, `WOPISrc ${wopiSrc} is not https: Office servers refuse or leak plain-HTTP callbacks`).toBe('https:');
      }
      const link = share.links[0]?.link;
      if (link) expect(linkOrigin(link)?.startsWith('https://'), `the share dialog hands out ${link}, not an https link`).toBe(true);
      const wrong = perRequest.filter((r) => originOf(r.endpoint) !== r.via.toLowerCase());
      expect(
        wrong.map((r) => `through ${r.via} the WebDAV address is ${r.endpoint}`),
        `AsterDrive does not see the public https origin of requests (${wrong.map((r) => r.via).join(', ')} is a Public Site URL, so it would answer with it): the proxy does not pass X-Forwarded-Proto (or the Host). nginx: ${NGINX_PROTO}; ${NGINX_HOST}`,
      ).toEqual([]);

      const proven = [
        ...decisive.filter((d) => d.accepted?.startsWith('https:')).map((d) => d.name),
        ...perRequest.map((r) => `the WebDAV address through ${r.via}`),
      ];
      if (!share.links[0]?.link) notChecked(share.variable ?? 'a working share dialog', `the share link the panel hands out was not read: ${share.problem}`);
      if (proven.length === 0) {
        notChecked(
          'a proxy that passes WebDAV COPY (item 2.6), or a second Public Site URL the suite can reach',
          `the URLs AsterDrive builds are https, but they come from the first Public Site URL whatever scheme AsterDrive sees, and no probe could tell which one it sees: ${probes.map(tell).join(' | ') || 'no probe ran'}`,
        );
      }
    },
  );

  test(
    'with several Public Site URLs, WebDAV, WOPI and share addresses use the domain of the request or the default one',
    checks(['2.11'], '@own-data'),
    async ({ run, adminApi, userApi, userCredentials, workFolder, owned, ns, evidence }) => {
      const current = entryOf(run).current;
      const entries = (await publicSiteUrls(adminApi)).map((e) => e.replace(/\/$/, ''));
      if (entries.length < 2) {
        notApplicable(
          `one Public Site URL (${entries[0] ?? 'none'}): the site has a single public domain, so there is no choice of domain to get wrong (2.4 and 2.10 check its addresses)`,
        );
      }
      const app = await wopiAppFor(run, adminApi, 'docx');
      let office: { id: number; key: string } | undefined;
      if (!('problem' in app)) {
        const docName = ns.name('origin', 'docx');
        const doc = await userApi.uploadBytes(docName, await makeOffice('docx', docName), workFolder.id, OFFICE_MIME.docx);
        owned.file(userApi, doc.id);
        office = { id: doc.id, key: app.key };
      }

      const rows: Record<string, unknown>[] = [];
      const problems: string[] = [];
      const reachableEntries: string[] = [];
      for (const origin of entries) {
        const reach = await reachable(origin);
        if (!reach.ok) {
          rows.push({ origin, reachable: false, detail: reach.detail });
          continue; // 2.10 reports unreachable entries
        }
        reachableEntries.push(origin);
        const row: Record<string, unknown> = { origin };
        // AsterDrive answers a request with the Public Site URL equal to its own scheme://host.
        const endpoint = await webdavEndpointVia(userApi, origin);
        row.webdavEndpoint = endpoint;
        if (originOf(endpoint) !== origin.toLowerCase()) problems.push(`through ${origin}, the WebDAV address is ${endpoint}`);
        if (office) {
          const res = await fetch(`${origin}/api/v1/files/${office.id}/wopi/open`, {
            method: 'POST',
            headers: { authorization: `Bearer ${userApi.accessToken}`, 'content-type': 'application/json' },
            body: JSON.stringify({ app_key: office.key }),
            signal: AbortSignal.timeout(20_000),
          });
          const body = z.object({ data: WopiOpen }).parse(await res.json());
          registerSecret(body.data.access_token);
          const src = new URL(body.data.action_url).searchParams.get('WOPISrc') ?? '';
          row.wopiSrc = src;
          if (originOf(src) !== origin.toLowerCase()) problems.push(`through ${origin}, WOPISrc is ${src}`);
        } else row.wopi = `not checked: ${'problem' in app ? app.problem : ''}`;
        rows.push(row);
      }
      // The panel puts share links on the first Public Site URL whichever domain it is opened on.
      const share = await shareLinksInPanel(userApi, userCredentials, workFolder, owned, ns, reachableEntries, { open: true });
      const shareProblems: string[] = [];
      for (const s of share.links) {
        const want = expectedShareOrigin(s.via, entries);
        if (s.problem) shareProblems.push(s.problem);
        else if (linkOrigin(s.link ?? '') !== want) shareProblems.push(`on ${s.via}, the share dialog hands out ${s.link}, not a link on ${want}`);
        if (s.opens) shareProblems.push(`on ${s.via}, the share dialog's link does not work: ${s.opens}`);
      }
      await evidence('addresses per Public Site URL', { current, entries, rows, shareLinks: share.links, shareProblem: share.problem });
      expect(reachableEntries.length, `no Public Site URL answers as this AsterDrive (see 2.10): ${entries.join(', ')}`).toBeGreaterThan(0);
      expect(
        problems,
        `AsterDrive builds WebDAV/WOPI addresses for the wrong domain: ${problems.join('; ')}. They take the Public Site URL equal to the request's scheme://host, so the proxy must pass the real Host and X-Forwarded-Proto (${NGINX_HOST} ${NGINX_PROTO}) and each domain must be listed in public_site_url`,
      ).toEqual([]);
      expect(
        shareProblems,
        `share links from the panel do not reach the share: ${shareProblems.join('; ')}. The panel puts every share link on the first Public Site URL (${entries[0]}) whichever domain it is opened on: put the main domain users reach first, and remove retired domains`,
      ).toEqual([]);
      if (share.problem) notChecked(share.variable ?? 'a working share dialog', `the share links the panel hands out were not read: ${share.problem}`);
    },
  );
});
