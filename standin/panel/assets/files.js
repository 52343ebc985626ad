// Personal file browser: list, context menus, upload surface and item dialogs.
import { navigate, publicSiteOrigin, refreshTree, setTitle } from './app.js';
import {
  add,
  api,
  clear,
  copyText,
  createSelect,
  errorMessage,
  fileExt,
  fmtDate,
  fmtSize,
  h,
  icon,
  moreActionsButton,
  openDialog,
  openMenu,
  spinner,
  srOnly,
  toast,
  triggerDownload,
  confirmDialog,
} from './lib.js';
import { openFile } from './preview.js';
import { enqueue, onUploadsSettled, pickFiles, pickFolder, setUploadTarget } from './upload.js';

let current = null; // { folderId, reload }

export async function renderFiles(container, params, nav) {
  const folderId = params[0] ? Number(params[0]) : null;
  setUploadTarget(folderId);
  const crumbList = h('ol', { class: 'crumbs' });
  const selection = new Set();
  const toolbar = h(
    'div',
    { class: 'toolbar' },
    h('nav', { 'aria-label': 'Breadcrumb', class: 'breadcrumb' }, crumbList),
    h(
      'div',
      { class: 'toolbar-actions' },
      h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Refresh', title: 'Refresh', onclick: () => load() }, icon('refresh')),
    ),
  );
  const listHost = h('div', { class: 'list-host' });
  const surface = h('div', { class: 'drop-surface', 'data-slot': 'context-menu-trigger' }, listHost);
  const overlay = h(
    'div',
    { class: 'drop-overlay', hidden: true },
    h('p', { class: 'drop-title' }, 'Drop files or folders here to upload'),
    h('p', { class: 'muted' }, 'Files and folders will be uploaded to the current folder.'),
  );
  const zone = h('section', { class: 'drop-zone', 'aria-label': 'File drop zone' }, surface, overlay);
  container.append(toolbar, zone);

  let data = { folders: [], files: [] };

  const load = async () => {
    try {
      const path = folderId ? `/folders/${folderId}` : '/folders';
      const [contents, crumbs] = await Promise.all([
        api.get(path, {
          query: {
            file_limit: 1000,
            folder_limit: 1000,
            sort_by: localStorage.getItem('aster-sort-by') || 'name',
            sort_order: localStorage.getItem('aster-sort-order') || 'asc',
          },
        }),
        folderId ? loadCrumbs(folderId) : Promise.resolve([]),
      ]);
      if (!nav.isCurrent()) return;
      data = contents || { folders: [], files: [] };
      renderCrumbs(crumbs);
      renderList();
    } catch (err) {
      if (!nav.isCurrent()) return;
      if (err?.status === 404 || err?.status === 403) {
        toast.error(errorMessage(err));
        navigate('/', { replace: true });
        return;
      }
      clear(listHost).appendChild(h('p', { class: 'empty' }, errorMessage(err)));
    }
  };
  current = { folderId, reload: load };

  const renderCrumbs = (crumbs) => {
    clear(crumbList);
    const all = [{ id: null, name: 'Root' }, ...crumbs];
    all.forEach((c, i) => {
      const last = i === all.length - 1;
      crumbList.appendChild(
        h(
          'li',
          null,
          last
            ? h('span', { 'aria-current': 'page', class: 'crumb-current' }, c.name)
            : h('a', { href: c.id ? `/folder/${c.id}` : '/', class: 'crumb-link' }, c.name),
          last ? null : h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '/'),
        ),
      );
    });
    setTitle(all.length > 1 ? all[all.length - 1].name : 'All files');
  };

  const renderList = () => {
    clear(listHost);
    const folders = data.folders || [];
    const files = data.files || [];
    if (!folders.length && !files.length) {
      listHost.appendChild(
        h(
          'div',
          { class: 'empty-state' },
          icon('folder', 40),
          h('p', { class: 'empty-title' }, 'This folder is empty'),
          h('p', { class: 'muted' }, 'Upload files or create a folder to get started.'),
        ),
      );
      return;
    }
    const tbody = h('tbody');
    const table = h(
      'table',
      { class: 'file-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { class: 'col-check' }, srOnly('Select')),
          h('th', { scope: 'col' }, 'Name'),
          h('th', { scope: 'col', class: 'col-size' }, 'Size'),
          h('th', { scope: 'col', class: 'col-date' }, 'Updated'),
          h('th', { class: 'col-actions' }, srOnly('Actions')),
        ),
      ),
      tbody,
    );
    for (const f of folders) tbody.appendChild(row({ ...f, kind: 'folder' }));
    for (const f of files) tbody.appendChild(row({ ...f, kind: 'file' }));
    listHost.appendChild(table);
  };

  const row = (item) => {
    const key = `${item.kind}:${item.id}`;
    const check = h('button', {
      type: 'button',
      class: 'row-check',
      'aria-pressed': String(selection.has(key)),
      onclick: (e) => {
        e.stopPropagation();
        if (selection.has(key)) selection.delete(key);
        else selection.add(key);
        check.setAttribute('aria-pressed', String(selection.has(key)));
        tr.classList.toggle('selected', selection.has(key));
      },
    });
    const more = moreActionsButton(() => itemMenu(item));
    const locked = item.lock_state?.state && item.lock_state.state !== 'unlocked';
    const tr = h(
      'tr',
      { class: 'file-row', tabindex: '0', 'data-kind': item.kind, 'data-id': String(item.id) },
      h('td', { class: 'col-check' }, check),
      h(
        'td',
        { class: 'col-name' },
        h(
          'div',
          { class: 'name-cell' },
          icon(item.kind === 'folder' ? 'folder' : 'file'),
          h('span', { class: 'name-text', title: item.name }, item.name),
          item.is_shared ? h('span', { class: 'badge-icon' }, icon('link', 12), srOnly('Share')) : null,
          locked ? h('span', { class: 'badge-icon' }, icon('lock', 12), srOnly('Lock')) : null,
        ),
      ),
      h('td', { class: 'col-size muted' }, item.kind === 'file' ? fmtSize(item.size) : '—'),
      h('td', { class: 'col-date muted' }, fmtDate(item.updated_at)),
      h('td', { class: 'col-actions' }, more),
    );
    tr.addEventListener('click', (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey) {
        check.click();
        return;
      }
      if (localStorage.getItem('aster-browser-open-mode') === 'double_click') {
        check.click();
        return;
      }
      openItem(item);
    });
    tr.addEventListener('dblclick', () => {
      if (localStorage.getItem('aster-browser-open-mode') === 'double_click') openItem(item);
    });
    tr.addEventListener('keydown', (e) => {
      if (e.target !== tr) return;
      if (e.key === 'Enter') openItem(item);
      else if (e.key === 'F2') renameDialog(item, load);
      else if (e.key === 'Delete') deleteItem(item, load);
    });
    tr.addEventListener('contextmenu', (e) => {
      e.preventDefault();
      e.stopPropagation();
      openMenu({ items: itemMenu(item), x: e.clientX, y: e.clientY });
    });
    return tr;
  };

  const openItem = (item) => {
    if (item.kind === 'folder') navigate(`/folder/${item.id}`);
    else openFile(item, { onChanged: load });
  };

  const itemMenu = (item) => {
    if (item.kind === 'folder') {
      return [
        { label: 'Open', onSelect: () => openItem(item) },
        'separator',
        { label: 'Share', onSelect: () => shareDialog(item, load) },
        'separator',
        { label: 'Rename', onSelect: () => renameDialog(item, load) },
        'separator',
        { label: 'Delete', danger: true, onSelect: () => deleteItem(item, load) },
      ];
    }
    return [
      { label: 'Open', onSelect: () => openItem(item) },
      { label: 'Open With', onSelect: () => openFile(item, { onChanged: load, forceChooser: true }) },
      'separator',
      { label: 'Download', onSelect: () => downloadDialog(item) },
      { label: 'Share', onSelect: () => shareDialog(item, load) },
      'separator',
      { label: 'Rename', onSelect: () => renameDialog(item, load) },
      { label: 'Version History', onSelect: () => versionsDialog(item, load) },
      'separator',
      { label: 'Delete', danger: true, onSelect: () => deleteItem(item, load) },
    ];
  };

  surface.addEventListener('contextmenu', (e) => {
    e.preventDefault();
    openMenu({
      items: [
        { label: 'Upload File', onSelect: () => pickFiles() },
        { label: 'Upload Folder', onSelect: () => pickFolder() },
        'separator',
        { label: 'New Folder', onSelect: () => newFolderDialog(folderId, load) },
        { label: 'New File', onSelect: () => newFileDialog(folderId, load) },
        'separator',
        { label: 'Refresh', onSelect: () => load() },
      ],
      x: e.clientX,
      y: e.clientY,
    });
  });

  // drag and drop
  let depth = 0;
  zone.addEventListener('dragenter', (e) => {
    if (!e.dataTransfer || ![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    depth++;
    overlay.hidden = false;
  });
  zone.addEventListener('dragover', (e) => {
    if (!e.dataTransfer || ![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) overlay.hidden = true;
  });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    overlay.hidden = true;
    const files = [...(e.dataTransfer?.files || [])];
    if (files.length)
      enqueue(
        files.map((f) => ({ file: f, relativePath: null })),
        folderId,
      );
  });

  const off = onUploadsSettled(() => {
    if (current?.reload === load && document.contains(zone)) {
      load();
      refreshTree();
    } else off();
  });

  listHost.appendChild(h('div', { class: 'loading-row' }, spinner()));
  await load();
}

