// The hosted UI (managed login) end to end in headless Chromium, with real redirects between a
// page served here (127.0.0.1:47293, a callback URL of the test seed's SPA client) and the
// emulator's hosted UI:
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/hosted_ui.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR, servePages, launchChromium, makeUser, counter } from './support.mjs';

const PORT = 47293;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const POOL = 'us-east-1_TestPool1';
const CLIENT = 'testclient0000000000000001';
const KEY = `cognito-wasm.${POOL}.${CLIENT}.session`;

// Every page of the app: the SDK on `window.auth`, configured for the hosted UI.
const APP = `<!doctype html><meta charset="utf-8"><title>app</title><script type="module">
import init, { CognitoAuth } from '/pkg/index.js';
await init();
window.auth = new CognitoAuth({
  region: 'us-east-1', userPoolId: '${POOL}', clientId: '${CLIENT}', storage: 'local',
  endpoints: { userPool: '${EMULATOR}' },
  oauth: { domain: '${EMULATOR}', redirectSignIn: '${ORIGIN}/callback', redirectSignOut: '${ORIGIN}/',
           scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'] },
});
window.events = [];
for (const e of ['signedIn', 'signedOut']) window.auth.on(e, (ev) => window.events.push(ev.type));
window.ready = true;
</script>`;

let server;
let browser;

before(async () => {
  server = await servePages({ '/': APP, '/callback': APP }, PORT);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function open(context, path = '/') {
  const page = await context.newPage();
  await page.goto(ORIGIN + path);
  await page.waitForFunction(() => window.ready === true);
  return page;
}


test('redirect sign-in round trip: one token request for a double callback, clean URL, user filled', async () => {
  const { username, password } = await makeUser(POOL, 'hosted', { name: 'Hosted Tester' });
  const context = await browser.newContext();
  const page = await open(context);
  const before = await counter('/oauth2/token');
  await page.evaluate(() => window.auth.signInWithRedirect({ state: 'back-to-photos' }));
  await page.waitForURL(`${EMULATOR}/**`);
  assert.match(page.url(), /\/oauth2\/authorize\?response_type=code&client_id=/);
  assert.match(page.url(), /&code_challenge=[\w-]{43}&code_challenge_method=S256/);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${ORIGIN}/callback?**`), page.click('#signin')]);
  await page.waitForFunction(() => window.ready === true);
  assert.match(page.url(), /[?&]code=/);
  // React StrictMode / a Vue double mount: two calls for the same callback.
  const [a, b] = await page.evaluate(() =>
    Promise.all([window.auth.handleRedirectCallback(), window.auth.handleRedirectCallback()]));
  assert.deepEqual(a, { state: 'back-to-photos' });
  assert.deepEqual(b, a);
  assert.equal(await counter('/oauth2/token') - before, 1, 'exactly one token request');
  assert.equal(page.url(), `${ORIGIN}/callback`, 'code and state are gone from the address bar');
  // A third call after the address bar was cleaned is the same result too.
  assert.deepEqual(await page.evaluate(() => window.auth.handleRedirectCallback()), a);
  const user = await page.evaluate(() => window.auth.user);
  assert.equal(user.username, username);
  assert.equal(user.email, `${username}@example.com`);
  assert.equal(user.name, 'Hosted Tester');
  assert.deepEqual(await page.evaluate(() => window.events), ['signedIn']);
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'the redirect record is gone');
  // The session refreshes at the token endpoint.
  const tokens = await page.evaluate(() => window.auth.getTokens({ forceRefresh: true }));
  assert.equal(tokens.idToken.split('.').length, 3);
  assert.equal(await counter('/oauth2/token') - before, 2);

  // Sign-out: revoke, clear, then Cognito's /logout, which lands on redirectSignOut.
  const other = await open(context);
  assert.equal(await other.evaluate(() => window.auth.isSignedIn), true, 'another tab shares the session');
  await Promise.all([page.waitForURL(`${ORIGIN}/`), page.evaluate(() => window.auth.signOut())]);
  await page.waitForFunction(() => window.ready === true);
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), null);
  assert.equal(await page.evaluate(() => window.auth.isSignedIn), false);
  await other.reload();
  await other.waitForFunction(() => window.ready === true);
  assert.equal(await other.evaluate(() => window.auth.isSignedIn), false, 'gone in the other tab too');
  // The hosted UI's own session ended as well: authorize asks for the password again.
  await page.evaluate(() => window.auth.signInWithRedirect());
  await page.waitForURL(`${EMULATOR}/**`);
  assert.equal(await page.isVisible('#password'), true);
  await context.close();
});

test('a tampered state and an access_denied callback are typed errors that store nothing', async () => {
  const context = await browser.newContext();
  const page = await open(context);
  await page.evaluate(() => window.auth.signInWithRedirect({ state: 's' }));
  await page.waitForURL(`${EMULATOR}/**`);
  const before = await counter('/oauth2/token');
  // Back to the app with a code but a state this tab never sent.
  await page.goto(`${ORIGIN}/callback?code=stolen-code&state=tampered-state-0123456789`);
  await page.waitForFunction(() => window.ready === true);
  const r = await page.evaluate(() =>
    window.auth.handleRedirectCallback().then((v) => ({ ok: v }), (e) => ({ error: [e.name, e.code, e.message] })));
  assert.deepEqual(r.error.slice(0, 2), ['OAuthStateMismatch', 'OAuthStateMismatch']);
  assert.equal(await counter('/oauth2/token'), before, 'no token request');
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), null);
  // The user cancels on the hosted UI: Cognito comes back with error=access_denied.
  await page.goto(`${ORIGIN}/callback?error=access_denied&error_description=User+cancelled&state=x`);
  await page.waitForFunction(() => window.ready === true);
  const denied = await page.evaluate(() =>
    window.auth.handleRedirectCallback().then((v) => ({ ok: v }), (e) => ({ error: [e.name, e.code, e.message] })));
  assert.deepEqual(denied.error, ['OAuthAccessDenied', 'OAuthAccessDenied', 'User cancelled']);
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), null);
  assert.equal(await page.evaluate(() => window.auth.isSignedIn), false);
  await context.close();
});
