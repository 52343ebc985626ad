// Shared helpers: DOM builder, API client, toasts, dialogs, menus, selects, formatting.
import { ERROR_MESSAGES } from './strings.js';

// ---------------------------------------------------------------- DOM
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') {
        el.addEventListener(k.slice(2).toLowerCase(), v);
      } else if (k === 'class') {
        el.className = v;
      } else if (k === 'style' && typeof v === 'object') {
        Object.assign(el.style, v);
      } else if (k === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (k === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) {
        el.value = v;
      } else if (k === 'ref' && typeof v === 'function') {
        v(el);
      } else if (v === true) {
        el.setAttribute(k, '');
      } else {
        el.setAttribute(k, String(v));
      }
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function add(el, ...children) {
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let idSeq = 0;
export function uid(prefix = 'id') {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const ICONS = {
  folder: 'M3 6a2 2 0 0 1 2-2h4l2 2h8a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2z',
  file: 'M6 2h8l5 5v13a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm8 0v5h5',
  more: 'M12 5h.01M12 12h.01M12 19h.01',
  close: 'M6 6l12 12M18 6L6 18',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  link: 'M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1',
  refresh: 'M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
  restore: 'M3 12a9 9 0 1 0 3-6.7L3 8M3 3v5h5',
  check: 'M5 12l5 5L20 7',
  lock: 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4',
  upload: 'M12 16V4M6 10l6-6 6 6M4 20h16',
  chevron: 'M9 6l6 6-6 6',
  user: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 20a8 8 0 0 1 16 0',
};
export function icon(name, size = 16) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', 'icon');
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', ICONS[name] || ICONS.file);
  p.setAttribute('fill', 'none');
  p.setAttribute('stroke', 'currentColor');
  p.setAttribute('stroke-width', '2');
  p.setAttribute('stroke-linecap', 'round');
  p.setAttribute('stroke-linejoin', 'round');
  svg.appendChild(p);
  return svg;
}

export function srOnly(text) {
  return h('span', { class: 'sr-only' }, text);
}

// ---------------------------------------------------------------- format
export function fmtSize(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '';
  n = Number(n);
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function fmtDate(s) {
  if (!s) return '';
  const d = new Date(typeof s === 'number' ? s * (s < 1e12 ? 1000 : 1) : s);
  if (Number.isNaN(d.getTime())) return String(s);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fmtRelative(s) {
  if (!s) return '';
  const d = new Date(s);
  const diff = d.getTime() - Date.now();
  const abs = Math.abs(diff);
  const mins = Math.round(abs / 60000);
  const hours = Math.round(abs / 3600000);
  const days = Math.round(abs / 86400000);
  const later = diff > 0;
  if (mins < 1) return 'just now';
  if (mins < 60) return later ? `in ${mins}m` : `${mins}m ago`;
  if (hours < 24) return later ? `in ${hours}h` : `${hours}h ago`;
  return later ? `in ${days}d` : `${days}d ago`;
}

export function interp(str, vars) {
  return str.replace(/\{\{(\w+)\}\}/g, (_, k) => (vars[k] !== undefined ? String(vars[k]) : ''));
}

// ---------------------------------------------------------------- API
export class ApiError extends Error {
  constructor(status, code, msg, data) {
    super(msg || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    this.data = data;
  }
}

export function errorMessage(err, fallback) {
  if (err?.code) {
    const key = String(err.code).replace(/\./g, '_');
    if (ERROR_MESSAGES[key]) return ERROR_MESSAGES[key];
    const tail = String(err.code).split('.').pop();
    if (ERROR_MESSAGES[tail]) return ERROR_MESSAGES[tail];
  }
  if (err && err.status === 0) return ERROR_MESSAGES.network_error || 'Network error';
  if (fallback) return fallback;
  if (err?.message) return err.message;
  return ERROR_MESSAGES.unexpected_error || 'Something went wrong';
}

export function getCookie(name) {
  for (const part of document.cookie.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return '';
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NO_REFRESH = [/^\/auth\/(login|check|refresh|logout|setup|register)/, /^\/s\//, /^\/public\//];

let refreshPromise = null;
export function refreshSession() {
  // Refresh needs the readable CSRF cookie; without it the server can only refuse.
  if (!getCookie('aster_csrf')) return Promise.resolve(false);
  if (!refreshPromise) {
    refreshPromise = fetch('/api/v1/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': getCookie('aster_csrf') },
    })
      .then((r) => r.ok)
      .catch(() => false)
      .finally(() => {
        setTimeout(() => {
          refreshPromise = null;
        }, 0);
      });
  }
  return refreshPromise;
}

let onAuthLost = () => {
  window.location.href = '/login';
};
export function setAuthLostHandler(fn) {
  onAuthLost = fn;
}

/**
 * request(method, path, opts) -> data
 * path is relative to /api/v1.
 * opts: body (JSON), raw (BodyInit), headers, query, noRefresh, noRedirect, signal, asResponse
 */
export async function request(method, path, opts = {}) {
  let url = `/api/v1${path}`;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    }
    const qs = q.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }
  const doFetch = () => {
    const headers = { ...(opts.headers || {}) };
    let body;
    if (opts.raw !== undefined) body = opts.raw;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    if (UNSAFE.has(method)) {
      const csrf = getCookie('aster_csrf');
      if (csrf) headers['X-CSRF-Token'] = csrf;
    }
    return fetch(url, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  };
  let res;
  try {
    res = await doFetch();
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Network error');
  }
  const canRefresh = !opts.noRefresh && !NO_REFRESH.some((re) => re.test(path));
  if (res.status === 401 && canRefresh) {
    const ok = await refreshSession();
    if (ok) {
      try {
        res = await doFetch();
      } catch {
        throw new ApiError(0, 'network_error', 'Network error');
      }
    }
    if (res.status === 401) {
      if (!opts.noRedirect) onAuthLost();
      throw await toError(res);
    }
  }
  if (opts.asResponse) return res;
  const ct = res.headers.get('content-type') || '';
  let json = null;
  if (ct.includes('json')) {
    try {
      json = await res.json();
    } catch {
      json = null;
    }
  }
  if (!res.ok || (json?.code && json.code !== 'success')) {
    throw new ApiError(res.status, json?.code, json?.msg, json?.data);
  }
  return json ? json.data : null;
}

async function toError(res) {
  try {
    const j = await res.json();
    return new ApiError(res.status, j?.code, j?.msg);
  } catch {
    return new ApiError(res.status, null, `HTTP ${res.status}`);
  }
}

export const api = {
  get: (p, o) => request('GET', p, o),
  post: (p, body, o) => request('POST', p, { ...(o || {}), body }),
  put: (p, body, o) => request('PUT', p, { ...(o || {}), body }),
  patch: (p, body, o) => request('PATCH', p, { ...(o || {}), body }),
  del: (p, o) => request('DELETE', p, o),
};

// ---------------------------------------------------------------- toasts
let toastRoot = null;
function ensureToastRoot() {
  if (toastRoot && document.body.contains(toastRoot)) return toastRoot;
  toastRoot = h('section', { class: 'toasts', 'aria-label': 'Notifications alt+T', tabindex: '-1', popover: 'manual' }, h('ol', { 'aria-live': 'polite' }));
  document.body.appendChild(toastRoot);
  return toastRoot;
}

export function toast(text, kind = 'success', duration = 4200) {
  const root = ensureToastRoot();
  const list = root.querySelector('ol');
  let remaining = duration;
  let started = Date.now();
  let timer = null;
  const li = h(
    'li',
    { class: `toast toast-${kind}`, 'data-type': kind, role: kind === 'error' ? 'alert' : 'status' },
    h('div', { class: 'toast-text' }, text),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Close toast', onclick: () => remove() }, icon('close', 12)),
  );
  const remove = () => {
    clearTimeout(timer);
    li.remove();
  };
  const start = () => {
    started = Date.now();
    timer = setTimeout(remove, remaining);
  };
  li.addEventListener('mouseenter', () => {
    clearTimeout(timer);
    remaining -= Date.now() - started;
  });
  li.addEventListener('mouseleave', start);
  list.appendChild(li);
  start();
  raiseToasts();
}

// Keep the toast region in the top layer, above any modal dialog.
function raiseToasts() {
  if (!toastRoot || typeof toastRoot.showPopover !== 'function') return;
  try {
    if (toastRoot.matches(':popover-open')) toastRoot.hidePopover();
    toastRoot.showPopover();
  } catch {}
}
toast.success = (t) => toast(t, 'success');
toast.error = (t) => toast(t, 'error');
toast.info = (t) => toast(t, 'info');

function rehomeToasts() {
  if (toastRoot?.querySelector('li')) raiseToasts();
}

// ---------------------------------------------------------------- dialogs
/**
 * openDialog({ title, role, description, body(ctx) -> Node|Node[], footer(ctx), closeButton, dismissible, className, labelledBy, unnamed })
 * `unnamed`: the dialog gets no accessible name (its title is only a heading inside), like the real
 * panel's file preview dialog.
 * Returns ctx { el, close(), body, setTitle }.
 */
export function openDialog(opts) {
  const titleId = uid('dlg-title');
  const descId = uid('dlg-desc');
  const role = opts.role || 'dialog';
  const dlg = h('dialog', {
    class: `dialog ${opts.className || ''}`,
    role: role === 'alertdialog' ? 'alertdialog' : null,
    'aria-labelledby': opts.unnamed ? null : titleId,
    'aria-describedby': opts.description ? descId : null,
    'aria-modal': 'true',
  });
  const prevFocus = document.activeElement;
  let closed = false;
  const ctx = {
    el: dlg,
    closed: false,
    onClose: opts.onClose,
    close() {
      if (closed) return;
      closed = true;
      ctx.closed = true;
      try {
        dlg.close();
      } catch {}
      dlg.remove();
      rehomeToasts();
      if (prevFocus?.focus && document.contains(prevFocus)) prevFocus.focus();
      if (ctx.onClose) ctx.onClose();
    },
  };
  const titleEl = h('h2', { id: titleId, class: 'dialog-title' }, opts.title);
  ctx.setTitle = (t) => {
    titleEl.textContent = t;
  };
  const header = h(
    'div',
    { class: 'dialog-header' },
    h('div', { class: 'dialog-heading' }, titleEl, opts.description ? h('p', { id: descId, class: 'dialog-desc' }, opts.description) : null),
    opts.headerExtra ? opts.headerExtra(ctx) : null,
    opts.closeButton === false || role === 'alertdialog'
      ? null
      : h('button', { type: 'button', class: 'icon-btn dialog-close', 'aria-label': 'Close', onclick: () => ctx.close() }, icon('close')),
  );
  const body = h('div', { class: 'dialog-body' });
  ctx.body = body;
  dlg.appendChild(header);
  dlg.appendChild(body);
  if (opts.body) append(body, [opts.body(ctx)]);
  if (opts.footer) dlg.appendChild(h('div', { class: 'dialog-footer' }, opts.footer(ctx)));
  dlg.addEventListener('cancel', (e) => {
    e.preventDefault();
    if (opts.dismissible === false) return;
    ctx.close();
  });
  dlg.addEventListener('mousedown', (e) => {
    if (e.target === dlg && opts.dismissible !== false) {
      const r = dlg.getBoundingClientRect();
      const inside = e.clientX >= r.left && e.clientX <= r.right && e.clientY >= r.top && e.clientY <= r.bottom;
      if (!inside) ctx.close();
    }
  });
  document.body.appendChild(dlg);
  dlg.showModal();
  rehomeToasts();
  const auto = dlg.querySelector('[autofocus]') || dlg.querySelector('input:not([type=hidden]):not([readonly]), textarea, select');
  if (auto) auto.focus();
  return ctx;
}

export function confirmDialog({ title, description, confirmLabel = 'Confirm', cancelLabel = 'Cancel', destructive = true }) {
  return new Promise((resolve) => {
    let result = false;
    const ctx = openDialog({
      title,
      role: 'alertdialog',
      description,
      onClose: () => resolve(result),
      footer: (c) => [
        h('button', { type: 'button', class: 'btn btn-outline', onclick: () => c.close() }, cancelLabel),
        h(
          'button',
          {
            type: 'button',
            class: destructive ? 'btn btn-danger' : 'btn btn-primary',
            onclick: () => {
              result = true;
              c.close();
            },
          },
          confirmLabel,
        ),
      ],
    });
    const btns = ctx.el.querySelectorAll('.dialog-footer button');
    btns[btns.length - 1]?.focus();
  });
}

// ---------------------------------------------------------------- menus
let openMenuState = null;
export function closeMenu() {
  if (openMenuState) {
    const s = openMenuState;
    openMenuState = null;
    s.el.remove();
    document.removeEventListener('mousedown', s.outside, true);
    document.removeEventListener('keydown', s.key, true);
    window.removeEventListener('resize', s.dismiss);
    if (s.restoreFocus && s.anchor && document.contains(s.anchor)) s.anchor.focus();
    if (s.anchor) s.anchor.setAttribute('aria-expanded', 'false');
  }
}

/** A row's `More actions` button, as on the real panel; `items()` gives the menu it opens. */
export function moreActionsButton(items) {
  const more = h(
    'button',
    { type: 'button', class: 'icon-btn row-more', 'aria-label': 'More actions', 'aria-haspopup': 'menu', 'aria-expanded': 'false' },
    icon('more'),
  );
  more.addEventListener('click', (e) => {
    e.stopPropagation();
    openMenu({ items: items(), anchor: more });
  });
  return more;
}

/**
 * openMenu({ items, x, y, anchor, label })
 * items: [{ label, onSelect, disabled, danger } | "separator" | { heading }]
 */
export function openMenu({ items, x, y, anchor, label, className }) {
  closeMenu();
  const menu = h('div', { role: 'menu', class: `menu ${className || ''}`, 'aria-label': label || null, tabindex: '-1' });
  const buttons = [];
  for (const it of items) {
    if (!it) continue;
    if (it === 'separator') {
      menu.appendChild(h('div', { role: 'separator', class: 'menu-sep' }));
      continue;
    }
    if (it.heading) {
      menu.appendChild(h('div', { class: 'menu-heading', role: 'presentation' }, it.heading));
      continue;
    }
    if (it.node) {
      menu.appendChild(it.node);
      continue;
    }
    const b = h(
      'button',
      {
        type: 'button',
        role: 'menuitem',
        class: `menu-item ${it.danger ? 'danger' : ''}`,
        tabindex: '-1',
        disabled: it.disabled ? true : null,
        'aria-disabled': it.disabled ? 'true' : null,
        onclick: (e) => {
          e.stopPropagation();
          if (it.disabled) return;
          closeMenu();
          it.onSelect?.();
        },
      },
      it.label,
    );
    buttons.push(b);
    menu.appendChild(b);
  }
  const host = [...document.querySelectorAll('dialog[open]')].pop() || document.body;
  host.appendChild(menu);
  // position
  let px = x;
  let py = y;
  if (anchor && (px === undefined || py === undefined)) {
    const r = anchor.getBoundingClientRect();
    px = r.right;
    py = r.bottom + 4;
    menu.dataset.alignRight = '1';
  }
  menu.style.left = '0px';
  menu.style.top = '0px';
  const mr = menu.getBoundingClientRect();
  if (menu.dataset.alignRight) px = px - mr.width;
  px = Math.max(4, Math.min(px, window.innerWidth - mr.width - 4));
  py = Math.max(4, Math.min(py, window.innerHeight - mr.height - 4));
  menu.style.left = `${px}px`;
  menu.style.top = `${py}px`;
  const state = {
    el: menu,
    anchor,
    restoreFocus: true,
    outside: (e) => {
      if (!menu.contains(e.target) && !anchor?.contains(e.target)) {
        state.restoreFocus = false;
        closeMenu();
      }
    },
    dismiss: () => closeMenu(),
    key: (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        closeMenu();
        return;
      }
      const enabled = buttons.filter((b) => !b.disabled);
      const idx = enabled.indexOf(document.activeElement);
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        enabled[(idx + 1) % enabled.length]?.focus();
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        enabled[(idx - 1 + enabled.length) % enabled.length]?.focus();
      } else if (e.key === 'Home') {
        e.preventDefault();
        enabled[0]?.focus();
      } else if (e.key === 'End') {
        e.preventDefault();
        enabled[enabled.length - 1]?.focus();
      } else if (e.key === 'Tab') {
        closeMenu();
      }
    },
  };
  openMenuState = state;
  if (anchor) anchor.setAttribute('aria-expanded', 'true');
  setTimeout(() => {
    if (openMenuState === state) document.addEventListener('mousedown', state.outside, true);
  }, 0);
  document.addEventListener('keydown', state.key, true);
  window.addEventListener('resize', state.dismiss);
  const first = buttons.find((b) => !b.disabled);
  if (first) first.focus();
  else menu.focus();
  return menu;
}

// ---------------------------------------------------------------- select (combobox + listbox)
/**
 * createSelect({ options: [{value,label}], value, onChange, id, ariaLabel })
 * Returns { el, get value(), set value(v) }
 */
export function createSelect({ options, value, onChange, id, ariaLabel, labelledBy }) {
  let current = value ?? options[0]?.value;
  const listId = uid('listbox');
  const valueSpan = h('span', { class: 'select-value' });
  const trigger = h(
    'button',
    {
      type: 'button',
      role: 'combobox',
      id: id || null,
      class: 'select-trigger',
      'aria-haspopup': 'listbox',
      'aria-expanded': 'false',
      'aria-controls': listId,
      'aria-label': ariaLabel || null,
      'aria-labelledby': labelledBy || null,
    },
    valueSpan,
    h('span', { class: 'select-caret', 'aria-hidden': 'true' }, '▾'),
  );
  const render = () => {
    const o = options.find((x) => x.value === current);
    valueSpan.textContent = o ? o.label : '';
  };
  render();
  let list = null;
  const close = (focus = true) => {
    if (!list) return;
    list.remove();
    list = null;
    trigger.setAttribute('aria-expanded', 'false');
    document.removeEventListener('mousedown', outside, true);
    if (focus) trigger.focus();
  };
  const outside = (e) => {
    if (list && !list.contains(e.target) && !trigger.contains(e.target)) close(false);
  };
  const choose = (v) => {
    const changed = v !== current;
    current = v;
    render();
    close();
    if (changed && onChange) onChange(v);
  };
  const open = () => {
    if (list) return close();
    list = h('div', { role: 'listbox', id: listId, class: 'select-list', tabindex: '-1' });
    const items = options.map((o) =>
      h(
        'div',
        {
          role: 'option',
          class: 'select-option',
          tabindex: '-1',
          'aria-selected': o.value === current ? 'true' : 'false',
          'data-value': String(o.value),
          onclick: (e) => {
            e.stopPropagation();
            choose(o.value);
          },
        },
        o.label,
      ),
    );
    append(list, items);
    list.addEventListener('keydown', (e) => {
      const idx = items.indexOf(document.activeElement);
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        items[Math.min(idx + 1, items.length - 1)]?.focus();
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        items[Math.max(idx - 1, 0)]?.focus();
      } else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        const v = options[idx];
        if (v) choose(v.value);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close();
      } else if (e.key === 'Tab') {
        close(false);
      }
    });
    const host = trigger.closest('dialog') || document.body;
    host.appendChild(list);
    const r = trigger.getBoundingClientRect();
    list.style.left = `${r.left}px`;
    list.style.top = `${r.bottom + 4}px`;
    list.style.minWidth = `${r.width}px`;
    trigger.setAttribute('aria-expanded', 'true');
    setTimeout(() => document.addEventListener('mousedown', outside, true), 0);
    (items.find((i) => i.getAttribute('aria-selected') === 'true') || items[0])?.focus();
  };
  trigger.addEventListener('click', open);
  trigger.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      open();
    }
  });
  return {
    el: trigger,
    get value() {
      return current;
    },
    set value(v) {
      current = v;
      render();
    },
    setOptions(next) {
      options = next;
      render();
    },
  };
}

// ---------------------------------------------------------------- misc
export function fileExt(name) {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(i + 1).toLowerCase() : '';
}

export function triggerDownload(url, filename) {
  const a = h('a', { href: url, download: filename || '', style: { display: 'none' } });
  document.body.appendChild(a);
  a.click();
  setTimeout(() => a.remove(), 1000);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast.success('Copied to clipboard');
  } catch {
    toast.error('Copy failed');
  }
}

export function spinner() {
  return h('div', { class: 'spinner', role: 'status', 'aria-label': 'Loading...' });
}
