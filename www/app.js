// The demo page: sign in (SRP, MFA, hosted UI), sign up, and photos in S3 — a user's own under
// private/<identity id>/, a guest's view of public/ — with cognito-wasm's storage entry. Plain
// ESM, no framework; the markup is index.html, the settings config.js.
import init, { CognitoAuth, IdentityCredentials, S3Bucket } from '/pkg/storage.js';
import config from './config.js';
import { $, h, announce, showError, clearError, formatBytes, formatDate, busy, describe } from './ui.js';

/** The hosted UI's callback route (one of the app client's callback URLs). */
const CALLBACK = '/callback';
/** Where the photos go, under the user's own prefix. */
const PHOTOS = 'photos/';

let auth;
let creds;
let bucket;
let publicBucket;
/** 'in' | 'out' once rendered. */
let view = null;
/** The username and password of the sign-in in progress (for the demo's TOTP hint) or of a
 * sign-up waiting for its code (to sign in once confirmed). Memory only. */
let pending = null;
/** Uploads in flight (cancelled on sign-out). */
const uploads = new Set();

window.addEventListener('securitypolicyviolation', (e) => {
  showError('The Content-Security-Policy blocked something', {
    name: 'SecurityPolicyViolation',
    message: `${e.effectiveDirective} refused ${e.blockedURI || 'inline code'}`,
  });
});

main();

async function main() {
  wire();
  try {
    await init();
  } catch (e) {
    $('#loading').textContent = 'The SDK could not be loaded.';
    showError('Loading cognito-wasm', e);
    return;
  }
  try {
    auth = new CognitoAuth(sdkConfig());
    creds = new IdentityCredentials(auth);
    bucket = new S3Bucket(creds, { bucket: config.bucket });
    publicBucket = new S3Bucket(creds, { bucket: config.bucket, keyPrefix: 'public/' });
  } catch (e) {
    $('#loading').textContent = 'The SDK is not configured correctly (www/config.js).';
    showError('Configuring the SDK', e);
    return;
  }
  auth.on('signedIn', render);
  auth.on('signedOut', render);
  auth.on('refreshFailed', ({ error }) => showError('Your session ended', error));
  if (location.pathname === CALLBACK) await finishHostedUi();
  render();
  document.documentElement.dataset.ready = 'true';
}

