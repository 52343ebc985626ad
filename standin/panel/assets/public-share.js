// Public share page (/s/:token, /s/:token/folder/:id); works without a session.
import { navigate, setTitle, state } from './app.js';
import { api, clear, errorMessage, fmtDate, fmtSize, h, icon, spinner, toast } from './lib.js';
import { openFile } from './preview.js';

export async function renderPublicShare(container, params, nav) {
  const token = params[0];
  const subFolder = params[1] ? Number(params[1]) : null;
  const page = h('div', { class: 'share-page' });
  const header = h(
    'header',
    { class: 'topbar' },
    h('a', { href: state.user ? '/' : '/login', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'A'), h('span', null, state.brand)),
  );
  const main = h('main', { class: 'share-main' }, spinner());
  page.append(header, main);
  container.appendChild(page);
  setTitle('Shared');

  let info;
  try {
    info = await api.get(`/s/${encodeURIComponent(token)}`);
  } catch (err) {
    if (!nav.isCurrent()) return;
    return unavailable(main, err);
  }
  if (!nav.isCurrent()) return;
  setTitle(info.name);
  if (info.is_expired) return unavailable(main, { code: 'share.expired' });

  const showContent = () => {
    if (info.share_type === 'folder') return folderView(main, token, info, subFolder, nav);
    return fileView(main, token, info);
  };

  if (info.has_password) {
    // Check whether this browser already unlocked the share (the unlock cookie is HttpOnly).
    let unlocked = false;
    if (info.share_type === 'folder') {
      try {
        const probe = await fetch(`/api/v1/s/${encodeURIComponent(token)}/content?file_limit=1&folder_limit=1`, { credentials: 'same-origin' });
        unlocked = probe.ok;
      } catch {}
    } else {
      try {
        unlocked = sessionStorage.getItem(`aster-share-unlocked-${token}`) === '1';
      } catch {}
    }
    if (!nav.isCurrent()) return;
    if (!unlocked) return passwordView(main, token, info, showContent);
  }
  showContent();
}

function unavailable(main, err) {
  setTitle('Unavailable');
  const code = err?.code || '';
  let msg = 'This share link does not exist or is no longer available';
  if (code === 'share.expired') msg = 'This share link has expired';
  else if (code === 'share.download_limit_reached') msg = 'This share link has reached its download limit';
  else if (
    code &&
    code !== 'share.not_found' &&
    code !== 'file.not_found' &&
    code !== 'folder.not_found' &&
    code !== 'not_found' &&
    err?.status &&
    err.status >= 500
  )
    msg = 'This share could not be loaded right now.';
  clear(main).appendChild(h('div', { class: 'share-card center' }, icon('link', 40), h('h1', null, 'Unavailable'), h('p', { class: 'muted' }, msg)));
}

function passwordView(main, token, info, onUnlocked) {
  const input = h('input', { id: 'share-password', type: 'password', class: 'input', placeholder: 'Password', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Verify');
  const form = h('form', { class: 'stack' }, h('label', { for: 'share-password', class: 'sr-only' }, 'Password'), input, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!input.value) return;
    submit.disabled = true;
    try {
      await api.post(`/s/${encodeURIComponent(token)}/verify`, { password: input.value });
      toast.success('Password verified');
      try {
        sessionStorage.setItem(`aster-share-unlocked-${token}`, '1');
      } catch {}
      onUnlocked();
    } catch (err) {
      toast.error(errorMessage(err, 'Invalid Credentials'));
    } finally {
      submit.disabled = false;
    }
  });
  clear(main).appendChild(
    h('div', { class: 'share-card' }, icon('lock', 32), h('h1', null, info.name), h('p', { class: 'muted' }, 'This share is password protected'), form),
  );
  input.focus();
}

