/**
 * A real S3-compatible server on a free loopback port: Versity S3 Gateway
 * (versitygw, https://github.com/versity/versitygw) with its `posix` backend
 * serving a temp directory (metadata in a sidecar directory), single-account mode with
 * generated credentials.
 *
 * Binary: $S3_SERVER_BIN, then ${ASTER_TOOLS_DIR:-~/.cache/aster-launch-tools}/bin/versitygw,
 * then PATH. Install the pinned version with `bash .ci/install-services.sh`.
 *
 * What works against it (checked with @aws-sdk/client-s3 3.1175.0): buckets, Put (streamed,
 * ContentLength), Get (incl. Range), Head, Copy, Delete, DeleteObjects, ListObjectsV2 (prefix,
 * delimiter), multipart (create/upload/list/complete/abort), presigned URLs, user metadata,
 * SigV4 verification (a wrong secret is refused), bucket CORS (Put/GetBucketCors + preflight),
 * bucket policies, and bucket versioning (Put/GetBucketVersioning, ListObjectVersions,
 * GetObject by VersionId) when started with `versioning: true` (the default).
 * Not implemented by versitygw: lifecycle configuration (501).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutBucketVersioningCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import {
  findBinary,
  freePort,
  httpAnswers,
  looksLikePortClash,
  missingBinaryError,
  removeDir,
  type ServiceProcess,
  spawnService,
  stopOnce,
  waitUntilReady,
} from './process.js';
import { makeTempDir } from '../temp-dirs.js';

export interface S3Options {
  /** Bucket to create (default `aster-test-<random>`). */
  bucket?: string;
  /** Region the gateway reports and signs with (default `us-east-1`). */
  region?: string;
  /**
   * Start the gateway with `--versioning-dir` so buckets can have versioning
   * enabled through the API (default true). The created bucket starts unversioned
   * (GetBucketVersioning has no Status) unless `enableBucketVersioning` is set.
   */
  versioning?: boolean;
  /** Turn versioning on for the created bucket (implies `versioning`). */
  enableBucketVersioning?: boolean;
  /**
   * Where object metadata (ETag, content type, user metadata, ACLs) is kept:
   * `sidecar` (default): files under `<tempDir>/meta` (`posix --sidecar`), works on any filesystem;
   * `xattr`: extended attributes on the object files (versitygw's default; needs user xattrs on the temp dir's filesystem).
   */
  metadata?: 'sidecar' | 'xattr';
  /** Gateway default `Access-Control-Allow-Origin` when a bucket has no CORS config (`--cors-allow-origin`). */
  corsAllowOrigin?: string;
  /** More global versitygw flags, placed before the `posix` subcommand (see `versitygw --help`). */
  extraArgs?: string[];
  /** How long to wait for the gateway to answer (default 20 s). */
  startTimeoutMs?: number;
  /** Keep the temp dir (objects, versions, log) after stop(), for debugging. */
  keepTempDir?: boolean;
}

export interface S3Instance {
  /** e.g. `http://127.0.0.1:40123` */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: true;
  /** Directory served by the gateway: `<dataDir>/<bucket>/<key>` is the object's file. */
  dataDir: string;
  tempDir: string;
  logFile: string;
  /** Settings for `new S3Client(...)`, including the checksum settings non-AWS servers need. */
  clientConfig(): S3ClientConfig;
  stop(): Promise<void>;
}

export const S3_SERVER_BIN_ENV = 'S3_SERVER_BIN';

/** Path of the S3 server (versitygw) binary, or null when it isn't installed. */
export function findS3Server(): string | null {
  return findBinary(S3_SERVER_BIN_ENV, 'versitygw');
}

function randomKey(bytes: number, alphabet: string): string {
  const buf = randomBytes(bytes);
  let out = '';
  for (const b of buf) out += alphabet[b % alphabet.length];
  return out;
}

export async function startS3(opts: S3Options = {}): Promise<S3Instance> {
  const bin = findS3Server();
  if (!bin) throw missingBinaryError('S3 server (versitygw)', S3_SERVER_BIN_ENV, 'versitygw');
  const host = '127.0.0.1';
  const region = opts.region ?? 'us-east-1';
  const bucket = opts.bucket ?? `aster-test-${randomKey(10, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
  const accessKeyId = `AK${randomKey(18, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
  const secretAccessKey = randomKey(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
  const versioning = opts.versioning !== false || opts.enableBucketVersioning === true;

  const tempDir = makeTempDir('s3');
  const dataDir = path.join(tempDir, 'data');
  const versionsDir = path.join(tempDir, 'versions');
  const metaDir = path.join(tempDir, 'meta');
  const sidecar = opts.metadata !== 'xattr';
  const logFile = path.join(tempDir, 'versitygw.log');
  mkdirSync(dataDir);
  if (versioning) mkdirSync(versionsDir);
  if (sidecar) mkdirSync(metaDir);
  const timeout = opts.startTimeoutMs ?? 20_000;

  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort(host);
      const endpoint = `http://${host}:${port}`;
      const args = [
        '--port',
        `${host}:${port}`,
        '--access',
        accessKeyId,
        '--secret',
        secretAccessKey,
        '--region',
        region,
        ...(opts.corsAllowOrigin ? ['--cors-allow-origin', opts.corsAllowOrigin] : []),
        ...(opts.extraArgs ?? []),
        'posix',
        ...(sidecar ? ['--sidecar', metaDir] : []),
        ...(versioning ? ['--versioning-dir', versionsDir] : []),
        dataDir,
      ];
      const proc: ServiceProcess = spawnService(bin, args, {
        logFile,
        cwd: tempDir,
        // versitygw reads VGW_* and ROOT_* settings from the environment
        dropEnvPrefixes: ['VGW_', 'ROOT_ACCESS_KEY', 'ROOT_SECRET'],
      });
      try {
        // Any HTTP answer (an unsigned GET / gets 403 AccessDenied) means it is serving.
        await waitUntilReady(`versitygw (${bin})`, proc, () => httpAnswers(`${endpoint}/`), timeout);
      } catch (err) {
        await proc.stop(1000);
        if (attempt < 3 && looksLikePortClash(proc.logTail())) continue;
        throw err;
      }

      const clientConfig = (): S3ClientConfig => ({
        endpoint,
        region,
        forcePathStyle: true,
        credentials: { accessKeyId, secretAccessKey },
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
      const client = new S3Client(clientConfig());
      try {
        await client.send(new CreateBucketCommand({ Bucket: bucket }));
        if (opts.enableBucketVersioning) {
          await client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
        }
      } catch (err) {
        await proc.stop(1000);
        const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        throw new Error(`versitygw started but creating bucket ${bucket} failed (${msg}). Log ${logFile}:\n${proc.logTail()}`);
      } finally {
        client.destroy();
      }

      return {
        endpoint,
        region,
        bucket,
        accessKeyId,
        secretAccessKey,
        forcePathStyle: true,
        dataDir,
        tempDir,
        logFile,
        clientConfig,
        stop: stopOnce(proc, tempDir, opts.keepTempDir),
      };
    }
  } catch (err) {
    if (!opts.keepTempDir) removeDir(tempDir);
    throw err;
  }
}