/** The CognitoAuth configuration from config.js. */
function sdkConfig() {
  const c = {
    region: config.region,
    userPoolId: config.userPoolId,
    clientId: config.clientId,
    identityPoolId: config.identityPoolId,
    storage: 'local',
    autoRefresh: true,
  };
  if (config.endpoints) c.endpoints = config.endpoints;
  if (config.hostedUiDomain) {
    c.oauth = {
      domain: config.hostedUiDomain,
      redirectSignIn: location.origin + CALLBACK,
      redirectSignOut: location.origin + '/',
      scopes: ['openid', 'email', 'profile'],
    };
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Views

/** Shows the signed-in or the signed-out view, as the session says. */
function render() {
  const signedIn = auth.isSignedIn;
  const next = signedIn ? 'in' : 'out';
  $('#loading').hidden = true;
  $('#signed-in').hidden = !signedIn;
  $('#signed-out').hidden = signedIn;
  $('#account').hidden = !signedIn;
  if (signedIn) showUser();
  if (next === view) return;
  const previous = view;
  view = next;
  if (signedIn) {
    showPrefix();
    loadGallery();
    if (previous) $('#welcome').focus();
  } else {
    for (const u of uploads) u.cancel();
    $('#upload-list').replaceChildren();
    $('#gallery').replaceChildren();
    showPanel('signin');
    loadGuest();
    if (previous) $('#auth-heading').focus();
  }
}

/** "Welcome, <name>", the username, email and groups from the id token. */
function showUser() {
  const user = auth.user;
  if (!user) return;
  const name = user.name || user.username;
  $('#user-name').textContent = name;
  $('#account-name').textContent = name;
  $('#user-username').textContent = user.username;
  $('#user-email').textContent = user.email ?? '';
  $('#user-email-wrap').hidden = !user.email;
  const groups = user.groups.length
    ? user.groups.map((g) => h('li', { className: 'chip', textContent: g }))
    : [h('li', { className: 'chip none', textContent: 'none' })];
  $('#user-groups').replaceChildren(...groups);
}

/** Where the user's photos live: private/<identity id>/. */
async function showPrefix() {
  try {
    const key = await bucket.fullKey('x');
    if (view === 'in') $('#user-prefix').textContent = key.slice(0, -1);
  } catch {
    // The gallery shows the error.
  }
}

/** Shows one of the sign-in card's panels: 'signin' | 'challenge' | 'signup' | 'confirm'. */
function showPanel(name, { focus = false } = {}) {
  for (const p of ['signin', 'challenge', 'signup', 'confirm']) $(`#${p}-form`).hidden = p !== name;
  if (focus) {
    const form = $(`#${name}-form`);
    const input = [...form.querySelectorAll('input')].find((i) => !i.closest('[hidden]'));
    (input ?? $('h1', form)).focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Signing in

function wire() {
  $('#error-dismiss').addEventListener('click', clearError);

  const demo = config.demo;
  if (demo?.accounts?.length) {
    const hint = $('#demo-accounts');
    hint.replaceChildren(
      'Demo accounts: ',
      ...demo.accounts.flatMap((a, i) => [
        i ? ' · ' : '',
        h('code', { textContent: a.username }), ' / ', h('code', { textContent: a.password }),
        a.totpSecret ? ' (with TOTP)' : '',
      ]),
    );
    hint.hidden = false;
  }
  if (!config.hostedUiDomain) {
    $('#hosted-ui').hidden = true;
    $('#signin-form .divider').hidden = true;
  }

  $('#signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError();
    const username = $('#signin-username').value.trim();
    const password = $('#signin-password').value;
    pending = { username, password };
    try {
      const step = await busy($('#signin-submit'), 'Signing in…', () => auth.signIn({ username, password }));
      await handleStep(step);
    } catch (e) {
      showError('Signing in failed', e);
      if (e.name === 'UserNotConfirmedException') showConfirm(username, 'Your account is not confirmed yet: enter the code we sent you.');
    }
  });

  $('#hosted-ui').addEventListener('click', async () => {
    clearError();
    try {
      await busy($('#hosted-ui'), 'Opening the hosted UI…', () => auth.signInWithRedirect({ state: '/' }));
    } catch (e) {
      showError('Opening the hosted UI failed', e);
    }
  });

  $('#challenge-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError();
    const kind = $('#challenge-form').dataset.kind;
    let input;
    if (kind === 'password') input = { newPassword: $('#challenge-new-password').value };
    else if (kind === 'choice') input = { mfaType: ev.submitter?.value };
    else input = { code: $('#challenge-code').value.trim() };
    const button = kind === 'choice' && ev.submitter ? ev.submitter : $('#challenge-submit');
    try {
      const step = await busy(button, 'Checking…', () => auth.confirmSignIn(input));
      await handleStep(step);
    } catch (e) {
      showError(kind === 'password' ? 'Setting the new password failed' : kind === 'choice' ? 'Choosing the factor failed' : 'Checking the code failed', e);
      const field = kind === 'password' ? $('#challenge-new-password') : $('#challenge-code');
      if (kind !== 'choice') field.select();
    }
  });
  $('#challenge-cancel').addEventListener('click', () => {
    pending = null;
    clearError();
    showPanel('signin', { focus: true });
  });

  $('#show-signup').addEventListener('click', () => {
    clearError();
    showPanel('signup', { focus: true });
  });
  $('#show-signin').addEventListener('click', () => {
    clearError();
    showPanel('signin', { focus: true });
  });
  $('#confirm-back').addEventListener('click', () => {
    clearError();
    showPanel('signin', { focus: true });
  });

  $('#signup-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError();
    const username = $('#signup-username').value.trim();
    const password = $('#signup-password').value;
    const email = $('#signup-email').value.trim();
    const name = $('#signup-name').value.trim();
    try {
      const result = await busy($('#signup-submit'), 'Creating your account…', () =>
        auth.signUp({ username, password, attributes: { email, name } }));
      pending = { username, password };
      if (result.userConfirmed) return signInAfterSignUp();
      const to = result.codeDelivery?.destination ?? email;
      showConfirm(username, `We sent a confirmation code to ${to}.`);
      announce('Account created. Enter the code we sent you.');
    } catch (e) {
      showError('Creating the account failed', e);
    }
  });

  $('#confirm-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearError();
    const username = $('#confirm-form').dataset.username;
    const code = $('#confirm-code').value.trim();
    try {
      await busy($('#confirm-submit'), 'Confirming…', () => auth.confirmSignUp({ username, code }));
      $('#confirm-form').reset();
      if (pending?.username === username) return signInAfterSignUp();
      $('#signin-username').value = username;
      showPanel('signin');
      $('#signin-password').focus();
      announce('Account confirmed. Sign in with your password.');
    } catch (e) {
      showError('Confirming the account failed', e);
      $('#confirm-code').select();
    }
  });
  $('#confirm-resend').addEventListener('click', async () => {
    clearError();
    const username = $('#confirm-form').dataset.username;
    try {
      const r = await busy($('#confirm-resend'), 'Sending…', () => auth.resendSignUpCode({ username }));
      announce(`A new code is on its way${r.codeDelivery?.destination ? ' to ' + r.codeDelivery.destination : ''}.`);
    } catch (e) {
      showError('Sending a new code failed', e);
    }
  });

  $('#sign-out').addEventListener('click', async () => {
    clearError();
    try {
      await busy($('#sign-out'), 'Signing out…', () => auth.signOut());
      announce('Signed out.');
    } catch (e) {
      showError('Signing out failed', e);
    }
  });

  wireUploads();
  wireGuest();
  $('#gallery-refresh').addEventListener('click', () => loadGallery({ announceDone: true }));
}