async function loadCrumbs(folderId) {
  let chain = [];
  try {
    chain = (await api.get(`/folders/${folderId}/ancestors`)) || [];
  } catch {
    chain = [];
  }
  chain = chain.map((c) => ({ id: c.id, name: c.name }));
  if (!chain.length || chain[chain.length - 1].id !== folderId) {
    try {
      const info = await api.get(`/folders/${folderId}/info`);
      chain.push({ id: info.id, name: info.name });
    } catch {
      chain.push({ id: folderId, name: `#${folderId}` });
    }
  }
  return chain;
}

// ---------------------------------------------------------------- actions
export async function deleteItem(item, reload) {
  try {
    await api.del(item.kind === 'folder' ? `/folders/${item.id}` : `/files/${item.id}`);
    toast.success('Moved to trash');
    await reload?.();
    if (item.kind === 'folder') refreshTree();
  } catch (err) {
    toast.error(errorMessage(err));
  }
}

function nameDialog({ title, placeholder, submitLabel, initial = '', ariaLabel, onSubmit, selectStem = false }) {
  openDialog({
    title,
    body: (ctx) => {
      const input = h('input', {
        type: 'text',
        class: 'input',
        placeholder: placeholder || null,
        'aria-label': ariaLabel || null,
        value: initial,
        autofocus: true,
      });
      const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
      const form = h(
        'form',
        { class: 'stack' },
        input,
        h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'btn btn-outline', onclick: () => ctx.close() }, 'Cancel'), submit),
      );
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const v = input.value.trim();
        if (!v) return;
        submit.disabled = true;
        try {
          await onSubmit(v);
          ctx.close();
        } catch (err) {
          toast.error(errorMessage(err));
        } finally {
          submit.disabled = false;
        }
      });
      setTimeout(() => {
        input.focus();
        if (selectStem && initial) {
          const dot = initial.lastIndexOf('.');
          input.setSelectionRange(0, dot > 0 ? dot : initial.length);
        }
      }, 0);
      return form;
    },
  });
}

