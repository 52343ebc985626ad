import { defaults, Method } from 'nephele';

/**
 * Converts dead-property values between nephele's parsed-object form and the raw XML the Vfs
 * stores, using nephele's own parser/renderer so PROPPATCH → PROPFIND round-trips exactly.
 */
class Codec extends Method {
  constructor() {
    super(defaults);
    const builder = this.xmlBuilder as unknown as { options: Record<string, unknown> };
    Object.assign(builder.options, { headless: true, renderOpts: { pretty: false, indent: '', newline: '' } });
  }
}

const codec = new Codec();
const WRAP_OPEN = '<prop xmlns="DAV:">';
const WRAP_CLOSE = '</prop>';

/** nephele names non-DAV properties `uri%%local`; the Vfs keys them `{uri}local`. */
export function nepheleNameToKey(name: string): string {
  const at = name.indexOf('%%');
  return at < 0 ? `{DAV:}${name}` : `{${name.slice(0, at)}}${name.slice(at + 2)}`;
}

export function keyToNepheleName(key: string): string {
  const match = /^\{([^}]*)\}(.*)$/.exec(key);
  if (!match) return key;
  return match[1] === 'DAV:' ? match[2] : `${match[1]}%%${match[2]}`;
}

export async function valueToXml(name: string, value: unknown): Promise<string> {
  const xml = (await codec.renderXml({ prop: { [name]: value } })).trim();
  let inner = xml.startsWith(WRAP_OPEN) && xml.endsWith(WRAP_CLOSE) ? xml.slice(WRAP_OPEN.length, -WRAP_CLOSE.length) : xml;
  // DAV: elements inherit the wrapper's default namespace; make the stored XML self-contained.
  if (!name.includes('%%') && !/^<[^>]*\sxmlns=/.test(inner)) inner = inner.replace(/^<([A-Za-z_][\w.-]*)/, '<$1 xmlns="DAV:"');
  return inner;
}

export async function xmlToValue(name: string, xml: string): Promise<unknown> {
  const { output } = await codec.parseXml(`${WRAP_OPEN}${xml}${WRAP_CLOSE}`);
  const prop = output?.prop;
  const values = prop && typeof prop === 'object' ? prop[name] : undefined;
  if (values === undefined) return '';
  const value = Array.isArray(values) ? values[0] : values;
  if (value && typeof value === 'object' && Object.keys(value).length === 1 && '_' in value) return value._;
  return value;
}

/** Parses an owner element (or empty string) back into nephele's object form. */
export async function ownerFromXml(ownerXml: string): Promise<unknown> {
  if (ownerXml.trim() === '') return {};
  const value = await xmlToValue('owner', ownerXml);
  return value ?? {};
}

export async function ownerToXml(owner: unknown): Promise<string> {
  if (owner == null || (typeof owner === 'object' && Object.keys(owner).length === 0)) return '';
  return valueToXml('owner', owner);
}

export function renderXml(xml: unknown): Promise<string> {
  return codec.renderXml(xml);
}
