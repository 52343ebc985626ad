import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { transferProgress } from '../../harness/progress.js';

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Hashes a response body as it streams in; the body is never held whole in memory. */
export async function sha256OfResponse(res: Response): Promise<{ sha256: string; bytes: number }> {
  if (!res.body) throw new Error(`${res.url} answered ${res.status} without a body`);
  const hash = createHash('sha256');
  let bytes = 0;
  const length = Number(res.headers.get('content-length'));
  const progress = transferProgress(`download of ${new URL(res.url || 'http://x/').pathname}`, length > 0 ? length : undefined);
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.byteLength;
      progress.add(chunk.byteLength);
    }
  } finally {
    progress.done();
  }
  return { sha256: hash.digest('hex'), bytes };
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
