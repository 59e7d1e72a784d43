// Many tabs of one origin, end to end in headless Chromium against the emulator: one refresh for
// all tabs (the refresh lock), and sign-in / refresh / sign-out followed by every tab.
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/tabs.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const EMULATOR = process.env.EMULATOR_URL ?? 'http://127.0.0.1:47291';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PKG = fileURLToPath(new URL('../../pkg/', import.meta.url));
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
  server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end(APP);
    const name = path.startsWith('/pkg/') ? path.slice(5) : '';
    if (!name || name.includes('/') || name.includes('..')) return void res.writeHead(404).end();
    try {
      const body = await readFile(PKG + name);
      res.writeHead(200, { 'content-type': name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server.close(r));
});

async function makeUser() {
  const username = `tabs-${process.pid}-${Date.now()}`;
  const password = 'Passw0rd!tabs';
  const res = await fetch(`${EMULATOR}/__admin/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pool: POOL, username, password, attributes: { email: `${username}@example.com` } }),
  });
  assert.equal(res.status, 201, await res.text());
  return { username, password };
}

const counter = async (op) => (await (await fetch(`${EMULATOR}/__admin/counters`)).json())[op] ?? 0;

async function tab(context) {
  const page = await context.newPage();
  await page.goto(origin + '/');
  await page.waitForFunction(() => window.ready === true);
  return page;
}

test('three tabs refreshing expired tokens together make one refresh and share its tokens', async () => {
  const { username, password } = await makeUser();
  const context = await browser.newContext();
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
});

test('sign-out and sign-in in one tab show in the others, with their events', async () => {
  const { username, password } = await makeUser();
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
