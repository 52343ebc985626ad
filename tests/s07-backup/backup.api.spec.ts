import { GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { expect, test } from '../../fixtures/index.js';
import { needsLocalService } from '../../helpers/capabilities.js';
import { checks } from '../../helpers/checklist.js';
import { s3Client } from '../../helpers/s3.js';
import { manual, notApplicable, notChecked } from '../../helpers/verdict.js';

test('a backup of config.toml, database, local storage, avatars and policy directories exists', checks(['7.1'], '@readonly'), async () => {
  manual('the last backup holds data/config.toml, the database, every local storage directory and data/avatar, and it can be read back');
});

test(
  'the object-storage bucket is versioned (or its backup is waived with the strategy)',
  checks(['7.2'], '@readonly'),
  async ({ run, adminApi, evidence }) => {
    needsLocalService(run, 's3');
    if (!run.s3) {
      const objectPolicies = (await adminApi.policies()).items.filter((p) => p.connector_id !== 'asterdrive.storage.local');
      if (objectPolicies.length === 0) notApplicable('no object-storage policy is configured; local storage is covered by 7.1');
      notChecked(
        'S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY',
        `the bucket of ${objectPolicies.map((p) => p.name).join(', ')} cannot be inspected`,
      );
    }
    const res = await s3Client(run.s3).send(new GetBucketVersioningCommand({ Bucket: run.s3.bucket }));
    await evidence('bucket versioning', { bucket: run.s3.bucket, status: res.Status ?? '(never enabled)', mfaDelete: res.MFADelete });
    expect(
      res.Status,
      `bucket ${run.s3.bucket} is not versioned: enable versioning, or, if replication or an external backup covers it, add a waiver for 7.2 naming that strategy`,
    ).toBe('Enabled');
  },
);
