import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Ctx } from '../context.js';
import { purgeFile, purgeFolder } from './files.js';
import { vipsCommandFor, vipsThumbnail } from './media-processing.js';
import { getStr } from './settings.js';

const THUMB_SOURCE_MAX = 64 * 1024 * 1024;

async function renderWithVips(ctx: Ctx, command: string, src: Buffer, ext: string): Promise<Buffer> {
  const input = `${await ctx.storage.tempFile()}${ext}`;
  const output = `${input}.webp`;
  try {
    await fsp.writeFile(input, src);
    await vipsThumbnail(command, input, output, 256);
    return await fsp.readFile(output);
  } finally {
    await fsp.rm(input, { force: true });
    await fsp.rm(output, { force: true });
  }
}

export function registerTaskHandlers(ctx: Ctx): void {
  ctx.tasks.register('trash_purge_all', async (task) => {
    const userId = Number(task.payload.user_id);
    const s = ctx.store.state;
    let purged = 0;
    for (const f of s.folders.filter((x) => x.ownerUserId === userId && x.deletedAt && x.trashRoot)) {
      await purgeFolder(ctx, f);
      purged++;
    }
    for (const f of s.files.filter((x) => x.ownerUserId === userId && x.deletedAt && x.trashRoot)) {
      await purgeFile(ctx, f);
      purged++;
    }
    ctx.store.commit();
    return { purged };
  });

  ctx.tasks.register('thumbnail_generate', async (task) => {
    const blobId = Number(task.payload.blob_id);
    const blob = ctx.store.state.blobs.find((b) => b.id === blobId);
    if (!blob) throw new Error('source blob no longer exists');
    if (blob.size > THUMB_SOURCE_MAX) throw new Error('thumbnail source too large');
    const src = await ctx.storage.readBuffer(blob);
    const fileName = ctx.store.state.files.find((f) => f.id === Number(task.payload.file_id))?.name ?? '';
    const vips = vipsCommandFor(getStr(ctx.store, 'media_processing_registry_json'), fileName);
    const out = vips
      ? await renderWithVips(ctx, vips, src, path.extname(fileName))
      : await sharp(src, { failOn: 'none' }).rotate().resize(256, 256, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
    const dir = path.join(ctx.cfg.dataDir, '.thumbnails');
    await fsp.mkdir(dir, { recursive: true });
    const file = path.join(dir, `${blobId}.webp`);
    const tmp = `${file}.tmp`;
    await fsp.writeFile(tmp, out);
    await fsp.rename(tmp, file);
    ctx.store.state.thumbnails[String(blobId)] = file;
    ctx.store.commit();
    return { blob_id: blobId, bytes: out.length };
  });

  // remove orphan thumbnails on start (blobs purged while the process was down)
  const thumbs = ctx.store.state.thumbnails;
  for (const [k, p] of Object.entries(thumbs)) if (!fs.existsSync(p)) delete thumbs[k];
}
