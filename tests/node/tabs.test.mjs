// Many tabs of one origin, end to end in headless Chromium against the emulator: one refresh for
// all tabs (the refresh lock), and sign-in / refresh / sign-out followed by every tab.
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/tabs.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR, servePages, launchChromium, makeUser, counter } from './support.mjs';

const POOL = 'us-east-1_TestPool1';
// The test seed's rotating client: refresh-token rotation on (2 s grace), SRP only.
const ROTATING = 'testclient0000000000000003';
const KEY = `cognito-wasm.${POOL}.${ROTATING}.session`;

const APP = `<!doctype html><meta charset="utf-8"><script type="module">
import init, { CognitoAuth } from '/pkg/index.js';
await init();
window.auth = new CognitoAuth({ region: 'us-east-1', userPoolId: '${POOL}', clientId: '${ROTATING}',
  refreshTokenRotation: true, storage: 'local', endpoints: { userPool: '${EMULATOR}' } });
window.events = [];
for (const e of ['signedIn', 'signedOut', 'tokenRefreshed', 'refreshFailed'])
  window.auth.on(e, (ev) => window.events.push(ev.error ? e + ':' + ev.error.name : e));
window.ready = true;
</script>`;

let server;
let origin;
let browser;

before(async () => {
  server = await servePages({ '/': APP });
  origin = server.origin;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function tab(context) {
  const page = await context.newPage();
  await page.goto(origin + '/');
  await page.waitForFunction(() => window.ready === true);
  return page;
}

/** Three tabs load an expired session and call getTokens() together. */
async function threeTabsRefresh({ withoutWebLocks }) {
  const { username, password } = await makeUser(POOL, 'tabs');
  const context = await browser.newContext();
  if (withoutWebLocks) {
    // A browser without Web Locks: the SDK falls back to a lease in localStorage.
    await context.addInitScript(() => Object.defineProperty(navigator, 'locks', { value: undefined }));
  }
  const a = await tab(context);
  assert.deepEqual(await a.evaluate((c) => window.auth.signIn(c), { username, password }), { step: 'DONE' });
  // The access token's expiry as the tabs will see it: past.
  await a.evaluate((key) => {
    const s = JSON.parse(localStorage.getItem(key));
    s.expiresAt = Date.now() - 1000;
    localStorage.setItem(key, JSON.stringify(s));
  }, KEY);
  const tabs = [await tab(context), await tab(context), await tab(context)];
  await a.close();
  if (withoutWebLocks) assert.equal(await tabs[0].evaluate(() => navigator.locks), undefined);
  const refreshes = await counter('GetTokensFromRefreshToken');
  const results = await Promise.all(tabs.map((t) => t.evaluate(() =>
    window.auth.getTokens().then((t) => ({ ok: t }), (e) => ({ error: e.name + ': ' + e.message })))));
  for (const r of results) assert.equal(r.error, undefined, r.error);
  assert.equal(await counter('GetTokensFromRefreshToken') - refreshes, 1, 'exactly one refresh for three tabs');
  assert.equal(new Set(results.map((r) => r.ok.idToken)).size, 1, 'every tab has the same tokens');
  assert.ok(results[0].ok.expiresAt > Date.now() + 60_000);
  for (const t of tabs) {
    assert.equal(await t.evaluate(() => window.auth.isSignedIn), true);
    assert.deepEqual(await t.evaluate(() => window.events), ['tokenRefreshed'], 'nobody was signed out');
  }
  // The rotated refresh token works for the next refresh, from any tab.
  const next = await tabs[2].evaluate(() => window.auth.getTokens({ forceRefresh: true }).then((t) => t.idToken, (e) => e.name));
  assert.equal(next.split('.').length, 3, next);
  await context.close();
}

test('three tabs refreshing expired tokens together make one refresh and share its tokens', () =>
  threeTabsRefresh({ withoutWebLocks: false }));

test('without Web Locks, the localStorage lease still makes one refresh for three tabs', () =>
  threeTabsRefresh({ withoutWebLocks: true }));

test('sign-out and sign-in in one tab show in the others, with their events', async () => {
  const { username, password } = await makeUser(POOL, 'tabs');
  const context = await browser.newContext();
  const [a, b, c] = [await tab(context), await tab(context), await tab(context)];
  await a.evaluate((cred) => window.auth.signIn(cred), { username, password });
  for (const t of [b, c]) {
    await t.waitForFunction(() => window.auth.isSignedIn === true);
    assert.equal(await t.evaluate(() => window.auth.user.username), username);
    assert.deepEqual(await t.evaluate(() => window.events), ['signedIn']);
  }
  await b.evaluate(() => window.auth.getTokens({ forceRefresh: true }));
  await a.waitForFunction(() => window.events.includes('tokenRefreshed'));
  await c.waitForFunction(() => window.events.includes('tokenRefreshed'));
  await c.evaluate(() => window.auth.signOut());
  for (const t of [a, b]) {
    await t.waitForFunction(() => window.auth.isSignedIn === false);
    assert.equal(await t.evaluate(() => window.events.at(-1)), 'signedOut');
    assert.equal(await t.evaluate(() => window.auth.getTokens().then(() => 'tokens', (e) => e.name)), 'NotSignedIn');
  }
  assert.equal(await a.evaluate((k) => localStorage.getItem(k), KEY), null);
  await context.close();
});
