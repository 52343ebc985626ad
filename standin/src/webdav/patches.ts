import { BadRequestError, Method, Status } from 'nephele';

/**
 * Process-wide fixes to nephele (only this module uses it), applied once:
 * - lock timeouts print as floats ("Second-604799.998"); AsterDrive/RFC 4918 use whole seconds;
 * - multistatus hrefs are absolute URLs; Apache, Nextcloud and AsterDrive-style servers send paths;
 * - malformed request XML answers 500;
 * - sibling elements with one tag name but different namespaces (litmus `propmanyns`) collapse into
 *   the first one's namespace, because xml2js groups children by raw tag name.
 */
let applied = false;

export function applyNephelePatches(): void {
  if (applied) return;
  applied = true;
  const original = Method.prototype.formatLocks;
  Method.prototype.formatLocks = async function (this: Method, locks) {
    const xml = (await original.call(this, locks)) as { activelock?: { timeout: { _: string } }[] };
    for (const lock of xml.activelock ?? []) {
      const match = /^Second-(\d+(?:\.\d+)?)$/.exec(lock.timeout._);
      if (match) lock.timeout._ = `Second-${Math.max(1, Math.round(Number(match[1])))}`;
    }
    return xml;
  };
  const render = Status.prototype.render;
  Status.prototype.render = function (this: Status) {
    return { ...render.call(this), href: { _: this.href.pathname } };
  };
  // Malformed request XML is a client error (400), not nephele's 500.
  const parseXml = Method.prototype.parseXml;
  Method.prototype.parseXml = async function (this: Method, xml: string) {
    splitNamespaceGroups(this);
    try {
      return await parseXml.call(this, xml);
    } catch (e) {
      throw new BadRequestError(`Invalid XML body: ${(e as Error).message.split('\n')[0]}`);
    }
  };
}

type Parsed = { [key: string]: unknown; $ns?: { uri: string } };
const SPLIT = Symbol('splitNamespaceGroups');

function splitNamespaceGroups(method: Method): void {
  const parser = method.xmlParser as unknown as {
    parseStringPromise(xml: string): Promise<unknown>;
    [SPLIT]?: true;
  };
  if (parser[SPLIT]) return;
  parser[SPLIT] = true;
  const parse = parser.parseStringPromise.bind(parser);
  parser.parseStringPromise = async (xml: string) => regroup(await parse(xml));
}

/** `{ x: [a(ns1), b(ns2)] }` → `{ x: [a], "x\u00001": [b] }`; nephele names keys from `$ns`. */
function regroup(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(regroup);
  if (node === null || typeof node !== 'object') return node;
  const out: Parsed = {};
  for (const [key, value] of Object.entries(node as Parsed)) {
    if (key === '$' || key === '$ns' || !Array.isArray(value)) {
      out[key] = key === '$' || key === '$ns' ? value : regroup(value);
      continue;
    }
    const groups = new Map<string, unknown[]>();
    for (const child of value) {
      const uri = (child as Parsed)?.$ns?.uri ?? '';
      groups.set(uri, [...(groups.get(uri) ?? []), regroup(child)]);
    }
    // The suffix must not contain ':' (nephele reads a prefix from the key).
    let index = 0;
    for (const children of groups.values()) {
      out[index === 0 ? key : `${key}\u0000${index}`] = children;
      index++;
    }
  }
  return out;
}