/** Signs in with the credentials of the sign-up just confirmed. */
async function signInAfterSignUp() {
  announce('Account confirmed. Signing you in…');
  try {
    await handleStep(await auth.signIn(pending));
  } catch (e) {
    showError('Signing in failed', e);
    showPanel('signin', { focus: true });
  }
}

/** Shows the confirmation-code panel for `username`. */
function showConfirm(username, text) {
  const form = $('#confirm-form');
  form.dataset.username = username;
  $('#confirm-text').textContent = text;
  const hint = $('#confirm-demo-hint');
  if (config.demo?.emulator) {
    const url = `${config.demo.emulator}/__admin/codes?username=${encodeURIComponent(username)}`;
    hint.replaceChildren('Demo: the emulator prints the code in its terminal, and shows it ',
      h('a', { href: url, target: '_blank', rel: 'noopener', textContent: 'here' }), '.');
    hint.hidden = false;
  }
  showPanel('confirm', { focus: true });
}

/** What to do with a sign-in step: done, or the next question to ask. */
async function handleStep(step) {
  const form = $('#challenge-form');
  const codeField = $('#challenge-code-field');
  const passwordField = $('#challenge-password-field');
  const setup = $('#challenge-setup');
  const choice = $('#challenge-choice');
  const submit = $('#challenge-submit');
  const ask = ({ kind, heading, text }) => {
    form.reset();
    form.dataset.kind = kind;
    $('#challenge-heading').textContent = heading;
    $('#challenge-text').textContent = text;
    codeField.hidden = kind !== 'code';
    $('#challenge-code').required = kind === 'code';
    passwordField.hidden = kind !== 'password';
    $('#challenge-new-password').required = kind === 'password';
    choice.hidden = kind !== 'choice';
    submit.hidden = kind === 'choice';
    setup.hidden = true;
    $('#challenge-demo-hint').hidden = true;
    showPanel('challenge', { focus: true });
  };
  switch (step.step) {
    case 'DONE': {
      pending = null;
      for (const f of ['signin', 'challenge', 'signup', 'confirm']) $(`#${f}-form`).reset();
      const user = auth.user;
      announce(`Signed in as ${user?.name || user?.username || 'you'}.`);
      render();
      return;
    }
    case 'MFA_TOTP':
      ask({ kind: 'code', heading: 'Two-step verification', text: 'Enter the 6-digit code from your authenticator app.' });
      totpHint();
      return;
    case 'MFA_SMS':
    case 'MFA_EMAIL': {
      const to = step.codeDelivery?.destination;
      ask({ kind: 'code', heading: 'Two-step verification', text: `Enter the code we sent${to ? ' to ' + to : ''}.` });
      return;
    }
    case 'MFA_SETUP_TOTP':
      ask({ kind: 'code', heading: 'Set up two-step verification', text: 'This account needs an authenticator app. Add the key below to yours, then enter the code it shows.' });
      $('#challenge-secret').textContent = step.secret;
      $('#challenge-uri').textContent = step.otpauthUri;
      setup.hidden = false;
      return;
    case 'NEW_PASSWORD_REQUIRED':
      ask({ kind: 'password', heading: 'Choose a new password', text: 'Your account has a temporary password: choose your own to finish signing in.' });
      return;
    case 'SELECT_MFA_TYPE':
      ask({ kind: 'choice', heading: 'Two-step verification', text: 'How would you like to get your code?' });
      $('#challenge-choice-options').replaceChildren(...step.allowedMfaTypes.map((t) =>
        h('button', { type: 'submit', className: 'button secondary', value: t, textContent: { TOTP: 'Authenticator app', SMS: 'Text message', EMAIL: 'Email' }[t] ?? t })));
      return;
    case 'CONFIRM_SIGN_UP':
      showConfirm(step.username, 'Your account is not confirmed yet: enter the code we sent you.');
      return;
    case 'RESET_PASSWORD':
      showError('Signing in needs a new password', {
        name: 'PasswordResetRequiredException',
        message: `The account ${step.username} must reset its password before it can sign in.`,
      });
      showPanel('signin', { focus: true });
      return;
    default:
      showError('Signing in stopped', { name: 'UnknownStep', message: `The page does not know the step ${step.step}.` });
  }
}

