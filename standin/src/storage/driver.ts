import type { Readable } from 'node:stream';
import { ApiError } from '../http/errors.js';

export interface StorageDriver {
  readonly driver: 'local' | 's3';
  /** Stores the content of a local temp file under `key` (the temp file may be moved). */
  putFile(key: string, tempPath: string, size: number): Promise<void>;
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Cheap readiness probe (e.g. bucket reachable). */
  ready(): Promise<void>;
}

export type StorageKind = 'auth' | 'not_found' | 'permission' | 'precondition' | 'transient' | 'unsupported' | 'unknown';

export class StorageError extends Error {
  constructor(
    readonly kind: StorageKind,
    message: string,
  ) {
    super(message);
  }
  toApi(): ApiError {
    const retryable = this.kind === 'transient';
    const e = new ApiError(500, `storage.${this.kind}`, 'Storage Driver Error', retryable);
    return e.withDiagnostic(this.kind, this.message);
  }
}
