// Admin panel: shell, overview, tasks, audit log, locks, settings and a few simple lists.
import { loadFrontendConfig, navigate, publicSiteList, setTitle, state, userMenuButton } from './app.js';
import { add, api, clear, confirmDialog, errorMessage, fmtDate, fmtSize, h, icon, spinner, toast } from './lib.js';
import { TASK_KIND, TASK_STATUS, taskName } from './pages.js';
import { AUDIT_ACTIONS } from './strings.js';

const NAV = [
  ['overview', 'Overview'],
  ['users', 'Users'],
  ['teams', 'Teams'],
  ['external-auth', 'External Auth'],
  ['policies', 'Storage Policies'],
  ['policy-groups', 'Policy Groups'],
  ['remote-nodes', 'Remote Nodes'],
  ['files', 'Files'],
  ['file-blobs', 'File Blobs'],
  ['shares', 'Shares'],
  ['locks', 'Locks'],
  ['tasks', 'Tasks'],
  ['audit', 'Audit Log'],
  ['settings', 'Settings'],
  ['about', 'About'],
];
const HEADINGS = { locks: 'WebDAV Locks' };

let sitePromptShown = false;

function adminShell(container, section) {
  const main = h('main', { class: 'main admin-main' });
  const nav = h(
    'nav',
    { class: 'side-links', 'aria-label': 'Admin' },
    NAV.map(([k, label]) =>
      h('a', { href: k === 'settings' ? '/admin/settings/site' : `/admin/${k}`, class: 'side-link', 'aria-current': k === section ? 'page' : null }, label),
    ),
    h('a', { href: '/', class: 'side-link' }, 'Back'),
  );
  container.appendChild(
    h(
      'div',
      { class: 'shell admin' },
      h(
        'header',
        { class: 'topbar' },
        h(
          'a',
          { href: '/admin/overview', class: 'brand', 'aria-label': 'Admin panel home' },
          h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'A'),
          h('span', null, state.brand),
        ),
        h('a', { href: '/', class: 'btn btn-ghost btn-sm back-home' }, 'Back'),
        h('div', { class: 'topbar-spacer' }),
        userMenuButton({ admin: true }),
      ),
      h('div', { class: 'shell-body' }, h('aside', { class: 'sidebar' }, h('div', { class: 'sidebar-scroll' }, nav)), main),
    ),
  );
  setTimeout(() => siteUrlPrompt(), 600);
  return main;
}

async function siteUrlPrompt() {
  if (sitePromptShown || !location.pathname.startsWith('/admin')) return;
  if (!state.frontendConfig || Object.keys(state.frontendConfig).length === 0) return;
  sitePromptShown = true;
  const list = publicSiteList();
  const origin = location.origin;
  if (list.includes(origin)) return;
  if (list.length > 1) {
    if (!location.pathname.startsWith('/admin/settings/site')) navigate('/admin/settings/site', { replace: true });
    return;
  }
  const yes = await confirmDialog({
    title: 'Current site URL does not match the system config',
    description: `The current browser address is ${origin}, but the configured public site URL list does not include it (current config: ${list.length ? list.join(', ') : 'not set'}). Update it now so links and callbacks use the current address?`,
    confirmLabel: 'Update site URL',
    destructive: false,
  });
  if (!yes) return;
  try {
    await api.put('/admin/config/public_site_url', { value: [...list, origin] });
    toast.success('Settings saved');
    await loadFrontendConfig();
  } catch (err) {
    toast.error(errorMessage(err));
  }
}

function heading(title, desc, actions) {
  return h(
    'div',
    { class: 'page-header' },
    h('div', null, h('h2', { class: 'admin-h' }, title), desc ? h('p', { class: 'muted' }, desc) : null),
    actions ? h('div', { class: 'page-actions' }, actions) : null,
  );
}

