/**
 * AsterDrive's storage change stream (Server-Sent Events) read the way the web panel's
 * EventSource reads it, but with Node's fetch and a streaming body reader so the suite sees every
 * frame with the time it arrived, and when and how the stream ended. Every wait is on the stream
 * itself and has a deadline: it returns as soon as the awaited frame arrives or the stream ends.
 *
 * Upstream facts (AsterDrive src/api/routes/auth/session.rs get_storage_events, frame format in
 * src/api/routes/auth/mod.rs storage_event_frame): `GET /api/v1/auth/events/storage`, 200
 * `text/event-stream`, a `: keep-alive` comment at once and then every 15 s, each change one
 * `data: <StorageChangeEvent JSON>` frame.
 */
import type { z } from 'zod';
import { StorageChangeEvent } from '../api/schemas.js';

export const STORAGE_EVENTS_PATH = '/api/v1/auth/events/storage';
/** The server's heartbeat period: a quiet stream carries one comment frame this often. */
export const HEARTBEAT_S = 15;

export interface SseFrame {
  /** Seconds since the answer's headers arrived. */
  at: number;
  /** Comment lines (`: keep-alive`), without the colon. */
  comment?: string;
  event?: string;
  data?: string;
}

export interface StreamEnd {
  at: number;
  /** `closed by the server or proxy` (the body ended) or the error that cut it. */
  how: string;
}

export interface OpenedStream {
  status: number;
  headers: Headers;
  /** Set when the answer is 200 text/event-stream. */
  stream?: EventStream;
  /** The body of any other answer (first 4 KiB). */
  text?: string;
}

/** Splits one frame (the text before a blank line) into its SSE fields. */
export function parseFrame(raw: string, at: number): SseFrame {
  const frame: SseFrame = { at };
  const data: string[] = [];
  const comments: string[] = [];
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim());
    else {
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'event') frame.event = value;
    }
  }
  if (comments.length) frame.comment = comments.join('\n');
  if (data.length) frame.data = data.join('\n');
  return frame;
}

export class EventStream {
  readonly frames: SseFrame[] = [];
  ended?: StreamEnd;
  private readonly t0 = Date.now();
  private readonly waiters = new Set<() => void>();

  private constructor(
    body: ReadableStream<Uint8Array>,
    private readonly abort: AbortController,
  ) {
    void this.pump(body);
  }

  /** Opens the stream; any answer but 200 text/event-stream is read and returned as text. */
  static async open(url: string, headers: Record<string, string>): Promise<OpenedStream> {
    const abort = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal, redirect: 'manual' });
    const type = res.headers.get('content-type') ?? '';
    if (res.status !== 200 || !type.startsWith('text/event-stream') || !res.body) {
      const text = (await res.text().catch(() => '')).slice(0, 4096);
      abort.abort();
      return { status: res.status, headers: res.headers, text };
    }
    return { status: res.status, headers: res.headers, stream: new EventStream(res.body, abort) };
  }

  /** Seconds since the stream opened. */
  now(): number {
    return (Date.now() - this.t0) / 1000;
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        for (let m = /\r?\n\r?\n/.exec(buf); m; m = /\r?\n\r?\n/.exec(buf)) {
          this.frames.push(parseFrame(buf.slice(0, m.index), this.now()));
          buf = buf.slice(m.index + m[0].length);
        }
        this.notify();
      }
      this.ended = { at: this.now(), how: 'closed by the server or proxy (the body ended)' };
    } catch (e) {
      const err = e as Error & { cause?: Error };
      this.ended = { at: this.now(), how: this.abort.signal.aborted ? 'closed by the suite' : `cut: ${err.cause?.message ?? err.message}` };
    }
    this.notify();
  }

  /**
   * The first frame (from index `from`) that matches, as soon as it arrives; undefined when the
   * stream ends or `deadline` (seconds since open) passes first.
   */
  async waitFor(match: (f: SseFrame) => boolean, deadline: number, from = 0): Promise<SseFrame | undefined> {
    for (;;) {
      const hit = this.frames.slice(from).find(match);
      if (hit) return hit;
      if (this.ended || this.now() >= deadline) return undefined;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, (deadline - this.now()) * 1000));
        this.waiters.add(done);
      });
    }
  }

  /** Waits until the stream ends or `deadline` passes; true when it ended. */
  async endsBefore(deadline: number): Promise<boolean> {
    await this.waitFor(() => false, deadline);
    return this.ended !== undefined;
  }

  /** The storage change event a data frame carries, or the reason it is not one. */
  static eventOf(f: SseFrame): { event?: z.output<typeof StorageChangeEvent>; problem?: string } {
    if (f.data === undefined) return { problem: 'not a data frame' };
    try {
      const parsed = StorageChangeEvent.safeParse(JSON.parse(f.data));
      return parsed.success ? { event: parsed.data } : { problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    } catch (e) {
      return { problem: `not JSON: ${(e as Error).message}` };
    }
  }

  /** The frames as evidence: time, heartbeat or event summary (no names, no tokens). */
  summary(): { at: string; frame: unknown }[] {
    return this.frames.map((f) => {
      const { event, problem } = EventStream.eventOf(f);
      const frame =
        f.data === undefined
          ? `: ${f.comment ?? ''}`
          : event
            ? {
                kind: event.kind,
                file_ids: event.file_ids,
                folder_ids: event.folder_ids,
                affected_parent_ids: event.affected_parent_ids,
                storage_delta: event.storage_delta,
              }
            : { unreadable: problem, data: f.data.slice(0, 120) };
      return { at: `${f.at.toFixed(2)} s`, frame };
    });
  }

  close(): void {
    this.abort.abort();
  }
}
