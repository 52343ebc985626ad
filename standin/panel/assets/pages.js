// My Shares, Tasks, WebDAV accounts and user Settings pages.
import { displayName, navigate, publicSiteOrigin, setTitle, state } from './app.js';
import { add, api, clear, confirmDialog, copyText, createSelect, errorMessage, fmtDate, h, icon, openDialog, openMenu, spinner, toast } from './lib.js';

function pageHeader(title, desc, actions) {
  return h(
    'div',
    { class: 'page-header' },
    h('div', null, h('h1', null, title), desc ? h('p', { class: 'muted' }, desc) : null),
    actions ? h('div', { class: 'page-actions' }, actions) : null,
  );
}

// ---------------------------------------------------------------- My Shares
export async function renderShares(container, _p, nav) {
  setTitle('My Shares');
  const selected = new Map();
  const grid = h('div', { class: 'card-grid shares-grid' }, spinner());
  const bar = h('div', { class: 'selection-bar', hidden: true });
  container.append(
    pageHeader('My Shares', 'Review, copy, and revoke the share links you have created.', [
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Refresh', title: 'Refresh', onclick: () => load() }, icon('refresh')),
    ]),
    grid,
    bar,
  );
  let items = [];
  const url = (s) => `${publicSiteOrigin()}/s/${s.token}`;
  const load = async () => {
    try {
      const d = await api.get('/shares', { query: { limit: 100, offset: 0 } });
      if (!nav.isCurrent()) return;
      items = Array.isArray(d) ? d : d?.items || [];
      draw();
    } catch (err) {
      clear(grid).appendChild(h('p', { class: 'empty' }, errorMessage(err)));
    }
  };
  const statusLabel = (s) =>
    ({ active: 'Active', expired: 'Expired', exhausted: 'Limit reached', deleted: 'Target deleted' })[s.status] || (s.status ? String(s.status) : 'Active');
  const draw = () => {
    clear(grid);
    for (const k of [...selected.keys()]) if (!items.some((s) => String(s.id) === k)) selected.delete(k);
    if (!items.length) {
      grid.appendChild(
        h(
          'div',
          { class: 'empty-state' },
          h('p', { class: 'empty-title' }, 'No shares yet'),
          h('p', { class: 'muted' }, 'Create a share from the file browser and it will appear here.'),
        ),
      );
    }
    for (const s of items) {
      const k = String(s.id);
      const toggle = h('button', {
        type: 'button',
        class: 'row-check',
        'aria-pressed': String(selected.has(k)),
        onclick: (e) => {
          e.stopPropagation();
          flip();
        },
      });
      const card = h(
        'div',
        { role: 'button', tabindex: '0', class: `share-card-item ${selected.has(k) ? 'selected' : ''}` },
        h(
          'div',
          { class: 'card-top' },
          toggle,
          icon(s.resource_type === 'folder' ? 'folder' : 'file', 20),
          h('span', { class: 'card-name', title: s.resource_name }, s.resource_name || `#${s.resource_id}`),
        ),
        h('p', { class: 'muted small' }, `${statusLabel(s)} · ${s.has_password ? 'Password enabled' : 'Public access'}`),
        h('p', { class: 'muted small' }, `Views ${s.view_count ?? 0} · Downloads ${s.download_count ?? 0}${s.max_downloads ? ` / ${s.max_downloads}` : ''}`),
        h('p', { class: 'muted small' }, s.expires_at ? `Expires ${fmtDate(s.expires_at)}` : 'Never expires'),
      );
      const flip = () => {
        if (selected.has(k)) selected.delete(k);
        else selected.set(k, s);
        card.classList.toggle('selected', selected.has(k));
        toggle.setAttribute('aria-pressed', String(selected.has(k)));
        updateBar();
      };
      card.addEventListener('click', flip);
      card.addEventListener('keydown', (e) => {
        if (e.target === card && (e.key === 'Enter' || e.key === ' ')) {
          e.preventDefault();
          flip();
        }
      });
      card.addEventListener('contextmenu', (e) => {
        e.preventDefault();
        openMenu({
          x: e.clientX,
          y: e.clientY,
          items: [
            { label: 'Edit', onSelect: () => editShare(s, load) },
            { label: 'Copy link', onSelect: () => copyText(url(s)) },
            { label: 'Open link', onSelect: () => window.open(url(s), '_blank') },
            'separator',
            { label: 'Remove', danger: true, onSelect: () => removeShares([s]) },
          ],
        });
      });
      grid.appendChild(card);
    }
    updateBar();
  };
  const updateBar = () => {
    const n = selected.size;
    bar.hidden = !n;
    clear(bar);
    if (!n) return;
    const list = [...selected.values()];
    add(
      bar,
      h('span', { class: 'sel-count' }, `${n} selected`),
      n === 1 ? h('button', { type: 'button', class: 'btn btn-outline btn-sm', onclick: () => editShare(list[0], load) }, 'Edit') : null,
      h('button', { type: 'button', class: 'btn btn-danger btn-sm', onclick: () => removeShares(list) }, 'Remove selected'),
      h(
        'button',
        {
          type: 'button',
          class: 'icon-btn',
          'aria-label': 'Clear selection',
          onclick: () => {
            selected.clear();
            draw();
          },
        },
        icon('close'),
      ),
    );
  };
  const removeShares = async (list) => {
    const one = list.length === 1;
    const yes = await confirmDialog({
      title: one ? `Remove share "${list[0].resource_name}"?` : `Remove ${list.length} selected share(s)?`,
      description: one ? 'After removal, this share link will no longer be available.' : 'After removal, the selected share links will no longer be available.',
      confirmLabel: 'Delete',
    });
    if (!yes) return;
    try {
      if (one) {
        await api.del(`/shares/${list[0].id}`);
        toast.success('Share removed');
      } else {
        await api.post('/shares/batch-delete', { share_ids: list.map((s) => s.id) });
        toast.success(`Removed ${list.length} share(s)`);
      }
      for (const s of list) selected.delete(String(s.id));
    } catch (err) {
      toast.error(errorMessage(err));
    }
    load();
  };
  await load();
}

