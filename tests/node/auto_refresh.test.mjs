// autoRefresh end to end in headless Chromium against the emulator, on Playwright's fake clock:
// tokens near expiry are refreshed by the timer while the page is visible, and not while hidden.
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/auto_refresh.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { EMULATOR, servePages, launchChromium, makeUser, counter } from './support.mjs';

const POOL = 'us-east-1_TestPool1';
// The test seed's rotating client: five-minute tokens, so they are due after 150 s.
const ROTATING = 'testclient0000000000000003';

const APP = `<!doctype html><meta charset="utf-8"><script type="module">
import init, { CognitoAuth } from '/pkg/index.js';
if (location.hash === '#hidden') Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' });
await init();
window.auth = new CognitoAuth({ region: 'us-east-1', userPoolId: '${POOL}', clientId: '${ROTATING}',
  refreshTokenRotation: true, storage: 'memory', autoRefresh: true, endpoints: { userPool: '${EMULATOR}' } });
window.events = [];
window.auth.on('tokenRefreshed', (e) => window.events.push(e.type));
window.ready = true;
</script>`;

let server;
let browser;

before(async () => {
  server = await servePages({ '/': APP });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Signs in on a page on the fake clock, moves the clock 160 s on, waits a moment of real time. */
async function afterTwoMinutesForty(hash) {
  const { username, password } = await makeUser(POOL, 'auto');
  const context = await browser.newContext();
  await context.clock.install();
  const page = await context.newPage();
  await page.goto(`${server.origin}/${hash}`);
  await page.waitForFunction(() => window.ready === true);
  await page.evaluate((c) => window.auth.signIn(c), { username, password });
  const before = await counter('GetTokensFromRefreshToken');
  await page.clock.fastForward('02:40');
  let events = [];
  for (let i = 0; i < 50 && events.length === 0; i++) {
    await sleep(100);
    events = await page.evaluate(() => window.events);
  }
  const refreshes = (await counter('GetTokensFromRefreshToken')) - before;
  await context.close();
  return { events, refreshes };
}

test('autoRefresh refreshes tokens near expiry while the page is visible', async () => {
  const { events, refreshes } = await afterTwoMinutesForty('');
  assert.deepEqual(events, ['tokenRefreshed']);
  assert.equal(refreshes, 1);
});

test('autoRefresh does nothing while the page is hidden', async () => {
  const { events, refreshes } = await afterTwoMinutesForty('#hidden');
  assert.deepEqual(events, []);
  assert.equal(refreshes, 0);
});
