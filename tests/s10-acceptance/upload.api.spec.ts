import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { loadConfig } from '../../helpers/harness/config.js';
import { writeRandomFile } from '../../helpers/clients/files/generate.js';

test(
  'a large file goes up through the chunked upload API and comes back byte for byte',
  checks(['10.5'], '@own-data'),
  async ({ userApi, workFolder, owned, ns, evidence }) => {
    const mb = loadConfig().largeFileMb;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aster-large-'));
    try {
      const file = path.join(dir, ns.name('large', 'bin'));
      const expected = await test.step(`generate ${mb} MiB of random data on disk`, () => writeRandomFile(file, mb * 1024 * 1024));
      const { file: uploaded, init } = await test.step('upload it in chunks (init, chunks, complete)', () => userApi.uploadFileChunked(file, workFolder.id));
      owned.file(userApi, uploaded.id);
      expect(uploaded.size).toBe(mb * 1024 * 1024);
      const got = await test.step('download it and hash the stream', () => userApi.downloadSha256(uploaded.id));
      await evidence('large upload', {
        bytes: uploaded.size,
        chunkSize: init.chunk_size,
        chunks: init.total_chunks,
        sha256Sent: expected,
        sha256Received: got.sha256,
      });
      expect(got.bytes).toBe(uploaded.size);
      expect(got.sha256, 'the downloaded bytes differ from the uploaded ones').toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