function table(columns, rows) {
  return h(
    'table',
    { class: 'data-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h('tbody', null, rows),
  );
}

function itemsOf(d) {
  return Array.isArray(d) ? d : d?.items || [];
}

export async function renderAdmin(container, params, nav) {
  const section = params[0];
  const entry = NAV.find(([k]) => k === section);
  if (!entry) return navigate('/admin/overview', { replace: true });
  const title = HEADINGS[section] || entry[1];
  setTitle(title);
  const main = adminShell(container, section);
  const body = h('div', { class: 'admin-body' }, spinner());
  const refresh = () => render();
  main.append(heading(title, null, [h('button', { type: 'button', class: 'btn btn-outline btn-sm', onclick: refresh }, icon('refresh'), 'Refresh')]), body);
  const render = async () => {
    try {
      const node = await SECTIONS[section]?.(nav, refresh);
      if (!nav.isCurrent()) return;
      clear(body).appendChild(node || h('p', { class: 'muted' }, 'This section is not available in this panel.'));
    } catch (err) {
      if (nav.isCurrent()) clear(body).appendChild(h('p', { class: 'empty' }, errorMessage(err)));
    }
  };
  await render();
}

const SECTIONS = {
  async overview() {
    let d = null;
    try {
      d = await api.get('/admin/overview', { query: { days: 7 } });
    } catch {}
    const stats = [];
    const walk = (obj, prefix = '') => {
      for (const [k, v] of Object.entries(obj || {})) {
        if (typeof v === 'number') stats.push([`${prefix}${k}`.replace(/_/g, ' '), v]);
        else if (v && typeof v === 'object' && !Array.isArray(v) && prefix.split('.').length < 2) walk(v, `${prefix}${k}.`);
      }
    };
    walk(d);
    return h(
      'div',
      { class: 'stat-grid' },
      stats.length
        ? stats.slice(0, 24).map(([k, v]) => h('div', { class: 'card stat' }, h('p', { class: 'muted small' }, k), h('p', { class: 'stat-value' }, String(v))))
        : h('p', { class: 'muted' }, 'Inspect the last 7 days, all-time totals, and recent activity across the system.'),
    );
  },
  async tasks() {
    const q = new URLSearchParams(location.search);
    const d = await api.get('/admin/tasks', { query: { kind: q.get('kind'), status: q.get('status'), limit: 100, offset: 0 } });
    const items = itemsOf(d);
    if (!items.length)
      return h(
        'div',
        { class: 'empty-state' },
        h('p', { class: 'empty-title' }, 'No background tasks yet'),
        h('p', { class: 'muted' }, 'Recorded background task history will appear here after jobs start running.'),
      );
    return h(
      'div',
      { class: 'task-list' },
      items.map((t) => {
        const name = taskName(t);
        return h(
          'button',
          {
            type: 'button',
            class: 'task-row',
            'aria-label': name,
            onclick: () => taskDetail(t),
          },
          h('strong', null, name),
          h('span', { class: 'muted small' }, TASK_KIND[t.kind] || t.kind || ''),
          h('span', { class: `badge status-${t.status}` }, TASK_STATUS[t.status] || t.status),
          h('span', { class: 'muted small' }, fmtDate(t.updated_at || t.created_at)),
        );
      }),
    );
  },
  async audit(_nav, refresh) {
    const q = new URLSearchParams(location.search);
    const action = q.get('action') || '';
    const d = await api.get('/admin/audit-logs', { query: { action, entity_type: q.get('entityType'), limit: 100, offset: 0 } });
    const items = itemsOf(d);
    const filterInput = h('input', { type: 'text', class: 'input', placeholder: 'Filter by action...', value: action });
    const filters = h(
      'form',
      {
        class: 'filters',
        hidden: !action,
        onsubmit: (e) => {
          e.preventDefault();
          const p = new URLSearchParams(location.search);
          if (filterInput.value.trim()) p.set('action', filterInput.value.trim());
          else p.delete('action');
          history.replaceState(null, '', `/admin/audit${p.toString() ? `?${p}` : ''}`);
          refresh();
        },
      },
      filterInput,
      h('button', { type: 'submit', class: 'btn btn-outline btn-sm' }, 'Apply'),
      action ? h('span', { class: 'badge' }, 'Filters active') : null,
      action
        ? h(
            'button',
            {
              type: 'button',
              class: 'btn btn-ghost btn-sm',
              onclick: () => {
                history.replaceState(null, '', '/admin/audit');
                refresh();
              },
            },
            'Clear filters',
          )
        : null,
    );
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-outline btn-sm',
        'aria-expanded': String(!filters.hidden),
        onclick: () => {
          filters.hidden = !filters.hidden;
          toggle.textContent = filters.hidden ? 'Filters' : 'Hide filters';
          toggle.setAttribute('aria-expanded', String(!filters.hidden));
        },
      },
      filters.hidden ? 'Filters' : 'Hide filters',
    );
    const exportLink = h(
      'a',
      {
        href: `/api/v1/admin/audit-logs/export${action ? `?action=${encodeURIComponent(action)}` : ''}`,
        class: 'btn btn-outline btn-sm',
        download: 'audit-logs.csv',
      },
      'Export CSV',
    );
    const rows = items.map((e) =>
      h(
        'tr',
        null,
        h('td', { class: 'muted' }, fmtDate(e.created_at)),
        h('td', null, e.user?.username || e.user?.name || (e.user_id ? `#${e.user_id}` : '—')),
        h('td', { title: e.action }, AUDIT_ACTIONS[e.action] || e.action),
        h('td', null, e.entity_type || ''),
        h('td', null, e.entity_name || ''),
        h('td', { class: 'muted' }, e.ip_address || ''),
      ),
    );
    return h(
      'div',
      null,
      h('div', { class: 'chip-row' }, toggle, exportLink),
      filters,
      items.length
        ? table(['Time', 'User', 'Action', 'Entity', 'Name', 'IP Address'], rows)
        : h('div', { class: 'empty-state' }, h('p', { class: 'empty-title' }, action ? 'No matching audit log entries' : 'No audit log entries')),
    );
  },
  async locks(_nav, refresh) {
    const items = itemsOf(await api.get('/admin/locks', { query: { limit: 100, offset: 0 } }));
    if (!items.length)
      return h(
        'div',
        { class: 'empty-state' },
        h('p', { class: 'empty-title' }, 'No active locks'),
        h('p', { class: 'muted' }, 'WebDAV locks will appear here.'),
      );
    return table(
      ['Path', 'Owner', 'Mode', 'Timeout', 'Actions'],
      items.map((l) =>
        h(
          'tr',
          null,
          h('td', null, l.lockroot_path || l.path || `#${l.id}`),
          h('td', null, l.owner?.username || '—'),
          h('td', null, l.mode || ''),
          h('td', { class: 'muted' }, fmtDate(l.timeout_at)),
          h(
            'td',
            null,
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-outline btn-sm',
                onclick: async () => {
                  const yes = await confirmDialog({
                    title: 'Force unlock',
                    description: 'This will release the WebDAV lock. Clients holding this lock will encounter errors.',
                  });
                  if (!yes) return;
                  try {
                    await api.del(`/admin/locks/${l.id}`);
                    toast.success('Unlocked');
                    refresh();
                  } catch (err) {
                    toast.error(errorMessage(err));
                  }
                },
              },
              'Force unlock',
            ),
          ),
        ),
      ),
    );
  },
  async users() {
    const items = itemsOf(await api.get('/admin/users', { query: { limit: 100, offset: 0 } }));
    return table(
      ['ID', 'Username', 'Email', 'Role', 'Status', 'Storage'],
      items.map((u) =>
        h(
          'tr',
          null,
          h('td', null, String(u.id)),
          h('td', null, u.username),
          h('td', null, u.email || ''),
          h('td', null, u.role || ''),
          h('td', null, u.status === 'disabled' ? 'Disabled' : 'Active'),
          h('td', null, fmtSize(u.storage_used || 0)),
        ),
      ),
    );
  },
  async shares() {
    const items = itemsOf(await api.get('/admin/shares', { query: { limit: 100, offset: 0 } }));
    if (!items.length)
      return h(
        'div',
        { class: 'empty-state' },
        h('p', { class: 'empty-title' }, 'No shares'),
        h('p', { class: 'muted' }, 'Active share links will appear here.'),
      );
    return table(
      ['ID', 'Token', 'Downloads', 'Created'],
      items.map((s) =>
        h(
          'tr',
          null,
          h('td', null, String(s.id)),
          h('td', null, s.token),
          h('td', null, String(s.download_count ?? 0)),
          h('td', { class: 'muted' }, fmtDate(s.created_at)),
        ),
      ),
    );
  },
  async policies() {
    const items = itemsOf(await api.get('/admin/policies', { query: { limit: 100, offset: 0 } }));
    return table(
      ['ID', 'Name', 'Default'],
      items.map((p) => h('tr', null, h('td', null, String(p.id)), h('td', null, p.name), h('td', null, p.is_default ? 'Yes' : 'No'))),
    );
  },
  async about() {
    let info = null;
    try {
      info = await api.get('/admin/system-info');
    } catch {}
    return h(
      'dl',
      { class: 'kv' },
      h('dt', null, 'Version'),
      h('dd', null, info?.version || 'unknown'),
      h('dt', null, 'Build time'),
      h('dd', null, info?.build_time || ''),
    );
  },
};

