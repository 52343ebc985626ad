/** The bucket behind an S3 storage policy, reached with the operator's S3_* credentials. */
import { S3Client } from '@aws-sdk/client-s3';
import type { RunState } from './target/run-state.js';

export function s3Client(s3: NonNullable<RunState['s3']>): S3Client {
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
