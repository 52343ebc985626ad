/**
 * 7.3: a restore rehearsal works: back up, add data, restore, `aster_drive doctor`, then upload,
 * download, share and trash restore on the restored instance.
 *
 * - Managed run: done for real on a private twin: data is made, the twin is stopped and its
 *   working directory copied (the backup), more data is added, the twin is stopped again and the
 *   copy is restored into a fresh directory and started.
 * - Deployment: ASTER_BACKUP_CMD and ASTER_RESTORE_CMD (the operator's own procedure; the restore
 *   command must leave the server running), ASTER_DOCTOR_CMD for doctor.
 */
import { expect, test } from '../../fixtures/index.js';
import type { AsterClient } from '../../helpers/clients/api/aster.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';
import { type DoctorResult, managedDoctorArgv, runDoctor } from '../../helpers/clients/data/doctor.js';
import { downloadHash, folderExists, makeRecords, publicShare, type Records, trashRoundTrip, verifyRecords } from '../../helpers/clients/data/operations.js';
import { runShell } from '../../helpers/harness/shell.js';
import { Twin } from '../../helpers/harness/target/twin.js';
import { waitReady } from '../../helpers/harness/target/restart.js';

const FIX = 'fix the backup so it holds data/config.toml, the database, every local storage directory and data/avatar, and rehearse again';

/** Everything the rehearsal checks on the restored instance; returns the problems. */
async function judgeRestored(
  api: AsterClient,
  baseURL: string,
  doctor: DoctorResult,
  before: Records,
  after: Records,
  name: (l: string, e?: string) => string,
  own: (folderId: number) => void = () => {},
): Promise<{ problems: string[]; seen: Record<string, unknown> }> {
  const problems: string[] = [];
  const seen: Record<string, unknown> = { doctor };
  if (doctor.problem) problems.push(`doctor: ${doctor.problem}`);
  else if (doctor.status === 'fail' || doctor.failing.length) problems.push(`doctor reports fail on the restored data: ${doctor.failing.join('; ')}`);
  const kept = await verifyRecords(api, baseURL, before);
  seen.backedUp = kept.seen;
  problems.push(...kept.problems.map((p) => `data made before the backup: ${p}`));
  seen.madeAfterBackup = (await folderExists(api, after.folder.id)) ? 'present' : 'absent';
  if (seen.madeAfterBackup === 'present') problems.push('a folder made after the backup exists after the restore: the restore did not bring back the backup');
  await test.step('upload, download, share and trash restore on the restored instance', async () => {
    const fresh = await makeRecords(api, name, 128 * 1024);
    own(fresh.folder.id);
    const dl = await downloadHash(api, fresh.file.id);
    const pub = await publicShare(baseURL, fresh.share.token);
    const trash = await trashRoundTrip(api, fresh.file.id);
    const again = await downloadHash(api, fresh.file.id);
    seen.operations = { upload: fresh.file, download: dl, publicShare: pub.status, trash, downloadAfterTrashRestore: again.status };
    if (dl.status !== 200 || dl.sha256 !== fresh.file.sha256) problems.push(`a new upload does not download intact (${dl.status})`);
    if (pub.status !== 200) problems.push(`a new share link answers ${pub.status} to a visitor`);
    problems.push(...trash);
    if (again.sha256 !== fresh.file.sha256) problems.push(`a file restored from the trash does not download intact (${again.status})`);
  });
  return { problems, seen };
}

test(
  'a restore rehearsal works: restore, doctor, then upload, download, share and trash restore',
  checks(['7.3'], '@own-data', { restarts: true, needs: ['backup', 'doctor'] }),
  async ({ run, restartSubject, ns, evidence }) => {
    const cfg = loadConfig();
    const name = (l: string, e?: string) => ns.name(l, e);

    if (run.mode === 'managed') {
      test.setTimeout(240_000);
      const twin = await Twin.start(cfg.env.ASTER_DRIVE_BIN, 'restore');
      try {
        let api = await twin.signIn();
        const before = await test.step('make data: a folder, an upload and a share', () => makeRecords(api, name));
        const backup = await test.step('stop the server and back up its working directory', async () => {
          await twin.stop();
          return twin.copyWorkdir('backup');
        });
        const after = await test.step('start again and add data after the backup', async () => {
          await twin.startAgain();
          try {
            api = await twin.signIn();
          } catch (e) {
            throw new Error(
              `after a plain stop and start the server no longer knows its administrator (${(e as Error).message.slice(0, 120)}): data/ is not persisted (items 1.1-1.3), so no backup of it can be restored`,
            );
          }
          return makeRecords(api, name);
        });
        await test.step('stop, restore the backup into a fresh directory and start from it', async () => {
          await twin.stop();
          await twin.startFromCopy(backup, 'restored');
        });
        const doctor = await test.step('aster_drive doctor on the restored data', () => runDoctor(managedDoctorArgv(twin.target), twin.workdir));
        let restoredApi: AsterClient;
        try {
          restoredApi = await twin.signIn();
        } catch (e) {
          await evidence('restore rehearsal', { doctor, log: twin.logTail() });
          throw new Error(
            `the administrator cannot sign in to the restored instance (${(e as Error).message.slice(0, 160)}): the database was not restored. ${FIX}`,
          );
        }
        const verdict = await judgeRestored(restoredApi, twin.baseURL, doctor, before, after, name);
        await evidence('restore rehearsal', { target: 'private twin of the managed target', ...verdict.seen });
        expect(verdict.problems, `the restore rehearsal found problems (${verdict.problems.join('; ')}). ${FIX}`).toEqual([]);
      } finally {
        await twin.dispose();
      }
      return;
    }

    const backupCmd = String(cfg.env.ASTER_BACKUP_CMD);
    const restoreCmd = String(cfg.env.ASTER_RESTORE_CMD);
    const doctorCmd = String(cfg.env.ASTER_DOCTOR_CMD);
    test.setTimeout(1_800_000);
    // The deployment's own account; its data is removed afterwards with a fresh sign-in.
    const subject = await restartSubject('restore', { restartCommand: restoreCmd });
    let api = await subject.signIn();
    const before = await test.step('make data: a folder, an upload and a share', () => makeRecords(api, name));
    subject.own('folder', before.folder.id);
    const backup = await test.step('run ASTER_BACKUP_CMD', () => runShell('ASTER_BACKUP_CMD', backupCmd));
    const after = await test.step('add data after the backup', () => makeRecords(api, name));
    subject.own('folder', after.folder.id);
    const restore = await test.step('run ASTER_RESTORE_CMD and wait until the server is ready', async () => {
      // The command leaves the server running again; readiness is then polled, not assumed.
      const r = await runShell('ASTER_RESTORE_CMD', restoreCmd, 1_200_000);
      await waitReady(run.baseURL, 300_000);
      return r;
    });
    const doctor = await test.step('aster_drive doctor on the restored data', () => runDoctor(doctorCmd));
    try {
      api = await subject.signIn();
    } catch (e) {
      throw new Error(`the suite's account cannot sign in after the restore (${(e as Error).message.slice(0, 160)}): the database was not restored. ${FIX}`);
    }
    const verdict = await judgeRestored(api, run.baseURL, doctor, before, after, name, (id) => subject.own('folder', id));
    await evidence('restore rehearsal', { target: 'deployment', backup, restore, ...verdict.seen });
    expect(verdict.problems, `the restore rehearsal found problems (${verdict.problems.join('; ')}). ${FIX}`).toEqual([]);
  },
);
