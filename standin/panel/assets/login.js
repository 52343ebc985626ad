// Login / first-admin setup page, plus the storage-setup placeholder pages.
import { loadMe, logout, navigate, setTitle, state } from './app.js';
import { api, errorMessage, h, openDialog, request, toast } from './lib.js';

function passwordField(id, label, opts = {}) {
  const input = h('input', {
    id,
    name: id,
    type: 'password',
    class: 'input',
    autocomplete: opts.autocomplete || 'current-password',
    placeholder: opts.placeholder || null,
    required: true,
  });
  const toggle = h('button', { type: 'button', class: 'icon-btn pw-toggle', 'aria-label': 'Show password' }, '👁');
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.setAttribute('aria-label', show ? 'Hide password' : 'Show password');
  });
  return { input, node: h('div', { class: 'field' }, h('label', { for: id }, label), h('div', { class: 'pw-wrap' }, input, toggle)) };
}

export async function renderLogin(container) {
  setTitle('Sign In');
  const titleEl = h('span', null, 'Sign in to your account');
  const descEl = h('p', { class: 'muted' }, 'Enter your password');
  const card = h('div', { class: 'auth-card' });
  container.appendChild(
    h(
      'div',
      { class: 'auth-page' },
      h(
        'main',
        { class: 'auth-main' },
        h('div', { class: 'auth-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'A'), h('span', null, state.brand)),
        h('p', { class: 'muted slogan' }, 'Your files, your server, your rules.'),
        card,
      ),
    ),
  );
  card.appendChild(h('div', { class: 'auth-header' }, h('h2', null, titleEl), descEl));
  const status = h('div', { class: 'spinner small', role: 'status', 'aria-label': 'Loading...' });
  card.appendChild(status);

  let check = null;
  try {
    check = await api.post('/auth/check');
  } catch {
    check = { has_users: true, setup_state: 'ready', allow_user_registration: false, passkey_login_enabled: true, password_login_enabled: true };
  }
  status.remove();
  if (check && check.has_users === false) renderSetupForm(card, titleEl, descEl);
  else renderSignInForm(card, titleEl, descEl, check || {});
}

function renderSignInForm(card, titleEl, descEl, check) {
  if (check.setup_state === 'needs_storage') {
    titleEl.textContent = 'Complete storage setup';
    descEl.textContent = 'Sign in as the administrator, then create a default storage policy suitable for this deployment.';
  }
  const identifier = h('input', {
    id: 'identifier',
    name: 'identifier',
    type: 'text',
    class: 'input',
    placeholder: 'you@example.com',
    autocomplete: check.passkey_login_enabled === false ? 'username' : 'username webauthn',
    required: true,
  });
  const pw = passwordField('password', 'Password');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign In');
  const form = h(
    'form',
    { class: 'auth-form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'identifier' }, 'Email or username'), identifier),
    pw.node,
    h('div', { class: 'auth-row' }, h('button', { type: 'button', class: 'link-btn', onclick: () => forgotPassword() }, 'Forgot password?')),
    submit,
  );
  let busy = false;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    const id = identifier.value.trim();
    const password = pw.input.value;
    if (!id || !password) {
      toast.error('Invalid credentials or account unavailable.');
      return;
    }
    busy = true;
    submit.disabled = true;
    submit.textContent = 'Signing in...';
    try {
      const res = await request('POST', '/auth/login', { body: { identifier: id, password } });
      if (res && res.status === 'mfa_required') {
        toast.error('MFA verification failed');
        return;
      }
      toast.success('Welcome back!');
      await loadMe();
      navigate('/', { replace: true });
    } catch (err) {
      const code = err?.code || '';
      toast.error(
        code === 'auth.credentials_failed' || err?.status === 401
          ? 'Invalid credentials or account unavailable.'
          : errorMessage(err, 'Invalid credentials or account unavailable.'),
      );
    } finally {
      busy = false;
      submit.disabled = false;
      submit.textContent = 'Sign In';
    }
  });
  card.appendChild(form);
  const passkeySupported = typeof window.PublicKeyCredential !== 'undefined';
  if (check.passkey_login_enabled !== false) {
    card.appendChild(h('div', { class: 'divider', 'aria-hidden': 'true' }, h('span', null, 'or')));
    card.appendChild(
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-outline btn-block',
          disabled: passkeySupported ? null : true,
          onclick: () => toast.error('Passkey login is currently disabled on this system'),
        },
        'Sign in with passkey',
      ),
    );
    if (!passkeySupported) card.appendChild(h('p', { class: 'muted small' }, 'This browser or environment does not support passkeys.'));
  }
  if (check.allow_user_registration && check.setup_state !== 'needs_storage') {
    card.appendChild(
      h(
        'p',
        { class: 'muted small center' },
        "Don't have an account? ",
        h('button', { type: 'button', class: 'link-btn', onclick: () => renderSignUp(card, titleEl, descEl) }, 'Sign Up'),
      ),
    );
  }
  identifier.focus();
}