function editShare(s, reload) {
  openDialog({
    title: `Edit share "${s.resource_name}"`,
    description: 'Update the password, expiration, or download limit. The share link stays the same.',
    body: (ctx) => {
      let mode = 'keep';
      const pw = h('input', { id: 'edit-share-password', type: 'password', class: 'input', hidden: true, 'aria-label': 'Password' });
      const modes = [
        ['keep', 'Keep current password'],
        ['clear', 'Remove password'],
        ['set', 'Set a new password'],
      ].map(([m, label]) =>
        h(
          'button',
          {
            type: 'button',
            class: 'chip',
            'aria-pressed': String(m === mode),
            onclick: (e) => {
              mode = m;
              for (const b of e.currentTarget.parentElement.children) b.setAttribute('aria-pressed', String(b === e.currentTarget));
              pw.hidden = m !== 'set';
            },
          },
          label,
        ),
      );
      const exp = h('input', { id: 'edit-share-expires', type: 'datetime-local', class: 'input', value: s.expires_at ? toLocalInput(s.expires_at) : '' });
      const max = h('input', { id: 'edit-share-max-downloads', type: 'number', min: '0', class: 'input', value: String(s.max_downloads ?? 0) });
      const form = h(
        'form',
        { class: 'stack' },
        h('div', { class: 'field' }, h('span', { class: 'label' }, 'Password settings'), h('div', { class: 'chip-row' }, modes), pw),
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'edit-share-expires' }, 'Expires'),
          exp,
          h('p', { class: 'muted small' }, 'Leave this empty if the share should never expire.'),
        ),
        h('div', { class: 'field' }, h('label', { for: 'edit-share-max-downloads' }, 'Download limit (optional)'), max),
        h(
          'div',
          { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'btn btn-outline', onclick: () => ctx.close() }, 'Cancel'),
          h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save'),
        ),
      );
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const body = { expires_at: exp.value ? new Date(exp.value).toISOString() : null, max_downloads: Math.max(0, Number(max.value) || 0) };
        if (mode === 'clear') body.password = '';
        if (mode === 'set') {
          if (!pw.value) return toast.error('Enter a password or choose a different password action');
          body.password = pw.value;
        }
        try {
          await api.patch(`/shares/${s.id}`, body);
          toast.success('Share updated');
          ctx.close();
          reload();
        } catch (err) {
          toast.error(errorMessage(err));
        }
      });
      return form;
    },
  });
}