export function newFolderDialog(parentId, reload) {
  nameDialog({
    title: 'Create Folder',
    placeholder: 'Folder name',
    submitLabel: 'Create Folder',
    onSubmit: async (name) => {
      await api.post('/folders', { name, parent_id: parentId ?? null });
      toast.success('Folder created');
      await reload?.();
      refreshTree();
    },
  });
}

export function newFileDialog(folderId, reload) {
  nameDialog({
    title: 'Create File',
    placeholder: 'File name',
    submitLabel: 'Create File',
    onSubmit: async (name) => {
      await api.post('/files/new', { name, folder_id: folderId ?? null });
      toast.success('File created');
      await reload?.();
    },
  });
}

export function renameDialog(item, reload) {
  nameDialog({
    title: 'Rename',
    ariaLabel: 'Rename',
    submitLabel: 'Rename',
    initial: item.name,
    selectStem: item.kind === 'file',
    onSubmit: async (name) => {
      if (name === item.name) return;
      await api.patch(item.kind === 'folder' ? `/folders/${item.id}` : `/files/${item.id}`, { name });
      toast.success('Renamed');
      await reload?.();
      if (item.kind === 'folder') refreshTree();
    },
  });
}

export function downloadDialog(item) {
  openDialog({
    title: 'Choose a download method',
    body: (ctx) =>
      h(
        'div',
        { class: 'choice-list' },
        h(
          'button',
          {
            type: 'button',
            class: 'choice',
            onclick: () => {
              ctx.close();
              triggerDownload(`/api/v1/files/${item.id}/download`, item.name);
            },
          },
          h('span', { class: 'choice-title' }, 'Use browser download'),
          h('span', { class: 'choice-desc' }, 'Let the browser handle the download and save location directly.'),
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'choice',
            onclick: async () => {
              ctx.close();
              try {
                const res = await fetch(`/api/v1/files/${item.id}/download`, { credentials: 'same-origin' });
                if (!res.ok) throw new Error(`HTTP ${res.status}`);
                const blob = await res.blob();
                const url = URL.createObjectURL(blob);
                triggerDownload(url, item.name);
                setTimeout(() => URL.revokeObjectURL(url), 30000);
                toast.success('Downloads complete');
              } catch (err) {
                toast.error(errorMessage(err));
              }
            },
          },
          h('span', { class: 'choice-title' }, 'Proxy file download'),
          h('span', { class: 'choice-desc' }, 'Transfer in this page with visible progress and cancellation.'),
        ),
      ),
  });
}

