/**
 * OS junk-file names AsterDrive refuses on WebDAV write/move/copy (`src/webdav/system_file.rs`):
 * case-insensitive basename match, `*` is the only wildcard. Existing files stay readable/deletable.
 */
export const DEFAULT_BLOCKED_PATTERNS: readonly string[] = [
  '.DS_Store',
  '._*',
  '.Spotlight-V100',
  '.Trashes',
  '.fseventsd',
  'Thumbs.db',
  'desktop.ini',
  '$RECYCLE.BIN',
  'System Volume Information',
];

/**
 * Runtime settings `webdav_block_system_files_enabled` / `webdav_block_system_file_patterns` are
 * not part of the Vfs contract yet (see VFS-CHANGES.md); an implementation may offer them through
 * this optional method ([] = blocking disabled).
 */
export interface BlockedPatternSource {
  webdavBlockedFilePatterns?(): readonly string[];
}

export function blockedPatterns(vfs: object): readonly string[] {
  const source = vfs as BlockedPatternSource;
  return typeof source.webdavBlockedFilePatterns === 'function' ? source.webdavBlockedFilePatterns() : DEFAULT_BLOCKED_PATTERNS;
}

export const BLOCKED_MESSAGE = 'WebDAV system file name is blocked';

function patternToRegExp(pattern: string): RegExp {
  const body = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'i');
}

export function isBlockedName(name: string, patterns: readonly string[] = DEFAULT_BLOCKED_PATTERNS): boolean {
  if (name === '') return false;
  return patterns.some((pattern) => patternToRegExp(pattern).test(name));
}
