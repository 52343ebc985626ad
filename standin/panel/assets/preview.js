// File preview dialog, open-method chooser and WOPI launcher.
import { loadPreviewApps, state } from './app.js';
import { api, errorMessage, fileExt, h, icon, interp, openDialog, spinner, triggerDownload } from './lib.js';

const IMAGE = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'svg', 'avif', 'ico'];
const VIDEO = ['mp4', 'webm', 'mov', 'm4v', 'ogv', 'mkv'];
const AUDIO = ['mp3', 'wav', 'ogg', 'flac', 'm4a', 'aac', 'opus'];
const OFFICE = ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp'];
const TEXT = [
  'txt',
  'md',
  'markdown',
  'json',
  'js',
  'mjs',
  'cjs',
  'ts',
  'tsx',
  'jsx',
  'css',
  'scss',
  'html',
  'htm',
  'xml',
  'yml',
  'yaml',
  'toml',
  'ini',
  'cfg',
  'conf',
  'log',
  'csv',
  'tsv',
  'sh',
  'bash',
  'py',
  'rb',
  'go',
  'rs',
  'java',
  'c',
  'h',
  'cpp',
  'hpp',
  'cs',
  'php',
  'sql',
  'env',
  'gitignore',
  'dockerfile',
  'makefile',
  'vue',
  'svelte',
];

function builtinMethod(file) {
  const ext = fileExt(file.name);
  const mime = String(file.mime_type || '');
  if (IMAGE.includes(ext) || (mime.startsWith('image/') && ext !== 'svg')) return { key: 'builtin.image', label: 'Image preview', kind: 'image' };
  if (ext === 'pdf' || mime === 'application/pdf') return { key: 'builtin.pdf', label: 'PDF preview', kind: 'pdf' };
  if (VIDEO.includes(ext) || mime.startsWith('video/')) return { key: 'builtin.video', label: 'Video preview', kind: 'video' };
  if (AUDIO.includes(ext) || mime.startsWith('audio/')) return { key: 'builtin.audio', label: 'Audio preview', kind: 'audio' };
  if (OFFICE.includes(ext)) return null;
  if (TEXT.includes(ext) || mime.startsWith('text/') || mime.includes('json') || mime.includes('xml') || mime.includes('javascript')) {
    return { key: 'builtin.code', label: 'Source view', kind: 'text' };
  }
  return null;
}

function appLabel(app) {
  const l = app.labels || {};
  return l.en || l['en-US'] || Object.values(l)[0] || app.label || app.key;
}

function methodsFor(file) {
  const ext = fileExt(file.name);
  const methods = [];
  const b = builtinMethod(file);
  if (b) methods.push(b);
  for (const app of state.previewApps || []) {
    if (!app || app.enabled === false || app.provider === 'builtin') continue;
    const exts = (app.extensions || []).map((e) => String(e).toLowerCase().replace(/^\./, ''));
    if (!exts.includes(ext)) continue;
    methods.push({ key: app.key, label: appLabel(app), kind: app.provider === 'wopi' ? 'wopi' : 'url_template', app });
  }
  if (OFFICE.includes(ext)) {
    methods.push({ key: 'builtin.office_microsoft', label: 'Microsoft Viewer', kind: 'office', provider: 'microsoft' });
    methods.push({ key: 'builtin.office_google', label: 'Google Viewer', kind: 'office', provider: 'google' });
  }
  if (!b && !OFFICE.includes(ext)) methods.push({ key: 'builtin.try_text', label: 'Open as text', kind: 'text', hidden: !!methods.length });
  return methods;
}

/**
 * openFile(file, { onChanged, source, forceChooser })
 * source: { downloadUrl } for public shares (default: owner download endpoint)
 */
export async function openFile(file, opts = {}) {
  if (!state.previewApps?.length) await loadPreviewApps();
  const methods = methodsFor(file);
  const visible = methods.filter((m) => !m.hidden);
  if (opts.forceChooser || visible.length > 1) {
    chooser(file, methods, opts);
  } else {
    previewDialog(file, visible[0] || methods[0], opts);
  }
}