function meta(info) {
  const parts = [];
  if (info.size !== undefined && info.size !== null && info.share_type !== 'folder') parts.push(fmtSize(info.size));
  if (info.mime_type) parts.push(info.mime_type);
  parts.push(info.max_downloads ? `${info.download_count || 0} / ${info.max_downloads} downloads` : `${info.download_count || 0} downloads`);
  parts.push(info.expires_at ? `Expires ${fmtDate(info.expires_at)}` : 'Never expires');
  parts.push(info.has_password ? 'Password required' : 'Public access');
  return parts.join(' · ');
}

function sharedBy(info) {
  const name = info.shared_by?.name || info.shared_by?.username;
  return name ? h('p', { class: 'muted small shared-by' }, `Shared by ${name}`) : null;
}

function fileView(main, token, info) {
  const t = encodeURIComponent(token);
  const file = { id: 0, name: info.name, mime_type: info.mime_type, size: info.size };
  const source = { downloadUrl: `/api/v1/s/${t}/download`, previewLinkPath: `/s/${t}/preview-link` };
  clear(main).appendChild(
    h(
      'div',
      { class: 'share-card' },
      icon('file', 40),
      h('h1', null, info.name),
      h('p', { class: 'muted small' }, meta(info)),
      h(
        'div',
        { class: 'dialog-actions center' },
        h('button', { type: 'button', class: 'btn btn-outline', onclick: () => openFile(file, { source }) }, 'Preview'),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => window.open(`/api/v1/s/${t}/download`, '_blank') }, 'Download'),
      ),
      sharedBy(info),
    ),
  );
}

async function folderView(main, token, info, folderId, nav) {
  const t = encodeURIComponent(token);
  clear(main).appendChild(spinner());
  let contents;
  try {
    contents = await api.get(folderId ? `/s/${t}/folders/${folderId}/content` : `/s/${t}/content`, { query: { file_limit: 1000, folder_limit: 1000 } });
  } catch (err) {
    if (!nav.isCurrent()) return;
    return unavailable(main, err);
  }
  if (!nav.isCurrent()) return;
  const grid = h('div', { class: 'card-grid' });
  for (const f of contents?.folders || []) {
    grid.appendChild(
      h(
        'div',
        {
          role: 'button',
          tabindex: '0',
          class: 'item-card',
          onclick: () => navigate(`/s/${token}/folder/${f.id}`),
          onkeydown: (e) => e.key === 'Enter' && navigate(`/s/${token}/folder/${f.id}`),
        },
        icon('folder', 32),
        h('span', { class: 'card-name', title: f.name }, f.name),
      ),
    );
  }
  for (const f of contents?.files || []) {
    const source = { downloadUrl: `/api/v1/s/${t}/files/${f.id}/download`, previewLinkPath: `/s/${t}/files/${f.id}/preview-link` };
    const open = () => openFile(f, { source });
    grid.appendChild(
      h(
        'div',
        { role: 'button', tabindex: '0', class: 'item-card', onclick: open, onkeydown: (e) => e.key === 'Enter' && open() },
        icon('file', 32),
        h('span', { class: 'card-name', title: f.name }, f.name),
        h('span', { class: 'muted small' }, fmtSize(f.size)),
      ),
    );
  }
  clear(main).append(
    h(
      'div',
      { class: 'share-folder' },
      h(
        'div',
        { class: 'page-header' },
        h('div', null, h('h1', null, info.name), h('p', { class: 'muted small' }, meta(info)), sharedBy(info)),
        h(
          'div',
          { class: 'page-actions' },
          folderId ? h('a', { href: `/s/${token}`, class: 'btn btn-ghost' }, 'Root') : null,
          h(
            'button',
            { type: 'button', class: 'icon-btn', 'aria-label': 'Refresh', onclick: () => folderView(main, token, info, folderId, nav) },
            icon('refresh'),
          ),
        ),
      ),
      grid.children.length ? grid : h('div', { class: 'empty-state' }, h('p', { class: 'muted' }, 'This shared folder does not contain any items yet.')),
    ),
  );
}
