/**
 * The stand-in keeps to the contract recorded from the real AsterDrive (standin/contract/, issue 11):
 * the launch suite's `api` project runs against the managed stand-in with the recording hook on, and
 * every endpoint the real server was asked is compared: statuses, field presence, types and
 * nullability, envelope codes, cookies and their attributes, a few headers. The panel's screens the
 * page objects use are captured from the stand-in and compared with the real panel's aria snapshots:
 * every role and name a page object relies on must be there, and any other difference must be one
 * of the listed known ones (known-differences.json). Re-record: `ASTER_DRIVE_BIN=... npm run record-contract`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import type { Shape, ShapeObject } from '../helpers/clients/api/contract-hook.js';
import { resolveChromium } from '../helpers/harness/chromium.js';
import {
  CONTRACT_NAME,
  CONTRACT_ROOT,
  compareEndpoints,
  compareScreens,
  condense,
  type Endpoint,
  readEndpoints,
  readScreens,
  recordScreens,
  recordSuite,
} from './support/contract.js';

const DIR = path.join(CONTRACT_ROOT, CONTRACT_NAME);
const manifest = JSON.parse(readFileSync(path.join(DIR, 'contract.json'), 'utf8')) as { without?: string; target: string };
/** Differences that are known and explained, each with its reason; anything else fails. */
const known = JSON.parse(readFileSync(path.join(DIR, 'known-differences.json'), 'utf8')) as { api: Record<string, string>; screens: Record<string, string> };

test.describe.configure({ mode: 'serial', timeout: 400_000 });

let work: string;
test.beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'contract-replay-'));
});
test.afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Lists the differences that are not known; CONTRACT_DIFF_FILE=<file> writes them all out for review. */
function unknown(kind: 'api' | 'screens', differences: string[]): string[] {
  if (process.env.CONTRACT_DIFF_FILE) writeFileSync(`${process.env.CONTRACT_DIFF_FILE}.${kind}.json`, `${JSON.stringify(differences, null, 2)}\n`);
  const stale = Object.keys(known[kind]).filter((k) => !differences.includes(k));
  if (stale.length) test.info().annotations.push({ type: 'stale known differences', description: stale.join('\n') });
  return differences.filter((d) => !(d in known[kind]));
}

test('the comparison notices a field removed from an answer, a changed type, a new null and a lost cookie', () => {
  const real = readEndpoints(path.join(DIR, 'api'));
  const login = real.get('POST /api/v1/auth/login');
  expect(login, 'the contract has the login').toBeDefined();
  const folder = [...real.values()].find((e) => e.endpoint === 'GET /api/v1/folders/{id}');
  expect(folder, 'the contract has a folder listing').toBeDefined();
  const copy = (e: Endpoint) => JSON.parse(JSON.stringify(e)) as Endpoint;
  const data = (e: Endpoint) => (e.answers['200'].shape as ShapeObject).data as ShapeObject;
  expect(compareEndpoints(real, real)).toEqual([]);

  const removed = copy(folder!);
  const field = Object.keys(data(removed))[0];
  delete data(removed)[field];
  expect(compareEndpoints(new Map([[folder!.endpoint, folder!]]), new Map([[folder!.endpoint, removed]]))).toContain(
    `GET /api/v1/folders/{id} 200 body.data.${field.replace(/\?$/, '')}: missing (the real server ${field.endsWith('?') ? 'sometimes sends' : 'always sends'} it)`,
  );

  const retyped = copy(login!);
  const loginData = (retyped.answers['200'].shape as ShapeObject).data as ShapeObject;
  const [k] = Object.entries(loginData).find(([, v]) => v === 'string') ?? [];
  if (k) {
    loginData[k] = 'number|null' as Shape;
    const diff = compareEndpoints(new Map([[login!.endpoint, login!]]), new Map([[login!.endpoint, retyped]]));
    expect(diff.join('\n')).toContain(`body.data.${k}: number where the real server has string`);
    expect(diff.join('\n')).toContain(`body.data.${k}: null where the real server never answers null`);
  }
  const cookieless = copy(login!);
  cookieless.answers['200'].cookies = cookieless.answers['200'].cookies.slice(1);
  expect(compareEndpoints(new Map([[login!.endpoint, login!]]), new Map([[login!.endpoint, cookieless]])).join('\n')).toMatch(/no Set-Cookie aster_/);
});

test(`the stand-in answers the suite's requests as ${CONTRACT_NAME} does (statuses, fields, types, nullability, cookies)`, async () => {
  const real = readEndpoints(path.join(DIR, 'api'));
  expect(real.size, 'the recorded contract has endpoints').toBeGreaterThan(20);
  const lines = await recordSuite({ dir: path.join(work, 'suite'), without: manifest.without || undefined });
  expect(lines.length, 'the stand-in run made requests through the recording hook').toBeGreaterThan(50);
  const differences = compareEndpoints(real, condense(lines));
  expect(unknown('api', differences), `the stand-in differs from ${manifest.target}`).toEqual([]);
});

test(`the stand-in panel has the real panel's structure on the screens the page objects use`, async () => {
  const real = readScreens(path.join(DIR, 'screens'));
  expect(Object.values(real).filter((s) => s.yaml).length, 'the contract has screens').toBeGreaterThan(5);
  const { executablePath } = resolveChromium(process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE);
  test.skip(!executablePath && !existsSync(chromium.executablePath()), 'no Chromium on this machine (npm run setup)');
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const stand = await recordScreens({ browser });
    const { differences, pageObject } = compareScreens(real, stand);
    expect(pageObject, 'roles and names the page objects use, present on the real panel, are missing on the stand-in').toEqual([]);
    expect(unknown('screens', differences), 'the stand-in panel differs from the real one').toEqual([]);
  } finally {
    await browser.close();
  }
});
