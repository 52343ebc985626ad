import type { Request } from 'express';
import { type Adapter, type AuthResponse, BadGatewayError, type Method, MethodNotSupportedError, ResourceNotFoundError, type User } from 'nephele';
import type { DavPrincipal, Vfs, VfsEntry } from '../vfs.js';
import { urlToSegments } from './paths.js';
import { VfsResource } from './resource.js';

/** Per-request adapter bound to the authenticated principal. */
export class VfsAdapter implements Adapter {
  constructor(
    readonly vfs: Vfs,
    readonly principal: DavPrincipal,
  ) {}

  async getComplianceClasses(_url: URL, _request: Request, _response: AuthResponse): Promise<string[]> {
    return ['2'];
  }

  async getAllowedMethods(_url: URL, _request: Request, _response: AuthResponse): Promise<string[]> {
    return [];
  }

  async getOptionsResponseCacheControl(_url: URL, _request: Request, _response: AuthResponse): Promise<string> {
    return 'no-store';
  }

  async isAuthorized(url: URL, _method: string, baseUrl: URL, _user: User): Promise<boolean> {
    return urlToSegments(url, baseUrl) !== null;
  }

  /** Existing entry at `path` ([] always exists: the account root). */
  async stat(path: string[]): Promise<VfsEntry | null> {
    const entry = await this.vfs.stat(this.principal, path);
    if (entry || path.length > 0) return entry;
    const epoch = new Date(0);
    return { kind: 'folder', id: 0, name: '', size: 0, mimeType: '', etag: 'root', createdAt: epoch, updatedAt: epoch };
  }

  async getResource(url: URL, baseUrl: URL): Promise<VfsResource> {
    const path = this.pathOf(url, baseUrl);
    const entry = await this.stat(path);
    if (!entry) throw new ResourceNotFoundError('Resource not found.');
    return new VfsResource(this, baseUrl, path, entry);
  }

  async newResource(url: URL, baseUrl: URL): Promise<VfsResource> {
    return new VfsResource(this, baseUrl, this.pathOf(url, baseUrl), null);
  }

  async newCollection(url: URL, baseUrl: URL): Promise<VfsResource> {
    return new VfsResource(this, baseUrl, this.pathOf(url, baseUrl), null, true);
  }

  getMethod(_method: string): typeof Method {
    throw new MethodNotSupportedError('Method not supported.');
  }

  private pathOf(url: URL, baseUrl: URL): string[] {
    const path = urlToSegments(url, baseUrl);
    if (!path) throw new BadGatewayError('The given path is not managed by this server.');
    return path;
  }
}
