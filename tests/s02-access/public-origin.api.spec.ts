/**
 * 2.3, 2.4, 2.10, 2.11: the proxy hands AsterDrive the real Host and the public protocol, and
 * every URL AsterDrive builds (WebDAV address, WOPISrc, share links from the Public Site URL)
 * is an HTTPS origin users really reach, the current one where several are configured.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { expect, test } from '../../fixtures/index.js';
import type { AsterClient } from '../../helpers/api/aster.js';
import { WopiOpen } from '../../helpers/api/schemas.js';
import { checks } from '../../helpers/checklist.js';
import { answerOf, explain } from '../../helpers/entry/answer.js';
import { aliasOf, entryOf, isHttpsOrigin, originOf } from '../../helpers/entry/entry.js';
import { expectedOriginFor, publicSiteUrls } from '../../helpers/entry/public-site.js';
import { destinationProbe, originProbe, type Probe, reachable, tell, webdavEndpointVia } from '../../helpers/entry/server-view.js';
import { makeOffice, OFFICE_MIME } from '../../helpers/files/generate.js';
import type { RunState } from '../../helpers/target/run-state.js';
import { notChecked } from '../../helpers/verdict.js';
import { createDavAccount } from '../../helpers/webdav.js';
import { wopiAppFor } from '../../helpers/wopi/app.js';

const NGINX_HOST = 'proxy_set_header Host $host; proxy_set_header X-Forwarded-Host $host;';
const NGINX_PROTO =
  'proxy_set_header X-Forwarded-Proto $scheme; (Caddy sets it by itself; behind a TLS-terminating load balancer pass its X-Forwarded-Proto on)';

function withScheme(origin: string, scheme: 'http:' | 'https:'): string {
  const u = new URL(origin);
  u.protocol = scheme;
  return u.origin;
}

/** Runs both probes of the server's view of the request origin (helpers/entry/server-view.ts). */
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

test.describe('the public origin behind the proxy', () => {
  test(
    'every Public Site URL is a real HTTPS origin that users reach, the current one included',
    checks(['2.10'], '@readonly'),
    async ({ run, adminApi, evidence }) => {
      const current = entryOf(run).current;
      const entries = await publicSiteUrls(adminApi);
      const checked = await Promise.all(entries.map(async (e) => ({ entry: e, https: isHttpsOrigin(e), reach: await reachable(e.replace(/\/$/, '')) })));
      await evidence('public_site_url', { current, entries: checked });
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
      const entries = await publicSiteUrls(adminApi);
      const expected = expectedOriginFor(current, entries);
      const { probes, decisive } = await serverView(run, userApi, workFolder.id, userCredentials, entries);
      const found: Record<string, unknown> = { current, publicSiteUrls: entries, expectedOrigin: expected, probes };

      const endpoint = (await userApi.webdavSettings()).endpoint;
      found.webdavEndpoint = endpoint;
      let wopiSrc: string | undefined;
      const app = await wopiAppFor(run, adminApi, 'docx');
      if (!('problem' in app)) {
        const name = ns.name('origin', 'docx');
        const file = await userApi.uploadBytes(name, await makeOffice('docx', name), workFolder.id, OFFICE_MIME.docx);
        owned.file(userApi, file.id);
        const open = await userApi.wopiOpen(file.id, app.key);
        wopiSrc = new URL(open.action_url).searchParams.get('WOPISrc') ?? undefined;
        found.wopiSrc = wopiSrc;
      } else found.wopi = `not checked: ${app.problem}`;
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
    },
  );

  test(
    'with several Public Site URLs, WebDAV, WOPI and share addresses use the domain of the request',
    checks(['2.11'], '@own-data'),
    async ({ run, adminApi, userApi, workFolder, owned, ns, evidence }) => {
      const current = entryOf(run).current;
      const entries = (await publicSiteUrls(adminApi)).map((e) => e.replace(/\/$/, ''));
      expect(entries.length, 'public_site_url is empty (see 2.10)').toBeGreaterThan(0);
      const name = ns.name('share', 'txt');
      const file = await userApi.uploadBytes(name, Buffer.from('which domain?\n'), workFolder.id, 'text/plain');
      owned.file(userApi, file.id);
      const share = await userApi.createShare({ type: 'file', id: file.id });
      owned.share(userApi, share.id);
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
      for (const origin of entries) {
        const reach = await reachable(origin);
        if (!reach.ok) {
          rows.push({ origin, reachable: false, detail: reach.detail });
          continue; // 2.10 reports unreachable entries
        }
        const row: Record<string, unknown> = { origin };
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
          const src = new URL(body.data.action_url).searchParams.get('WOPISrc') ?? '';
          row.wopiSrc = src;
          if (originOf(src) !== origin.toLowerCase()) problems.push(`through ${origin}, WOPISrc is ${src}`);
        }
        const link = `${expectedOriginFor(origin, entries)}/s/${share.token}`;
        const page = await answerOf(await fetch(link, { signal: AbortSignal.timeout(15_000), redirect: 'manual' }));
        row.shareLink = { link, answer: explain(page) };
        if (page.status !== 200 || page.from !== 'app') problems.push(`the share link ${link} answers ${explain(page)}`);
        rows.push(row);
      }
      await evidence('addresses per Public Site URL', { current, entries, rows });
      if (entries.length === 1)
        test.info().annotations.push({ type: 'note', description: `one Public Site URL (${entries[0]}): checked that its addresses use it` });
      expect(
        problems,
        `AsterDrive builds addresses for the wrong domain: ${problems.join('; ')}. It picks the Public Site URL equal to the request's scheme://host, so the proxy must pass the real Host and X-Forwarded-Proto (${NGINX_HOST} ${NGINX_PROTO}), and each domain must be listed in public_site_url`,
      ).toEqual([]);
    },
  );
});
