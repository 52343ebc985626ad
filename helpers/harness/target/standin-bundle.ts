/**
 * The stand-in as one bundled ES module, built with esbuild on first use and kept in
 * node_modules/.cache until its sources change. A start then costs about 0.9 CPU-s less than
 * through tsx's loader, which compiles every source file again in each new process; a whole
 * `npm test` starts the stand-in some 70 times (each run's target, the restart checks' twins, the
 * fault matrix).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildSync, version as esbuildVersion } from 'esbuild';
import { hashTree } from '../tree-hash.js';

/** The bundle of `<root>/standin/src/main.ts` for its current sources; builds it when missing. */
export function standinBundle(root: string): string {
  const src = path.join(root, 'standin', 'src');
  const cache = path.join(root, 'node_modules', '.cache', 'aster-standin');
  const out = path.join(cache, `main-${hashTree(createHash('sha256').update(esbuildVersion), src).digest('hex').slice(0, 16)}.mjs`);
  if (existsSync(out)) return out;
  mkdirSync(cache, { recursive: true });
  // Written aside and renamed: runs started side by side may build the same bundle at once.
  const tmp = path.join(cache, `.${process.pid}-${Date.now()}.mjs`);
  buildSync({
    entryPoints: [path.join(src, 'main.ts')],
    outfile: tmp,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Dependencies load from node_modules as they do under tsx. No source map: the bundle keeps each
    // file's code under a `// standin/src/…` comment, and parsing a map would cost most of the gain.
    packages: 'external',
    logLevel: 'silent',
  });
  renameSync(tmp, out);
  for (const f of readdirSync(cache)) if (f.startsWith('main-') && path.join(cache, f) !== out) rmSync(path.join(cache, f), { force: true });
  return out;
}
