import { randomBytes } from 'node:crypto';
import type { WebDAVClientError } from 'webdav';
import { expect, test } from '../../fixtures/index.js';
import { headersOf } from '../../helpers/clients/api/http.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';
import { sha256 } from '../../helpers/clients/files/hash.js';
import { createDavAccount, ifHeader, lock, unlock } from '../../helpers/clients/webdav.js';

/** AsterDrive's own refusal (upstream src/webdav/responses.rs): the proxy's 401 would not carry this realm. */
const REALM = /Basic\s+realm="AsterDrive WebDAV"/i;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const UNREACHABLE =
  'the WebDAV endpoint is built from the first Public site URL entry and [webdav] prefix; it must resolve and reach AsterDrive through the proxy';

function networkCause(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return [err.message, err.cause?.code ?? err.cause?.message].filter(Boolean).join(': ');
}

async function probe(url: string, method: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(method === 'PROPFIND' ? { Depth: '0' } : {}), ...headers },
    signal: AbortSignal.timeout(15_000),
  }).catch((e: unknown) => {
    throw new Error(`${method} ${url} got no answer (${networkCause(e)}): ${UNREACHABLE}`);
  });
  const body = (await res.text()).slice(0, 200);
  return { status: res.status, headers: headersOf(res), body, realm: res.headers.get('www-authenticate') ?? '' };
}

/** Runs a step of the real client; its bare "Invalid response: 503" becomes a message the operator can act on. */
async function davStep<T>(what: string, action: () => Promise<T>): Promise<T> {
  return test.step(what, async () => {
    try {
      return await action();
    } catch (e) {
      const status = (e as WebDAVClientError).status;
      if (status === 423) throw e;
      if (status === undefined) throw new Error(`${what}: no answer (${networkCause(e)}): ${UNREACHABLE}`);
      throw new Error(`${what}: the WebDAV client got ${status}: ${mountAdvice(status, '')}`);
    }
  });
}

/** What a status from the mount means for the operator. */
function mountAdvice(status: number, body: string): string {
  if (status === 503 && /disabled/i.test(body)) return 'AsterDrive answers "WebDAV is disabled": turn on webdav_enabled in Admin → System Settings → WebDAV';
  if (status === 503) return 'the mount is unavailable: WebDAV is switched off (webdav_enabled) or AsterDrive is down behind the proxy';
  if (status === 404) return 'nothing answers at this path: the reverse proxy does not forward the WebDAV prefix to AsterDrive, or [webdav] prefix differs';
  if (status === 405 || status === 501) return 'the reverse proxy refuses WebDAV methods: let PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK and UNLOCK through';
  if (status === 401) return 'the 401 does not carry AsterDrive’s realm "AsterDrive WebDAV": something in front of AsterDrive (proxy auth?) answered';
  return 'unexpected answer; read the body and the proxy log';
}

test('the global WebDAV switch is on and the mount answers', checks(['6.1'], '@readonly'), async ({ adminApi, run, evidence }) => {
  const enabled = String((await adminApi.getConfig('webdav_enabled')).value);
  const { prefix } = await adminApi.webdavSettings();
  const mount = new URL(`${prefix.replace(/\/$/, '')}/`, run.baseURL).toString();
  const answer = await test.step(`GET ${mount} without credentials`, () => probe(mount, 'GET'));
  await evidence('WebDAV switch and mount', { webdav_enabled: enabled, mount, answer });
  expect(enabled, 'webdav_enabled is off, so every WebDAV client gets 503: turn it on in Admin → System Settings → WebDAV').toBe('true');
  expect(answer.status, `the mount answered ${answer.status}: ${mountAdvice(answer.status, answer.body)}`).toBe(401);
  expect(answer.realm, mountAdvice(401, '')).toMatch(REALM);
});

test(
  'the WebDAV prefix matches the planned proxy path and the endpoint answers through the entry',
  checks(['6.2'], '@readonly'),
  async ({ adminApi, run, evidence }) => {
    const planned = (loadConfig().env.ASTER_EXPECT_WEBDAV_PREFIX ?? '/webdav').replace(/\/+$/, '');
    const settings = await adminApi.webdavSettings();
    const endpoint = new URL(settings.endpoint, run.baseURL);
    const answer = await test.step(`PROPFIND ${endpoint} without credentials`, () => probe(endpoint.toString(), 'PROPFIND'));
    await evidence('WebDAV settings', { planned, settings, endpoint: endpoint.toString(), answer });
    expect(
      settings.prefix.replace(/\/+$/, ''),
      `AsterDrive serves WebDAV under ${settings.prefix} but the proxy path is planned as ${planned} (ASTER_EXPECT_WEBDAV_PREFIX): ` +
        'set [webdav] prefix in config.toml (or ASTER__WEBDAV__PREFIX) and restart, or change the proxy and the variable',
    ).toBe(planned);
    expect(endpoint.pathname, 'the endpoint shown on the WebDAV page does not end in the prefix').toBe(`${settings.prefix.replace(/\/+$/, '')}/`);
    expect(
      endpoint.origin,
      `the WebDAV endpoint users copy (${endpoint}) is not on the site's public origin; put ${new URL(run.baseURL).origin} first in Public site URL`,
    ).toBe(new URL(run.baseURL).origin);
    expect(answer.status, `the endpoint answered ${answer.status}: ${mountAdvice(answer.status, answer.body)}`).toBe(401);
    expect(answer.realm, mountAdvice(401, '')).toMatch(REALM);
  },
);

