import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Ctx } from '../context.js';
import type { BlobRec, PolicyRec } from '../db/types.js';
import { E } from '../http/errors.js';
import { StorageError, type StorageDriver } from './driver.js';
import { LocalDriver } from './local.js';
import { S3Driver } from './s3.js';

export const LOCAL_ID = 'asterdrive.storage.local';
export const S3_ID = 'asterdrive.storage.s3';

export interface Connection {
  connector_config: { connector_id: string; values?: Record<string, unknown> } & Record<string, unknown>;
  credential?: { mode?: string; values?: Record<string, string> };
}

/**
 * The driver label of storage_driver_operations_total: upstream 0.5.0 wraps every policy's driver
 * in its storage connector and labels all of them "storage_connector" (src/storage/metrics_driver.rs).
 */
const DRIVER_LABEL = 'storage_connector';

export class StorageManager {
  private cache = new Map<string, StorageDriver>();
  constructor(private ctx: Ctx) {}

  get tempDir(): string {
    return path.join(this.ctx.cfg.dataDir, '.uploads');
  }

  async tempFile(): Promise<string> {
    await fsp.mkdir(this.tempDir, { recursive: true });
    return path.join(this.tempDir, `${crypto.randomUUID()}.part`);
  }

  build(conn: Connection): StorageDriver {
    const id = conn.connector_config.connector_id;
    const v = (conn.connector_config.values ?? {}) as Record<string, unknown>;
    if (id === LOCAL_ID) return new LocalDriver(String(v.base_path ?? './data/uploads'), this.ctx.cfg.cwd);
    if (id === S3_ID) {
      const cred = conn.credential?.values ?? {};
      return new S3Driver({
        endpoint: String(v.endpoint ?? ''),
        bucket: String(v.bucket ?? ''),
        basePath: String(v.base_path ?? ''),
        region: String(v.s3_region ?? 'us-east-1'),
        pathStyle: v.s3_path_style === undefined ? true : v.s3_path_style === true || v.s3_path_style === 'true',
        accessKeyId: String(cred.s3_access_key_id ?? ''),
        secretAccessKey: String(cred.s3_secret_access_key ?? ''),
      });
    }
    throw E.bad(`unsupported storage connector ${id}`, 'storage.unsupported_driver');
  }

  driver(policy: PolicyRec): StorageDriver {
    const k = `${policy.id}:${policy.updated_at}`;
    let d = this.cache.get(k);
    if (!d) {
      d = this.build({ connector_config: policy.connector_config as Connection['connector_config'], credential: policy.credential });
      this.cache.set(k, d);
    }
    return d;
  }

  policy(id: number): PolicyRec {
    const p = this.ctx.store.state.policies.find((x) => x.id === id);
    if (!p) throw E.notFound('storage.policy_not_found', 'storage policy not found');
    return p;
  }

  private async op<T>(operation: string, f: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      const r = await f();
      this.ctx.metrics.inc('storage_driver_operations_total', 'Storage driver operations', {
        driver: DRIVER_LABEL,
        operation,
        status: 'success',
        kind: 'ok',
      });
      this.observe(operation, 'success', 'ok', t0);
      return r;
    } catch (e) {
      const kind = e instanceof StorageError ? e.kind : 'unknown';
      this.ctx.metrics.inc('storage_driver_operations_total', 'Storage driver operations', { driver: DRIVER_LABEL, operation, status: 'failure', kind });
      this.observe(operation, 'failure', kind, t0);
      throw e;
    }
  }

  private observe(operation: string, status: string, kind: string, t0: number): void {
    this.ctx.metrics.observe(
      'storage_driver_operation_duration_seconds',
      'Storage driver operation duration',
      { driver: DRIVER_LABEL, operation, status, kind },
      (performance.now() - t0) / 1000,
    );
  }

  /** Moves a finished temp file into the policy's storage and creates the blob record (caller commits). */
  async storeTemp(policy: PolicyRec, tempPath: string, size: number, sha256: string): Promise<BlobRec> {
    const d = this.driver(policy);
    const key = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/${crypto.randomUUID()}`;
    try {
      await this.op('put', () => d.putFile(key, tempPath, size));
    } catch (e) {
      await fsp.rm(tempPath, { force: true }).catch(() => {});
      throw e instanceof StorageError ? e.toApi() : e;
    }
    if (this.ctx.cfg.faults.objectsVanish()) await d.delete(key).catch(() => {});
    const blob: BlobRec = { id: this.ctx.store.nextId('blobs'), policyId: policy.id, key, size, sha256, refs: 0, createdAt: new Date().toISOString() };
    this.ctx.store.state.blobs.push(blob);
    return blob;
  }

  async read(blob: BlobRec, range?: { start: number; end: number }): Promise<Readable> {
    const d = this.driver(this.policy(blob.policyId));
    try {
      return await this.op('get', () => d.get(blob.key, range));
    } catch (e) {
      throw e instanceof StorageError ? e.toApi() : e;
    }
  }

  async readBuffer(blob: BlobRec): Promise<Buffer> {
    const s = await this.read(blob);
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks);
  }

  async deleteBlob(blob: BlobRec): Promise<void> {
    const p = this.ctx.store.state.policies.find((x) => x.id === blob.policyId);
    if (!p) return;
    const d = this.driver(p);
    await this.op('delete', () => d.delete(blob.key)).catch(() => {});
  }

  async exists(blob: BlobRec): Promise<boolean> {
    const p = this.ctx.store.state.policies.find((x) => x.id === blob.policyId);
    if (!p) return false;
    return this.driver(p).exists(blob.key);
  }

  async ready(policy: PolicyRec): Promise<void> {
    const d = this.driver(policy);
    await this.op('ready', () => d.ready());
  }

  /** Writes, reads back and deletes a probe object (policy connection test). */
  async probe(d: StorageDriver): Promise<void> {
    const key = `.asterdrive-probe/${crypto.randomUUID()}`;
    const tmp = await this.tempFile();
    const payload = Buffer.from(`asterdrive probe ${Date.now()}`);
    await fsp.writeFile(tmp, payload);
    try {
      await this.op('put', () => d.putFile(key, tmp, payload.length));
      const s = await this.op('get', () => d.get(key));
      const chunks: Buffer[] = [];
      for await (const c of s) chunks.push(Buffer.from(c as Buffer));
      if (!Buffer.concat(chunks).equals(payload)) throw new StorageError('unknown', 'probe object read back with different content');
      await this.op('delete', () => d.delete(key));
    } finally {
      if (fs.existsSync(tmp)) await fsp.rm(tmp, { force: true });
    }
  }
}
