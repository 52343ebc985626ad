/**
 * Reads a WOPI discovery document the way AsterDrive does (upstream src/services/preview/wopi/discovery/parser.rs): namespace-prefix
 * agnostic, case-insensitive names, `action` elements anywhere (net-zone is ignored), `ext`
 * without a leading dot, `*` as a wildcard, at most one `proof-key`.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export interface DiscoveryAction {
  app: string;
  name: string;
  ext: string;
  urlsrc: string;
}

export interface Discovery {
  actions: DiscoveryAction[];
  proofKey: boolean;
}

type Node = Record<string, unknown>;

const attr = (node: Node, name: string): string | undefined => {
  for (const [k, v] of Object.entries(node)) if (k.startsWith('@_') && k.slice(2).toLowerCase() === name) return String(v);
  return undefined;
};

/** Parses discovery XML; throws with the parser's line and reason when it is not well-formed. */
export function parseDiscovery(xml: string): Discovery {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, parseAttributeValue: false });
  const root = parser.parse(xml) as Node;
  const actions: DiscoveryAction[] = [];
  let proofKey = false;
  const walk = (node: unknown, app: string): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, app);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Node)) {
      if (key.startsWith('@_')) continue;
      const name = key.toLowerCase();
      const children = Array.isArray(value) ? value : [value];
      for (const child of children) {
        if (!child || typeof child !== 'object') continue;
        const c = child as Node;
        if (name === 'proof-key' && attr(c, 'modulus') && attr(c, 'exponent')) proofKey = true;
        if (name === 'action') {
          const actionName = attr(c, 'name');
          const urlsrc = attr(c, 'urlsrc');
          if (actionName && urlsrc) {
            actions.push({ app, name: actionName.toLowerCase(), ext: (attr(c, 'ext') ?? '').replace(/^\./, '').toLowerCase(), urlsrc });
          }
        }
        walk(c, name === 'app' ? (attr(c, 'name') ?? app) : app);
      }
    }
  };
  walk(root, '');
  return { actions, proofKey };
}

/** Actions that AsterDrive could launch for a file extension (exact ext or the `*` wildcard). */
export function actionsFor(discovery: Discovery, ext: string): DiscoveryAction[] {
  return discovery.actions.filter((a) => a.ext === ext || a.ext === '*');
}
