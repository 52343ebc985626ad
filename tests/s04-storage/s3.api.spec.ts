import { GetBucketCorsCommand } from '@aws-sdk/client-s3';
import { expect, test } from '../../fixtures/index.js';
import { parseCode } from '../../helpers/clients/api/http.js';
import { checks } from '../../helpers/catalogue/checklist.js';
import { bucketPolicies, corsPreflight, objectUrl, operatorAccess, type Preflight, s3Client } from '../../helpers/clients/s3.js';
import { notApplicable } from '../../helpers/catalogue/verdict.js';

/** Request headers a presigned upload and a ranged download send (upstream docs, storage-backends/s3 §12). */
const UPLOAD_HEADERS = ['content-type'];
const DOWNLOAD_HEADERS = ['range'];

test(
  'each S3 policy names a usable endpoint and bucket, and presigned transfers are allowed by the bucket CORS for the site',
  checks(['4.6'], '@readonly', { needs: ['s3-server'] }),
  async ({ run, adminApi, evidence }) => {
    const policies = await bucketPolicies(adminApi);
    if (policies.length === 0) notApplicable('no S3-compatible storage policy is configured');
    const sites = (await adminApi.getConfig('public_site_url')).value;
    const site = (Array.isArray(sites) ? sites[0] : sites) || run.baseURL;
    const origin = new URL(site).origin;
    const problems: string[] = [];
    for (const p of policies) {
      await test.step(`policy "${p.name}": ${p.endpoint} bucket ${p.bucket}`, async () => {
        let endpoint: URL | undefined;
        try {
          endpoint = new URL(p.endpoint);
        } catch {
          problems.push(`"${p.name}": endpoint "${p.endpoint}" is not a URL`);
        }
        if (!p.bucket.trim()) problems.push(`"${p.name}": no bucket`);
        const presigned = { upload: p.upload === 'presigned', download: p.download === 'presigned' };
        const preflights: Preflight[] = [];
        if (endpoint && (presigned.upload || presigned.download)) {
          // Browsers treat loopback as potentially trustworthy, so only other plain-HTTP hosts are mixed content.
          const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(endpoint.hostname);
          if (endpoint.protocol === 'http:' && !loopback && new URL(origin).protocol === 'https:')
            problems.push(`"${p.name}": presigned transfers go to plain-HTTP ${endpoint.origin}, which the browser blocks on the HTTPS site (mixed content)`);
          const key = `launch-suite-cors-probe/${run.runId}`;
          if (presigned.upload) preflights.push(await corsPreflight(objectUrl(p, key), origin, 'PUT', UPLOAD_HEADERS));
          if (presigned.download) preflights.push(await corsPreflight(objectUrl(p, key), origin, 'GET', DOWNLOAD_HEADERS));
          for (const f of preflights.filter((x) => x.problem))
            problems.push(`"${p.name}": presigned ${f.method === 'PUT' ? 'uploads' : 'downloads'} from ${origin} fail CORS: ${f.problem}`);
        }
        // The operator's keys only read the bucket's own CORS rules, for the evidence.
        const access = operatorAccess(run, p);
        const cors = access
          ? await s3Client(access)
              .send(new GetBucketCorsCommand({ Bucket: p.bucket }))
              .then((r) => r.CORSRules ?? [])
              .catch((e: Error) => `(${e.name})`)
          : '(no S3_* credentials for this bucket)';
        await evidence(`policy ${p.name}`, {
          connector: p.connector,
          endpoint: p.endpoint,
          bucket: p.bucket,
          region: p.region,
          pathStyle: p.pathStyle,
          upload: p.upload,
          download: p.download,
          siteOrigin: origin,
          preflights: preflights.length ? preflights : '(relay_stream both ways: the browser never talks to the bucket, no CORS needed)',
          bucketCors: cors,
        });
      });
    }
    expect(problems, 'object storage the browser cannot use: fix the policy in Admin → Storage Policies or the bucket CORS rules').toEqual([]);
  },
);

test(
  'each S3 policy passes its connection test with the credentials it holds',
  checks(['4.6'], '@own-data', { needs: ['s3-server'] }),
  async ({ adminApi, evidence }) => {
    // The connection test writes and deletes a probe object through the policy's own endpoint, bucket
    // and keys (upstream probe_storage_driver); upstream never returns the keys themselves.
    const policies = await bucketPolicies(adminApi);
    if (policies.length === 0) notApplicable('no S3-compatible storage policy is configured');
    const failed: string[] = [];
    for (const p of policies) {
      const res = await adminApi.testPolicy(p.id);
      const body = await res.text();
      await evidence(`policy ${p.name} connection test`, { endpoint: p.endpoint, bucket: p.bucket, status: res.status, body: body.slice(0, 400) });
      if (res.status !== 200) failed.push(`"${p.name}" (${p.endpoint}, bucket ${p.bucket}): ${parseCode(body) ?? res.status}`);
    }
    expect(failed, 'S3 policies fail their connection test: check endpoint, bucket, region, path style and keys').toEqual([]);
  },
);