function taskDetail(t) {
  import('./lib.js').then(({ openDialog }) =>
    openDialog({
      title: taskName(t),
      body: () =>
        h(
          'dl',
          { class: 'kv' },
          h('dt', null, 'Status'),
          h('dd', null, TASK_STATUS[t.status] || t.status),
          h('dt', null, 'Type'),
          h('dd', null, TASK_KIND[t.kind] || t.kind),
          h('dt', null, 'Progress'),
          h('dd', null, `${t.progress_percent ?? 0}%`),
          t.last_error ? [h('dt', null, 'Error'), h('dd', null, t.last_error)] : null,
        ),
    }),
  );
}

// ---------------------------------------------------------------- settings
const TABS = [
  ['site', 'Site Settings', 'Public branding, access origins, and preview app settings for the site.'],
  ['user', 'User Management', 'Registration, login methods and account defaults.'],
  ['auth', 'Auth & Cookies', 'Cookie security policy plus access-token and refresh-token lifetimes.'],
  ['mail', 'Mail Delivery', 'SMTP delivery and mail templates.'],
  ['network', 'Network Access', 'Cross-origin access and trusted network settings.'],
  ['runtime', 'Runtime', 'Runtime knobs and background behaviour.'],
  ['storage', 'Storage & Retention', 'Version retention, cleanup policies, and default storage quota.'],
  ['file-processing', 'File Processing', 'Safety limits and processor settings for archives, thumbnails, and media metadata.'],
  ['webdav', 'WebDAV', 'Control whether the WebDAV entrypoint is exposed.'],
  ['audit', 'Audit Log', 'Audit logging switches and retention windows.'],
  ['custom', 'Custom Config', 'Use this area for advanced overrides that are not part of the built-in system schema.'],
  ['other', 'Other', 'System settings that do not belong to a named category.'],
];

