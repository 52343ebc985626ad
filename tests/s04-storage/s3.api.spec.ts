import { randomBytes } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect, test } from '../../fixtures/index.js';
import { parseCode } from '../../helpers/api/http.js';
import { needsLocalService } from '../../helpers/capabilities.js';
import { checks } from '../../helpers/checklist.js';
import { s3Client } from '../../helpers/s3.js';
import { notApplicable, notChecked } from '../../helpers/verdict.js';

test(
  'S3 policies pass their connection test and the bucket answers with the operator credentials',
  checks(['4.6'], '@readonly'),
  async ({ run, adminApi, evidence }) => {
    needsLocalService(run, 's3');
    const s3Policies = (await adminApi.policies()).items.filter((p) => p.connector_id === 'asterdrive.storage.s3');
    if (s3Policies.length === 0 && !run.s3) notApplicable('no S3-compatible storage policy is configured');
    for (const p of s3Policies) {
      await test.step(`AsterDrive tests policy "${p.name}"`, async () => {
        const res = await adminApi.testPolicy(p.id);
        const body = await res.text();
        await evidence(`policy ${p.name} test`, { status: res.status, body });
        expect(res.status, `policy "${p.name}" fails its connection test (${parseCode(body)}): check endpoint, bucket, region and keys`).toBe(200);
      });
    }
    if (!run.s3) notChecked('S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY', 'the bucket itself cannot be checked without its credentials');
    const s3 = s3Client(run.s3);
    const key = `launch-suite-probe/${run.runId}-${randomBytes(4).toString('hex')}`;
    await test.step('the bucket exists and the keys can write, read and delete', async () => {
      await s3.send(new HeadBucketCommand({ Bucket: run.s3?.bucket }));
      await s3.send(new PutObjectCommand({ Bucket: run.s3?.bucket, Key: key, Body: 'probe' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: run.s3?.bucket, Key: key }));
      expect(await got.Body?.transformToString()).toBe('probe');
      await s3.send(new DeleteObjectCommand({ Bucket: run.s3?.bucket, Key: key }));
    });
  },
);
