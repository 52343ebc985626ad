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

/**
 * Streams the first multipart part that has a filename; every other part is skipped (upstream src/services/files/upload/mod.rs).
 * Returns null when the body has no file part. The rest of the body is drained after the file part.
 */
export async function firstFilePart(req: Request): Promise<FilePart | null> {
  const boundary = boundaryOf(String(req.headers['content-type'] ?? ''));
  if (!boundary) throw E.bad('request content type must be multipart/form-data', 'upload.field_read_failed');
  const delim = Buffer.from(`\r\n--${boundary}`);
  const it = req[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let buf: Buffer = Buffer.from('\r\n');
  let done = false;
  const pull = async (): Promise<boolean> => {
    if (done) return false;
    const r = await it.next();
    if (r.done) {
      done = true;
      return false;
    }
    buf = buf.length ? Buffer.concat([buf, r.value]) : r.value;
    return true;
  };
  const drain = async () => {
    while (!done) {
      const r = await it.next();
      if (r.done) done = true;
    }
  };

  // find the first delimiter
  for (;;) {
    const i = buf.indexOf(delim);
    if (i >= 0) {
      buf = buf.subarray(i + delim.length);
      break;
    }
    if (buf.length > delim.length) buf = buf.subarray(buf.length - delim.length);
    if (!(await pull())) return null;
  }

  for (;;) {
    // after a delimiter: "--" means the end, else CRLF + headers
    while (buf.length < 2) if (!(await pull())) return null;
    if (buf[0] === 0x2d && buf[1] === 0x2d) {
      await drain();
      return null;
    }
    let hEnd = buf.indexOf('\r\n\r\n');
    for (; hEnd < 0; hEnd = buf.indexOf('\r\n\r\n')) {
      if (buf.length > 64 * 1024) throw E.bad('multipart headers too large', 'upload.field_read_failed');
      if (!(await pull())) throw E.bad('truncated multipart body', 'upload.field_read_failed');
    }
    const headers = buf.subarray(0, hEnd).toString('utf8');
    buf = buf.subarray(hEnd + 4);
    const disp = /content-disposition:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? '';
    const ctype = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
    const filename = filenameOf(disp);

    if (filename === null || filename === '') {
      // skip this part
      for (;;) {
        const i = buf.indexOf(delim);
        if (i >= 0) {
          buf = buf.subarray(i + delim.length);
          break;
        }
        if (buf.length > delim.length) buf = buf.subarray(buf.length - delim.length);
        if (!(await pull())) return null;
      }
      continue;
    }

    const content = async function* (): AsyncGenerator<Buffer> {
      for (;;) {
        const i = buf.indexOf(delim);
        if (i >= 0) {
          if (i > 0) yield buf.subarray(0, i);
          buf = buf.subarray(i + delim.length);
          await drain();
          return;
        }
        const keep = delim.length - 1;
        if (buf.length > keep) {
          const out = buf.subarray(0, buf.length - keep);
          buf = buf.subarray(buf.length - keep);
          yield out;
        }
        if (!(await pull())) throw E.bad('truncated multipart body', 'upload.field_read_failed');
      }
    };
    return { filename: filename.split(/[\\/]/).pop() ?? filename, contentType: ctype, content: content() };
  }
}