/** Against the emulator, where the demo TOTP account's current code can be read. */
function totpHint() {
  const account = config.demo?.accounts?.find((a) => a.totpSecret && pending && a.username === pending.username);
  if (!account || !config.demo.emulator) return;
  const hint = $('#challenge-demo-hint');
  const url = `${config.demo.emulator}/__admin/totp?secret=${account.totpSecret}`;
  hint.replaceChildren(`Demo: ${account.username}'s current code is `, h('a', { href: url, target: '_blank', rel: 'noopener', textContent: 'here' }),
    ` (or add the key ${account.totpSecret} to an authenticator app).`);
  hint.hidden = false;
}

/** On the callback route: finishes a hosted-UI sign-in. */
async function finishHostedUi() {
  const params = new URLSearchParams(location.search);
  if (params.has('code') || params.has('error')) {
    $('#loading').textContent = 'Signing you in…';
    try {
      const { state } = await auth.handleRedirectCallback();
      history.replaceState(null, '', state?.startsWith('/') ? state : '/');
      announce(`Signed in with the hosted UI as ${auth.user?.name || auth.user?.username}.`);
      return;
    } catch (e) {
      showError('Signing in with the hosted UI failed', e);
    }
  }
  history.replaceState(null, '', '/');
}

// ---------------------------------------------------------------------------------------------
// Uploads

function wireUploads() {
  const zone = $('#dropzone');
  const input = $('#file-input');
  input.addEventListener('change', () => {
    addFiles(input.files);
    input.value = '';
  });
  const hasFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes('Files');
  zone.addEventListener('dragenter', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragover', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', (e) => {
    if (!zone.contains(e.relatedTarget)) zone.classList.remove('over');
  });
  zone.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    zone.classList.remove('over');
    addFiles(e.dataTransfer.files);
  });
  // A file dropped beside the zone must not replace the page with the file.
  for (const type of ['dragover', 'drop']) {
    window.addEventListener(type, (e) => {
      if (hasFiles(e) && !zone.contains(e.target)) e.preventDefault();
    });
  }
}

