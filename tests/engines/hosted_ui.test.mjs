// The hosted UI (managed login) end to end in the engine E2E_ENGINE names (chromium, firefox,
// webkit), through WebDriver classic, with real redirects between a page served here and the
// emulator's hosted UI. The page's port must be one of the test seed's SPA client callback URLs:
// 47293 (E2E_HOSTED_PORT to pick another registered one; 8000 is tried when 47293 is taken).
//   scripts/build.sh && scripts/e2e-engines.sh firefox -- tests/engines/hosted_ui.test.mjs
// The same flows in Chromium through Playwright: tests/node/hosted_ui.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR, servePages, makeUser, counter } from '../node/support.mjs';
import { ENGINE, withBrowser } from './webdriver.mjs';

const PORTS = process.env.E2E_HOSTED_PORT ? [Number(process.env.E2E_HOSTED_PORT)] : [47293, 8000];
const POOL = 'us-east-1_TestPool1';
const CLIENT = 'testclient0000000000000001';
const KEY = `cognito-wasm.${POOL}.${CLIENT}.session`;
const TIMEOUT = { timeout: 600_000 };

// Every page of the app: the SDK on `window.auth`, configured for the hosted UI.
const app = (origin) => `<!doctype html><meta charset="utf-8"><title>app</title><script>
window.errors = [];
addEventListener('error', (e) => window.errors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => window.errors.push(String(e.reason)));
</script><script type="module">
import init, { CognitoAuth } from '/pkg/index.js';
await init();
window.auth = new CognitoAuth({
  region: 'us-east-1', userPoolId: '${POOL}', clientId: '${CLIENT}', storage: 'local',
  endpoints: { userPool: '${EMULATOR}' },
  oauth: { domain: '${EMULATOR}', redirectSignIn: '${origin}/callback', redirectSignOut: '${origin}/',
           scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'] },
});
window.events = [];
for (const e of ['signedIn', 'signedOut']) window.auth.on(e, (ev) => window.events.push(ev.type));
window.ready = true;
</script>`;

let server;
let origin;

before(async () => {
  const pages = {};
  let error;
  for (const port of PORTS) {
    try {
      server = await servePages(pages, port);
      break;
    } catch (e) {
      error = e;
    }
  }
  if (!server) throw new Error(`no registered callback port free (${PORTS.join(', ')}): ${error?.message}`);
  origin = server.origin;
  pages['/'] = pages['/callback'] = app(origin);
});

after(async () => {
  await server?.close();
});

async function open(browser, path = '/') {
  const page = await browser.newTab();
  await page.goto(origin + path);
  await page.waitFor(() => window.ready === true);
  return page;
}

/** Starts `signInWithRedirect(opts)` without awaiting it (the page navigates away). */
function startRedirect(page, opts) {
  return page.execute((o) => {
    window.auth.signInWithRedirect(o).catch((e) => { window.redirectError = e.name + ': ' + e.message; });
    return true;
  }, opts ?? null);
}

const atEmulator = (url) => url.startsWith(EMULATOR + '/');

