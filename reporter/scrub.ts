/**
 * Finds and removes the run's secrets in every artifact: plain files, the entries of trace zips,
 * and the base64 zip the HTML report embeds in its index.html. The same walker backs the
 * project test that proves no secret survives a run.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { allSecrets, redact } from '../helpers/harness/secrets.js';

type Visit = (text: string, where: string) => string;

const EMBEDDED_ZIP = /(data:application\/zip;base64,)([A-Za-z0-9+/=]+)/g;

async function transformZip(buf: Buffer, where: string, visit: Visit): Promise<Buffer | null> {
  const zip = await JSZip.loadAsync(buf);
  let changed = false;
  for (const name of Object.keys(zip.files)) {
    const entry = zip.files[name];
    if (entry.dir) continue;
    const inner = await entry.async('nodebuffer');
    const next = name.endsWith('.zip') ? await transformZip(inner, `${where}!${name}`, visit) : transformText(inner, `${where}!${name}`, visit);
    if (next) {
      zip.file(name, next);
      changed = true;
    }
  }
  return changed ? zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }) : null;
}

function transformText(buf: Buffer, where: string, visit: Visit): Buffer | null {
  // latin1 maps bytes 1:1, so binary content survives and ASCII secrets are still found.
  const text = buf.toString('latin1');
  const next = visit(text, where);
  return next === text ? null : Buffer.from(next, 'latin1');
}

async function transformFile(file: string, visit: Visit): Promise<void> {
  const buf = readFileSync(file);
  let next: Buffer | null;
  if (file.endsWith('.zip')) next = await transformZip(buf, file, visit);
  else {
    let text = buf.toString('latin1');
    const embedded = [...text.matchAll(EMBEDDED_ZIP)];
    for (const m of embedded) {
      const inner = await transformZip(Buffer.from(m[2], 'base64'), `${file}#embedded`, visit);
      if (inner) text = text.replace(m[2], inner.toString('base64'));
    }
    const visited = visit(text, file);
    next = visited === buf.toString('latin1') ? null : Buffer.from(visited, 'latin1');
  }
  if (next) writeFileSync(file, next);
}

function* files(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) {
    yield dir;
    return;
  }
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else yield p;
  }
}

/** Redacts every known secret in place; returns how many occurrences were removed. */
export async function scrubArtifacts(dirs: string[], secrets = allSecrets()): Promise<number> {
  let found = 0;
  const visit: Visit = (text) => {
    const next = redact(text, secrets);
    if (next !== text) found += 1;
    return next;
  };
  for (const dir of dirs) for (const f of files(dir)) await transformFile(f, visit);
  return found;
}

/** Lists where any of the given values still appears (for the artifact-scan test). */
export async function findSecrets(dirs: string[], secrets: string[]): Promise<string[]> {
  const hits: string[] = [];
  const visit: Visit = (text, where) => {
    for (const s of secrets) if (text.includes(s)) hits.push(`${where}: contains a secret of length ${s.length}`);
    return text;
  };
  for (const dir of dirs) for (const f of files(dir)) await transformFile(f, visit);
  return hits;
}