/** Starts an upload per photo of `fileList`; other files are listed as skipped. */
function addFiles(fileList) {
  const files = [...fileList];
  let started = 0;
  for (const file of files) {
    if (file.type.startsWith('image/')) {
      startUpload(file);
      started++;
    } else {
      skipped(file);
    }
  }
  if (started) announce(`Uploading ${started} photo${started === 1 ? '' : 's'}.`);
}

let uploadIds = 0;

/** One row of the upload list: thumbnail, name, progress bar, state, and a button. */
function uploadRow(file, { preview }) {
  const id = `upload-${++uploadIds}`;
  const progress = h('progress', { max: 100, value: 0, attrs: { 'aria-labelledby': `${id}-name` } });
  const percent = h('span', { className: 'upload-pct', textContent: '0 %', attrs: { 'aria-hidden': 'true' } });
  const state = h('p', { className: 'upload-state', id: `${id}-state` });
  const thumb = preview ? h('img', { className: 'upload-thumb', src: preview, alt: '' }) : h('span', { className: 'upload-thumb blank', attrs: { 'aria-hidden': 'true' } });
  const li = h('li', { className: 'upload', id },
    thumb,
    h('div', { className: 'upload-main' },
      h('p', { className: 'upload-name', id: `${id}-name`, textContent: file.name, title: file.name }),
      h('div', { className: 'upload-bar' }, progress, percent),
      state));
  $('#upload-list').prepend(li);
  return { li, progress, percent, state };
}

/** The × that removes a finished row (put where the Cancel button was, focus kept). */
function dismissButton(li, file, preview) {
  return h('button', {
    type: 'button', className: 'icon-button', textContent: '×',
    attrs: { 'aria-label': `Remove ${file.name} from the list` },
    on: {
      click: () => {
        const next = li.nextElementSibling?.querySelector('button') ?? li.previousElementSibling?.querySelector('button');
        li.remove();
        if (preview) URL.revokeObjectURL(preview);
        (next ?? $('#file-input')).focus();
      },
    },
  });
}

function skipped(file) {
  const { li, state, progress, percent } = uploadRow(file, {});
  li.dataset.state = 'skipped';
  progress.hidden = true;
  percent.hidden = true;
  state.textContent = `Skipped: ${file.type || 'this file'} is not a photo.`;
  li.append(dismissButton(li, file, null));
}

function startUpload(file) {
  const preview = URL.createObjectURL(file);
  const { li, progress, percent, state } = uploadRow(file, { preview });
  li.dataset.state = 'uploading';
  state.textContent = `Waiting · ${formatBytes(file.size)}`;
  const key = `${PHOTOS}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}-${file.name}`;
  const cancel = h('button', {
    type: 'button', className: 'button small secondary', textContent: 'Cancel',
    attrs: { 'aria-label': `Cancel the upload of ${file.name}` },
  });
  li.append(cancel);
  const finish = () => {
    const hadFocus = document.activeElement === cancel;
    const dismiss = dismissButton(li, file, preview);
    cancel.replaceWith(dismiss);
    if (hadFocus) dismiss.focus();
  };
  let handle;
  try {
    handle = bucket.upload(file, {
      key,
      contentType: file.type,
      onProgress: ({ loaded, total }) => {
        const p = total ? Math.floor((loaded / total) * 100) : 100;
        progress.value = p;
        percent.textContent = `${p} %`;
        state.textContent = loaded < total ? `${formatBytes(loaded)} of ${formatBytes(total)}` : 'Sent · waiting for S3 to confirm…';
      },
    });
  } catch (e) {
    li.dataset.state = 'failed';
    state.textContent = `Failed — ${describe(e).name}: ${describe(e).message}`;
    finish();
    showError(`Uploading ${file.name} failed`, e);
    return;
  }
  uploads.add(handle);
  cancel.addEventListener('click', () => handle.cancel());
  handle.done.then(
    () => {
      li.dataset.state = 'done';
      progress.value = 100;
      percent.textContent = '100 %';
      state.textContent = `Uploaded · ${formatBytes(file.size)}`;
      announce(`${file.name} uploaded.`);
      refreshGallerySoon();
    },
    (e) => {
      progress.hidden = true;
      percent.hidden = true;
      if (e.name === 'AbortError') {
        li.dataset.state = 'cancelled';
        state.textContent = 'Cancelled';
        announce(`The upload of ${file.name} was cancelled.`);
      } else {
        li.dataset.state = 'failed';
        state.textContent = `Failed — ${e.name}: ${e.message}`;
        showError(`Uploading ${file.name} failed`, e);
      }
    },
  ).finally(() => {
    uploads.delete(handle);
    finish();
  });
}