function toLocalInput(iso) {
  const d = new Date(iso);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// ---------------------------------------------------------------- Tasks
export const TASK_STATUS = { pending: 'Queued', processing: 'Processing', retry: 'Retrying', succeeded: 'Completed', failed: 'Failed', canceled: 'Canceled' };
export const TASK_KIND = {
  archive_extract: 'Archive extraction',
  archive_compress: 'Archive compression',
  archive_preview_generate: 'Archive preview generation',
  thumbnail_generate: 'Thumbnail generation',
  image_preview_generate: 'Image preview generation',
  media_metadata_extract: 'Media metadata extraction',
  trash_purge_all: 'Trash purge',
  folder_tree_mutation: 'Folder tree mutation',
  storage_policy_temp_cleanup: 'Storage temporary object cleanup',
  storage_policy_migration: 'Storage policy migration',
  blob_maintenance: 'Blob maintenance',
  offline_download: 'Link import',
  system_runtime: 'System runtime task',
};
export function taskName(t) {
  if (t.display_name) return t.display_name;
  if (t.kind === 'trash_purge_all') return 'Empty trash';
  return TASK_KIND[t.kind] || t.kind || `Task #${t.id}`;
}

export async function renderTasks(container, _p, nav) {
  setTitle('Tasks');
  const list = h('div', { class: 'task-list' }, spinner());
  const hint = h('p', { class: 'muted small', hidden: true }, 'Active tasks refresh automatically.');
  container.append(
    pageHeader('Tasks', null, [h('button', { type: 'button', class: 'btn btn-outline btn-sm', onclick: () => load() }, icon('refresh'), 'Refresh')]),
    hint,
    list,
  );
  const expanded = new Set();
  let timer = null;
  const load = async () => {
    clearTimeout(timer);
    let items = [];
    try {
      const d = await api.get('/tasks', { query: { limit: 20, offset: 0 } });
      items = Array.isArray(d) ? d : d?.items || [];
    } catch (err) {
      if (nav.isCurrent()) clear(list).appendChild(h('p', { class: 'empty' }, errorMessage(err)));
      return;
    }
    if (!nav.isCurrent()) return;
    clear(list);
    if (!items.length)
      list.appendChild(
        h(
          'div',
          { class: 'empty-state' },
          h('p', { class: 'empty-title' }, 'No background tasks yet'),
          h('p', { class: 'muted' }, 'Future background jobs will appear here.'),
        ),
      );
    for (const t of items) {
      const open = expanded.has(t.id);
      const steps = Array.isArray(t.steps) ? t.steps : [];
      list.appendChild(
        h(
          'div',
          { class: 'card', 'data-slot': 'card' },
          h('div', { class: 'card-top' }, h('strong', null, taskName(t)), h('span', { class: `badge status-${t.status}` }, TASK_STATUS[t.status] || t.status)),
          h(
            'p',
            { class: 'muted small' },
            `${TASK_KIND[t.kind] || t.kind || ''}${t.progress_percent !== undefined && t.progress_percent !== null ? ` · ${t.progress_percent}%` : ''}${t.status_text ? ` · ${t.status_text}` : ''}`,
          ),
          t.last_error ? h('p', { class: 'error small' }, `Error: ${t.last_error}`) : null,
          h(
            'div',
            { class: 'chip-row' },
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-ghost btn-sm',
                'aria-expanded': String(open),
                onclick: () => {
                  if (open) expanded.delete(t.id);
                  else expanded.add(t.id);
                  load();
                },
              },
              open ? 'Hide details' : 'Show details',
            ),
            t.status === 'failed' && t.can_retry !== false
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn btn-outline btn-sm',
                    onclick: async () => {
                      try {
                        await api.post(`/tasks/${t.id}/retry`);
                        toast.success('Task queued for retry');
                        load();
                      } catch (err) {
                        toast.error(errorMessage(err));
                      }
                    },
                  },
                  'Retry',
                )
              : null,
          ),
          open
            ? h(
                'ul',
                { class: 'steps' },
                steps.map((s) => h('li', null, `${s.title || s.key || s.name || ''} — ${TASK_STATUS[s.status] || s.status || ''}`)),
              )
            : null,
        ),
      );
    }
    const active = items.some((t) => ['pending', 'processing', 'retry'].includes(t.status));
    hint.hidden = !active;
    if (active) timer = setTimeout(() => nav.isCurrent() && load(), 3000);
  };
  await load();
}