test(`[${ENGINE}] redirect sign-in round trip: one token request for a double callback, clean URL, user filled`, TIMEOUT, async () => {
  const { username, password } = await makeUser(POOL, `hosted-${ENGINE}`, { name: 'Hosted Tester' });
  await withBrowser(async (browser) => {
    const page = await open(browser);
    const before = await counter('/oauth2/token');
    await startRedirect(page, { state: 'back-to-photos' });
    const authorize = await page.waitForUrl(atEmulator);
    assert.match(authorize, /\/oauth2\/authorize\?response_type=code&client_id=/);
    assert.match(authorize, /&code_challenge=[\w-]{43}&code_challenge_method=S256/);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('#signin');
    const callback = await page.waitForUrl((u) => u.startsWith(`${origin}/callback?`));
    assert.match(callback, /[?&]code=/);
    await page.waitFor(() => window.ready === true);
    // React StrictMode / a Vue double mount: two calls for the same callback.
    const [a, b] = await page.evaluate(() =>
      Promise.all([window.auth.handleRedirectCallback(), window.auth.handleRedirectCallback()]));
    assert.deepEqual(a, { state: 'back-to-photos' });
    assert.deepEqual(b, a);
    assert.equal(await counter('/oauth2/token') - before, 1, 'exactly one token request');
    assert.equal(await page.url(), `${origin}/callback`, 'code and state are gone from the address bar');
    // A third call after the address bar was cleaned is the same result too.
    assert.deepEqual(await page.evaluate(() => window.auth.handleRedirectCallback()), a);
    const user = await page.execute(() => window.auth.user);
    assert.equal(user.username, username);
    assert.equal(user.email, `${username}@example.com`);
    assert.equal(user.name, 'Hosted Tester');
    assert.deepEqual(await page.execute(() => window.events), ['signedIn']);
    assert.equal(await page.execute(() => sessionStorage.length), 0, 'the redirect record is gone');
    // The session refreshes at the token endpoint.
    const tokens = await page.evaluate(() => window.auth.getTokens({ forceRefresh: true }));
    assert.equal(tokens.idToken.split('.').length, 3);
    assert.equal(await counter('/oauth2/token') - before, 2);

    // Sign-out: revoke, clear, then Cognito's /logout, which lands on redirectSignOut.
    const other = await open(browser);
    assert.equal(await other.execute(() => window.auth.isSignedIn), true, 'another tab shares the session');
    await page.execute(() => {
      window.auth.signOut().catch((e) => { window.signOutError = e.name + ': ' + e.message; });
      return true;
    });
    await page.waitForUrl((u) => u === `${origin}/`);
    await page.waitFor(() => window.ready === true);
    assert.equal(await page.execute((k) => localStorage.getItem(k), KEY), null);
    assert.equal(await page.execute(() => window.auth.isSignedIn), false);
    // The other tab follows through the storage event, and a reload finds nothing either.
    await other.waitFor(() => window.auth.isSignedIn === false);
    assert.deepEqual(await other.execute(() => window.events), ['signedOut']);
    await other.reload();
    await other.waitFor(() => window.ready === true);
    assert.equal(await other.execute(() => window.auth.isSignedIn), false, 'gone in the other tab too');
    // The hosted UI's own session ended as well: authorize asks for the password again.
    await startRedirect(page);
    await page.waitForUrl(atEmulator);
    assert.equal(await page.isVisible('#password'), true);
  });
});

test(`[${ENGINE}] a tampered state and an access_denied callback are typed errors that store nothing`, TIMEOUT, async () => {
  await withBrowser(async (browser) => {
    const page = await open(browser);
    await startRedirect(page, { state: 's' });
    await page.waitForUrl(atEmulator);
    const before = await counter('/oauth2/token');
    // Back to the app with a code but a state this tab never sent.
    await page.goto(`${origin}/callback?code=stolen-code&state=tampered-state-0123456789`);
    await page.waitFor(() => window.ready === true);
    const r = await page.evaluate(() =>
      window.auth.handleRedirectCallback().then((v) => ({ ok: v }), (e) => ({ error: [e.name, e.code, e.message] })));
    assert.deepEqual(r.error?.slice(0, 2), ['OAuthStateMismatch', 'OAuthStateMismatch'], JSON.stringify(r));
    assert.equal(await counter('/oauth2/token'), before, 'no token request');
    assert.equal(await page.execute((k) => localStorage.getItem(k), KEY), null);
    assert.equal(await page.execute(() => window.auth.isSignedIn), false);
    // The user cancels on the hosted UI: Cognito comes back with error=access_denied.
    await page.goto(`${origin}/callback?error=access_denied&error_description=User+cancelled&state=x`);
    await page.waitFor(() => window.ready === true);
    const denied = await page.evaluate(() =>
      window.auth.handleRedirectCallback().then((v) => ({ ok: v }), (e) => ({ error: [e.name, e.code, e.message] })));
    assert.deepEqual(denied.error, ['OAuthAccessDenied', 'OAuthAccessDenied', 'User cancelled'], JSON.stringify(denied));
    assert.equal(await page.execute((k) => localStorage.getItem(k), KEY), null);
    assert.equal(await page.execute(() => window.auth.isSignedIn), false);
  });
});
