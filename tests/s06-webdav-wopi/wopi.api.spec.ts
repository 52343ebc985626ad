import { expect, test } from '../../fixtures/index.js';
import type { AsterClient } from '../../helpers/clients/api/aster.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { makeOffice, type OfficeKind } from '../../helpers/clients/files/generate.js';
import { sha256, sha256OfResponse } from '../../helpers/clients/files/hash.js';
import type { RunState } from '../../helpers/harness/target/run-state.js';
import { notApplicable, notChecked } from '../../helpers/catalogue/verdict.js';
import { appLabel, previewAppRegistry, publicPreviewApps, Registry, wopiAppFor, wopiAppInPanel } from '../../helpers/clients/wopi/app.js';
import { WopiSession } from '../../helpers/clients/wopi/client.js';
import { actionsFor, type Discovery, parseDiscovery } from '../../helpers/clients/wopi/discovery.js';
import {
  describeCalls,
  fileInfoOf,
  type HostCall,
  launchSession,
  officeEditAndSave,
  recordCall,
  uploadOfficeFile,
} from '../../helpers/clients/wopi/office-session.js';

const KINDS: OfficeKind[] = ['docx', 'xlsx', 'pptx'];

const withoutToken = (url: string) => url.replace(/access_token=[^&]+/g, 'access_token=[REDACTED]');

/**
 * The Office app to launch for an extension. Where the run expects Office (a managed target, or
 * ASTER_WOPI_APP) a missing or disabled app is a failure; elsewhere, and with proof keys only the
 * real Office server can sign, the check is NOT_CHECKED with its reason.
 */
async function officeApp(run: RunState, adminApi: AsterClient, ext: OfficeKind): Promise<{ key: string }> {
  const app = await wopiAppFor(run, adminApi, ext).catch((e: Error) => {
    throw new Error(`the Office app for .${ext} cannot be prepared; its discovery document does not answer (see item 6.7): ${e.message}`);
  });
  if (!('problem' in app)) return app;
  if (app.reason === 'no-app' && run.wopi) throw new Error(`${app.problem}, although this run expects Office online editing (see item 6.6)`);
  notChecked(app.variable, app.problem);
}

