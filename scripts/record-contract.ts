/**
 * Records the contract the stand-in is held to (issue 11): runs the launch suite's `api` project
 * against a managed real AsterDrive with the recording hook on (helpers/clients/api/contract-hook.ts),
 * condenses every request it made into one file per endpoint, and captures the panel's screens
 * the page objects use as normalised aria snapshots.
 *
 *   ASTER_DRIVE_BIN=/path/to/aster_drive npm run record-contract
 *   npm run record-contract -- --standin --out /tmp/contract   # the mechanics, against the stand-in
 *
 * Options: --out <dir> (default standin/contract/asterdrive-0.5.0), --standin, --api-only,
 * --screens-only. ASTER_WITHOUT (e.g. s3,mailpit) is passed to the suite and noted in the manifest,
 * so the replay leaves out the same services.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { resolveChromium } from '../helpers/harness/chromium.js';
import { CONTRACT_NAME, CONTRACT_ROOT, condense, recordScreens, recordSuite, SCREENS, writeEndpoints, writeScreens } from '../unit/support/contract.js';

const args = process.argv.slice(2);
const flag = (n: string) => args.includes(n);
const option = (n: string) => {
  const i = args.indexOf(n);
  return i >= 0 ? args[i + 1] : undefined;
};

async function version(binary: string | undefined): Promise<string> {
  if (!binary) return 'stand-in';
  const { execFileSync } = await import('node:child_process');
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 20_000 }).trim().split('\n')[0];
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const standin = flag('--standin');
  const binary = standin ? undefined : process.env.ASTER_DRIVE_BIN;
  if (!standin && (!binary || !existsSync(binary))) {
    console.error('Set ASTER_DRIVE_BIN to the real aster_drive binary (or pass --standin to try the mechanics against the stand-in).');
    process.exit(2);
  }
  const out = path.resolve(option('--out') ?? path.join(CONTRACT_ROOT, CONTRACT_NAME));
  const work = mkdtempSync(path.join(os.tmpdir(), 'contract-record-'));
  const without = process.env.ASTER_WITHOUT;
  const manifestFile = path.join(out, 'contract.json');
  const previous = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, unknown>) : {};
  const manifest: Record<string, unknown> = { ...previous, target: await version(binary), without: without ?? '' };
  try {
    if (!flag('--screens-only')) {
      console.error(`Recording the suite's api project against ${binary ?? 'the stand-in'} ...`);
      const lines = await recordSuite({ binary, dir: path.join(work, 'suite'), without, log: (s) => process.stderr.write(s) });
      if (lines.length === 0) throw new Error('the suite made no request through the recording hook');
      const endpoints = condense(lines);
      writeEndpoints(path.join(out, 'api'), endpoints);
      manifest.requests = lines.length;
      manifest.endpoints = endpoints.size;
      console.error(`\n${lines.length} requests, ${endpoints.size} endpoints -> ${path.join(out, 'api')}`);
    }
    if (!flag('--api-only')) {
      console.error('Capturing the panel screens ...');
      const browser = await chromium.launch({
        executablePath: resolveChromium(process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE).executablePath,
        args: ['--no-sandbox'],
      });
      try {
        const screens = await recordScreens({ binary, browser });
        writeScreens(path.join(out, 'screens'), screens);
        manifest.screens = SCREENS.filter((s) => screens[s]?.yaml);
        manifest.unreached = Object.fromEntries(SCREENS.filter((s) => !screens[s]?.yaml).map((s) => [s, screens[s]?.error ?? 'not captured']));
        console.error(`${(manifest.screens as string[]).length} of ${SCREENS.length} screens -> ${path.join(out, 'screens')}`);
      } finally {
        await browser.close();
      }
    }
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  } finally {
    if (!process.env.CONTRACT_KEEP) rmSync(work, { recursive: true, force: true });
    else console.error(`kept ${work}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
