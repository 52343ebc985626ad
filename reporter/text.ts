/** Small text helpers shared by the reporter's outputs. */
import path from 'node:path';

// CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles) that terminals interpret.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escape sequences is the point
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** Text without terminal colour codes (expect() colours its messages for the terminal). */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** The first non-empty line, without colour codes. */
export function firstLine(s: string | undefined): string {
  return (
    stripAnsi(s ?? '')
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? ''
  );
}

/** `target` as a link from a file in `fromDir`: relative, with forward slashes. Relative inputs are taken as relative to `fromDir` already. */
export function linkFrom(fromDir: string, target: string): string {
  if (!path.isAbsolute(target)) return target.split(path.sep).join('/');
  const rel = path.relative(fromDir, target) || '.';
  return rel.split(path.sep).join('/');
}