// ---------------------------------------------------------------------------------------------
// The gallery

let galleryRun = 0;
let refreshTimer;

/** Reloads the gallery once a burst of finished uploads is over. */
function refreshGallerySoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => loadGallery(), 150);
}

/** The photo's name as the user gave it (keys are photos/<unique>-<name>). */
function displayName(key) {
  const base = key.startsWith(PHOTOS) ? key.slice(PHOTOS.length) : key;
  const dash = base.indexOf('-');
  return dash >= 0 ? base.slice(dash + 1) : base;
}

/** Every object under `prefix` of `b`, newest first, each with a presigned GET URL. */
async function listWithUrls(b, prefix) {
  const objects = [];
  let token;
  do {
    const page = await b.list({ prefix, continuationToken: token });
    objects.push(...page.objects);
    token = page.nextContinuationToken;
  } while (token);
  objects.sort((a, z) => z.lastModified - a.lastModified);
  return Promise.all(objects.map(async (o) => ({ ...o, url: await b.presignGet(o.key, { expiresIn: 3600 }) })));
}

/** One photo: the image (a presigned GET), its name, size and date, and (own photos) Delete. */
function photoCard(o, { onDelete } = {}) {
  const name = onDelete ? displayName(o.key) : o.key;
  const frame = h('div', { className: 'photo-frame' });
  const img = h('img', { src: o.url, alt: name, loading: 'lazy', decoding: 'async' });
  img.addEventListener('error', () => {
    frame.classList.add('broken');
    frame.replaceChildren(h('span', { textContent: 'Could not load this image' }));
  });
  frame.append(img);
  const li = h('li', { className: 'photo', dataset: { key: o.key } },
    h('figure', {},
      frame,
      h('figcaption', {},
        h('span', { className: 'photo-name', textContent: name, title: name }),
        h('span', { className: 'photo-meta', textContent: `${formatBytes(o.size)} · ${formatDate(o.lastModified)}` }))));
  if (onDelete) {
    const del = h('button', {
      type: 'button', className: 'button small danger', textContent: 'Delete',
      attrs: { 'aria-label': `Delete ${name}` }, dataset: { key: o.key },
    });
    del.addEventListener('click', () => onDelete(o, li, del, name));
    li.querySelector('figcaption').append(del);
  }
  return li;
}

/** Lists the user's photos and shows them. */
async function loadGallery({ announceDone = false } = {}) {
  const run = ++galleryRun;
  const gallery = $('#gallery');
  gallery.setAttribute('aria-busy', 'true');
  try {
    const photos = await listWithUrls(bucket, PHOTOS);
    if (run !== galleryRun || view !== 'in') return;
    const focusedKey = document.activeElement?.closest?.('#gallery') ? document.activeElement.dataset.key : undefined;
    gallery.replaceChildren(...photos.map((o) => photoCard(o, { onDelete: deletePhoto })));
    showCount(photos.length);
    if (focusedKey) gallery.querySelector(`button[data-key="${CSS.escape(focusedKey)}"]`)?.focus();
    if (announceDone) announce(`${photos.length} photo${photos.length === 1 ? '' : 's'}.`);
  } catch (e) {
    if (run === galleryRun && view === 'in') showError('Loading your photos failed', e);
  } finally {
    if (run === galleryRun) gallery.removeAttribute('aria-busy');
  }
}