const KEY_TAB = [
  [/^public_site_url$|^branding_|^site_|^frontend_|^wopi_|^preview_/, 'site'],
  [/^auth_(allow_user_registration|register|password_login|passkey_login|email_code|local_email)/, 'user'],
  [/^auth_/, 'auth'],
  [/^mail_/, 'mail'],
  [/^cors_|^network_|^trusted_/, 'network'],
  [/^webdav_/, 'webdav'],
  [/^audit_/, 'audit'],
  [/^trash_|^max_versions|^storage_|^default_storage|^version/, 'storage'],
  [/^archive_|^thumbnail|^media_|^offline_download/, 'file-processing'],
  [/^background_|^task_|^runtime_|^share_stream|^scheduler/, 'runtime'],
];

function tabForConfig(c) {
  if (c.source === 'custom') return 'custom';
  for (const [re, tab] of KEY_TAB) if (re.test(c.key)) return tab;
  const cat = String(c.category || '').toLowerCase();
  for (const [k] of TABS) if (cat === k || cat.startsWith(`${k}.`) || cat.replace(/_/g, '-') === k) return k;
  if (cat.startsWith('general') || cat.startsWith('site')) return 'site';
  if (cat.startsWith('auth')) return 'auth';
  if (cat.startsWith('user')) return 'user';
  if (cat.startsWith('operations')) return 'runtime';
  return 'other';
}

