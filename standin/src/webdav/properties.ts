import { createHash } from 'node:crypto';
import { type Properties, PropertyIsProtectedError, PropertyNotFoundError, type User } from 'nephele';
import type { VfsResource } from './resource.js';
import { keyToNepheleName, nepheleNameToKey, valueToXml, xmlToValue } from './xml-codec.js';

type PropValue = string | object | object[];
type Instruction = ['set' | 'remove', string, unknown];

const LIVE = ['creationdate', 'displayname', 'getcontentlength', 'getcontenttype', 'getetag', 'getlastmodified', 'resourcetype', 'supportedlock'] as const;
const QUOTA = ['quota-used-bytes', 'quota-available-bytes'] as const;
const PROTECTED = new Set<string>([...LIVE, ...QUOTA, 'lockdiscovery']);

/** Live properties from the Vfs entry, dead properties from Vfs getProps/setProps. */
export class VfsProperties implements Properties {
  constructor(readonly resource: VfsResource) {}

  async get(name: string): Promise<PropValue> {
    const live = await this.getLive(name);
    if (live !== undefined) return live;
    const dead = await this.resource.vfs.getProps(this.resource.principal, this.resource.path);
    const key = nepheleNameToKey(name);
    if (!(key in dead)) throw new PropertyNotFoundError(`${name} property doesn't exist on resource.`);
    return withOwnPrefix(name, await xmlToValue(name, dead[key]));
  }

  getByUser(name: string, _user: User): Promise<PropValue> {
    return this.get(name);
  }

  async set(name: string, value: unknown): Promise<void> {
    await this.throwFirst(await this.runInstructions([['set', name, value]]));
  }

  setByUser(name: string, value: unknown, _user: User): Promise<void> {
    return this.set(name, value);
  }

  async remove(name: string): Promise<void> {
    await this.throwFirst(await this.runInstructions([['remove', name, undefined]]));
  }

  removeByUser(name: string, _user: User): Promise<void> {
    return this.remove(name);
  }

  /** Atomic like AsterDrive: any refused property fails the whole PROPPATCH. DAV: names are refused. */
  async runInstructions(instructions: Instruction[]): Promise<undefined | [string, Error][]> {
    const errors: [string, Error][] = [];
    for (const [, name] of instructions) {
      if (PROTECTED.has(name) || !name.includes('%%')) {
        errors.push([name, new PropertyIsProtectedError(`${name} is a protected property.`)]);
      }
    }
    if (errors.length) return errors;
    const set: Record<string, string> = {};
    const removed: string[] = [];
    for (const [action, name, value] of instructions) {
      const key = nepheleNameToKey(name);
      if (action === 'set') {
        set[key] = await valueToXml(name, value);
        const at = removed.indexOf(key);
        if (at >= 0) removed.splice(at, 1);
      } else {
        delete set[key];
        if (!removed.includes(key)) removed.push(key);
      }
    }
    try {
      await this.resource.vfs.setProps(this.resource.principal, this.resource.path, set, removed);
    } catch (e) {
      return instructions.map(([, name]) => [name, e as Error]);
    }
    return undefined;
  }

  runInstructionsByUser(instructions: Instruction[], _user: User): Promise<undefined | [string, Error][]> {
    return this.runInstructions(instructions);
  }

  async getAll(): Promise<{ [k: string]: PropValue }> {
    const all: { [k: string]: PropValue } = {};
    for (const name of await this.listLive()) {
      const value = await this.getLive(name);
      if (value !== undefined) all[name] = value;
    }
    const dead = await this.resource.vfs.getProps(this.resource.principal, this.resource.path);
    for (const [key, xml] of Object.entries(dead)) {
      const name = keyToNepheleName(key);
      all[name] = withOwnPrefix(name, await xmlToValue(name, xml));
    }
    return all;
  }

  getAllByUser(_user: User): Promise<{ [k: string]: PropValue }> {
    return this.getAll();
  }

  async list(): Promise<string[]> {
    return [...(await this.listLive()), ...(await this.listDead())];
  }

  listByUser(_user: User): Promise<string[]> {
    return this.list();
  }

  async listLive(): Promise<string[]> {
    const collection = await this.resource.isCollection();
    return collection ? [...LIVE.filter((name) => name !== 'getcontentlength' && name !== 'getcontenttype'), ...QUOTA] : [...LIVE];
  }

  listLiveByUser(_user: User): Promise<string[]> {
    return this.listLive();
  }

  async listDead(): Promise<string[]> {
    const dead = await this.resource.vfs.getProps(this.resource.principal, this.resource.path);
    return Object.keys(dead).map(keyToNepheleName);
  }

  listDeadByUser(_user: User): Promise<string[]> {
    return this.listDead();
  }

  private async throwFirst(errors: undefined | [string, Error][]): Promise<void> {
    if (errors?.length) throw errors[0][1];
  }

  /** undefined = not a live property (or not present on this kind of resource). */
  private async getLive(name: string): Promise<PropValue | undefined> {
    const { entry } = this.resource;
    const collection = await this.resource.isCollection();
    switch (name) {
      case 'creationdate':
        return entry?.createdAt.toISOString();
      case 'displayname':
        return entry ? entry.name : undefined;
      case 'getcontentlength':
        return collection || !entry ? undefined : String(entry.size);
      case 'getcontenttype':
        return collection || !entry ? undefined : entry.mimeType || 'application/octet-stream';
      case 'getetag':
        return entry ? `"${entry.etag}"` : undefined;
      case 'getlastmodified':
        return entry?.updatedAt.toUTCString();
      case 'resourcetype':
        return collection ? { collection: {} } : {};
      case 'supportedlock':
        return {
          lockentry: [
            { lockscope: { exclusive: {} }, locktype: { write: {} } },
            { lockscope: { shared: {} }, locktype: { write: {} } },
          ],
        };
      case 'quota-used-bytes':
      case 'quota-available-bytes': {
        if (!collection) return undefined;
        const quota = await this.resource.vfs.quota(this.resource.principal);
        if (name === 'quota-used-bytes') return String(quota.used);
        return quota.available === null ? undefined : String(Math.max(0, quota.available));
      }
      default:
        return undefined;
    }
  }
}

/**
 * nephele renders unprefixed foreign elements by local name only, so `{a}x` and `{b}x` in one
 * response collide. Declaring a per-namespace prefix on the value makes it render as `p:x`.
 */
function withOwnPrefix(name: string, value: unknown): PropValue {
  const at = name.indexOf('%%');
  const uri = at < 0 ? '' : name.slice(0, at);
  if (uri === '') return value as PropValue;
  const prefix = `ns${createHash('sha1').update(uri).digest('hex').slice(0, 6)}`;
  if (value === null || typeof value !== 'object') {
    return { $: { [`xmlns:${prefix}`]: uri }, _: String(value ?? '') };
  }
  if (Array.isArray(value)) return value as PropValue;
  const object = value as { $?: Record<string, string> };
  return { ...object, $: { ...object.$, [`xmlns:${prefix}`]: uri } };
}