function showCount(n) {
  $('#gallery-count').textContent = n ? `(${n})` : '';
  $('#gallery-empty').hidden = n !== 0;
}

async function deletePhoto(o, li, button, name) {
  clearError();
  button.disabled = true;
  button.textContent = 'Deleting…';
  try {
    await bucket.delete(o.key);
    galleryRun++; // a listing in flight may predate the delete
    const next = li.nextElementSibling ?? li.previousElementSibling;
    li.remove();
    showCount($('#gallery').children.length);
    announce(`${name} deleted.`);
    (next?.querySelector('button') ?? $('#gallery-heading')).focus();
  } catch (e) {
    button.disabled = false;
    button.textContent = 'Delete';
    showError(`Deleting ${name} failed`, e);
  }
}

// ---------------------------------------------------------------------------------------------
// The guest view

let guestRun = 0;

/** Marks a capability of the guest list: 'pending' | 'allowed' | 'refused'. */
function setCap(name, state, text) {
  const li = $(`#cap-${name}`);
  li.dataset.state = state;
  $(`#cap-${name}-result`).replaceChildren(text);
}

function wireGuest() {
  $('#guest-try-write').addEventListener('click', tryGuestWrite);
  $('#guest-write-detail').tabIndex = -1;
}

/** What guest credentials may do: get credentials, list public/ (shown), not write. */
async function loadGuest() {
  const run = ++guestRun;
  const current = () => run === guestRun && view === 'out';
  setCap('creds', 'pending', 'checking…');
  setCap('list', 'pending', 'checking…');
  $('#cap-write').dataset.state = 'untried';
  $('#cap-write-result').replaceChildren($('#guest-try-write'));
  $('#guest-try-write').disabled = false;
  $('#guest-write-detail').hidden = true;
  let identityId;
  try {
    ({ identityId } = await creds.getCredentials());
  } catch (e) {
    if (!current()) return;
    const { name } = describe(e);
    setCap('creds', 'refused', `refused: ${name}`);
    setCap('list', 'refused', 'no credentials');
    $('#guest-try-write').disabled = true;
    $('#guest-identity').textContent = '—';
    showError('Getting guest credentials failed', e);
    return;
  }
  if (!current()) return;
  setCap('creds', 'allowed', 'allowed');
  $('#guest-identity').textContent = identityId;
  try {
    const photos = await listWithUrls(publicBucket, '');
    if (!current()) return;
    setCap('list', 'allowed', photos.length ? `allowed · ${photos.length} file${photos.length === 1 ? '' : 's'}` : 'allowed · empty');
    $('#public-gallery').replaceChildren(...photos.map((o) => photoCard(o)));
    $('#public-empty').hidden = photos.length !== 0;
  } catch (e) {
    if (!current()) return;
    setCap('list', 'refused', `refused: ${describe(e).name}`);
    showError('Listing public/ failed', e);
  }
}

/** Tries to write to public/ with guest credentials, and shows S3's answer. */
async function tryGuestWrite() {
  const button = $('#guest-try-write');
  const detail = $('#guest-write-detail');
  let outcome;
  await busy(button, 'Trying…', async () => {
    const up = publicBucket.upload(new TextEncoder().encode('A guest was here.\n'), {
      key: `guest-${Date.now().toString(36)}.txt`,
      contentType: 'text/plain',
    });
    outcome = await up.done.then(() => null, (e) => e);
  });
  if (view !== 'out') return;
  if (outcome) {
    const { name, message, status } = describe(outcome);
    setCap('write', 'refused', 'refused');
    detail.replaceChildren(
      h('strong', { textContent: 'S3 said no, as it should. ' }),
      h('code', { textContent: name }), ` ${message}${status ? ` (HTTP ${status})` : ''}`);
    announce(`Writing as a guest was refused: ${name}.`);
  } else {
    setCap('write', 'allowed', 'allowed');
    detail.replaceChildren(h('strong', { textContent: 'The write went through. ' }),
      'Guests should not be able to write: check the identity pool’s guest role.');
  }
  detail.dataset.outcome = outcome ? 'refused' : 'allowed';
  detail.hidden = false;
  detail.focus();
}