// ---------------------------------------------------------------- WebDAV
export async function renderWebdav(container, _p, nav) {
  setTitle('WebDAV');
  const endpointInput = h('input', { type: 'text', class: 'input', readonly: true, id: 'webdav-endpoint', value: '' });
  const tableHost = h('div', { class: 'list-host' }, spinner());
  container.append(
    pageHeader('WebDAV', 'Create dedicated WebDAV credentials for Finder, File Explorer, and third-party clients.', [
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => createAccount() }, 'Create WebDAV Account'),
    ]),
    h(
      'section',
      { class: 'card' },
      h('label', { for: 'webdav-endpoint', class: 'label' }, 'WebDAV Endpoint'),
      h(
        'div',
        { class: 'copy-row' },
        endpointInput,
        h('button', { type: 'button', class: 'btn btn-outline btn-sm', onclick: () => copyText(endpointInput.value) }, 'Copy URL'),
      ),
      h('p', { class: 'muted small' }, 'Sign in with the dedicated WebDAV username and password instead of reusing your main account password.'),
    ),
    h(
      'section',
      { class: 'card' },
      h(
        'div',
        { class: 'card-top' },
        h(
          'div',
          null,
          h('h2', { class: 'section-title' }, 'Account List'),
          h('p', { class: 'muted small' }, 'Create, enable, disable, or remove existing WebDAV accounts.'),
        ),
        h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: () => load() }, 'Refresh List'),
      ),
      tableHost,
    ),
  );
  api
    .get('/webdav-accounts/settings')
    .then((s) => {
      let ep = s?.endpoint || `${publicSiteOrigin()}${s?.prefix || '/webdav'}/`;
      if (ep.startsWith('/')) ep = `${publicSiteOrigin()}${ep}`;
      endpointInput.value = ep;
    })
    .catch(() => {
      endpointInput.value = `${publicSiteOrigin()}/webdav/`;
    });

  const load = async () => {
    let items = [];
    try {
      const d = await api.get('/webdav-accounts', { query: { limit: 100, offset: 0 } });
      items = Array.isArray(d) ? d : d?.items || [];
    } catch (err) {
      clear(tableHost).appendChild(h('p', { class: 'empty' }, errorMessage(err)));
      return;
    }
    if (!nav.isCurrent()) return;
    clear(tableHost);
    if (!items.length) {
      tableHost.appendChild(
        h(
          'div',
          { class: 'empty-state' },
          h('p', { class: 'empty-title' }, 'No WebDAV accounts'),
          h('p', { class: 'muted' }, 'Create one to connect via WebDAV.'),
        ),
      );
      return;
    }
    const tbody = h('tbody');
    for (const a of items) {
      const activeNow = a.is_active !== false;
      const actions = h('td', { class: 'col-actions' });
      const base = () =>
        actions.replaceChildren(
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-ghost btn-sm',
              onclick: async () => {
                try {
                  await api.post(`/webdav-accounts/${a.id}/toggle`);
                  load();
                } catch (err) {
                  toast.error(errorMessage(err));
                }
              },
            },
            activeNow ? 'Disabled' : 'Active',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'icon-btn danger',
              'aria-label': 'Delete',
              title: 'Delete',
              onclick: () =>
                actions.replaceChildren(
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'btn btn-danger btn-sm',
                      onclick: async () => {
                        try {
                          await api.del(`/webdav-accounts/${a.id}`);
                          load();
                        } catch (err) {
                          toast.error(errorMessage(err));
                          base();
                        }
                      },
                    },
                    'Delete',
                  ),
                  h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: base }, 'Cancel'),
                ),
            },
            icon('trash'),
          ),
        );
      base();
      tbody.appendChild(
        h(
          'tr',
          null,
          h('td', null, a.username),
          h('td', null, a.root_folder_path || (a.root_folder_id ? `Folder #${a.root_folder_id}` : 'All files (full access)')),
          h('td', null, h('span', { class: `badge ${activeNow ? 'ok' : ''}` }, activeNow ? 'Active' : 'Disabled')),
          h('td', { class: 'muted' }, fmtDate(a.created_at)),
          actions,
        ),
      );
    }
    tableHost.appendChild(
      h(
        'table',
        { class: 'data-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'Username'),
            h('th', { scope: 'col' }, 'Access Scope'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col' }, 'Created'),
            h('th', { scope: 'col' }, 'Actions'),
          ),
        ),
        tbody,
      ),
    );
  };

  const createAccount = async () => {
    let folders = [];
    try {
      folders = (await api.get('/folders', { query: { file_limit: 0, folder_limit: 1000 } }))?.folders || [];
    } catch {}
    openDialog({
      title: 'Create WebDAV Account',
      body: (ctx) => {
        const user = h('input', {
          id: 'webdav-username',
          type: 'text',
          class: 'input',
          placeholder: 'For example: team-design or macbook-pro',
          autocomplete: 'off',
        });
        const pass = h('input', {
          id: 'webdav-password',
          type: 'password',
          class: 'input',
          placeholder: 'leave empty to auto-generate',
          autocomplete: 'new-password',
        });
        const scope = createSelect({
          id: 'webdav-root-folder',
          options: [{ value: '', label: 'All files (full access)' }, ...folders.map((f) => ({ value: String(f.id), label: `/${f.name}` }))],
          value: '',
          labelledBy: 'webdav-scope-label',
        });
        const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create');
        const form = h(
          'form',
          { class: 'stack' },
          h('div', { class: 'field' }, h('label', { for: 'webdav-username' }, 'Username'), user),
          h('div', { class: 'field' }, h('label', { for: 'webdav-password' }, 'Password'), pass),
          h(
            'div',
            { class: 'field' },
            h('label', { id: 'webdav-scope-label', for: 'webdav-root-folder' }, 'Access Scope'),
            scope.el,
            h('p', { class: 'muted small' }, 'optional, limit to a folder'),
          ),
          h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'btn btn-outline', onclick: () => ctx.close() }, 'Cancel'), submit),
        );
        form.addEventListener('submit', async (e) => {
          e.preventDefault();
          if (!user.value.trim()) return toast.error('Username is required');
          submit.disabled = true;
          try {
            const res = await api.post('/webdav-accounts', {
              username: user.value.trim(),
              password: pass.value ? pass.value : null,
              root_folder_id: scope.value ? Number(scope.value) : null,
            });
            toast.success('WebDAV account created');
            ctx.close();
            load();
            credentialsDialog(res?.username || user.value.trim(), res?.password || pass.value);
          } catch (err) {
            toast.error(errorMessage(err));
          } finally {
            submit.disabled = false;
          }
        });
        return form;
      },
    });
  };

  const credentialsDialog = (username, password) => {
    openDialog({
      title: 'Latest Credentials',
      description: 'These credentials are only shown once. Save them now and test the connection.',
      body: (ctx) => {
        const badge = h('span', { class: 'badge', hidden: true });
        return h(
          'div',
          { class: 'stack' },
          h('p', { class: 'muted small' }, `Generated fresh credentials for ${username}`),
          h(
            'div',
            { class: 'field' },
            h('span', { class: 'label' }, 'Username'),
            h(
              'div',
              { class: 'copy-row' },
              h('input', { type: 'text', class: 'input', readonly: true, value: username }),
              h('button', { type: 'button', class: 'icon-btn', onclick: () => copyText(username) }, icon('copy')),
            ),
          ),
          h(
            'div',
            { class: 'field' },
            h('span', { class: 'label' }, 'Password'),
            h(
              'div',
              { class: 'copy-row' },
              h('input', { type: 'text', class: 'input', readonly: true, value: password }),
              h('button', { type: 'button', class: 'icon-btn', onclick: () => copyText(password) }, icon('copy')),
            ),
          ),
          h(
            'div',
            { class: 'dialog-actions' },
            badge,
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-outline',
                onclick: async () => {
                  badge.hidden = false;
                  try {
                    await api.post('/webdav-accounts/test', { username, password });
                    badge.textContent = 'Connection successful';
                    badge.className = 'badge ok';
                    toast.success('Connection successful');
                  } catch (err) {
                    badge.textContent = 'Connection test failed';
                    badge.className = 'badge bad';
                    toast.error(errorMessage(err, 'Connection test failed'));
                  }
                },
              },
              'Test Connection',
            ),
            h('button', { type: 'button', class: 'btn btn-primary', onclick: () => ctx.close() }, 'Done'),
          ),
        );
      },
    });
  };

  await load();
}