test(
  'a real WebDAV client connects, lists, uploads, overwrite-saves, locks and deletes',
  checks(['6.3'], '@own-data'),
  async ({ userApi, workFolder, owned, ns, run, evidence }) => {
    const account = await createDavAccount(userApi, `lt${run.runId}${randomBytes(2).toString('hex')}`, workFolder.id);
    owned.webdavAccount(userApi, account.id);
    const dav = account.client;
    const name = ns.name('dav', 'txt');
    const path = `/${name}`;
    const [first, second, third] = ['first draft', 'second draft, saved over the first', 'third draft, saved under a lock'].map((s) =>
      Buffer.from(`${s} ${randomBytes(8).toString('hex')}\n`),
    );

    await davStep(`connect to ${account.endpoint} and list the (empty) scoped folder`, async () => {
      const listing = (await dav.getDirectoryContents('/')) as { basename: string }[];
      expect(
        listing.map((e) => e.basename),
        'the account scoped to a fresh folder should see it empty',
      ).toEqual([]);
    });
    await davStep('upload a new file', async () => {
      expect(await dav.putFileContents(path, first, { overwrite: false })).toBe(true);
      const listing = (await dav.getDirectoryContents('/')) as { basename: string; size: number }[];
      expect(
        listing.map((e) => e.basename),
        'the upload is listed',
      ).toContain(name);
    });
    const fileId = (await userApi.listFolder(workFolder.id)).files.find((f) => f.name === name)?.id;
    expect(fileId, 'a file written over WebDAV is not visible in the web API').toBeDefined();
    owned.file(userApi, Number(fileId));

    await davStep('overwrite-save it, as a desktop editor does', async () => {
      expect(await dav.putFileContents(path, second, { overwrite: true })).toBe(true);
      expect(sha256((await dav.getFileContents(path)) as Buffer), 'the client reads back the saved bytes').toBe(sha256(second));
    });

    await davStep('LOCK it; a write without the lock token is refused, with it accepted; UNLOCK', async () => {
      const token = await lock(dav, path);
      let unlocked = false;
      try {
        const refused = await dav.putFileContents(path, third, { overwrite: true }).then(
          () => undefined,
          (e: WebDAVClientError) => e,
        );
        expect(refused?.status, 'a write to a locked file without its token was not refused with 423 Locked').toBe(423);
        expect(await dav.putFileContents(path, third, { overwrite: true, headers: ifHeader(token) }), 'the lock holder can save').toBe(true);
        await unlock(dav, path, token);
        unlocked = true;
      } finally {
        if (!unlocked) await unlock(dav, path, token).catch(() => {});
      }
      expect(sha256((await dav.getFileContents(path)) as Buffer)).toBe(sha256(third));
    });

    const versions = await userApi.versions(Number(fileId));
    await evidence('versions after the WebDAV saves', versions);
    expect(versions.length, 'each WebDAV save adds a version (1 upload + 2 saves)').toBeGreaterThanOrEqual(3);

    await davStep('delete it', async () => {
      await dav.deleteFile(path);
      expect(await dav.exists(path), 'the file is still there after DELETE').toBe(false);
    });
  },
);

test(
  'the web login password and a bearer token are refused over WebDAV; a dedicated account works',
  checks(['6.4'], '@own-data'),
  async ({ userApi, userCredentials, workFolder, owned, run, evidence }) => {
    const account = await createDavAccount(userApi, `lt${run.runId}${randomBytes(2).toString('hex')}`, workFolder.id);
    owned.webdavAccount(userApi, account.id);
    const me = await userApi.me();
    const url = account.endpoint;

    const dedicated = await test.step('the dedicated WebDAV account lists the folder', () =>
      probe(url, 'PROPFIND', { Authorization: basic(account.username, account.password) }));
    const webLogin = await test.step(`the web login of ${me.username} is refused`, () =>
      probe(url, 'PROPFIND', { Authorization: basic(me.username, userCredentials.password) }));
    const webPasswordOnDavUser = await test.step('the web password with the WebDAV username is refused', () =>
      probe(url, 'PROPFIND', { Authorization: basic(account.username, userCredentials.password) }));
    const bearer = await test.step('a signed-in session token (Bearer JWT) is refused', () =>
      probe(url, 'PROPFIND', { Authorization: `Bearer ${userApi.accessToken}` }));
    await evidence('WebDAV authentication', { endpoint: url, dedicated, webLogin, webPasswordOnDavUser, bearer });

    expect(dedicated.status, `the dedicated account got ${dedicated.status}: ${mountAdvice(dedicated.status, dedicated.body)}`).toBe(207);
    expect(webLogin.status, 'the web login username and password open WebDAV: clients must use dedicated WebDAV accounts').toBe(401);
    expect(webPasswordOnDavUser.status, 'the web login password opens a WebDAV account').toBe(401);
    expect(bearer.status, 'a web session token opens WebDAV; only dedicated Basic credentials may').toBe(401);
  },
);
