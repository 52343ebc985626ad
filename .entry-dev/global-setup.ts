// TEMPORARY dev harness (entry-proxy work): managed stand-in behind the entry proxy. Deleted before hand-off.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEntryProxy } from '../helpers/proxy/entry-proxy.js';
import { startManagedTarget } from '../helpers/target/managed.js';
import { generatedPassword } from '../helpers/target/provision.js';
import { newRunId, writeRunState } from '../helpers/target/run-state.js';
import { startFakeOffice } from '../helpers/wopi/fake-office.js';

export default async function () {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'aster-run-'));
  const office = await startFakeOffice();
  const target = await startManagedTarget({});
  const proxy = await startEntryProxy({ upstream: target.baseURL });
  process.env.NODE_EXTRA_CA_CERTS = proxy.certPath;
  const state = {
    runId: newRunId(),
    baseURL: proxy.httpsOrigin,
    mode: 'managed' as const,
    targetKind: 'standin' as const,
    admin: { identifier: 'ltadmin', password: generatedPassword() },
    user: { identifier: 'ltuser', password: generatedPassword() },
    managed: { workdir: target.workdir, pid: target.pid, databaseUrl: target.databaseUrl, doctorCmd: 'true' },
    wopi: { apps: {}, discoveryUrl: office.discoveryUrl, ownOffice: true },
    entry: { httpsOrigin: proxy.httpsOrigin, httpOrigin: proxy.httpOrigin, certPath: proxy.certPath, spkiSha256Base64: proxy.spkiSha256Base64, faults: proxy.faults },
    startedAt: new Date().toISOString(),
  };
  const file = path.join(stateDir, 'run-state.json');
  writeRunState(file, state);
  process.env.ASTER_RUN_STATE = file;
  process.env.ASTER_ENTRY_SPKI = proxy.spkiSha256Base64;
  console.log(`dev entry: ${proxy.httpsOrigin} -> ${target.baseURL} faults=${proxy.faults.join(',')} workdir=${target.workdir}`);
  return async () => {
    await proxy.stop();
    await target.stop();
    await office.close();
    rmSync(target.workdir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  };
}