test(
  'the Public Site URL in WOPISrc is https and CheckFileInfo answers there',
  checks(['6.5'], '@own-data'),
  async ({ run, adminApi, userApi, workFolder, owned, ns, evidence }) => {
    const app = await officeApp(run, adminApi, 'docx');
    test.info().annotations.push({
      type: 'limitation',
      description:
        'CheckFileInfo is called from where the suite runs, not from the Office server’s network; if the Office server resolves or routes the Public Site URL differently (split DNS, firewall), confirm one open from the panel',
    });
    const name = ns.name('office', 'docx');
    const { file } = await uploadOfficeFile(userApi, workFolder.id, name, 'docx');
    owned.file(userApi, file.id);
    const { open, wopiSrc } = await test.step('launch an editing session as the panel does', () => launchSession(userApi, file.id, app.key));
    const site = (await adminApi.getConfig('public_site_url')).value;
    await evidence('WOPISrc', { wopiSrc, action_url: withoutToken(open.action_url), public_site_url: site, suite_origin: new URL(run.baseURL).origin });

    expect(wopiSrc, 'the Office launch URL carries no WOPISrc').toMatch(/^https?:\/\//);
    expect(new URL(wopiSrc).pathname, 'WOPISrc is not AsterDrive’s WOPI file URL').toBe(`/api/v1/wopi/files/${file.id}`);
    if (run.mode === 'existing' || run.baseURL.startsWith('https:')) {
      expect(
        new URL(wopiSrc).protocol,
        `WOPISrc is ${new URL(wopiSrc).origin}: Office servers call back over https only in production; make the first Public site URL entry https://`,
      ).toBe('https:');
    }
    const info = await test.step(`CheckFileInfo at ${wopiSrc}`, async () => {
      const session = new WopiSession(open.action_url, open.access_token);
      return recordCall('CheckFileInfo', 'GET', wopiSrc, () => session.checkFileInfoRaw());
    });
    await evidence('CheckFileInfo at WOPISrc', describeCalls([info]));
    expect(
      info.status,
      `CheckFileInfo at WOPISrc answered ${info.status}${info.errorCode ? ` ${info.errorCode}` : ''}: the Office server could not open files; is the Public site URL reachable and routed to AsterDrive?`,
    ).toBe(200);
    expect(fileInfoOf(info).BaseFileName).toBe(name);
  },
);

test('Preview Applications offers an enabled Office opener for docx, xlsx and pptx', checks(['6.6'], '@readonly'), async ({ run, adminApi, evidence }) => {
  const apps = await publicPreviewApps(run.baseURL);
  const registry = await previewAppRegistry(adminApi);
  const configured = registry.apps.filter((a) => a.provider === 'wopi');
  const offered = Object.fromEntries(KINDS.map((ext) => [ext, wopiAppInPanel(run, apps, ext)]));
  await evidence('preview apps', {
    configured_wopi_apps: configured.map((a) => ({ key: a.key, enabled: a.enabled !== false, extensions: a.extensions })),
    offered_in_panel: Object.fromEntries(Object.entries(offered).map(([ext, a]) => [ext, a ? `${a.key} (${appLabel(a)})` : null])),
    wanted: run.wopi?.apps ?? {},
  });
  if (configured.length === 0 && !run.wopi) {
    notChecked('ASTER_WOPI_APP', 'no WOPI (Office) app is configured; if online editing is planned, add one in Site Settings → Preview Apps → WOPI Discovery');
  }
  const missing = KINDS.filter((ext) => !offered[ext]);
  const disabled = configured.filter((a) => a.enabled === false).map((a) => a.key);
  expect(
    missing,
    `no enabled WOPI app opens ${missing.map((e) => `.${e}`).join(', ')} in the panel` +
      `${disabled.length ? ` (disabled: ${disabled.join(', ')}; switch them on in Site Settings → Preview Apps)` : ''}` +
      `${run.wopi?.apps && Object.keys(run.wopi.apps).length ? `; the run expects ${JSON.stringify(run.wopi.apps)} (ASTER_WOPI_APP)` : ''}`,
  ).toEqual([]);
});

test('the WOPI discovery URL answers with actions for docx, xlsx and pptx', checks(['6.7'], '@readonly'), async ({ run, adminApi, evidence }) => {
  const raw = String((await adminApi.getConfig('frontend_preview_apps_json')).value);
  const apps = Registry.parse(JSON.parse(raw)).apps.filter((a) => a.provider === 'wopi' && a.enabled !== false);
  if (apps.length === 0 && !run.wopi) notChecked('ASTER_WOPI_APP', 'no enabled WOPI (Office) app is configured, so there is no discovery URL to check');
  expect(apps.length, 'no enabled WOPI (Office) app is configured, so there is no discovery URL (see item 6.6)').toBeGreaterThan(0);
  const urls = [...new Set(apps.map((a) => a.config?.discovery_url).filter((u): u is string => typeof u === 'string' && u.length > 0))];
  if (urls.length === 0) notApplicable('the Office apps use a fixed action_url and no discovery document');

  const parsed: Record<string, Discovery> = {};
  for (const url of urls) {
    await test.step(`the suite fetches and parses ${url}`, async () => {
      const res = await fetch(url, { signal: AbortSignal.timeout(15_000) }).catch((e: Error) => {
        throw new Error(`the discovery URL ${url} does not answer from where the suite runs: ${e.message}`);
      });
      const xml = await res.text();
      expect(res.status, `the discovery URL ${url} answered ${res.status}`).toBe(200);
      try {
        parsed[url] = parseDiscovery(xml);
      } catch (e) {
        throw new Error(`the discovery URL ${url} does not return discovery XML: ${(e as Error).message}. First bytes: ${xml.slice(0, 120)}`);
      }
    });
    await test.step(`AsterDrive itself fetches and parses ${url} (Build apps from WOPI discovery, as a draft: nothing is saved)`, async () => {
      const res = await adminApi.http.raw('POST', '/api/v1/admin/config/frontend_preview_apps_json/action', {
        json: { action: 'build_wopi_discovery_preview_config', discovery_url: url, value: raw },
        timeoutMs: 30_000,
      });
      const body = await res.text();
      expect(res.status, `AsterDrive could not read the discovery from its own network (${res.status}): ${body.slice(0, 300)}`).toBe(200);
    });
  }
  const coverage = Object.fromEntries(KINDS.map((ext) => [ext, Object.values(parsed).flatMap((d) => actionsFor(d, ext).map((a) => `${a.app}:${a.name}`))]));
  await evidence('discovery', {
    urls,
    actions: coverage,
    proof_key: Object.fromEntries(Object.entries(parsed).map(([u, d]) => [u, d.proofKey])),
  });
  const missing = KINDS.filter((ext) => coverage[ext].length === 0);
  expect(
    missing,
    `the discovery (${urls.join(', ')}) offers no action for ${missing.map((e) => `.${e}`).join(', ')}: the Office server cannot open them`,
  ).toEqual([]);
});

for (const kind of KINDS) {
  test(
    `saving a ${kind} through WOPI writes back to AsterDrive and adds a version`,
    checks(['6.9'], '@own-data'),
    async ({ run, adminApi, userApi, workFolder, owned, ns, evidence }) => {
      const app = await officeApp(run, adminApi, kind);
      const name = ns.name('office', kind);
      const { file, bytes: original } = await uploadOfficeFile(userApi, workFolder.id, name, kind);
      owned.file(userApi, file.id);
      const versionsBefore = await userApi.versions(file.id);
      const { session } = await test.step('launch an editing session', () => launchSession(userApi, file.id, app.key));
      const edited = await makeOffice(kind, `Launch check ${name} — saved through WOPI`);

      const calls = await test.step('open, lock, save and unlock as the Office server', () =>
        officeEditAndSave(session, { lockId: `launch-${run.runId}-${kind}`, edited }));
      await evidence('WOPI host calls', describeCalls(calls));
      const failed = calls.find((c) => c.status !== 200);
      expect(failed, `a WOPI host call failed:\n${describeCalls(calls).join('\n')}`).toBeUndefined();

      const byOp = (op: string) => calls.find((c) => c.op === op) as HostCall;
      expect(byOp('GetFile').bodySha256, 'GetFile did not return the stored document').toBe(sha256(original));
      const itemVersion = byOp('PutFile').wopi['x-wopi-itemversion'];
      expect(itemVersion, 'PutFile returned no X-WOPI-ItemVersion').toBeTruthy();
      const after = fileInfoOf(byOp('CheckFileInfo (after save)'));
      expect(after.Size, 'CheckFileInfo after the save reports the old size').toBe(edited.byteLength);
      expect(after.Version, 'CheckFileInfo after the save does not report the saved version').toBe(itemVersion);

      const versionsAfter = await userApi.versions(file.id);
      await evidence('versions', { before: versionsBefore, after: versionsAfter });
      expect(versionsAfter.length, 'the WOPI save did not add a historical version').toBe(versionsBefore.length + 1);
      const current = versionsAfter.find((v) => v.current);
      expect(current?.size, 'the current version is not the saved document').toBe(edited.byteLength);
      if (current?.reason !== undefined) expect(current.reason, 'the new version is not recorded as an overwrite').toBe('overwrite');
      const downloaded = await sha256OfResponse(await userApi.download(file.id));
      expect(downloaded.sha256, 'the saved bytes do not download from AsterDrive').toBe(sha256(edited));
    },
  );
}

test(
  'the reverse proxy passes every WOPI callback to AsterDrive, errors and X-WOPI headers included',
  checks(['6.10'], '@own-data'),
  async ({ run, adminApi, userApi, workFolder, owned, ns, evidence }) => {
    const app = await officeApp(run, adminApi, 'docx');
    const name = ns.name('office', 'docx');
    const { file } = await uploadOfficeFile(userApi, workFolder.id, name, 'docx');
    owned.file(userApi, file.id);
    const { open, session, wopiSrc } = await launchSession(userApi, file.id, app.key);
    const lockId = `launch-${run.runId}-proxy`;
    const edited = await makeOffice('docx', `Launch check ${name} — proxy path`);

    const calls: HostCall[] = [];
    await test.step('answers AsterDrive gives as errors: a wrong token, a save without the lock', async () => {
      const stranger = new WopiSession(open.action_url, `wopi_launch_check_wrong_token_${run.runId}`);
      calls.push(await recordCall('CheckFileInfo (wrong token)', 'GET', wopiSrc, () => stranger.checkFileInfoRaw()));
      calls.push(await recordCall('PutFile (not locked)', 'POST', `${wopiSrc}/contents`, () => session.putFile(edited)));
    });
    await test.step('the calls of an open-edit-save', async () => {
      calls.push(...(await officeEditAndSave(session, { lockId, edited })));
    });
    const lines = describeCalls(calls);
    await evidence('WOPI host calls through the entry', { wopiSrc, calls: lines, cacheControl: calls.map((c) => `${c.op}: ${c.cacheControl}`) });

    const notAster = calls.filter((c) => !c.requestId && !c.errorCode);
    expect(
      notAster.map((c) => `${c.op} → ${c.status} ${c.contentType ?? ''} ${c.bodyText.slice(0, 80)}`),
      'these WOPI callbacks were answered by something other than AsterDrive (no X-Request-ID, no AsterDrive error envelope): ' +
        'the reverse proxy must forward /api/v1/wopi/ (GET and POST, any body size) to AsterDrive',
    ).toEqual([]);
    const wrongToken = calls[0];
    expect(wrongToken.status, `a wrong token got ${wrongToken.status}, not AsterDrive's 401`).toBe(401);
    const unlockedSave = calls[1];
    expect(unlockedSave.status, `a save without the lock got ${unlockedSave.status}, not AsterDrive's 409`).toBe(409);
    expect(
      unlockedSave.wopi['x-wopi-lockfailurereason'],
      'the 409 lost its X-WOPI-LockFailureReason header: the proxy strips X-WOPI-* response headers, which Office servers need',
    ).toBeTruthy();
    const rest = calls.slice(2);
    expect(
      rest.filter((c) => c.status !== 200).map((c) => `${c.op} → ${c.status}`),
      `WOPI callbacks failed:\n${lines.join('\n')}`,
    ).toEqual([]);
    expect(
      calls.find((c) => c.op === 'GET_LOCK')?.wopi['x-wopi-lock'],
      'GET_LOCK lost its X-WOPI-Lock header on the way: the proxy strips X-WOPI-* response headers',
    ).toBe(lockId);
    expect(calls.find((c) => c.op === 'PutFile')?.wopi['x-wopi-itemversion'], 'PutFile lost its X-WOPI-ItemVersion header on the way').toBeTruthy();
  },
);