function humanize(key) {
  return key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

const LABELS = {
  auth_cookie_secure: 'HTTPS-only auth cookies',
  auth_allow_user_registration: 'Allow public user registration',
  webdav_enabled: 'Enable WebDAV',
  public_site_url: 'Public site URL',
  webdav_block_system_files_enabled: 'Block WebDAV system files',
  auth_register_activation_enabled: 'Require email activation',
  auth_password_login_enabled: 'Password login',
  auth_passkey_login_enabled: 'Passkey login',
};

async function fetchAllConfig() {
  const out = [];
  for (let offset = 0; offset < 2000; offset += 100) {
    const d = await api.get('/admin/config', { query: { limit: 100, offset } });
    const items = itemsOf(d);
    out.push(...items);
    const total = Array.isArray(d) ? items.length : d?.total;
    if (!items.length || items.length < 100 || (total !== undefined && out.length >= total)) break;
  }
  return out;
}

export async function renderAdminSettings(container, params, nav) {
  const tab = TABS.find(([k]) => k === params[0]) ? params[0] : null;
  if (!tab) return navigate('/admin/settings/site', { replace: true });
  setTitle('Settings');
  const main = adminShell(container, 'settings');
  const tabInfo = TABS.find(([k]) => k === tab);
  const tablist = h(
    'div',
    { class: 'tabs vertical', role: 'tablist', 'aria-orientation': 'vertical' },
    TABS.map(([k, label, desc]) =>
      h(
        'a',
        { href: `/admin/settings/${k}`, role: 'tab', class: 'tab', id: `admin-tab-${k}`, 'aria-selected': String(k === tab) },
        h('span', { class: 'tab-label' }, label),
        h('span', { class: 'tab-desc muted small' }, desc),
      ),
    ),
  );
  const panel = h('div', { role: 'tabpanel', class: 'tab-panel', 'aria-labelledby': `admin-tab-${tab}` }, spinner());
  const drafts = new Map();
  const saveCount = h('span', null, '');
  const saveBar = h(
    'div',
    { class: 'save-bar', 'data-testid': 'settings-save-bar', 'aria-hidden': 'true', hidden: true },
    saveCount,
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-outline btn-sm',
        onclick: () => {
          drafts.clear();
          draw();
        },
      },
      'Discard Changes',
    ),
    h('button', { type: 'button', class: 'btn btn-primary btn-sm', onclick: () => save() }, 'Save Changes'),
  );
  main.append(
    heading('Settings', 'Adjust built-in runtime settings by category, and keep advanced overrides in the custom config area.'),
    h('div', { class: 'settings-layout' }, tablist, panel),
    saveBar,
  );

  let configs = [];
  try {
    configs = await fetchAllConfig();
  } catch (err) {
    clear(panel).appendChild(h('p', { class: 'empty' }, errorMessage(err)));
    return;
  }
  if (!nav.isCurrent()) return;

  const updateBar = () => {
    const n = drafts.size;
    saveBar.hidden = !n;
    saveBar.setAttribute('aria-hidden', n ? 'false' : 'true');
    saveCount.textContent = `${n} change(s) ready to save`;
  };

  const save = async () => {
    try {
      for (const [key, value] of drafts) {
        const updated = await api.put(`/admin/config/${encodeURIComponent(key)}`, { value });
        const c = configs.find((x) => x.key === key);
        if (c) c.value = updated?.value ?? value;
      }
      drafts.clear();
      toast.success('Settings saved');
      loadFrontendConfig();
      draw();
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  const isBool = (c) => c.value_type === 'boolean' || c.value_type === 'bool' || (c.value_type === undefined && (c.value === 'true' || c.value === 'false'));

  const row = (c) => {
    const label = LABELS[c.key] || humanize(c.key);
    const value = drafts.has(c.key) ? drafts.get(c.key) : c.value;
    const unsaved = drafts.has(c.key);
    let control;
    if (isBool(c)) {
      const on = String(value) === 'true';
      control = h(
        'div',
        { class: 'switch-row' },
        h(
          'button',
          {
            type: 'button',
            role: 'switch',
            id: c.key,
            class: 'switch',
            'aria-checked': String(on),
            onclick: () => {
              const next = on ? 'false' : 'true';
              if (next === String(c.value)) drafts.delete(c.key);
              else drafts.set(c.key, next);
              draw();
            },
          },
          h('span', { class: 'switch-thumb' }),
        ),
        h('span', { class: 'muted small' }, on ? 'Enabled' : 'Disabled'),
      );
    } else if (Array.isArray(value)) {
      const list = h('div', { class: 'stack' });
      value.forEach((v, i) => {
        list.appendChild(
          h(
            'div',
            { class: 'copy-row' },
            h('input', {
              type: c.key === 'public_site_url' ? 'url' : 'text',
              class: 'input',
              value: v,
              'aria-label': c.key === 'public_site_url' ? `Public site origin ${i + 1}` : `List item ${i + 1}`,
              onchange: (e) => {
                const next = [...value];
                next[i] = e.target.value;
                drafts.set(c.key, next);
                draw();
              },
            }),
            h(
              'button',
              {
                type: 'button',
                class: 'icon-btn',
                'aria-label': c.key === 'public_site_url' ? 'Remove public site origin' : 'Remove list item',
                onclick: () => {
                  drafts.set(
                    c.key,
                    value.filter((_, j) => j !== i),
                  );
                  draw();
                },
              },
              icon('close'),
            ),
          ),
        );
      });
      list.appendChild(
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-ghost btn-sm',
            onclick: () => {
              drafts.set(c.key, [...value, c.key === 'public_site_url' ? location.origin : '']);
              draw();
            },
          },
          c.key === 'public_site_url' ? 'Add public site origin' : 'Add list item',
        ),
      );
      control = list;
    } else {
      const multiline = c.value_type === 'multiline' || String(value ?? '').length > 80;
      control = h(multiline ? 'textarea' : 'input', {
        class: 'input',
        type: multiline ? null : c.value_type === 'number' ? 'number' : 'text',
        value: String(value ?? ''),
        placeholder: c.is_sensitive ? 'Leave blank to keep unchanged' : null,
        rows: multiline ? '4' : null,
        onchange: (e) => {
          if (e.target.value === String(c.value ?? '')) drafts.delete(c.key);
          else drafts.set(c.key, e.target.value);
          draw();
        },
      });
    }
    return h(
      'div',
      { class: 'setting-row', 'data-key': c.key },
      h(
        'div',
        { class: 'setting-meta' },
        h(
          'p',
          { class: 'setting-label' },
          label,
          unsaved ? h('span', { class: 'badge' }, 'Unsaved') : null,
          c.requires_restart ? h('span', { class: 'badge' }, 'Requires restart') : null,
        ),
        c.description ? h('p', { class: 'muted small' }, c.description) : null,
        h('code', { class: 'muted small' }, c.key),
      ),
      h('div', { class: 'setting-control' }, control),
    );
  };

  const draw = () => {
    const rows = configs.filter((c) => tabForConfig(c) === tab).sort((a, b) => a.key.localeCompare(b.key));
    add(clear(panel), h('h3', null, tabInfo[1]), rows.length ? rows.map(row) : h('p', { class: 'muted' }, 'No config entries'));
    updateBar();
  };
  draw();
  document.addEventListener('keydown', function onKey(e) {
    if (!document.contains(panel)) return document.removeEventListener('keydown', onKey);
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's' && drafts.size) {
      e.preventDefault();
      save();
    }
  });
}
