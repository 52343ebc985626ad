/**
 * Secrets the run knows or creates (configured passwords and keys, generated passwords, session
 * tokens, WebDAV passwords, WOPI tokens). Workers register them in a private directory so the
 * launch reporter can scrub every artifact after the run; `redact` is applied to evidence before
 * it is attached.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { makeTempDir } from './temp-dirs.js';
import path from 'node:path';

const known = new Set<string>();

/** Tokens that are secret by shape, whoever made them: JWTs, WOPI tokens, verification tokens. */
const SHAPES = [/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g, /\bwopi_[\w-]{8,}/g, /\bcv_[\w-]{8,}/g];

export function secretsDir(): string {
  if (!process.env.ASTER_SECRETS_DIR) {
    const dir = makeTempDir('secrets');
    process.env.ASTER_SECRETS_DIR = dir;
    // The process that made it removes it, also when no launch reporter ran (`--list`, another
    // reporter, a run stopped by Ctrl-C); the launch reporter removes it earlier, after scrubbing.
    process.on('exit', () => {
      if (!process.env.ASTER_SECRETS_DIR_KEEP) rmSync(dir, { recursive: true, force: true });
    });
  }
  mkdirSync(process.env.ASTER_SECRETS_DIR, { recursive: true, mode: 0o700 });
  return process.env.ASTER_SECRETS_DIR;
}

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 6 || known.has(value)) return;
  known.add(value);
  appendFileSync(path.join(secretsDir(), `${process.pid}.txt`), `${JSON.stringify(value)}\n`, { mode: 0o600 });
}

export function allSecrets(): string[] {
  const dir = process.env.ASTER_SECRETS_DIR;
  const out = new Set(known);
  if (dir && existsSync(dir)) {
    for (const f of readdirSync(dir).filter((name) => name.endsWith('.txt'))) {
      for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) if (line) out.add(JSON.parse(line) as string);
    }
  }
  return [...out].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: string[] = [...known]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[REDACTED]');
  for (const re of SHAPES) out = out.replace(re, '[REDACTED]');
  return out;
}
