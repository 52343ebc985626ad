/**
 * Test-only server: express + mountWebdav over MemoryVfs. Env: PORT (default 0 = any), HOST,
 * WEBDAV_PREFIX. Accounts: user/pass and alice/secret (user 1), bob/hunter2 (user 2, other tree).
 * Control endpoints (no auth, test use only) under /__test: enable, quota, max-file-size.
 */
import express from 'express';
import { mountWebdav } from '../../src/webdav/index.js';
import { MemoryVfs } from './memory-vfs.js';

const vfs = new MemoryVfs();
vfs.addAccount('user', 'pass', 1);
vfs.addAccount('alice', 'secret', 1);
vfs.addAccount('bob', 'hunter2', 2);

const app = express();
app.post('/__test/enabled/:value', (req, res) => {
  vfs.enabled = req.params.value === 'true';
  res.json({ enabled: vfs.enabled });
});
app.post('/__test/quota/:bytes', (req, res) => {
  vfs.quotaLimit = req.params.bytes === 'none' ? null : Number(req.params.bytes);
  res.json({ quota: vfs.quotaLimit });
});
app.post('/__test/max-file-size/:bytes', (req, res) => {
  vfs.maxFileSize = req.params.bytes === 'none' ? null : Number(req.params.bytes);
  res.json({ maxFileSize: vfs.maxFileSize });
});

await mountWebdav(app, vfs, process.env.WEBDAV_PREFIX ?? '/webdav');

const server = app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : process.env.PORT;
  console.log(`webdav stand-in listening on http://127.0.0.1:${port}/webdav/`);
});