function chooser(file, methods, opts, parentCtx) {
  let showAll = false;
  openDialog({
    title: 'Choose how to open this file',
    description: file.name,
    body: (ctx) => {
      const list = h('div', { class: 'choice-list' });
      const draw = () => {
        list.replaceChildren(
          ...methods
            .filter((m) => showAll || !m.hidden)
            .map((m) =>
              h(
                'button',
                {
                  type: 'button',
                  class: 'choice',
                  onclick: () => {
                    ctx.close();
                    if (parentCtx) parentCtx.close();
                    previewDialog(file, m, opts);
                  },
                },
                m.label,
              ),
            ),
        );
        if (!showAll && methods.some((m) => m.hidden)) {
          list.appendChild(
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-ghost',
                onclick: () => {
                  showAll = true;
                  draw();
                },
              },
              'More open methods',
            ),
          );
        }
      };
      draw();
      return list;
    },
  });
}

function downloadUrl(file, opts, inline = true) {
  const base = opts.source?.downloadUrl || `/api/v1/files/${file.id}/download`;
  return inline ? `${base}${base.includes('?') ? '&' : '?'}disposition=inline` : base;
}

function previewDialog(file, method, opts) {
  const kind = method ? method.kind : 'none';
  openDialog({
    title: file.name,
    unnamed: true,
    className: `preview-dialog preview-${kind}`,
    headerExtra: (ctx) =>
      h(
        'div',
        { class: 'preview-tools' },
        h(
          'button',
          {
            type: 'button',
            class: 'icon-btn',
            'aria-label': 'Choose how to open this file',
            title: 'Choose how to open this file',
            onclick: () => chooser(file, methodsFor(file), opts, ctx),
          },
          icon('more'),
        ),
      ),
    body: (ctx) => {
      const host = h('div', { class: 'preview-host' });
      renderMethod(host, file, method, opts, ctx);
      return host;
    },
  });
}

async function renderMethod(host, file, method, opts, _ctx) {
  const url = downloadUrl(file, opts);
  if (!method) return notAvailable(host, file, opts);
  switch (method.kind) {
    case 'image':
      host.appendChild(h('img', { src: url, alt: file.name, class: 'preview-image' }));
      return;
    case 'video':
      host.appendChild(h('video', { src: url, controls: true, class: 'preview-media' }));
      return;
    case 'audio':
      host.appendChild(h('audio', { src: url, controls: true }));
      return;
    case 'pdf':
      return renderPdf(host, url);
    case 'text':
      return renderText(host, url);
    case 'wopi':
      return renderWopi(host, file, method);
    case 'office':
      return renderOffice(host, file, method, opts);
    case 'url_template':
      host.appendChild(
        h(
          'div',
          { class: 'empty-state' },
          h('p', { class: 'empty-title' }, 'This preview app is unavailable'),
          h('p', { class: 'muted' }, 'The configured target URL could not be resolved or is not allowed by the preview app settings.'),
        ),
      );
      return;
    default:
      return notAvailable(host, file, opts);
  }
}

function notAvailable(host, file, opts) {
  host.appendChild(
    h(
      'div',
      { class: 'empty-state' },
      icon('file', 40),
      h('p', { class: 'empty-title' }, 'Preview is not available for this file type'),
      h('p', { class: 'muted' }, 'Download the file, or try another open mode later.'),
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => triggerDownload(downloadUrl(file, opts, false), file.name) }, 'Download'),
    ),
  );
}

async function fetchBytes(url) {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function renderText(host, url) {
  const sp = spinner();
  host.appendChild(sp);
  try {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    sp.remove();
    host.appendChild(h('pre', { class: 'preview-text' }, text));
  } catch (err) {
    sp.replaceWith(failed(err));
  }
}

function failed(err) {
  return h('div', { class: 'empty-state' }, h('p', { class: 'empty-title' }, 'Failed to load'), h('p', { class: 'muted' }, errorMessage(err)));
}

// Minimal PDF "renderer": validates the header, counts pages and draws one canvas per page.
async function renderPdf(host, url) {
  const sp = spinner();
  host.appendChild(sp);
  try {
    const bytes = await fetchBytes(url);
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 5));
    if (head !== '%PDF-') throw new Error('Not a PDF document');
    const text = new TextDecoder('latin1').decode(bytes);
    const pages = (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) || []).length || 1;
    let w = 612;
    let hgt = 792;
    const mb = text.match(/\/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]/);
    if (mb) {
      w = Math.abs(Number(mb[3]) - Number(mb[1])) || w;
      hgt = Math.abs(Number(mb[4]) - Number(mb[2])) || hgt;
    }
    const strings = [...text.matchAll(/\(((?:[^()\\]|\\.){1,200})\)\s*Tj/g)].map((m) => m[1].replace(/\\(.)/g, '$1'));
    sp.remove();
    const info = h('p', { class: 'muted small' }, interp('{{count}} pages', { count: pages }));
    const list = h('div', { class: 'pdf-pages' });
    host.append(info, list);
    const scale = Math.min(1, 700 / w);
    for (let i = 0; i < Math.min(pages, 200); i++) {
      const canvas = h('canvas', {
        width: String(Math.round(w * scale)),
        height: String(Math.round(hgt * scale)),
        class: 'pdf-page',
        'aria-label': `Page ${i + 1} / ${pages}`,
      });
      const c = canvas.getContext('2d');
      if (c) {
        c.fillStyle = '#fff';
        c.fillRect(0, 0, canvas.width, canvas.height);
        c.fillStyle = '#222';
        c.font = '16px sans-serif';
        if (i === 0) {
          for (const [k, s] of strings.slice(0, 20).entries()) c.fillText(s, 40, 60 + k * 22);
        }
        c.fillStyle = '#888';
        c.font = '12px sans-serif';
        c.fillText(`Page ${i + 1} / ${pages}`, canvas.width / 2 - 30, canvas.height - 20);
      }
      list.appendChild(canvas);
    }
  } catch (err) {
    sp.replaceWith(failed(err));
  }
}

