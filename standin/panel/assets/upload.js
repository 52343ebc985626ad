// Upload queue, hidden file inputs and the bottom-right upload panel.
import { activityShell } from './app.js';
import { ApiError, clear, errorMessage, fmtSize, getCookie, h, icon, request } from './lib.js';

const DIRECT_LIMIT = 5 * 1024 * 1024;
const tasks = [];
let seq = 0;
let active = 0;
let collapsed = false;
const settleListeners = new Set();
let currentTarget = { folderId: null };

export function setUploadTarget(folderId) {
  currentTarget = { folderId: folderId ?? null };
}
export function onUploadsSettled(fn) {
  settleListeners.add(fn);
  return () => settleListeners.delete(fn);
}

function concurrency() {
  const n = Number(localStorage.getItem('aster-upload-concurrency'));
  return n >= 1 && n <= 8 ? n : 2;
}

export function mountUploadInputs(shell) {
  if (shell.querySelector('[data-testid="upload-file-input"]')) return;
  const fileInput = h('input', {
    type: 'file',
    multiple: true,
    class: 'visually-hidden-input',
    'data-testid': 'upload-file-input',
    'aria-label': 'Upload File',
    tabindex: '-1',
  });
  fileInput.addEventListener('change', () => {
    const files = [...(fileInput.files || [])];
    fileInput.value = '';
    enqueue(files.map((f) => ({ file: f, relativePath: null })));
  });
  const folderInput = h('input', {
    type: 'file',
    multiple: true,
    webkitdirectory: true,
    class: 'visually-hidden-input',
    'data-testid': 'upload-folder-input',
    'aria-label': 'Upload Folder',
    tabindex: '-1',
  });
  folderInput.addEventListener('change', () => {
    const files = [...(folderInput.files || [])];
    folderInput.value = '';
    enqueue(files.map((f) => ({ file: f, relativePath: f.webkitRelativePath || null })));
  });
  const resumeInput = h('input', {
    type: 'file',
    class: 'visually-hidden-input',
    'data-testid': 'resume-input',
    'aria-label': 'Select file to resume',
    tabindex: '-1',
  });
  shell.append(fileInput, folderInput, resumeInput);
  renderPanel();
}

export function pickFiles() {
  document.querySelector('[data-testid="upload-file-input"]')?.click();
}
export function pickFolder() {
  document.querySelector('[data-testid="upload-folder-input"]')?.click();
}

export function enqueue(items, folderId = currentTarget.folderId) {
  for (const it of items) {
    tasks.push({
      id: ++seq,
      file: it.file,
      relativePath: it.relativePath?.includes('/') ? it.relativePath : null,
      folderId,
      status: 'pending',
      progress: 0,
      detail: '',
      error: '',
    });
  }
  collapsed = false;
  renderPanel();
  pump();
}

function pump() {
  while (active < concurrency()) {
    const next = tasks.find((t) => t.status === 'pending');
    if (!next) break;
    active++;
    next.status = 'uploading';
    renderPanel();
    run(next)
      .then(() => {
        next.status = 'done';
        next.progress = 100;
      })
      .catch((err) => {
        next.status = 'failed';
        next.error = errorMessage(err, 'Upload failed');
      })
      .finally(() => {
        active--;
        renderPanel();
        if (!tasks.some((t) => t.status === 'pending' || t.status === 'uploading')) {
          if (localStorage.getItem('aster-upload-auto-clear-completed') === 'true') {
            for (let i = tasks.length - 1; i >= 0; i--) if (tasks[i].status === 'done') tasks.splice(i, 1);
            renderPanel();
          }
          for (const fn of settleListeners) {
            try {
              fn();
            } catch {}
          }
        } else pump();
      });
  }
}

function xhrUpload(method, url, body, headers, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(headers || {})) xhr.setRequestHeader(k, v);
    if (onProgress) xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'Network error'));
    xhr.send(body);
  });
}