// ---------------------------------------------------------------- Settings
const SETTINGS_TABS = [
  ['profile', 'Profile'],
  ['interface', 'Interface'],
  ['security', 'Security'],
  ['webdav', 'WebDAV'],
];

export async function renderSettings(container, params) {
  const tab = params[0];
  if (tab === 'teams') {
    setTitle('Settings');
  }
  setTitle('Settings');
  const tabs = h(
    'div',
    { class: 'tabs', role: 'tablist' },
    SETTINGS_TABS.map(([k, label]) =>
      h('a', { href: `/settings/${k}`, role: 'tab', class: 'tab', 'aria-selected': String(k === tab), id: `settings-tab-${k}` }, label),
    ),
  );
  const panel = h('div', { role: 'tabpanel', class: 'tab-panel', 'aria-labelledby': `settings-tab-${tab}` });
  container.append(
    pageHeader('Settings', 'Adjust appearance, language, and browser preferences from one place so the panel fits the way you work.'),
    tabs,
    panel,
  );
  const u = state.user || {};
  if (tab === 'profile') {
    panel.append(
      h(
        'dl',
        { class: 'kv' },
        h('dt', null, 'Username'),
        h('dd', null, u.username || ''),
        h('dt', null, 'Email'),
        h('dd', null, u.email || ''),
        h('dt', null, 'Display name'),
        h('dd', null, displayName(u)),
      ),
    );
  } else if (tab === 'interface') {
    const pref = (key, def) => localStorage.getItem(key) || def;
    const group = (label, key, def, opts) =>
      h(
        'div',
        { class: 'field' },
        h('span', { class: 'label' }, label),
        h(
          'div',
          { class: 'chip-row', role: 'group', 'aria-label': label },
          opts.map(([v, text]) =>
            h(
              'button',
              {
                type: 'button',
                class: 'chip',
                'aria-pressed': String(pref(key, def) === v),
                onclick: (e) => {
                  localStorage.setItem(key, v);
                  for (const b of e.currentTarget.parentElement.children) b.setAttribute('aria-pressed', String(b === e.currentTarget));
                  if (key === 'aster-theme-mode') import('./app.js').then((m) => m.applyTheme());
                },
              },
              text,
            ),
          ),
        ),
      );
    panel.append(
      group('Theme', 'aster-theme-mode', 'system', [
        ['light', 'Light'],
        ['dark', 'Dark'],
        ['system', 'System'],
      ]),
      group('File Browser', 'aster-view-mode', 'list', [
        ['list', 'List View'],
        ['grid', 'Grid View'],
      ]),
      group('Open mode', 'aster-browser-open-mode', 'single_click', [
        ['single_click', 'Single click'],
        ['double_click', 'Double click'],
      ]),
    );
  } else if (tab === 'webdav') {
    navigate('/settings/webdav', { replace: true });
  } else {
    panel.append(h('p', { class: 'muted' }, 'This section is not available in this panel.'));
  }
}
