/**
 * The buckets behind AsterDrive's object-storage policies: where each policy itself says its
 * objects live (read from the admin API), the operator's S3_* credentials for reading bucket
 * properties, and the browser's CORS preflight for presigned transfers.
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { AsterClient } from './api/aster.js';
import type { RunState } from '../harness/target/run-state.js';

type S3Access = NonNullable<RunState['s3']>;

export function s3Client(s3: S3Access): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // Non-AWS servers reject or mangle the SDK's default streaming checksums (tooling notes §2.3).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** An object-storage policy as the policy itself describes its bucket (upstream S3ConnectorConfigV1 fields). */
export interface BucketPolicy {
  id: number;
  name: string;
  connector: string;
  endpoint: string;
  bucket: string;
  region?: string;
  pathStyle: boolean;
  basePath: string;
  /** `presigned` makes the browser talk to the bucket directly (upstream ObjectStorageUploadStrategy). */
  upload: string;
  download: string;
}

/**
 * Every policy whose connector config names a bucket (S3, MinIO, R2 and the S3-style vendor
 * connectors). Upstream never returns the credentials of a policy (they live encrypted in the
 * connector credential store), so they are proved with the policy's own connection test.
 */
export async function bucketPolicies(admin: AsterClient): Promise<BucketPolicy[]> {
  const out: BucketPolicy[] = [];
  for (const p of await admin.allPolicies()) {
    const cc = (p as { connector_config?: { values?: Record<string, unknown> } }).connector_config;
    const v = cc?.values ?? {};
    if (typeof v.bucket !== 'string') continue;
    out.push({
      id: p.id,
      name: p.name,
      connector: p.connector_id ?? '',
      endpoint: typeof v.endpoint === 'string' ? v.endpoint : '',
      bucket: v.bucket,
      region: typeof v.s3_region === 'string' ? v.s3_region : undefined,
      pathStyle: v.s3_path_style === true || v.s3_path_style === 'true',
      basePath: typeof v.base_path === 'string' ? v.base_path : '',
      upload: typeof v.object_storage_upload_strategy === 'string' ? v.object_storage_upload_strategy : 'relay_stream',
      download: typeof v.object_storage_download_strategy === 'string' ? v.object_storage_download_strategy : 'relay_stream',
    });
  }
  return out;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** The operator's S3_* credentials, when they are for this policy's endpoint and bucket. */
export function operatorAccess(run: Pick<RunState, 's3'>, p: BucketPolicy): S3Access | undefined {
  const s3 = run.s3;
  if (!s3 || s3.bucket !== p.bucket || !sameOrigin(s3.endpoint, p.endpoint)) return undefined;
  return { ...s3, region: p.region || s3.region, forcePathStyle: p.pathStyle || s3.forcePathStyle };
}

/** The URL a presigned request of this policy goes to, for an object key under its base path. */
export function objectUrl(p: BucketPolicy, key: string): string {
  const u = new URL(p.endpoint);
  const objectKey = [p.basePath.replace(/^\/+|\/+$/g, ''), key].filter(Boolean).join('/');
  if (p.pathStyle) return `${u.origin}${u.pathname.replace(/\/+$/, '')}/${p.bucket}/${objectKey}`;
  return `${u.protocol}//${p.bucket}.${u.host}${u.pathname.replace(/\/+$/, '')}/${objectKey}`;
}

export interface Preflight {
  url: string;
  method: string;
  status?: number;
  allowOrigin?: string | null;
  allowMethods?: string | null;
  allowHeaders?: string | null;
  error?: string;
  problem?: string;
}

/**
 * The CORS preflight a browser on `origin` sends before a presigned PUT (upload) or a ranged GET
 * (download, preview): an unauthenticated OPTIONS, so it reads the bucket's CORS rules without
 * credentials and writes nothing.
 */
export async function corsPreflight(url: string, origin: string, method: 'PUT' | 'GET', headers: string[]): Promise<Preflight> {
  const out: Preflight = { url, method };
  try {
    const res = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers.join(',') },
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    out.status = res.status;
    out.allowOrigin = res.headers.get('access-control-allow-origin');
    out.allowMethods = res.headers.get('access-control-allow-methods');
    out.allowHeaders = res.headers.get('access-control-allow-headers');
  } catch (e) {
    out.error = (e as Error).cause ? String((e as Error).cause) : (e as Error).message;
    out.problem = `the browser cannot reach ${new URL(url).origin} (${out.error})`;
    return out;
  }
  const list = (v?: string | null) =>
    (v ?? '')
      .split(',')
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean);
  if (out.status === undefined || out.status >= 300) out.problem = `the preflight is refused with ${out.status}`;
  else if (out.allowOrigin !== '*' && out.allowOrigin !== origin)
    out.problem = `Access-Control-Allow-Origin is ${out.allowOrigin ?? '(missing)'}, not ${origin}`;
  else if (!list(out.allowMethods).includes(method.toLowerCase()) && !list(out.allowMethods).includes('*'))
    out.problem = `Access-Control-Allow-Methods (${out.allowMethods ?? 'missing'}) does not allow ${method}`;
  else {
    const allowed = list(out.allowHeaders);
    const missing = headers.filter((h) => !allowed.includes(h.toLowerCase()) && !allowed.includes('*'));
    if (missing.length) out.problem = `Access-Control-Allow-Headers (${out.allowHeaders ?? 'missing'}) lacks ${missing.join(', ')}`;
  }
  return out;
}