async function apiXhr(method, path, body, headers, onProgress, retried = false) {
  const h2 = { ...(headers || {}) };
  const csrf = getCookie('aster_csrf');
  if (csrf) h2['X-CSRF-Token'] = csrf;
  const xhr = await xhrUpload(method, `/api/v1${path}`, body, h2, onProgress);
  let json = null;
  try {
    json = JSON.parse(xhr.responseText);
  } catch {}
  if (xhr.status === 401 && !retried) {
    const { refreshSession } = await import('./lib.js');
    if (await refreshSession()) return apiXhr(method, path, body, headers, onProgress, true);
  }
  if (xhr.status < 200 || xhr.status >= 300 || (json?.code && json.code !== 'success')) {
    throw new ApiError(xhr.status, json?.code, json?.msg);
  }
  return json?.data;
}

async function direct(task) {
  const q = new URLSearchParams();
  if (task.folderId) q.set('folder_id', String(task.folderId));
  if (task.relativePath) q.set('relative_path', task.relativePath);
  q.set('declared_size', String(task.file.size));
  const fd = new FormData();
  fd.append('file', task.file, task.file.name);
  task.detail = 'Direct';
  return apiXhr('POST', `/files/upload?${q}`, fd, {}, (p) => {
    task.progress = Math.round(p * 100);
    renderPanel();
  });
}

async function run(task) {
  const file = task.file;
  if (file.size <= DIRECT_LIMIT) return direct(task);
  const init = await request('POST', '/files/upload/init', {
    body: {
      filename: file.name,
      total_size: file.size,
      folder_id: task.folderId ?? null,
      ...(task.relativePath ? { relative_path: task.relativePath } : {}),
    },
  });
  const mode = init?.mode || 'direct';
  if (mode === 'direct') return direct(task);
  if (mode === 'chunked') {
    const size = Number(init.chunk_size);
    const total = Number(init.total_chunks) || Math.ceil(file.size / size);
    for (let i = 0; i < total; i++) {
      task.detail = `Chunked · Chunk ${i + 1}/${total}`;
      renderPanel();
      const blob = file.slice(i * size, Math.min(file.size, (i + 1) * size));
      await apiXhr('PUT', `/files/upload/${init.upload_id}/${i}`, blob, { 'Content-Type': 'application/octet-stream' }, (p) => {
        task.progress = Math.round(((i + p) / total) * 100);
        renderPanel();
      });
    }
    task.detail = 'Processing file...';
    renderPanel();
    return completeUpload(init.upload_id, undefined);
  }
  if (mode === 'presigned') {
    const req = init.presigned_request;
    const xhr = await xhrUpload('PUT', req.url, file, req.headers || {}, (p) => {
      task.progress = Math.round(p * 100);
      renderPanel();
    });
    if (xhr.status >= 300) throw new ApiError(xhr.status, 'upload_failed', 'Upload failed');
    return completeUpload(init.upload_id, undefined);
  }
  if (mode === 'presigned_multipart') {
    const size = Number(init.chunk_size);
    const total = Number(init.total_chunks) || Math.ceil(file.size / size);
    const numbers = Array.from({ length: total }, (_, i) => i + 1);
    const parts = [];
    for (let b = 0; b < numbers.length; b += 16) {
      const batch = numbers.slice(b, b + 16);
      const urls = await request('POST', `/files/upload/${init.upload_id}/presign-parts`, { body: { part_numbers: batch } });
      for (const n of batch) {
        const info = urls[n] || urls[String(n)];
        const target = typeof info === 'string' ? { url: info, headers: {} } : info;
        const blob = file.slice((n - 1) * size, Math.min(file.size, n * size));
        const xhr = await xhrUpload('PUT', target.url, blob, target.headers || {});
        if (xhr.status >= 300) throw new ApiError(xhr.status, 'upload_failed', 'Upload failed');
        parts.push({ part_number: n, etag: xhr.getResponseHeader('ETag') || '' });
        task.progress = Math.round((n / total) * 100);
        task.detail = `Chunked · Chunk ${n}/${total}`;
        renderPanel();
      }
    }
    return completeUpload(init.upload_id, { parts });
  }
  throw new ApiError(400, 'upload.unsupported_mode', `Unsupported upload mode: ${mode}`);
}