const EXPIRY = [
  { value: 'never', label: 'Never', ms: 0 },
  { value: '1h', label: '1 hour', ms: 3600e3 },
  { value: '1d', label: '1 day', ms: 86400e3 },
  { value: '7d', label: '7 days', ms: 7 * 86400e3 },
  { value: '30d', label: '30 days', ms: 30 * 86400e3 },
];

export function shareDialog(item, reload) {
  let created = false;
  openDialog({
    title: `Share "${item.name}"`,
    onClose: () => {
      if (created) reload?.();
    },
    body: (ctx) => {
      const pw = h('input', {
        id: 'share-password',
        type: 'password',
        class: 'input',
        placeholder: 'Leave empty for no password',
        autocomplete: 'new-password',
      });
      const expLabelId = 'share-expiration-label';
      const exp = createSelect({ options: EXPIRY.map(({ value, label }) => ({ value, label })), value: 'never' });
      const maxDl = h('input', { id: 'max-downloads', type: 'number', min: '0', class: 'input', placeholder: '0 = unlimited' });
      const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Create link');
      const form = h(
        'form',
        { class: 'stack' },
        h('div', { class: 'field' }, h('label', { for: 'share-password' }, 'Password (optional)'), pw),
        h('div', { class: 'field' }, h('span', { class: 'label', id: expLabelId }, 'Expiration'), exp.el),
        h('div', { class: 'field' }, h('label', { for: 'max-downloads' }, 'Download limit (optional)'), maxDl),
        h('div', { class: 'dialog-actions' }, submit),
      );
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        submit.disabled = true;
        submit.textContent = 'Creating...';
        const choice = EXPIRY.find((x) => x.value === exp.value);
        const password = pw.value;
        try {
          const share = await api.post('/shares', {
            target: { type: item.kind === 'folder' ? 'folder' : 'file', id: item.id },
            password: password ? password : null,
            expires_at: choice?.ms ? new Date(Date.now() + choice.ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : null,
            max_downloads: Math.max(0, Number.parseInt(maxDl.value || '0', 10) || 0),
          });
          created = true;
          toast.success('Link created');
          const url = `${publicSiteOrigin()}/s/${share.token}`;
          const urlInput = h('input', { type: 'text', class: 'input', readonly: true, value: url, 'data-testid': 'share-primary-url' });
          form.replaceWith(
            h(
              'div',
              { class: 'stack' },
              h('div', { class: 'copy-row' }, urlInput, h('button', { type: 'button', class: 'icon-btn', onclick: () => copyText(url) }, icon('copy'))),
              password ? h('p', { class: 'muted small' }, 'This link is password protected. Share the password separately.') : null,
              h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'btn btn-primary', onclick: () => ctx.close() }, 'Done')),
            ),
          );
        } catch (err) {
          toast.error(errorMessage(err));
          submit.disabled = false;
          submit.textContent = 'Create link';
        }
      });
      return form;
    },
  });
}

