import { XMLParser } from 'fast-xml-parser';
import type { Ctx } from '../context.js';
import { E } from '../http/errors.js';
import { normalizeRegistry, type PreviewApp } from './preview-apps.js';
import { getNum, getStr } from './settings.js';

export interface DiscoveryAction {
  name: string;
  ext: string | null;
  urlsrc: string;
}
export interface DiscoveryApp {
  name: string;
  favIconUrl: string | null;
  actions: DiscoveryAction[];
}
export interface ProofKey {
  modulus: string;
  exponent: string;
  oldModulus?: string;
  oldExponent?: string;
}
export interface Discovery {
  apps: DiscoveryApp[];
  proofKey: ProofKey | null;
}

const MAX_BYTES = 5 * 1024 * 1024;
const cache = new Map<string, { at: number; doc: Discovery }>();

type Node = Record<string, unknown>;

function lowerKeys(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(lowerKeys);
  if (n && typeof n === 'object') {
    const out: Node = {};
    for (const [k, v] of Object.entries(n as Node)) {
      const lk = k.toLowerCase();
      const prev = out[lk];
      const val = lowerKeys(v);
      out[lk] = prev === undefined ? val : ([] as unknown[]).concat(prev, val);
    }
    return out;
  }
  return n;
}

function asArray(v: unknown): Node[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x) => x && typeof x === 'object') as Node[];
}

function attr(n: Node, name: string): string | undefined {
  const v = n[`@_${name.toLowerCase()}`];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function collect(n: unknown, tag: string, out: Node[], depth = 0): void {
  if (depth > 32 || !n || typeof n !== 'object') return;
  if (Array.isArray(n)) {
    for (const x of n) collect(x, tag, out, depth);
    return;
  }
  for (const [k, v] of Object.entries(n as Node)) {
    if (k.startsWith('@_')) continue;
    if (k === tag) out.push(...asArray(v));
    collect(v, tag, out, depth + 1);
  }
}

export function parseDiscovery(xml: string): Discovery {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseAttributeValue: false, parseTagValue: false });
  let tree: unknown;
  try {
    tree = lowerKeys(parser.parse(xml));
  } catch (e) {
    throw E.bad(`WOPI discovery is not valid XML: ${(e as Error).message}`);
  }
  const apps: DiscoveryApp[] = [];
  const appNodes: Node[] = [];
  collect(tree, 'app', appNodes);
  for (const a of appNodes) {
    const actions: DiscoveryAction[] = [];
    for (const x of asArray(a.action)) {
      const name = attr(x, 'name');
      const urlsrc = attr(x, 'urlsrc');
      if (!name || !urlsrc) continue;
      const ext = attr(x, 'ext');
      actions.push({ name: name.toLowerCase(), ext: ext ? ext.replace(/^\./, '').toLowerCase() : null, urlsrc });
    }
    apps.push({ name: attr(a, 'name') ?? '', favIconUrl: attr(a, 'faviconurl') ?? null, actions });
  }
  if (!apps.some((a) => a.actions.length > 0)) throw E.bad('WOPI discovery has no usable action');
  const pk: Node[] = [];
  collect(tree, 'proof-key', pk);
  let proofKey: ProofKey | null = null;
  if (pk[0]) {
    const m = attr(pk[0], 'modulus');
    const e = attr(pk[0], 'exponent');
    if (m && e) proofKey = { modulus: m, exponent: e, oldModulus: attr(pk[0], 'oldmodulus'), oldExponent: attr(pk[0], 'oldexponent') };
  }
  return { apps, proofKey };
}

export async function fetchDiscovery(ctx: Ctx, url: string): Promise<Discovery> {
  const ttl = getNum(ctx.store, 'wopi_discovery_cache_ttl_secs') * 1000;
  const hit = cache.get(url);
  if (hit && Date.now() - hit.at < ttl) return hit.doc;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000), headers: { 'user-agent': 'AsterDrive/0.5.0' } });
    if (!res.ok) throw E.bad(`WOPI discovery request failed with HTTP ${res.status}`);
    const buf = Buffer.from(await res.arrayBuffer());
    if (buf.length > MAX_BYTES) throw E.bad('WOPI discovery document is too large');
    const doc = parseDiscovery(new TextDecoder('utf-8', { fatal: true }).decode(buf));
    cache.set(url, { at: Date.now(), doc });
    return doc;
  } catch (e) {
    if (hit) return hit.doc;
    if ((e as { code?: string }).code) throw e;
    throw E.bad(`WOPI discovery fetch failed: ${(e as Error).message}`);
  }
}

const ORDER = ['edit', 'embededit', 'mobileedit', 'view', 'embedview', 'mobileview'];

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function urlSlug(url: string): string {
  const u = new URL(url);
  const parts = [u.hostname, ...(u.port ? [u.port] : []), ...u.pathname.split('/').filter(Boolean)];
  return parts.map(slug).filter(Boolean).join('.');
}

export async function buildDiscoveryPreviewConfig(ctx: Ctx, discoveryUrl: string, draft?: string): Promise<string> {
  try {
    new URL(discoveryUrl);
  } catch {
    throw E.bad('invalid discovery_url');
  }
  const doc = await fetchDiscovery(ctx, discoveryUrl);
  const base = normalizeRegistry(draft ?? getStr(ctx.store, 'frontend_preview_apps_json'));
  const generated: PreviewApp[] = [];
  for (const app of doc.apps) {
    const concrete = app.actions.filter((a) => a.ext && a.ext !== '*');
    if (concrete.length === 0) continue;
    const action = ORDER.find((n) => concrete.some((a) => a.name === n)) ?? concrete[0]!.name;
    const exts = [...new Set(concrete.map((a) => a.ext!))];
    generated.push({
      key: `custom.wopi.${urlSlug(discoveryUrl)}__wopi_discovery__${slug(app.name) || 'app'}`,
      provider: 'wopi',
      icon: app.favIconUrl ?? '/static/preview-apps/file.svg',
      enabled: true,
      labels: { en: app.name, zh: app.name },
      extensions: exts,
      config: { mode: 'iframe', action, discovery_url: discoveryUrl },
    });
  }
  if (generated.length === 0) throw E.bad('WOPI discovery has nothing importable');
  const previous = new Map(
    base.apps.filter((a) => a.key.includes('__wopi_discovery__') && a.config.discovery_url === discoveryUrl).map((a) => [a.key, a.enabled]),
  );
  for (const g of generated) if (previous.has(g.key)) g.enabled = previous.get(g.key)!;
  const apps = [...base.apps.filter((a) => !previous.has(a.key)), ...generated];
  return JSON.stringify(normalizeRegistry(JSON.stringify({ version: 2, apps })), null, 2);
}