async function completeUpload(uploadId, body) {
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      return await request('POST', `/files/upload/${uploadId}/complete`, body ? { body } : {});
    } catch (err) {
      if (err?.code === 'upload.assembling' || err?.status === 202) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      throw err;
    }
  }
  throw new ApiError(500, 'upload.assembling', 'Upload assembly timed out');
}

function statusText(t) {
  if (t.status === 'done') return 'Upload complete';
  if (t.status === 'failed') return 'Upload failed';
  if (t.status === 'canceled') return 'Upload canceled';
  if (t.status === 'pending') return 'Processing...';
  return 'Uploading file...';
}

let panel = null;
function renderPanel() {
  const shell = activityShell();
  if (!shell) return;
  if (!tasks.length) {
    if (panel) {
      panel.remove();
      panel = null;
    }
    return;
  }
  if (!panel || !shell.contains(panel)) {
    panel = h('section', { class: 'upload-panel', 'aria-labelledby': 'upload-panel-title' });
    shell.appendChild(panel);
  }
  const done = tasks.filter((t) => t.status === 'done').length;
  const failed = tasks.filter((t) => t.status === 'failed').length;
  const activeN = tasks.filter((t) => t.status === 'pending' || t.status === 'uploading').length;
  const summary =
    activeN === 0 && failed === 0 ? `${tasks.length} items · all complete` : `${tasks.length} items · ${done} succeeded · ${failed} failed · ${activeN} active`;
  clear(panel);
  panel.appendChild(
    h(
      'div',
      { class: 'panel-head' },
      h('div', null, h('h3', { id: 'upload-panel-title', class: 'panel-title' }, 'Upload'), h('p', { class: 'muted small' }, summary)),
      h(
        'div',
        { class: 'panel-actions' },
        failed
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn btn-ghost btn-sm',
                onclick: () => {
                  for (const t of tasks) if (t.status === 'failed') t.status = 'pending';
                  renderPanel();
                  pump();
                },
              },
              'Retry',
            )
          : null,
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-ghost btn-sm',
            onclick: () => {
              for (let i = tasks.length - 1; i >= 0; i--) if (tasks[i].status === 'done' || tasks[i].status === 'failed') tasks.splice(i, 1);
              renderPanel();
            },
          },
          'Clear finished',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'icon-btn',
            'aria-label': collapsed ? 'Expand upload panel' : 'Collapse upload panel',
            'aria-expanded': String(!collapsed),
            onclick: () => {
              collapsed = !collapsed;
              renderPanel();
            },
          },
          icon('chevron'),
        ),
      ),
    ),
  );
  if (collapsed) return;
  const list = h('ul', { class: 'upload-list' });
  for (const t of tasks) {
    list.appendChild(
      h(
        'li',
        { class: `upload-item ${t.status}` },
        h(
          'div',
          { class: 'upload-item-main' },
          h('span', { class: 'upload-name', title: t.file.name }, t.file.name),
          h('span', { class: 'upload-status' }, statusText(t)),
        ),
        h(
          'div',
          { class: 'upload-meta muted small' },
          `${fmtSize(t.file.size)}${t.detail && t.status === 'uploading' ? ` · ${t.detail}` : ''}${t.status === 'uploading' ? ` · ${t.progress}%` : ''}${t.status === 'failed' && t.error ? ` · ${t.error}` : ''}`,
        ),
        t.status === 'uploading' ? h('progress', { max: '100', value: String(t.progress), 'aria-label': 'Overall progress' }) : null,
      ),
    );
  }
  panel.appendChild(list);
}
