import { GetBucketVersioningCommand } from '@aws-sdk/client-s3';
import { expect, test } from '../../fixtures/index.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { bucketPolicies, operatorAccess, s3Client } from '../../helpers/clients/s3.js';
import { manual, notApplicable, notChecked } from '../../helpers/catalogue/verdict.js';

test('a backup of config.toml, database, local storage, avatars and policy directories exists', checks(['7.1'], '@readonly'), async () => {
  manual('the last backup holds data/config.toml, the database, every local storage directory and data/avatar, and it can be read back');
});

test(
  'the bucket of every object-storage policy is versioned (or its backup is waived with the strategy)',
  checks(['7.2'], '@readonly', { needs: ['s3-server'] }),
  async ({ run, adminApi, evidence }) => {
    const policies = await bucketPolicies(adminApi);
    if (policies.length === 0) notApplicable('no object-storage policy is configured; local storage is covered by 7.1');
    const results: { policy: string; endpoint: string; bucket: string; versioning: string }[] = [];
    const unreadable: string[] = [];
    for (const p of policies) {
      const access = operatorAccess(run, p);
      if (!access) {
        unreadable.push(`"${p.name}" (${p.endpoint}, bucket ${p.bucket})`);
        continue;
      }
      const res = await s3Client(access).send(new GetBucketVersioningCommand({ Bucket: p.bucket }));
      results.push({ policy: p.name, endpoint: p.endpoint, bucket: p.bucket, versioning: res.Status ?? '(never enabled)' });
    }
    await evidence('bucket versioning', { results, unreadable });
    expect(
      results.filter((r) => r.versioning !== 'Enabled').map((r) => `${r.bucket} of "${r.policy}": ${r.versioning}`),
      'buckets are not versioned: enable versioning, or, if replication or an external backup covers them, add a waiver for 7.2 naming that strategy',
    ).toEqual([]);
    if (unreadable.length)
      notChecked(
        'S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY',
        `the S3_* credentials are not for the bucket of ${unreadable.join(', ')}, so its versioning cannot be read`,
      );
  },
);
