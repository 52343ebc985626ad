/**
 * 2.5, 2.6, 2.8, 2.9: what the proxy must let through to AsterDrive: upload bodies (no 413),
 * every WebDAV method, the WOPI / share / preview / thumbnail paths, slow long transfers and the
 * long-lived storage-event stream (SSE) the web panel keeps open.
 * Each answer is checked to come from AsterDrive (X-Request-ID, its envelope), not the proxy.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '../../fixtures/index.js';
import { FileInfo } from '../../helpers/clients/api/schemas.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';
import { type Answer, answerOf, classify, explain } from '../../helpers/clients/entry/answer.js';
import { entryOf } from '../../helpers/clients/entry/entry.js';
import { EventStream, HEARTBEAT_S, STORAGE_EVENTS_PATH } from '../../helpers/clients/entry/event-stream.js';
import { multipartStream, randomStream, slowDownload, streamedRequest } from '../../helpers/clients/entry/transfer.js';
import { makeOffice, makePng, OFFICE_MIME } from '../../helpers/clients/files/generate.js';
import { registerSecret } from '../../helpers/harness/secrets.js';
import { notChecked } from '../../helpers/catalogue/verdict.js';
import { createDavAccount } from '../../helpers/clients/webdav.js';
import { wopiAppFor } from '../../helpers/clients/wopi/app.js';

const MiB = 1024 * 1024;
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

test.describe('the proxy passes AsterDrive traffic through', () => {
  test(
    'a direct upload and a WebDAV PUT of the expected size pass the proxy (no 413)',
    checks(['2.5'], '@own-data'),
    async ({ run, userApi, workFolder, owned, ns, evidence }) => {
      const expected = loadConfig().env.ASTER_EXPECT_MAX_DIRECT_UPLOAD_MB;
      if (!expected && run.mode === 'existing') notChecked('ASTER_EXPECT_MAX_DIRECT_UPLOAD_MB', 'the largest direct upload users need is not known');
      const mb = expected ?? 8;
      const size = mb * MiB;
      test.setTimeout(120_000 + mb * 4_000);
      const current = entryOf(run).current;
      const fix = `raise the proxy's body limit above ${mb} MiB (nginx: client_max_body_size ${Math.max(mb * 2, 100)}m; in the server block, and location /webdav too)`;

      const direct = await test.step(`direct upload of ${mb} MiB (POST /api/v1/files/upload)`, async () => {
        const name = ns.name('direct', 'bin');
        const body = multipartStream(name, size);
        const res = await streamedRequest(
          `${current}/api/v1/files/upload?folder_id=${workFolder.id}&declared_size=${size}`,
          'POST',
          { authorization: `Bearer ${userApi.accessToken}`, 'content-type': body.contentType, 'content-length': String(body.length) },
          body.stream,
          600_000,
        ).catch((e: Error) => ({ status: 0, headers: new Headers(), text: `connection failed: ${e.message}` }));
        const a = classify(res.status, res.headers, res.text);
        if (res.status === 201) {
          const file = FileInfo.parse(JSON.parse(res.text).data);
          owned.file(userApi, file.id);
          expect(file.size, 'the stored size equals the upload').toBe(size);
        }
        return a;
      });
      const dav = await test.step(`WebDAV PUT of ${mb} MiB`, async () => {
        const account = await createDavAccount(userApi, `lt${run.runId}${randomBytes(3).toString('hex')}`, workFolder.id);
        owned.webdavAccount(userApi, account.id);
        const prefix = (await userApi.webdavSettings()).prefix.replace(/\/$/, '');
        const name = ns.name('dav', 'bin');
        const data = randomStream(size);
        const res = await streamedRequest(
          `${current}${prefix}/${encodeURIComponent(name)}`,
          'PUT',
          { authorization: basic(account.username, account.password), 'content-type': 'application/octet-stream', 'content-length': String(size) },
          data.stream,
          600_000,
        ).catch((e: Error) => ({ status: 0, headers: new Headers(), text: `connection failed: ${e.message}` }));
        const listed = (await userApi.listFolder(workFolder.id)).files.find((f) => f.name === name);
        if (listed) owned.file(userApi, listed.id);
        return classify(res.status, res.headers, res.text);
      });
      await evidence('uploads through the entry', { sizeMiB: mb, direct, webdav: dav });
      expect
        .soft(
          direct.status,
          `the ${mb} MiB direct upload answered ${explain(direct)}${direct.status === 413 && direct.from === 'proxy' ? `: the proxy refused the body; ${fix}` : ''}`,
        )
        .toBe(201);
      expect
        .soft(
          dav.status,
          `the ${mb} MiB WebDAV PUT answered ${explain(dav)}${dav.status === 413 && dav.from === 'proxy' ? `: the proxy refused the body; ${fix}` : ''}`,
        )
        .toBe(201);
    },
  );

  test(
    'OPTIONS, PROPFIND, MKCOL, PUT, COPY, MOVE, LOCK, UNLOCK and DELETE reach WebDAV through the entry',
    checks(['2.6'], '@own-data'),
    async ({ run, userApi, workFolder, owned, evidence }) => {
      const current = entryOf(run).current;
      const account = await createDavAccount(userApi, `lt${run.runId}${randomBytes(3).toString('hex')}`, workFolder.id);
      owned.webdavAccount(userApi, account.id);
      const base = `${current}${(await userApi.webdavSettings()).prefix.replace(/\/$/, '')}`;
      const auth = basic(account.username, account.password);
      const results: { method: string; answer: Answer; expected: number[] }[] = [];
      const call = async (method: string, path: string, expected: number[], headers: Record<string, string> = {}, body?: string) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { authorization: auth, ...headers, ...(body ? { 'content-type': 'application/xml; charset=utf-8' } : {}) },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        const answer = await answerOf(res);
        results.push({ method, answer, expected });
        return { res, answer };
      };
      await call('OPTIONS', '/', [200, 204]);
      await call('PROPFIND', '/', [207], { depth: '1' });
      await call('MKCOL', '/dir', [201]);
      await call('PUT', '/dir/a.txt', [201, 204], { 'content-type': 'text/plain' }, 'launch check\n');
      // Destination as an absolute path, which AsterDrive accepts whatever the proxy does with Host (2.3 checks that part).
      await call('COPY', '/dir/a.txt', [201, 204], { destination: `${new URL(base).pathname}/dir/b.txt`, overwrite: 'F' });
      await call('MOVE', '/dir/b.txt', [201, 204], { destination: `${new URL(base).pathname}/dir/c.txt`, overwrite: 'F' });
      const lock = await call(
        'LOCK',
        '/dir/c.txt',
        [200, 201],
        { timeout: 'Second-60', depth: '0' },
        '<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>launch suite</D:owner></D:lockinfo>',
      );
      const token = lock.res.headers.get('lock-token') ?? '';
      await call('UNLOCK', '/dir/c.txt', [204, 200], { 'lock-token': token.startsWith('<') ? token : `<${token}>` });
      await call('DELETE', '/dir', [204, 200]);
      await evidence(
        'WebDAV methods through the entry',
        results.map((r) => ({ method: r.method, expected: r.expected, got: explain(r.answer) })),
      );
      const wrong = results.filter((r) => !r.expected.includes(r.answer.status) || r.answer.from !== 'app');
      const byProxy = wrong.filter((r) => r.answer.from === 'proxy').map((r) => r.method);
      expect(
        wrong.map((r) => `${r.method} -> ${explain(r.answer)}`),
        byProxy.length
          ? `the proxy answers ${byProxy.join(', ')} itself instead of passing them to AsterDrive: allow every WebDAV method on the WebDAV prefix (nginx: no limit_except / dav_methods there; pass Depth, Destination, Overwrite, If, Lock-Token, Timeout and Authorization unchanged)`
          : 'some WebDAV methods did not get the answer AsterDrive gives',
      ).toEqual([]);
    },
  );

  test(
    'WOPI, share page and share API, preview and thumbnail paths answer from AsterDrive, not the proxy',
    checks(['2.8'], '@own-data'),
    async ({ run, adminApi, userApi, workFolder, owned, ns, evidence }) => {
      const current = entryOf(run).current;
      const name = ns.name('pass', 'png');
      const image = await userApi.uploadBytes(name, await makePng(name), workFolder.id, 'image/png');
      owned.file(userApi, image.id);
      const share = await userApi.createShare({ type: 'file', id: image.id });
      owned.share(userApi, share.id);
      const bearer = { authorization: `Bearer ${userApi.accessToken}` };
      const rows: { path: string; answer: Answer; ok: number[] }[] = [];
      const probe = async (label: string, url: string, ok: number[], init: RequestInit = {}) => {
        const res = await fetch(url.startsWith('http') ? url : `${current}${url}`, { redirect: 'manual', signal: AbortSignal.timeout(20_000), ...init });
        const answer = await answerOf(res);
        rows.push({ path: label, answer, ok });
        return answer;
      };

      // WOPI host endpoints (what the Office server calls): without a token AsterDrive itself answers 400/401.
      await probe('GET /api/v1/wopi/files/{id} (no token)', `/api/v1/wopi/files/${image.id}`, [400, 401]);
      const app = await wopiAppFor(run, adminApi, 'docx');
      if (!('problem' in app)) {
        const docName = ns.name('pass', 'docx');
        const doc = await userApi.uploadBytes(docName, await makeOffice('docx', docName), workFolder.id, OFFICE_MIME.docx);
        owned.file(userApi, doc.id);
        const open = await userApi.wopiOpen(doc.id, app.key);
        registerSecret(open.access_token);
        const src = new URL(open.action_url).searchParams.get('WOPISrc') ?? '';
        const path = new URL(src).pathname;
        await probe('GET /api/v1/wopi/files/{id} (CheckFileInfo)', `${path}?access_token=${encodeURIComponent(open.access_token)}`, [200]);
        await probe('GET /api/v1/wopi/files/{id}/contents (GetFile)', `${path}/contents?access_token=${encodeURIComponent(open.access_token)}`, [200]);
      }
      await probe('GET /s/{token} (share page)', `/s/${share.token}`, [200]);
      await probe('GET /api/v1/s/{token}', `/api/v1/s/${share.token}`, [200]);
      await probe('GET /api/v1/s/{token}/download', `/api/v1/s/${share.token}/download`, [200]);
      await probe('GET /api/v1/s/{token}/thumbnail', `/api/v1/s/${share.token}/thumbnail`, [200, 202, 304]);
      await probe('GET /api/v1/files/{id}/thumbnail', `/api/v1/files/${image.id}/thumbnail`, [200, 202], { headers: bearer });
      await probe('GET /api/v1/files/{id}/download?disposition=inline (preview)', `/api/v1/files/${image.id}/download?disposition=inline`, [200], {
        headers: bearer,
      });
      const link = await fetch(`${current}/api/v1/files/${image.id}/preview-link`, { method: 'POST', headers: bearer, signal: AbortSignal.timeout(20_000) });
      const linkText = await link.text();
      const linkAnswer = classify(link.status, link.headers, linkText);
      if (link.ok) {
        rows.push({ path: 'POST /api/v1/files/{id}/preview-link', answer: linkAnswer, ok: [200, 201] });
        const { data } = JSON.parse(linkText) as { data: { path: string } };
        await probe('GET /pv/{token}/{name} (external preview link)', data.path, [200]);
      } else if (linkAnswer.from === 'app') {
        // The target has no preview links (an AsterDrive answer): nothing for the proxy to pass.
        test.info().annotations.push({ type: 'note', description: `preview-link not offered by the target: ${explain(linkAnswer)}` });
      } else rows.push({ path: 'POST /api/v1/files/{id}/preview-link', answer: linkAnswer, ok: [200, 201] });
      await evidence(
        'paths through the entry',
        rows.map((r) => ({ path: r.path, expected: r.ok, got: explain(r.answer) })),
      );
      const blocked = rows.filter((r) => r.answer.from !== 'app');
      expect(
        blocked.map((r) => `${r.path} -> ${explain(r.answer)}`),
        `the proxy answers these paths itself instead of passing them to AsterDrive through ${current}: pass /api/v1/wopi/, /s/, /api/v1/s/, /pv/, /d/ and the thumbnail/preview endpoints unchanged (no deny rules, auth_request or WAF blocks on them)`,
      ).toEqual([]);
      const unexpected = rows.filter((r) => !r.ok.includes(r.answer.status));
      expect
        .soft(
          unexpected.map((r) => `${r.path} -> ${explain(r.answer)}`),
          'AsterDrive answered these paths with an unexpected status (the proxy passed them; see the evidence)',
        )
        .toEqual([]);
    },
  );

  test(
    'a slow download held open longer than the expected connection time is not cut',
    checks(['2.9'], '@own-data'),
    async ({ run, userApi, workFolder, owned, ns, evidence }) => {
      const configured = loadConfig().env.ASTER_EXPECT_LONG_CONNECTION_S;
      // Bounded on the managed target; a real deployment gets the operator's figure or 120 s.
      const seconds = configured ?? (run.mode === 'managed' ? 20 : 120);
      const size = Math.max(24 * MiB, seconds * 256 * 1024);
      const rate = Math.ceil(size / seconds);
      test.setTimeout((seconds * 1.5 + 180) * 1000);
      const name = ns.name('slow', 'bin');
      const current = entryOf(run).current;
      const file = await test.step(`upload ${Math.round(size / MiB)} MiB to read back slowly`, async () => {
        const body = multipartStream(name, size);
        const res = await streamedRequest(
          `${current}/api/v1/files/upload?folder_id=${workFolder.id}&declared_size=${size}`,
          'POST',
          { authorization: `Bearer ${userApi.accessToken}`, 'content-type': body.contentType, 'content-length': String(body.length) },
          body.stream,
          600_000,
        ).catch((e: Error) => ({ status: 0, headers: new Headers(), text: `connection failed: ${e.message}` }));
        const a = classify(res.status, res.headers, res.text);
        if (res.status !== 201 && (a.from === 'proxy' || res.status === 0)) {
          notChecked(
            'a proxy body limit that admits the test file (item 2.5)',
            `the ${Math.round(size / MiB)} MiB file for the slow download could not be uploaded: ${explain(a)}`,
          );
        }
        expect(res.status, `the upload for the slow download failed: ${explain(a)}`).toBe(201);
        return { ...FileInfo.parse(JSON.parse(res.text).data), sha256: body.sha256() };
      });
      owned.file(userApi, file.id);
      const got = await test.step(`download it at ${Math.round(rate / 1024)} KiB/s for about ${seconds} s`, () =>
        slowDownload(`${current}/api/v1/files/${file.id}/download`, { authorization: `Bearer ${userApi.accessToken}` }, rate));
      await evidence('slow download', { expectSeconds: seconds, size, rateBytesPerSecond: rate, ...got });
      expect(got.status, `the download answered ${got.status}`).toBe(200);
      expect(
        got.complete && got.bytes === size,
        `the download was cut after ${got.seconds.toFixed(1)} s and ${got.bytes} of ${size} bytes (${got.error ?? 'incomplete'}): a proxy timeout ends slow transfers. nginx: proxy_read_timeout / proxy_send_timeout / send_timeout ${Math.max(seconds * 2, 300)}s; and keep proxy_buffering settings that do not cap the response time`,
      ).toBe(true);
      expect(got.sha256, 'the slowly read bytes equal the upload').toBe(file.sha256);
      expect(got.seconds, `the transfer lasted only ${got.seconds.toFixed(1)} s; the check needs it held open about ${seconds} s`).toBeGreaterThanOrEqual(
        seconds * 0.9,
      );
    },
  );

  test(
    'the storage-event stream (SSE) stays open past its 15 s heartbeat and delivers a change promptly',
    checks(['2.9'], '@own-data'),
    async ({ run, userApi, workFolder, owned, ns, evidence }) => {
      test.setTimeout(120_000);
      const current = entryOf(run).current;
      // Held open past one heartbeat: a proxy whose read timeout is below the heartbeat cuts the quiet stream before it.
      const holdS = HEARTBEAT_S + 5;
      const firstFrameS = 5;
      const eventWithinS = 5;
      const cutFix =
        `a proxy timeout ends the quiet stream before AsterDrive's ${HEARTBEAT_S} s heartbeat keeps it alive. ` +
        `nginx: proxy_read_timeout well above ${HEARTBEAT_S} s (e.g. 3600s) in the server or the location of ${STORAGE_EVENTS_PATH}, with proxy_buffering off there; ` +
        'Caddy: no short `timeouts` in the global servers option and no short reverse_proxy transport read_timeout; ' +
        `other proxies: an idle/read timeout above ${HEARTBEAT_S} s for this path`;
      const bufferFix = `the proxy holds the stream in a buffer (nginx: proxy_buffering off and proxy_cache off, no gzip, in the location of ${STORAGE_EVENTS_PATH}; Caddy: reverse_proxy flush_interval -1)`;

      // A fresh access token: the stream is authorised once, when it opens.
      await userApi.me();
      const opened = await test.step(`open GET ${STORAGE_EVENTS_PATH} through ${current}`, () =>
        EventStream.open(`${current}${STORAGE_EVENTS_PATH}`, { authorization: `Bearer ${userApi.accessToken}` }));
      const headers = Object.fromEntries(
        ['content-type', 'cache-control', 'x-accel-buffering', 'content-encoding', 'transfer-encoding', 'server'].map((h) => [h, opened.headers.get(h)]),
      );
      const answer = { status: opened.status, headers: { ...headers, 'x-request-id': opened.headers.get('x-request-id') ? 'present' : 'absent' } };
      const stream = opened.stream;
      if (!stream) {
        const a = classify(opened.status, opened.headers, opened.text ?? '');
        await evidence('storage-event stream through the entry', { path: STORAGE_EVENTS_PATH, ...answer, body: a.snippet });
        expect(
          opened.status,
          `${STORAGE_EVENTS_PATH} answered ${explain(a)} instead of 200 text/event-stream${a.from === 'proxy' ? `: the proxy does not pass the storage-event stream to AsterDrive; pass ${STORAGE_EVENTS_PATH} unchanged (GET, Authorization and cookies)` : ''}`,
        ).toBe(200);
        expect(opened.headers.get('content-type'), `${STORAGE_EVENTS_PATH} answered 200 but not as an event stream: ${explain(a)}`).toMatch(
          /^text\/event-stream/,
        );
        return;
      }
      try {
        const first = await test.step(`the first frame within ${firstFrameS} s (AsterDrive sends a heartbeat at once)`, () =>
          stream.waitFor(() => true, firstFrameS));
        const cut = await test.step(`hold the stream open ${holdS} s, past the ${HEARTBEAT_S} s heartbeat`, () => stream.endsBefore(holdS));
        const heartbeat = stream.frames.find((f) => f.data === undefined && f.at >= HEARTBEAT_S - 2);
        let change: { fileId: number; uploadStartS: number; answeredS: number; eventS?: number } | undefined;
        if (!cut) {
          change = await test.step(`create a file in the work folder; its file.created event within ${eventWithinS} s`, async () => {
            const uploadStartS = stream.now();
            const name = ns.name('event', 'txt');
            const file = await userApi.uploadBytes(name, new TextEncoder().encode(`storage event check ${name}\n`), workFolder.id, 'text/plain');
            owned.file(userApi, file.id);
            const answeredS = stream.now();
            const hit = await stream.waitFor((f) => {
              const { event } = EventStream.eventOf(f);
              return event?.kind === 'file.created' && event.file_ids.includes(file.id);
            }, answeredS + eventWithinS);
            return { fileId: file.id, uploadStartS, answeredS, eventS: hit?.at };
          });
        }
        await evidence('storage-event stream through the entry', {
          path: STORAGE_EVENTS_PATH,
          ...answer,
          heartbeatSeconds: HEARTBEAT_S,
          heldSeconds: holdS,
          frames: stream.summary(),
          ended: stream.ended ?? 'open until the suite closed it',
          change: change && {
            fileId: change.fileId,
            uploadStartedAt: `${change.uploadStartS.toFixed(2)} s`,
            uploadAnsweredAt: `${change.answeredS.toFixed(2)} s`,
            eventAt: change.eventS === undefined ? null : `${change.eventS.toFixed(2)} s`,
            secondsFromUploadToEvent: change.eventS === undefined ? null : Number((change.eventS - change.uploadStartS).toFixed(2)),
          },
        });
        expect(
          stream.ended,
          `the storage-event stream was cut after ${stream.ended?.at.toFixed(1)} s (${stream.ended?.how}), though it must stay open as long as the panel is: ${cutFix}`,
        ).toBeUndefined();
        expect
          .soft(first, `no frame reached the client within ${firstFrameS} s of opening, though AsterDrive sends a heartbeat at once: ${bufferFix}`)
          .toBeDefined();
        expect.soft(heartbeat, `no heartbeat reached the client by ${holdS} s, though AsterDrive sends one every ${HEARTBEAT_S} s: ${bufferFix}`).toBeDefined();
        expect(
          change?.eventS,
          `no file.created event for the new file (${change?.fileId}) reached the client within ${eventWithinS} s of the upload: ${stream.ended ? `the stream was cut after ${stream.ended.at.toFixed(1)} s (${stream.ended.how}); ${cutFix}` : bufferFix}`,
        ).toBeDefined();
      } finally {
        stream.close();
      }
    },
  );
});
