// Many tabs of one origin in the engine E2E_ENGINE names (chromium, firefox, webkit), through
// WebDriver classic, against the emulator: one refresh for all tabs (Web Locks, and the
// localStorage lease with navigator.locks removed), and sign-in / refresh / sign-out followed by
// every tab through the storage event.
//   scripts/build.sh && scripts/e2e-engines.sh webkit -- tests/engines/tabs.test.mjs
// The same flows in Chromium through Playwright: tests/node/tabs.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR, servePages, makeUser, counter } from '../node/support.mjs';
import { ENGINE, withBrowser } from './webdriver.mjs';

const POOL = 'us-east-1_TestPool1';
// The test seed's rotating client: refresh-token rotation on (2 s grace), SRP only.
const ROTATING = 'testclient0000000000000003';
const KEY = `cognito-wasm.${POOL}.${ROTATING}.session`;
const TIMEOUT = { timeout: 600_000 };

// `?nolocks`: a browser without Web Locks. WebDriver classic has no init script, so a classic
// script removes navigator.locks before the module (and the SDK) runs.
const APP = `<!doctype html><meta charset="utf-8"><script>
window.errors = [];
addEventListener('error', (e) => window.errors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => window.errors.push(String(e.reason)));
if (new URLSearchParams(location.search).has('nolocks')) Object.defineProperty(navigator, 'locks', { value: undefined });
</script><script type="module">
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

before(async () => {
  server = await servePages({ '/': APP });
  origin = server.origin;
});

after(async () => {
  await server?.close();
});

async function tab(browser, path = '/') {
  const page = await browser.newTab();
  await page.goto(origin + path);
  await page.waitFor(() => window.ready === true);
  return page;
}

/**
 * Three tabs load an expired session and call getTokens() at once. WebDriver runs one command at
 * a time, so each tab is armed first and a storage event starts them together: the last tab sets
 * a key (and starts itself), the event fires in the other two.
 */
async function threeTabsRefresh(t, { withoutWebLocks }) {
  const { username, password } = await makeUser(POOL, `tabs-${ENGINE}`);
  await withBrowser(async (browser) => {
    const path = withoutWebLocks ? '/?nolocks' : '/';
    const a = await tab(browser, path);
    assert.deepEqual(await a.evaluate((c) => window.auth.signIn(c), { username, password }), { step: 'DONE' });
    // The access token's expiry as the tabs will see it: past.
    await a.execute((key) => {
      const s = JSON.parse(localStorage.getItem(key));
      s.expiresAt = Date.now() - 1000;
      localStorage.setItem(key, JSON.stringify(s));
    }, KEY);
    const tabs = [await tab(browser, path), await tab(browser, path), await tab(browser, path)];
    await a.close();
    for (const p of tabs) {
      assert.equal(await p.execute(() => typeof navigator.locks), withoutWebLocks ? 'undefined' : 'object');
    }
    const refreshes = await counter('GetTokensFromRefreshToken');
    for (const p of tabs) {
      await p.execute(() => {
        window.result = null;
        window.go = () => {
          if (window.started) return;
          window.started = Date.now();
          window.startedAs = document.visibilityState;
          window.auth.getTokens().then((t) => { window.result = { ok: t }; }, (e) => { window.result = { error: e.name + ': ' + e.message }; });
        };
        addEventListener('storage', (e) => { if (e.key === 'e2e-go') window.go(); });
        return true;
      });
    }
    await tabs[2].execute(() => { localStorage.setItem('e2e-go', String(Date.now())); window.go(); return true; });
    const results = [];
    for (const p of tabs) results.push(await p.waitFor(() => window.result));
    const started = [];
    const visibility = [];
    for (const p of tabs) {
      started.push(await p.execute(() => window.started));
      visibility.push(await p.execute(() => window.startedAs));
    }
    t.diagnostic(`${ENGINE}: the three getTokens() calls started within ${Math.max(...started) - Math.min(...started)} ms; ` +
      `the tabs (${tabs.map((p) => p.type).join(', ')}) ${visibility.join(', ')} then; ${browser.capabilities.browserName} ${browser.capabilities.browserVersion}`);
    for (const r of results) assert.equal(r.error, undefined, r.error);
    assert.equal(await counter('GetTokensFromRefreshToken') - refreshes, 1, 'exactly one refresh for three tabs');
    assert.equal(new Set(results.map((r) => r.ok.idToken)).size, 1, 'every tab has the same tokens');
    assert.ok(results[0].ok.expiresAt > Date.now() + 60_000);
    for (const p of tabs) {
      assert.equal(await p.execute(() => window.auth.isSignedIn), true);
      assert.deepEqual(await p.execute(() => window.events), ['tokenRefreshed'], 'nobody was signed out');
    }
    // The rotated refresh token works for the next refresh, from any tab.
    const next = await tabs[2].evaluate(() => window.auth.getTokens({ forceRefresh: true }).then((t) => t.idToken, (e) => e.name));
    assert.equal(next.split('.').length, 3, next);
  });
}

test(`[${ENGINE}] three tabs refreshing expired tokens together make one refresh and share its tokens`, TIMEOUT, (t) =>
  threeTabsRefresh(t, { withoutWebLocks: false }));

test(`[${ENGINE}] without Web Locks, the localStorage lease still makes one refresh for three tabs`, TIMEOUT, (t) =>
  threeTabsRefresh(t, { withoutWebLocks: true }));

test(`[${ENGINE}] sign-out and sign-in in one tab show in the others, with their events`, TIMEOUT, async () => {
  const { username, password } = await makeUser(POOL, `tabs-${ENGINE}`);
  await withBrowser(async (browser) => {
    const [a, b, c] = [await tab(browser), await tab(browser), await tab(browser)];
    await a.evaluate((cred) => window.auth.signIn(cred), { username, password });
    for (const p of [b, c]) {
      await p.waitFor(() => window.auth.isSignedIn === true);
      assert.equal(await p.execute(() => window.auth.user.username), username);
      assert.deepEqual(await p.execute(() => window.events), ['signedIn']);
    }
    await b.evaluate(() => window.auth.getTokens({ forceRefresh: true }));
    await a.waitFor(() => window.events.includes('tokenRefreshed'));
    await c.waitFor(() => window.events.includes('tokenRefreshed'));
    await c.evaluate(() => window.auth.signOut());
    for (const p of [a, b]) {
      await p.waitFor(() => window.auth.isSignedIn === false);
      assert.equal(await p.execute(() => window.events.at(-1)), 'signedOut');
      assert.equal(await p.evaluate(() => window.auth.getTokens().then(() => 'tokens', (e) => e.name)), 'NotSignedIn');
    }
    assert.equal(await a.execute((k) => localStorage.getItem(k), KEY), null);
  });
});
