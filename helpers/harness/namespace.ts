/**
 * Every name the suite creates carries the run ID, so `npm run cleanup` can recognise what an
 * interrupted run left and can refuse to touch anything else.
 *
 *   files and folders   lt-<runId>-<test>-<label>-<n>[.ext]
 *   WebDAV accounts     lt<runId><suffix>
 *   users               lt<runId…> (at most 16 characters, AsterDrive's username limit)
 *   emails              launch+<runId>…@<domain>
 */
export const RUN_ID = /r[0-9a-f]{6}/;

export const NAMESPACED = {
  item: /^lt-(r[0-9a-f]{6})-/,
  webdavAccount: /^lt(r[0-9a-f]{6})/,
  user: /^lt(r[0-9a-f]{6})/,
};

/** The run ID a name belongs to, or undefined when the name is not the suite's. */
export function runOf(kind: keyof typeof NAMESPACED, name: string): string | undefined {
  return NAMESPACED[kind].exec(name)?.[1];
}
