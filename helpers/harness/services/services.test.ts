/**
 * Checks the real-service helpers: starts Mailpit and versitygw, delivers mail
 * over plain SMTP and reads it back through Mailpit's API, round-trips objects
 * through S3. No browser.
 *
 *   npx playwright test --config helpers/harness/services/playwright.config.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetBucketCorsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketCorsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { expect, test } from '@playwright/test';
import { MailpitClient } from 'mailpit-api';
import nodemailer from 'nodemailer';
import { findMailpit, type MailpitInstance, startMailpit } from './mailpit.js';
import { findS3Server, type S3Instance, startS3 } from './s3.js';

/** Sends one message with bare SMTP commands over node:net (no AUTH, no TLS). */
async function sendRawSmtp(host: string, port: number, from: string, to: string, data: string): Promise<string[]> {
  const sock = net.connect({ host, port });
  sock.setEncoding('utf8');
  const replies: string[] = [];
  let buffer = '';
  const waiters: Array<(line: string) => void> = [];
  sock.on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\r\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      // a final reply line is "NNN text"; "NNN-text" continues
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) waiters.shift()?.(line);
      nl = buffer.indexOf('\r\n');
    }
  });
  const errored = new Promise<never>((_, reject) => sock.once('error', reject));
  const reply = () => Promise.race([new Promise<string>((resolve) => waiters.push(resolve)), errored]);
  const expectCode = async (code: string, pending: Promise<string>) => {
    const line = await pending;
    replies.push(line);
    if (!line.startsWith(code)) throw new Error(`SMTP: expected ${code}, got "${line}"`);
  };
  const cmd = (text: string, code: string) => {
    const pending = reply();
    sock.write(`${text}\r\n`);
    return expectCode(code, pending);
  };
  try {
    await expectCode('220', reply());
    await cmd('EHLO test.local', '250');
    await cmd(`MAIL FROM:<${from}>`, '250');
    await cmd(`RCPT TO:<${to}>`, '250');
    await cmd('DATA', '354');
    const body = data.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    await cmd(`${body}\r\n.`, '250');
    await cmd('QUIT', '221');
  } finally {
    sock.destroy();
  }
  return replies;
}

