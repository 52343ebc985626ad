/**
 * Transfers through the public entry with plain node:http(s), so the suite controls the pace:
 * streamed uploads of N bytes that never sit in memory, and a download read slowly on purpose.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { transferProgress } from '../../harness/progress.js';

/** N pseudo-random bytes as a stream, with its SHA-256 known when it ends. */
export function randomStream(size: number): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  const block = randomBytes(1024 * 1024);
  let sent = 0;
  let n = 0;
  const stream = new Readable({
    read() {
      if (sent >= size) return this.push(null);
      // Vary each block so no layer can compress or dedupe it away.
      const chunk = Buffer.from(block.subarray(0, Math.min(block.length, size - sent)));
      chunk.writeUInt32BE(n++, 0);
      sent += chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex') };
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

function toHeaders(h: http.IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (Array.isArray(v)) for (const x of v) out.append(k, x);
    else if (v !== undefined) out.set(k, v);
  }
  return out;
}

/** A request whose body is streamed with a Content-Length (as a browser or WebDAV client sends it). */
export function streamedRequest(url: string, method: string, headers: Record<string, string>, body: Readable, timeoutMs: number): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const length = Number(headers['content-length'] ?? headers['Content-Length']);
    const progress = transferProgress(`${method} ${u.pathname}`, length > 0 ? length : undefined);
    body.on('data', (c: Buffer) => progress.add(c.length));
    const req = mod.request(u, { method, headers, agent: false }, (res) => {
      progress.done();
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (text.length < 64 * 1024) text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: toHeaders(res.headers), text }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', (e) => {
      progress.done();
      // A proxy that refuses a body early (413) may close before the upload ends; its answer wins if it came.
      reject(e);
    });
    body.on('error', (e) => req.destroy(e));
    body.pipe(req);
  });
}

/**
 * The multipart body of a direct upload (upstream src/api/routes/files/upload.rs), streamed: one part `file` with the file name.
 * Returns the stream and its exact length.
 */
export function multipartStream(name: string, size: number, mimeType = 'application/octet-stream') {
  const boundary = `----launch${randomBytes(12).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name.replace(/"/g, '')}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const data = randomStream(size);
  async function* parts() {
    yield head;
    for await (const c of data.stream) yield c as Buffer;
    yield tail;
  }
  return {
    stream: Readable.from(parts()),
    length: head.length + size + tail.length,
    contentType: `multipart/form-data; boundary=${boundary}`,
    sha256: data.sha256,
  };
}

export interface SlowRead {
  status: number;
  bytes: number;
  complete: boolean;
  seconds: number;
  sha256: string;
  error?: string;
}

/**
 * Downloads `url`, reading at most `bytesPerSecond` (so the transfer lasts about size / rate),
 * like a user on a slow line. Resolves when the body ends or the connection is cut.
 */
export function slowDownload(url: string, headers: Record<string, string>, bytesPerSecond: number): Promise<SlowRead> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const hash = createHash('sha256');
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    let bytes = 0;
    let status = 0;
    let settled = false;
    let progress: ReturnType<typeof transferProgress> | undefined;
    const finish = (complete: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      progress?.done();
      resolve({ status, bytes, complete, seconds: (Date.now() - t0) / 1000, sha256: hash.digest('hex'), error });
    };
    const req = mod.request(u, { method: 'GET', headers, agent: false }, (res) => {
      status = res.statusCode ?? 0;
      const length = Number(res.headers['content-length']);
      progress = transferProgress(`slow download of ${u.pathname} (read at ${(bytesPerSecond / 1024).toFixed(0)} KiB/s)`, length > 0 ? length : undefined);
      res.pause();
      const tickMs = 100;
      const perTick = Math.max(1, Math.floor((bytesPerSecond * tickMs) / 1000));
      const timer = setInterval(() => {
        let budget = perTick;
        while (budget > 0) {
          const c = res.read(Math.min(budget, res.readableLength || budget)) as Buffer | null;
          if (!c) break;
          bytes += c.length;
          progress?.add(c.length);
          budget -= c.length;
          hash.update(c);
        }
      }, tickMs);
      res.on('end', () => {
        clearInterval(timer);
        finish(true);
      });
      res.on('error', (e) => {
        clearInterval(timer);
        finish(false, e.message);
      });
      res.on('close', () => {
        clearInterval(timer);
        finish(res.complete && res.readableEnded, res.complete ? undefined : 'the connection closed before the body ended');
      });
    });
    req.on('error', (e) => finish(false, e.message));
    req.end();
  });
}
