// Trash page.
import { refreshTree, setTitle } from './app.js';
import { api, clear, confirmDialog, errorMessage, fmtDate, fmtRelative, fmtSize, h, icon, moreActionsButton, openMenu, spinner, srOnly, toast } from './lib.js';

export async function renderTrash(container, _params, nav) {
  setTitle('Trash');
  const selected = new Map();
  let items = [];
  const emptyBtn = h('button', { type: 'button', class: 'btn btn-danger', hidden: true, onclick: () => emptyTrash() }, 'Empty Trash');
  const count = h('p', { class: 'muted small count-line' });
  const listHost = h('div', { class: 'list-host' }, spinner());
  const bar = h('div', { class: 'selection-bar', hidden: true });
  container.append(
    h(
      'div',
      { class: 'page-header' },
      h(
        'div',
        null,
        h('h1', null, 'Trash'),
        h('p', { class: 'muted' }, 'Deleted items stay until their expiration time; you can restore or permanently delete them before then.'),
      ),
      h(
        'div',
        { class: 'page-actions' },
        h('button', { type: 'button', class: 'icon-btn', 'aria-label': 'Refresh', title: 'Refresh', onclick: () => load() }, icon('refresh')),
        emptyBtn,
      ),
    ),
    count,
    listHost,
    bar,
  );

  const load = async () => {
    try {
      const d = await api.get('/trash', { query: { folder_limit: 1000, file_limit: 1000 } });
      if (!nav.isCurrent()) return;
      items = [...(d?.folders || []).map((f) => ({ ...f, kind: 'folder' })), ...(d?.files || []).map((f) => ({ ...f, kind: 'file' }))];
      for (const k of [...selected.keys()]) if (!items.some((i) => key(i) === k)) selected.delete(k);
      draw();
    } catch (err) {
      clear(listHost).appendChild(h('p', { class: 'empty' }, errorMessage(err)));
    }
  };
  const key = (i) => `${i.kind}:${i.id}`;

  const draw = () => {
    emptyBtn.hidden = !items.length;
    clear(listHost);
    if (!items.length) {
      listHost.appendChild(
        h(
          'div',
          { class: 'empty-state' },
          icon('trash', 40),
          h('p', { class: 'empty-title' }, 'Trash is empty'),
          h('p', { class: 'muted' }, 'Deleted items will appear here.'),
        ),
      );
    } else {
      const tbody = h('tbody');
      for (const it of items) tbody.appendChild(row(it));
      listHost.appendChild(
        h(
          'table',
          { class: 'file-table trash-table', 'aria-multiselectable': 'true' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { class: 'col-check' }, srOnly('Select')),
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, 'Original location'),
              h('th', { scope: 'col' }, 'Expires'),
              h('th', { scope: 'col', class: 'col-size' }, 'Size'),
              h('th', { class: 'col-more' }),
            ),
          ),
          tbody,
        ),
      );
    }
    updateBar();
  };

  const row = (it) => {
    // The row menu, as on the real panel: a `More actions` button in the last cell, and the context menu.
    const menuItems = () => [
      { label: 'Restore', onSelect: () => restore([it]) },
      { label: 'Permanently Delete', danger: true, onSelect: () => purge([it]) },
    ];
    const more = moreActionsButton(() => menuItems());
    const k = key(it);
    const check = h('button', { type: 'button', class: 'row-check', 'aria-pressed': String(selected.has(k)), tabindex: '-1' });
    const tr = h(
      'tr',
      { class: `file-row ${selected.has(k) ? 'selected' : ''}`, tabindex: '0', 'aria-selected': String(selected.has(k)) },
      h('td', { class: 'col-check' }, check),
      h(
        'td',
        null,
        h('div', { class: 'name-cell' }, icon(it.kind === 'folder' ? 'folder' : 'file'), h('span', { class: 'name-text', title: it.name }, it.name)),
      ),
      h('td', { class: 'muted' }, originalLocation(it.original_path, it.name)),
      h('td', { class: 'muted' }, h('span', { title: fmtDate(it.expires_at) }, fmtRelative(it.expires_at))),
      h('td', { class: 'col-size muted' }, it.kind === 'file' ? fmtSize(it.size) : '—'),
      h('td', { class: 'col-more' }, more),
    );
    const toggle = () => {
      if (selected.has(k)) selected.delete(k);
      else selected.set(k, it);
      const on = selected.has(k);
      tr.classList.toggle('selected', on);
      tr.setAttribute('aria-selected', String(on));
      check.setAttribute('aria-pressed', String(on));
      updateBar();
    };
    tr.addEventListener('click', toggle);
    tr.addEventListener('keydown', (e) => {
      if (e.target === tr && (e.key === 'Enter' || e.key === ' ')) {
        e.preventDefault();
        toggle();
      }
    });
    tr.addEventListener('contextmenu', (e) => {
      e.preventDefault();
      openMenu({
        x: e.clientX,
        y: e.clientY,
        items: menuItems(),
      });
    });
    return tr;
  };

  const updateBar = () => {
    const n = selected.size;
    count.textContent = n ? `${n} selected` : `${items.length} items`;
    bar.hidden = !n;
    clear(bar);
    if (!n) return;
    bar.append(
      h('span', { class: 'sel-count' }, `${n} selected`),
      h('button', { type: 'button', class: 'btn btn-primary btn-sm', onclick: () => restore([...selected.values()]) }, 'Restore Selected'),
      h('button', { type: 'button', class: 'btn btn-danger btn-sm', onclick: () => purge([...selected.values()]) }, 'Delete Selected Permanently'),
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

  const restore = async (list) => {
    let ok = 0;
    let fail = 0;
    let lastErr = null;
    for (const it of list) {
      try {
        await api.post(`/trash/${it.kind}/${it.id}/restore`);
        ok++;
        selected.delete(key(it));
      } catch (err) {
        fail++;
        lastErr = err;
      }
    }
    if (ok && !fail) toast.success(`Restored ${ok} item(s)`);
    else if (ok) toast.error(`Restored ${ok} item(s), ${fail} failed`);
    else toast.error(lastErr ? errorMessage(lastErr, 'Could not restore the selected items') : 'Could not restore the selected items');
    await load();
    refreshTree();
  };

  const purge = async (list) => {
    const yes = await confirmDialog({
      title: `Permanently delete these ${list.length} item(s)?`,
      description: 'These items cannot be restored afterward.',
      confirmLabel: 'Permanently Delete',
    });
    if (!yes) return;
    let ok = 0;
    let fail = 0;
    for (const it of list) {
      try {
        await api.del(`/trash/${it.kind}/${it.id}`);
        ok++;
        selected.delete(key(it));
      } catch {
        fail++;
      }
    }
    if (ok && !fail) toast.success(`Permanently deleted ${ok} item(s)`);
    else if (ok) toast.error(`Permanently deleted ${ok} item(s), ${fail} failed`);
    else toast.error('Could not permanently delete the selected items');
    await load();
  };

  const emptyTrash = async () => {
    const yes = await confirmDialog({ title: 'Are you sure?', description: 'This will permanently delete all items in trash.', confirmLabel: 'Empty Trash' });
    if (!yes) return;
    try {
      await api.del('/trash');
      toast.success('Task added to the task center');
    } catch (err) {
      toast.error(errorMessage(err));
    }
  };

  await load();
}

function originalLocation(p, name) {
  if (!p || p === '/') return 'Root';
  const parts = String(p).split('/').filter(Boolean);
  if (parts[parts.length - 1] === name) parts.pop();
  return parts.length ? `/${parts.join('/')}` : 'Root';
}
