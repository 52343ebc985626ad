import fs from 'node:fs';
import path from 'node:path';
import { emptyState, type State } from './types.js';

/**
 * The whole database is one JSON document. Every acknowledged write calls `commit()`, which writes
 * a temp file, fsyncs it and renames it over the old one, so a SIGKILL never loses an answered write.
 */
export class Store {
  state: State;
  private dirty = false;
  onQuery: (kind: string) => void = () => {};

  constructor(readonly file: string) {
    this.state = Store.read(file) ?? emptyState();
    const fresh = emptyState();
    for (const k of Object.keys(fresh) as (keyof State)[]) {
      if ((this.state as unknown as Record<string, unknown>)[k] === undefined) {
        (this.state as unknown as Record<string, unknown>)[k] = fresh[k];
      }
    }
  }

  static read(file: string): State | null {
    try {
      const text = fs.readFileSync(file, 'utf8');
      return JSON.parse(text) as State;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  get s(): State {
    this.onQuery('select');
    return this.state;
  }

  nextId(table: string): number {
    const n = (this.state.seq[table] ?? 0) + 1;
    this.state.seq[table] = n;
    return n;
  }

  /** Mark changed and persist immediately (durable before the response is sent). */
  commit(): void {
    this.onQuery('write');
    this.dirty = true;
    this.flush();
  }

  flush(): void {
    if (!this.dirty) return;
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(this.state));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
    try {
      const dfd = fs.openSync(dir, 'r');
      fs.fsyncSync(dfd);
      fs.closeSync(dfd);
    } catch {
      /* directory fsync is best effort */
    }
    this.dirty = false;
  }
}
