import fs from 'node:fs';
import type { Readable } from 'node:stream';
import {
  S3Client,
  PutObjectCommand,
  GetObjectCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  HeadBucketCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { StorageError, type StorageDriver } from './driver.js';

export interface S3Options {
  endpoint: string;
  bucket: string;
  basePath: string;
  region: string;
  pathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
}

const SINGLE_PUT_MAX = 16 * 1024 * 1024;
const PART_SIZE = 8 * 1024 * 1024;

function redact(msg: string, o: S3Options): string {
  let m = msg;
  if (o.secretAccessKey) m = m.split(o.secretAccessKey).join('***');
  return m;
}

export function mapS3Error(e: unknown, o: S3Options): StorageError {
  const err = e as { name?: string; Code?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name ?? err.Code ?? '';
  const status = err.$metadata?.httpStatusCode;
  const msg = redact(`${name}: ${err.message ?? String(e)}`, o);
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AuthorizationHeaderMalformed', 'InvalidToken', 'ExpiredToken'].includes(name))
    return new StorageError('auth', msg);
  if (name === 'AccessDenied' || status === 403) return new StorageError('permission', msg);
  if (name === 'NoSuchBucket' || name === 'NoSuchKey' || name === 'NotFound' || status === 404) return new StorageError('not_found', msg);
  const code = err.code ?? (e as { cause?: { code?: string } }).cause?.code;
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'TimeoutError'].includes(String(code)) ||
    name === 'TimeoutError' ||
    (status !== undefined && status >= 500)
  ) {
    return new StorageError('transient', msg);
  }
  if (!status) return new StorageError('transient', msg);
  return new StorageError('unknown', msg);
}

export class S3Driver implements StorageDriver {
  readonly driver = 's3' as const;
  private client: S3Client;
  constructor(readonly o: S3Options) {
    this.client = new S3Client({
      endpoint: o.endpoint || undefined,
      region: o.region || 'us-east-1',
      forcePathStyle: o.pathStyle,
      credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
  }

  private k(key: string): string {
    const base = this.o.basePath.replace(/^\/+|\/+$/g, '');
    return base ? `${base}/${key}` : key;
  }

  private async call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw mapS3Error(e, this.o);
    }
  }

  async putFile(key: string, tempPath: string, size: number): Promise<void> {
    const Key = this.k(key);
    const Bucket = this.o.bucket;
    if (size <= SINGLE_PUT_MAX) {
      await this.call(() => this.client.send(new PutObjectCommand({ Bucket, Key, Body: fs.createReadStream(tempPath), ContentLength: size })));
      return;
    }
    const { UploadId } = await this.call(() => this.client.send(new CreateMultipartUploadCommand({ Bucket, Key })));
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let off = 0, n = 1; off < size; off += PART_SIZE, n++) {
        const end = Math.min(size, off + PART_SIZE) - 1;
        const r = await this.call(() =>
          this.client.send(
            new UploadPartCommand({
              Bucket,
              Key,
              UploadId,
              PartNumber: n,
              Body: fs.createReadStream(tempPath, { start: off, end }),
              ContentLength: end - off + 1,
            }),
          ),
        );
        parts.push({ ETag: r.ETag ?? '', PartNumber: n });
      }
      await this.call(() => this.client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } })));
    } catch (e) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => {});
      throw e;
    }
    await fs.promises.rm(tempPath, { force: true });
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const r = await this.call(() =>
      this.client.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: this.k(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined })),
    );
    return r.Body as Readable;
  }

  async delete(key: string): Promise<void> {
    await this.call(() => this.client.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: this.k(key) })));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: this.k(key) }));
      return true;
    } catch (e) {
      const se = mapS3Error(e, this.o);
      if (se.kind === 'not_found') return false;
      throw se;
    }
  }

  async ready(): Promise<void> {
    await this.call(() => this.client.send(new HeadBucketCommand({ Bucket: this.o.bucket })));
  }

  destroy(): void {
    this.client.destroy();
  }
}