export function versionsDialog(item, reload) {
  openDialog({
    title: `Version History - ${item.name}`,
    className: 'wide',
    body: (_ctx) => {
      const host = h('div', null, spinner());
      const load = async () => {
        let versions = [];
        try {
          const d = await api.get(`/files/${item.id}/versions`);
          versions = Array.isArray(d) ? d : d?.items || [];
        } catch (err) {
          clear(host).appendChild(h('p', { class: 'empty' }, errorMessage(err)));
          return;
        }
        const tbody = h('tbody');
        for (const v of versions) {
          const actions = h('td', { class: 'col-actions' });
          if (!v.current) {
            actions.append(
              h(
                'button',
                {
                  type: 'button',
                  class: 'icon-btn',
                  title: 'Restore',
                  'aria-label': 'Restore',
                  onclick: () =>
                    inlineConfirm(actions, 'Restore this version?', 'Restore', async () => {
                      await api.post(`/files/${item.id}/versions/${v.id}/restore`);
                      toast.success('Version restored');
                      reload?.();
                      load();
                    }),
                },
                icon('restore'),
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'icon-btn danger',
                  title: 'Delete',
                  'aria-label': 'Delete',
                  onclick: () =>
                    inlineConfirm(actions, 'Permanently delete this history version?', 'Delete', async () => {
                      await api.del(`/files/${item.id}/versions/${v.id}`);
                      toast.success('Version deleted');
                      load();
                    }),
                },
                icon('trash'),
              ),
            );
          }
          tbody.appendChild(
            h(
              'tr',
              null,
              h('td', null, `v${v.version}`, v.current ? h('span', { class: 'badge' }, 'Current version') : null),
              h('td', null, fmtSize(v.size)),
              h('td', null, fmtDate(v.created_at)),
              actions,
            ),
          );
        }
        add(
          clear(host),
          h(
            'table',
            { class: 'data-table' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, 'Version'),
                h('th', { scope: 'col' }, 'Size'),
                h('th', { scope: 'col' }, 'Date'),
                h('th', { scope: 'col' }, 'Actions'),
              ),
            ),
            tbody,
          ),
          versions.filter((v) => !v.current).length ? null : h('p', { class: 'muted center' }, 'No previous versions'),
        );
      };
      load();
      return host;
    },
  });
}

function inlineConfirm(cell, question, label, action) {
  const saved = [...cell.childNodes];
  const restore = () => cell.replaceChildren(...saved);
  cell.replaceChildren(
    h('span', { class: 'small' }, question, ' '),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-danger btn-sm',
        onclick: async () => {
          try {
            await action();
          } catch (err) {
            toast.error(errorMessage(err));
            restore();
          }
        },
      },
      label,
    ),
    h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onclick: restore }, 'Cancel'),
  );
}

export { fileExt, confirmDialog };
