/**
 * Benchmark (not a test): peak RSS of the test process while it generates, uploads (chunked) and
 * downloads a large file, for several sizes. Flat memory means the suite streams instead of
 * buffering. Usage: npx tsx scripts/bench-large-upload.ts [sizes in MiB, default 64 512]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeRandomFile } from '../helpers/files/generate.js';
import { sha256OfResponse } from '../helpers/files/hash.js';
import { startManagedTarget } from '../helpers/target/managed.js';
import { bootstrapFresh, generatedPassword } from '../helpers/target/provision.js';

const sizes = process.argv.slice(2).map(Number).filter(Boolean);
const MiB = 1024 * 1024;

async function main(): Promise<void> {
  const target = await startManagedTarget({ env: { STANDIN_FAULTS: 'slow-auth-off' } });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  try {
    const api = await bootstrapFresh(target.baseURL, { identifier: 'benchadmin', password: generatedPassword() });
    console.log('| size | peak RSS growth (test process) | generate + upload + download |');
    console.log('| --- | --- | --- |');
    for (const mb of sizes.length ? sizes : [64, 512]) {
      global.gc?.();
      const base = process.memoryUsage().rss;
      let peak = base;
      const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const t0 = Date.now();
      const file = path.join(dir, `bench-${mb}.bin`);
      const sent = await writeRandomFile(file, mb * MiB);
      const { file: up } = await api.uploadFileChunked(file, null);
      const got = await sha256OfResponse(await api.download(up.id));
      clearInterval(timer);
      if (got.sha256 !== sent) throw new Error(`hash mismatch at ${mb} MiB`);
      rmSync(file);
      await api.deleteFile(up.id);
      console.log(
        `| ${mb} MiB | ${((peak - base) / MiB).toFixed(1)} MiB (baseline ${(base / MiB).toFixed(0)} MiB) | ${((Date.now() - t0) / 1000).toFixed(1)} s |`,
      );
    }
  } finally {
    await target.stop();
    rmSync(target.workdir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
