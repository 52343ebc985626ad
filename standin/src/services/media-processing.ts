/**
 * The media processing registry (setting `media_processing_registry_json`, upstream
 * src/config/media_processing/) as far as image thumbnails go: processors are tried in upstream's
 * order (vips_cli before the built-in images processor); one that is enabled for
 * `thumbnail:image`, lists the file's extension (or none) and whose command exists is used, and its
 * failure is the task's failure (upstream src/services/media/processing/thumbnail/cli.rs). The
 * built-in processor is sharp here.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

interface Processor {
  kind: string;
  enabled: boolean;
  uses: string[];
  extensions: string[];
  config?: { command?: string | null };
}

const VIPS_EXTENSIONS = ['gif', 'png', 'jpg', 'jpeg', 'jpe', 'webp', 'tif', 'tiff', 'heic', 'heif', 'avif', 'svg', 'pdf', 'jxl'];

export const DEFAULT_MEDIA_PROCESSING_REGISTRY = JSON.stringify(
  {
    version: 2,
    processors: [
      { kind: 'vips_cli', enabled: false, uses: ['thumbnail:image'], extensions: VIPS_EXTENSIONS, config: { command: 'vips' } },
      { kind: 'images', enabled: true, uses: ['thumbnail:image', 'metadata:image'], extensions: [], config: {} },
    ],
  },
  null,
  2,
);

function commandAvailable(command: string): boolean {
  const executable = (p: string) => {
    try {
      const st = fs.statSync(p);
      return st.isFile() && (st.mode & 0o111) !== 0;
    } catch {
      return false;
    }
  };
  if (command.includes('/')) return executable(command);
  return (process.env.PATH ?? '').split(':').some((dir) => dir && executable(path.join(dir, command)));
}

/** The vips command that renders this file's thumbnail, when the registry picks vips_cli for it. */
export function vipsCommandFor(registryJson: string, fileName: string): string | undefined {
  let processors: Processor[];
  try {
    processors = (JSON.parse(registryJson) as { processors?: Processor[] }).processors ?? [];
  } catch {
    return undefined;
  }
  const vips = processors.find((p) => p.kind === 'vips_cli');
  if (!vips?.enabled || !vips.uses?.includes('thumbnail:image')) return undefined;
  const ext = path.extname(fileName).slice(1).toLowerCase();
  if (vips.extensions?.length && !vips.extensions.includes(ext)) return undefined;
  const command = vips.config?.command?.trim() || 'vips';
  return commandAvailable(command) ? command : undefined;
}

/** Runs `vips thumbnail in out size --height size --size down` as upstream does; rejects with its stderr. */
export function vipsThumbnail(command: string, input: string, output: string, maxDim: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, ['thumbnail', input, output, String(maxDim), '--height', String(maxDim), '--size', 'down'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`vips CLI thumbnail command failed: ${err.trim() || `exit status ${code}`}`))));
  });
}