function forgotPassword() {
  openDialog({
    title: 'Reset your password',
    description: 'Enter the email address for your account and we will send a password reset link to that inbox.',
    body: (ctx) => {
      const email = h('input', { id: 'reset-email', type: 'email', class: 'input', placeholder: 'you@example.com' });
      return h(
        'form',
        {
          onsubmit: async (e) => {
            e.preventDefault();
            try {
              await api.post('/auth/password/reset/request', { email: email.value.trim() });
              toast.success('Password reset request submitted. Check your inbox.');
              ctx.close();
            } catch (err) {
              toast.error(errorMessage(err));
            }
          },
        },
        h('div', { class: 'field' }, h('label', { for: 'reset-email' }, 'Email'), email),
        h('div', { class: 'dialog-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Send reset link')),
      );
    },
  });
}

function identifierPair(_card, _titleEl, _descEl, _mode) {
  const identifier = h('input', {
    id: 'identifier',
    name: 'identifier',
    type: 'text',
    class: 'input',
    placeholder: 'Choose a username',
    autocomplete: 'username',
    required: true,
  });
  const extra = h('input', { id: 'extra', name: 'extra', type: 'text', class: 'input', placeholder: 'you@example.com', autocomplete: 'email', required: true });
  const idLabel = h('label', { for: 'identifier' }, 'Username');
  const extraLabel = h('label', { for: 'extra' }, 'Email');
  const pw = passwordField('password', 'Password', { autocomplete: 'new-password' });
  const sync = () => {
    const isEmail = identifier.value.includes('@');
    idLabel.textContent = isEmail ? 'Email' : 'Username';
    identifier.placeholder = isEmail ? 'you@example.com' : 'Choose a username';
    extraLabel.textContent = isEmail ? 'Username' : 'Email';
    extra.placeholder = isEmail ? 'Choose a username' : 'you@example.com';
  };
  identifier.addEventListener('input', sync);
  const values = () => {
    const a = identifier.value.trim();
    const b = extra.value.trim();
    return a.includes('@') ? { email: a, username: b, password: pw.input.value } : { username: a, email: b, password: pw.input.value };
  };
  const fields = [h('div', { class: 'field' }, idLabel, identifier), h('div', { class: 'field' }, extraLabel, extra), pw.node];
  return { identifier, extra, pw, fields, values };
}

function renderSetupForm(card, titleEl, descEl) {
  titleEl.textContent = 'Welcome to AsterDrive';
  descEl.textContent = 'Set up your admin account to get started.';
  const pair = identifierPair(card, titleEl, descEl, 'setup');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', disabled: true }, 'Create Admin Account');
  const update = () => {
    submit.disabled = !(pair.identifier.value.trim() && pair.extra.value.trim() && pair.pw.input.value);
  };
  for (const el of [pair.identifier, pair.extra, pair.pw.input]) el.addEventListener('input', update);
  const form = h('form', { class: 'auth-form', novalidate: true }, pair.fields, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    const v = pair.values();
    submit.disabled = true;
    submit.textContent = 'Creating account...';
    try {
      await api.post('/auth/setup', v);
      toast.success('The administrator account was created. Continuing system setup.');
      await api.post('/auth/login', { identifier: v.username, password: v.password });
      toast.success('Welcome back!');
      await loadMe();
      let next = '/';
      try {
        const c = await api.post('/auth/check');
        if (c?.setup_state === 'needs_storage') next = '/setup/storage';
      } catch {}
      navigate(next, { replace: true });
    } catch (err) {
      toast.error(errorMessage(err));
      submit.textContent = 'Create Admin Account';
      update();
    }
  });
  card.appendChild(form);
  pair.identifier.focus();
}

function renderSignUp(card, titleEl, descEl) {
  while (card.children.length > 1) card.lastChild.remove();
  titleEl.textContent = 'Create a new account';
  descEl.textContent = '';
  const pair = identifierPair(card, titleEl, descEl, 'signup');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, 'Sign Up');
  const form = h('form', { class: 'auth-form', novalidate: true }, pair.fields, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const u = await api.post('/auth/register', pair.values());
      toast.success(u && u.email_verified === false ? 'Account created. Check your email to activate it' : 'Account created. You can sign in now');
      navigate('/login', { replace: true });
    } catch (err) {
      toast.error(errorMessage(err));
    } finally {
      submit.disabled = false;
    }
  });
  card.appendChild(form);
  card.appendChild(
    h(
      'p',
      { class: 'muted small center' },
      'Already have an account? ',
      h('button', { type: 'button', class: 'link-btn', onclick: () => navigate('/login', { replace: true }) }, 'Sign In'),
    ),
  );
}

// ---------------------------------------------------------------- storage setup (minimal)
export async function renderSetupStorage(container) {
  setTitle("Configure AsterDrive's first reliable storage");
  if (state.user?.role !== 'admin') return navigate('/setup/pending', { replace: true });
  pollReady('/setup/storage');
  container.appendChild(
    h(
      'main',
      { class: 'auth-page' },
      h(
        'div',
        { class: 'auth-card wide' },
        h('p', { class: 'eyebrow' }, 'System setup · Step two'),
        h('div', { role: 'img', 'aria-label': 'AsterDrive', class: 'brand-mark big' }, 'A'),
        h('h1', null, "Configure AsterDrive's first reliable storage"),
        h(
          'p',
          { class: 'muted' },
          'Before the file workspace opens, choose a storage connector that can be verified immediately and finish its connection settings.',
        ),
        h(
          'div',
          { class: 'dialog-actions' },
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => storageWizard() }, 'Start storage setup'),
          h('button', { type: 'button', class: 'btn btn-outline', onclick: () => logout() }, 'Logout'),
        ),
      ),
    ),
  );
}

