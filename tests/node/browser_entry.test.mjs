// The npm entry (pkg/index.js) in headless Chromium, loaded the way a browser app loads it:
// `init()` fetches cognito_wasm_bg.wasm beside index.js over HTTP. Against the emulator:
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/
// Skipped when playwright-core (npm dev dependency) or Chromium is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const EMULATOR_URL = process.env.EMULATOR_URL ?? 'http://127.0.0.1:47291';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PKG = fileURLToPath(new URL('../../pkg/', import.meta.url));

let chromium = null;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  chromium = null;
}
// Under CI (and `make test`, whose bootstrap installs both) a missing browser is a failure, not a skip.
const skip = process.env.CI || process.env.MAKE_TEST ? false
  : !chromium || !existsSync(CHROMIUM) ? 'playwright-core or Chromium is not available' : false;

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import init, { CognitoAuth } from '/pkg/index.js';
const out = {};
try {
  await init();
  const { username, password, emulator } = window.__args;
  const auth = new CognitoAuth({ region: 'us-east-1', userPoolId: 'us-east-1_TestPool1',
    clientId: 'testclient0000000000000001', endpoints: { userPool: emulator } });
  out.restored = auth.isSignedIn;
  out.step = await auth.signIn({ username, password });
  out.user = auth.user;
  out.stored = Object.keys(localStorage).filter((k) => k.startsWith('cognito-wasm.'));
  const again = new CognitoAuth({ region: 'us-east-1', userPoolId: 'us-east-1_TestPool1',
    clientId: 'testclient0000000000000001', endpoints: { userPool: emulator } });
  out.reloaded = again.user && again.user.username;
  try { await auth.signIn({ username, password }); } catch (e) { out.again = [e instanceof Error, e.name, e.code]; }
  try { new CognitoAuth({ region: 'us-east-1' }); } catch (e) { out.badConfig = [e.name, e.message]; }
  await auth.signOut();
  out.after = [auth.isSignedIn, Object.keys(localStorage).filter((k) => k.startsWith('cognito-wasm.')).length];
} catch (e) {
  out.error = String(e && e.stack || e);
}
window.__result = out;
</script>`;

test('pkg/index.js in headless Chromium: init() over HTTP, SRP sign-in, localStorage, sign-out', { skip }, async () => {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const name = path.startsWith('/pkg/') ? path.slice(5) : null;
    if (!name || name.includes('/') || name.includes('..')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(PKG + name);
      const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
      res.writeHead(200, { 'content-type': type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const username = `entry-${process.pid}-${Date.now()}`;
    const password = 'Passw0rd!entry';
    const created = await fetch(`${EMULATOR_URL}/__admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pool: 'us-east-1_TestPool1', username, password, attributes: { email: `${username}@example.com` } }),
    });
    assert.equal(created.status, 201);
    const page = await browser.newPage();
    await page.addInitScript((args) => { window.__args = args; }, { username, password, emulator: EMULATOR_URL });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30000 });
    const r = await page.evaluate(() => window.__result);
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.restored, false);
    assert.deepEqual(r.step, { step: 'DONE' });
    assert.equal(r.user.username, username);
    assert.equal(r.user.email, `${username}@example.com`);
    assert.deepEqual(r.stored, ['cognito-wasm.us-east-1_TestPool1.testclient0000000000000001.session']);
    assert.equal(r.reloaded, username);
    assert.deepEqual(r.again, [true, 'InvalidState', 'InvalidState']);
    assert.equal(r.badConfig[0], 'InvalidConfig');
    assert.match(r.badConfig[1], /^userPoolId: /);
    assert.deepEqual(r.after, [false, 0]);
  } finally {
    await browser.close();
    server.close();
  }
});