async function renderWopi(host, file, method) {
  const label = method.label;
  const loading = h('p', { class: 'muted wopi-loading' }, `Starting ${label}...`);
  host.appendChild(loading);
  let session;
  try {
    session = await api.post(`/files/${file.id}/wopi/open`, { app_key: method.key });
    if (!session?.action_url) throw new Error('missing action_url');
  } catch (err) {
    loading.replaceWith(
      h(
        'div',
        { class: 'empty-state' },
        h('p', { class: 'empty-title' }, 'This WOPI app is unavailable'),
        h('p', { class: 'muted' }, 'The WOPI session could not be initialized. Check the backend WOPI Host, token issuance, and client configuration.'),
        h('p', { class: 'muted small' }, errorMessage(err)),
      ),
    );
    return;
  }
  const fields = { access_token: session.access_token, access_token_ttl: String(session.access_token_ttl ?? ''), ...(session.form_fields || {}) };
  const post = (target) => {
    const form = h('form', { method: 'POST', action: session.action_url, target, style: { display: 'none' } });
    for (const [k, v] of Object.entries(fields)) form.appendChild(h('input', { type: 'hidden', name: k, value: String(v) }));
    document.body.appendChild(form);
    form.submit();
    setTimeout(() => form.remove(), 1000);
  };
  const openBtn = h('button', { type: 'button', class: 'btn btn-outline btn-sm', onclick: () => post('_blank') }, `Open in ${label}`);
  if ((session.mode || method.app?.config?.mode) === 'new_tab') {
    loading.replaceWith(h('div', { class: 'empty-state' }, h('p', null, `${label} is configured to open or edit outside the file dialog.`), openBtn));
    return;
  }
  const frameName = `wopi-frame-${file.id}-${Date.now()}`;
  const iframe = h('iframe', { name: frameName, title: label, class: 'wopi-frame', allow: 'clipboard-read; clipboard-write; fullscreen' });
  iframe.addEventListener('load', () => {
    if (iframe.dataset.posted) loading.remove();
  });
  host.append(h('div', { class: 'wopi-bar' }, openBtn), iframe);
  iframe.dataset.posted = '1';
  post(frameName);
}

async function renderOffice(host, file, method, opts) {
  const provider = method.provider === 'google' ? 'Google' : 'Microsoft';
  const loading = h('p', { class: 'muted' }, `Loading ${provider} viewer...`);
  host.appendChild(loading);
  try {
    let link;
    if (opts.source?.previewLinkPath) link = await api.post(opts.source.previewLinkPath);
    else link = await api.post(`/files/${file.id}/preview-link`);
    const abs = new URL(link.path || link.url, location.origin).href;
    const src =
      method.provider === 'google'
        ? `https://docs.google.com/gview?embedded=true&url=${encodeURIComponent(abs)}`
        : `https://view.officeapps.live.com/op/embed.aspx?src=${encodeURIComponent(abs)}`;
    loading.remove();
    host.appendChild(h('iframe', { src, title: `${provider} Viewer`, class: 'wopi-frame' }));
  } catch (err) {
    loading.replaceWith(
      h(
        'div',
        { class: 'empty-state' },
        h('p', { class: 'muted' }, 'The preview link could not be prepared. Retry, switch providers, or download the file instead.'),
        h('p', { class: 'muted small' }, errorMessage(err)),
      ),
    );
  }
}
