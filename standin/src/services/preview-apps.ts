import { E } from '../http/errors.js';
import { isObj } from '../http/body.js';

/** The preview-app registry stored in `frontend_preview_apps_json` (upstream src/services/preview/apps/types.rs). */
export interface PreviewApp {
  key: string;
  provider: 'builtin' | 'url_template' | 'wopi';
  icon: string;
  enabled: boolean;
  labels: Record<string, string>;
  extensions: string[];
  config: Record<string, unknown>;
}

const BUILTIN: [string, string, string[]][] = [
  ['builtin.image', 'Image', ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'svg', 'avif', 'ico']],
  ['builtin.video', 'Video', ['mp4', 'webm', 'mkv', 'mov', 'm4v']],
  ['builtin.audio', 'Audio', ['mp3', 'wav', 'flac', 'ogg', 'm4a', 'aac']],
  ['builtin.pdf', 'PDF', ['pdf']],
  ['builtin.markdown', 'Markdown', ['md', 'markdown']],
  ['builtin.table', 'Table', ['csv', 'tsv']],
  ['builtin.formatted', 'Formatted', ['json', 'xml', 'yaml', 'yml', 'toml']],
  ['builtin.code', 'Code', ['js', 'ts', 'py', 'rs', 'go', 'java', 'c', 'cpp', 'h', 'css', 'html', 'sh']],
  ['builtin.try_text', 'Text', []],
  ['builtin.archive', 'Archive', ['zip', 'tar', 'gz', '7z']],
];

export function builtinApps(): PreviewApp[] {
  return BUILTIN.map(([key, label, extensions]) => ({
    key,
    provider: 'builtin',
    icon: `/static/preview-apps/${key.slice(8)}.svg`,
    enabled: true,
    labels: { en: label, zh: label },
    extensions,
    config: {},
  }));
}

export function defaultRegistryJson(): string {
  return JSON.stringify({ version: 2, apps: builtinApps() }, null, 2);
}

const APP_FIELDS = ['key', 'provider', 'icon', 'enabled', 'labels', 'extensions', 'config'];
const CONFIG_FIELDS = [
  'mode',
  'action',
  'action_url',
  'action_url_template',
  'discovery_url',
  'allowed_origins',
  'form_fields',
  'url_template',
  'delimiter',
  'width',
  'height',
];

function fail(msg: string): never {
  throw E.bad(`invalid frontend_preview_apps_json: ${msg}`);
}

/** Validates and normalizes a registry; required builtins are appended when missing. */
export function normalizeRegistry(text: string): { version: 2; apps: PreviewApp[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail((e as Error).message);
  }
  if (!isObj(raw)) fail('expected an object');
  for (const k of Object.keys(raw)) if (k !== 'version' && k !== 'apps') fail(`unknown field \`${k}\``);
  if (raw.version !== 2) fail('version must be 2');
  if (!Array.isArray(raw.apps)) fail('apps must be an array');
  const apps: PreviewApp[] = [];
  const seen = new Set<string>();
  for (const a of raw.apps) {
    if (!isObj(a)) fail('app must be an object');
    for (const k of Object.keys(a)) if (!APP_FIELDS.includes(k)) fail(`unknown field \`${k}\``);
    const key = typeof a.key === 'string' ? a.key.trim() : '';
    if (!key) fail('app key is required');
    if (seen.has(key)) fail(`duplicate app key ${key}`);
    seen.add(key);
    const provider = a.provider;
    if (provider !== 'builtin' && provider !== 'url_template' && provider !== 'wopi') fail(`unknown provider for ${key}`);
    if (provider === 'builtin' && !key.startsWith('builtin.')) fail(`non-builtin app ${key} must not use provider builtin`);
    const labels = a.labels;
    if (!isObj(labels) || Object.keys(labels).length === 0) fail(`app ${key} needs labels`);
    const config = a.config === undefined ? {} : a.config;
    if (!isObj(config)) fail(`config of ${key} must be an object`);
    for (const k of Object.keys(config)) if (!CONFIG_FIELDS.includes(k)) fail(`unknown field \`${k}\` in config of ${key}`);
    if (provider === 'wopi') {
      if (config.mode !== 'iframe' && config.mode !== 'new_tab') fail(`wopi app ${key} requires config.mode iframe or new_tab`);
      if (typeof config.action === 'string') config.action = config.action.toLowerCase();
    }
    const exts = Array.isArray(a.extensions) ? a.extensions : [];
    apps.push({
      key,
      provider,
      icon: typeof a.icon === 'string' ? a.icon : '',
      enabled: a.enabled === undefined ? true : Boolean(a.enabled),
      labels: labels as Record<string, string>,
      extensions: exts.map((e) => String(e).trim().replace(/^\./, '').toLowerCase()).filter(Boolean),
      config,
    });
  }
  for (const b of builtinApps()) if (!seen.has(b.key)) apps.push(b);
  return { version: 2, apps };
}
