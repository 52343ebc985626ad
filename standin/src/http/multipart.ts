import type { Request } from 'express';
import { E } from './errors.js';

export interface FilePart {
  filename: string;
  contentType: string;
  content: AsyncIterable<Buffer>;
}

function boundaryOf(ct: string): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ct);
  return m ? (m[1] ?? m[2]!).trim() : null;
}

function filenameOf(disposition: string): string | null {
  const star = /filename\*\s*=\s*([^;]+)/i.exec(disposition);
  if (star) {
    const v = star[1]!.trim().replace(/^"|"$/g, '');
    const i = v.indexOf("''");
    try {
      return decodeURIComponent(i >= 0 ? v.slice(i + 2) : v);
    } catch {
      /* fall through */
    }
  }
  const m = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/i.exec(disposition);
  if (!m) return null;
  return (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1').trim();
}

const truncated = () => E.bad('truncated multipart body', 'upload.field_read_failed');

/** A multipart body read as it streams in: `buf` holds what is read and not yet consumed. */
class MultipartReader {
  private buf: Buffer = Buffer.from('\r\n');
  private done = false;
  private readonly it: AsyncIterator<Buffer>;

  constructor(
    req: Request,
    private readonly delim: Buffer,
  ) {
    this.it = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  /** Reads one more chunk into buf; false at the end of the body. */
  async pull(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    return true;
  }

  /** Reads and drops the rest of the body. */
  async drain(): Promise<void> {
    while (!this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
    }
  }

  /** Drops everything up to and including the next delimiter; false when the body ends first. */
  async skipPastDelimiter(): Promise<boolean> {
    for (;;) {
      const i = this.buf.indexOf(this.delim);
      if (i >= 0) {
        this.buf = this.buf.subarray(i + this.delim.length);
        return true;
      }
      if (this.buf.length > this.delim.length) this.buf = this.buf.subarray(this.buf.length - this.delim.length);
      if (!(await this.pull())) return false;
    }
  }

  /** After a delimiter: true when "--" closes the body (the rest is drained); null when the body ends first. */
  async atClose(): Promise<boolean | null> {
    while (this.buf.length < 2) if (!(await this.pull())) return null;
    if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
      await this.drain();
      return true;
    }
    return false;
  }

  /** A part's header block, up to the blank line (at most 64 KiB). */
  async headers(): Promise<string> {
    let hEnd = this.buf.indexOf('\r\n\r\n');
    for (; hEnd < 0; hEnd = this.buf.indexOf('\r\n\r\n')) {
      if (this.buf.length > 64 * 1024) throw E.bad('multipart headers too large', 'upload.field_read_failed');
      if (!(await this.pull())) throw truncated();
    }
    const headers = this.buf.subarray(0, hEnd).toString('utf8');
    this.buf = this.buf.subarray(hEnd + 4);
    return headers;
  }

  /** The current part's content up to the next delimiter, streamed; the rest of the body is drained after it. */
  async *content(): AsyncGenerator<Buffer> {
    for (;;) {
      const i = this.buf.indexOf(this.delim);
      if (i >= 0) {
        if (i > 0) yield this.buf.subarray(0, i);
        this.buf = this.buf.subarray(i + this.delim.length);
        await this.drain();
        return;
      }
      const keep = this.delim.length - 1;
      if (this.buf.length > keep) {
        const out = this.buf.subarray(0, this.buf.length - keep);
        this.buf = this.buf.subarray(this.buf.length - keep);
        yield out;
      }
      if (!(await this.pull())) throw truncated();
    }
  }
}

/**
 * Streams the first multipart part that has a filename; every other part is skipped (upstream src/services/files/upload/mod.rs).
 * Returns null when the body has no file part. The rest of the body is drained after the file part.
 */
export async function firstFilePart(req: Request): Promise<FilePart | null> {
  const boundary = boundaryOf(String(req.headers['content-type'] ?? ''));
  if (!boundary) throw E.bad('request content type must be multipart/form-data', 'upload.field_read_failed');
  const body = new MultipartReader(req, Buffer.from(`\r\n--${boundary}`));
  if (!(await body.skipPastDelimiter())) return null;
  for (;;) {
    const closed = await body.atClose();
    if (closed !== false) return null;
    const headers = await body.headers();
    const disp = /content-disposition:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? '';
    const ctype = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
    const filename = filenameOf(disp);
    if (filename === null || filename === '') {
      if (!(await body.skipPastDelimiter())) return null;
      continue;
    }
    return { filename: filename.split(/[\\/]/).pop() ?? filename, contentType: ctype, content: body.content() };
  }
}