function pollReady(path) {
  const poll = setInterval(async () => {
    if (location.pathname !== path) return clearInterval(poll);
    try {
      const c = await api.post('/auth/check');
      if (c?.setup_state === 'ready') {
        clearInterval(poll);
        state.setupState = 'ready';
        for (const d of document.querySelectorAll('dialog[open]')) d.remove();
        navigate('/', { replace: true });
      }
    } catch {}
  }, 2000);
}

function storageWizard() {
  openDialog({
    title: "Configure AsterDrive's first reliable storage",
    closeButton: false,
    dismissible: false,
    className: 'wide',
    headerExtra: () => h('button', { type: 'button', class: 'btn btn-outline', onclick: () => logout() }, 'Logout'),
    body: (ctx) => {
      const wrap = h('div');
      const step1 = () => {
        wrap.replaceChildren(
          h('p', { class: 'muted' }, 'Step 1 of 3'),
          h(
            'div',
            { class: 'driver-grid', 'data-testid': 'storage-driver-options' },
            h(
              'button',
              { type: 'button', class: 'card-btn', onclick: () => step2() },
              h('strong', null, 'Local'),
              h('span', { class: 'muted' }, " Store files on this server's disk"),
            ),
          ),
        );
      };
      const name = h('input', { id: 'name', class: 'input', value: 'Local Storage' });
      const base = h('input', { id: 'base_path', class: 'input', value: './data/uploads' });
      const body = () => ({
        name: name.value.trim(),
        connection: {
          connector_config: {
            format_version: 1,
            connector_id: 'asterdrive.storage.local',
            schema_version: 1,
            values: { base_path: base.value.trim(), content_dedup: false },
          },
          behavior: {},
          credential: { mode: 'none' },
        },
        max_file_size: 0,
        chunk_size: 5242880,
        is_default: true,
      });
      const test = async () => {
        try {
          await api.post('/admin/policies/test', { connection: body().connection });
          toast.success('Connection successful');
          return true;
        } catch (err) {
          toast.error(errorMessage(err));
          return false;
        }
      };
      const step2 = () => {
        wrap.replaceChildren(
          h('p', { class: 'muted' }, 'Step 2 of 3'),
          h('div', { class: 'field' }, h('label', { for: 'name' }, 'Name'), name),
          h('div', { class: 'field' }, h('label', { for: 'base_path' }, 'Base Path'), base),
          h(
            'div',
            { class: 'dialog-actions' },
            h('button', { type: 'button', class: 'btn btn-outline', onclick: test }, 'Test Connection'),
            h('button', { type: 'button', class: 'btn btn-primary', onclick: () => step3() }, 'Review'),
          ),
        );
      };
      const step3 = () => {
        wrap.replaceChildren(
          h('p', { class: 'muted' }, 'Step 3 of 3'),
          h('div', { class: 'summary', 'data-testid': 'policy-summary-card' }, h('p', null, `Name: ${name.value}`), h('p', null, `Base Path: ${base.value}`)),
          h(
            'div',
            { class: 'dialog-actions' },
            h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => step2() }, 'Back'),
            h('button', { type: 'button', class: 'btn btn-outline', onclick: test }, 'Test Connection'),
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn-primary',
                onclick: async () => {
                  if (!(await test())) return;
                  try {
                    await api.post('/admin/policies', body());
                    toast.success('Policy created');
                    state.setupState = 'ready';
                    ctx.close();
                    navigate('/', { replace: true });
                  } catch (err) {
                    toast.error(errorMessage(err));
                  }
                },
              },
              'Create',
            ),
          ),
        );
      };
      step1();
      return wrap;
    },
  });
}

export async function renderSetupPending(container) {
  setTitle('System setup in progress');
  container.appendChild(
    h(
      'main',
      { class: 'auth-page' },
      h(
        'div',
        { class: 'auth-card' },
        h('p', { class: 'eyebrow' }, 'System setup in progress'),
        h('h1', null, 'An administrator is configuring system storage'),
        h('p', { class: 'muted' }, 'Waiting for system storage to become ready…'),
        h('button', { type: 'button', class: 'btn btn-outline', onclick: () => logout() }, 'Logout'),
      ),
    ),
  );
  const poll = setInterval(async () => {
    if (!document.contains(container) || location.pathname !== '/setup/pending') return clearInterval(poll);
    try {
      const c = await api.post('/auth/check');
      if (c?.setup_state === 'ready') {
        clearInterval(poll);
        state.setupState = 'ready';
        navigate('/', { replace: true });
      }
    } catch {}
  }, 2000);
}