test.describe('real services', () => {
  test('binaries are installed', () => {
    expect(findMailpit(), 'mailpit not found: run `bash .ci/install-services.sh`').not.toBeNull();
    expect(findS3Server(), 'versitygw not found: run `bash .ci/install-services.sh`').not.toBeNull();
  });

  test.describe('Mailpit', () => {
    let mailpit: MailpitInstance;
    test.beforeAll(async () => {
      mailpit = await startMailpit();
    });
    test.afterAll(async () => {
      const dir = mailpit?.tempDir;
      await mailpit?.stop();
      if (dir) expect(existsSync(dir)).toBe(false);
    });

    test('mail sent over plain SMTP is read back through the API', async () => {
      const client = new MailpitClient(mailpit.apiUrl);
      const info = await client.getInfo();
      expect(info.Messages).toBe(0);

      const subject = `raw smtp ${Date.now()}`;
      await sendRawSmtp(
        mailpit.smtpHost,
        mailpit.smtpPort,
        'drive@example.test',
        'alice@example.test',
        [
          'From: AsterDrive <drive@example.test>',
          'To: Alice <alice@example.test>',
          `Subject: ${subject}`,
          'Content-Type: text/plain; charset=utf-8',
          '',
          'Reset link: http://127.0.0.1/reset?token=abc123',
          '.leading dot line',
        ].join('\n'),
      );
      const msg = await client.waitForMessage({ query: `subject:"${subject}"` }, { timeout: 5000, interval: 100 });
      expect(msg.Subject).toBe(subject);
      expect(msg.From?.Address).toBe('drive@example.test');
      expect(msg.To.map((a) => a.Address)).toEqual(['alice@example.test']);
      expect(msg.Text).toContain('token=abc123');
      expect(msg.Text).toContain('\n.leading dot line');
    });

    test('nodemailer with SMTP credentials delivers (auth accepted without TLS)', async () => {
      const transport = nodemailer.createTransport({
        host: mailpit.smtpHost,
        port: mailpit.smtpPort,
        secure: false,
        ignoreTLS: true,
        auth: { user: 'aster', pass: 'whatever' },
      });
      const subject = `nodemailer ${Date.now()}`;
      await transport.sendMail({
        from: 'drive@example.test',
        to: 'bob@example.test',
        subject,
        text: 'plain part',
        html: '<p>html <b>part</b></p>',
      });
      transport.close();
      const client = new MailpitClient(mailpit.apiUrl);
      const msg = await client.waitForMessage({ query: `to:bob@example.test subject:"${subject}"` }, { timeout: 5000, interval: 100 });
      expect(msg.HTML).toContain('<b>part</b>');
      const all = await client.listMessages();
      expect(all.messages_count).toBe(2);
      await client.deleteMessages();
      await client.waitForMessages({ count: 0 }, { timeout: 3000, interval: 100 });
    });
  });

  test.describe('S3 (versitygw)', () => {
    let s3: S3Instance;
    let client: S3Client;
    test.beforeAll(async () => {
      s3 = await startS3();
      client = new S3Client(s3.clientConfig());
    });
    test.afterAll(async () => {
      client?.destroy();
      const dir = s3?.tempDir;
      await s3?.stop();
      if (dir) expect(existsSync(dir)).toBe(false);
    });

    test('the returned details are what a storage policy needs', () => {
      expect(s3.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(s3.region).toBe('us-east-1');
      expect(s3.bucket).toMatch(/^[a-z0-9][a-z0-9-]{2,62}$/);
      expect(s3.accessKeyId.length).toBeGreaterThanOrEqual(16);
      expect(s3.secretAccessKey.length).toBe(40);
      expect(s3.forcePathStyle).toBe(true);
    });

    test('an object round-trips (streamed put, head, get, list, delete)', async () => {
      const body = Buffer.from('aster drive object\n'.repeat(2000));
      const Key = 'dir/round trip ü.txt';
      await client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key,
          Body: Readable.from([body.subarray(0, 10_000), body.subarray(10_000)]),
          ContentLength: body.length,
          ContentType: 'text/plain',
        }),
      );
      // the posix backend stores the object as a plain file
      expect(readFileSync(path.join(s3.dataDir, s3.bucket, Key)).equals(body)).toBe(true);

      const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key }));
      expect(head.ContentLength).toBe(body.length);
      const got = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);

      const list = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'dir/' }));
      expect(list.Contents?.map((o) => o.Key)).toEqual([Key]);

      await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key }));
      await expect(client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key }))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
    });

    test('multipart upload and versioning work', async () => {
      const Key = 'big.bin';
      const p1 = Buffer.alloc(5 * 1024 * 1024, 1);
      const p2 = Buffer.alloc(1024, 2);
      const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key }));
      const e1 = await client.send(new UploadPartCommand({ Bucket: s3.bucket, Key, UploadId, PartNumber: 1, Body: p1 }));
      const e2 = await client.send(new UploadPartCommand({ Bucket: s3.bucket, Key, UploadId, PartNumber: 2, Body: p2 }));
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: s3.bucket,
          Key,
          UploadId,
          MultipartUpload: {
            Parts: [
              { PartNumber: 1, ETag: e1.ETag },
              { PartNumber: 2, ETag: e2.ETag },
            ],
          },
        }),
      );
      const head = await client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key }));
      expect(head.ContentLength).toBe(p1.length + p2.length);

      const before = await client.send(new GetBucketVersioningCommand({ Bucket: s3.bucket }));
      expect(before.Status).toBeUndefined();
      await client.send(new PutBucketVersioningCommand({ Bucket: s3.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      const after = await client.send(new GetBucketVersioningCommand({ Bucket: s3.bucket }));
      expect(after.Status).toBe('Enabled');
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'v.txt', Body: 'one' }));
      await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'v.txt', Body: 'two' }));
      const versions = await client.send(new ListObjectVersionsCommand({ Bucket: s3.bucket, Prefix: 'v.txt' }));
      expect(versions.Versions?.length).toBe(2);
    });

    test('bucket CORS is stored and answers preflights', async () => {
      const origin = 'http://drive.example.test';
      await client.send(
        new PutBucketCorsCommand({
          Bucket: s3.bucket,
          CORSConfiguration: { CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }] },
        }),
      );
      const cors = await client.send(new GetBucketCorsCommand({ Bucket: s3.bucket }));
      expect(cors.CORSRules?.[0]?.AllowedOrigins).toEqual([origin]);
      const preflight = (o: string) =>
        fetch(`${s3.endpoint}/${s3.bucket}/some/key`, { method: 'OPTIONS', headers: { Origin: o, 'Access-Control-Request-Method': 'PUT' } });
      const ok = await preflight(origin);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
      const denied = await preflight('http://evil.example.test');
      expect(denied.status).toBe(403);
      expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    });

    test('a wrong secret is refused', async () => {
      const bad = new S3Client({ ...s3.clientConfig(), credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: 'wrong' } });
      await expect(bad.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).rejects.toMatchObject({
        name: 'SignatureDoesNotMatch',
      });
      bad.destroy();
    });
  });
});
