// Storage hygiene, end to end in headless Chromium against the emulator: with storage 'memory'
// nothing goes to web storage; sign-out in one tab leaves no token or key in any storage of any
// tab; no token, password or secret key shows in the address bar after the hosted-UI callback,
// in an error message, or on the console.
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/hygiene.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR, servePages, launchChromium, makeUser } from './support.mjs';

const POOL = 'us-east-1_TestPool1';
const CLIENT = 'testclient0000000000000001';
const GUESTS = 'us-east-1:7e57e57e-0000-4000-8000-000000000001';
// A callback URL of the test seed's SPA client; answered by a route (no port bound there).
const ORIGIN = 'http://127.0.0.1:47293';

const APP = `<!doctype html><meta charset="utf-8"><title>hygiene</title><script type="module">
import init, * as sdk from '/pkg/storage.js';
window.sdk = sdk;
window.config = (extra = {}) => ({
  region: 'us-east-1', userPoolId: '${POOL}', clientId: '${CLIENT}', identityPoolId: '${GUESTS}',
  endpoints: { userPool: '${EMULATOR}', identityPool: '${EMULATOR}', s3: '${EMULATOR}/s3' },
  oauth: { domain: '${EMULATOR}', redirectSignIn: '${ORIGIN}/callback', redirectSignOut: '${ORIGIN}/',
           scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'] },
  ...extra,
});
window.bytes = (n, seed = 1) => {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; out[i] = x & 255; }
  return out;
};
/** Every storage area's content as text. */
window.dump = () => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } });
/** The message of a failed call, '' if it succeeded. Every message is also logged. */
window.failure = (p) => p.then(() => '', (e) => { console.error(e); return e.name + ': ' + e.message; });
/** A full flow for a signed-in user: tokens, a forced refresh, credentials, uploads, a listing. */
window.flow = async (user) => {
  await auth.signIn(user);
  const tokens = await auth.getTokens({ forceRefresh: true });
  const creds = new sdk.IdentityCredentials(auth);
  const c = await creds.getCredentials();
  const bucket = new sdk.S3Bucket(creds, { bucket: 'test-bucket' });
  await bucket.upload(bytes(2048, 3), { key: 'hygiene/small.bin' }).done;
  await bucket.upload(bytes(6 * 1024 * 1024, 4), { key: 'hygiene/parts.bin' }).done;
  await bucket.list({ prefix: 'hygiene/' });
  console.log('flow done for', user.username);
  return { secrets: [tokens.idToken, tokens.accessToken, c.secretAccessKey, c.sessionToken, user.password], creds, bucket };
};
window.ready = init().then(() => 'ready', (e) => 'init failed: ' + e.message);
</script>`;

/** Writes to web storage, recorded from before the SDK loads. */
function recordStorageWrites() {
  window.storageWrites = [];
  const set = Storage.prototype.setItem;
  Storage.prototype.setItem = function (k, v) {
    window.storageWrites.push([this === localStorage ? 'local' : 'session', k, String(v).slice(0, 80)]);
    return set.call(this, k, v);
  };
}

let server;
let browser;

before(async () => {
  server = await servePages({ '/': APP, '/callback': APP });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A context whose ORIGIN is answered by the page server (see tests/node/tamper.test.mjs). */
async function appContext() {
  const context = await browser.newContext();
  await context.route((u) => u.origin === ORIGIN, (route) => {
    const u = new URL(route.request().url());
    return route.continue({ url: server.origin + u.pathname + u.search });
  });
  return context;
}

/** A tab whose console (every message, errors included) and page errors go to `log`. */
async function tab(context, log, path = '/') {
  const page = await context.newPage();
  page.on('console', (m) => log.push(m.text()));
  page.on('pageerror', (e) => log.push('pageerror: ' + e.message));
  await page.goto(ORIGIN + path);
  assert.equal(await page.evaluate(() => window.ready), 'ready');
  return page;
}

/** Fails if `text` holds a JWT, or any of `secrets`. */
function assertClean(what, text, secrets) {
  assert.doesNotMatch(text, /eyJ[\w-]{8,}/, `${what} holds a JWT`);
  for (const s of secrets.filter(Boolean)) assert.ok(!text.includes(s), `${what} holds a secret (${s.slice(0, 6)}…)`);
}

test("storage 'memory': sign-in, refresh, credentials and uploads write nothing to web storage", async () => {
  const user = await makeUser(POOL, 'hyg-mem');
  const context = await appContext();
  const log = [];
  try {
    await context.addInitScript(recordStorageWrites);
    const page = await tab(context, log);
    const r = await page.evaluate(async (user) => {
      window.auth = new sdk.CognitoAuth(config({ storage: 'memory' }));
      const { secrets } = await flow(user);
      await auth.signOut();
      return { secrets, writes: window.storageWrites, dump: dump() };
    }, user);
    // The one write: the probe of sessionStorage (written and removed at once, no data) that
    // the constructor makes for the hosted UI's redirect record, whatever \`storage\` says.
    assert.deepEqual(r.writes.filter(([, k]) => k !== 'cognito-wasm.probe'), [], 'no setItem on localStorage or sessionStorage');
    assert.ok(r.writes.every(([area, , v]) => area === 'session' && v === '1'), JSON.stringify(r.writes));
    assert.equal(r.dump, JSON.stringify({ local: {}, session: {} }));
    assertClean('the console', log.join('\n'), r.secrets);
  } finally {
    await context.close();
  }
});

test('sign-out in one tab leaves no token, refresh token or AWS key in any storage of any tab', async () => {
  const user = await makeUser(POOL, 'hyg-tabs');
  const context = await appContext();
  const log = [];
  try {
    const [a, b] = [await tab(context, log), await tab(context, log)];
    const secrets = await a.evaluate(async (user) => {
      window.auth = new sdk.CognitoAuth(config({ storage: 'local' }));
      const { secrets } = await flow(user);
      const session = JSON.parse(Object.entries(localStorage).find(([k]) => k.endsWith('.session'))[1]);
      return [...secrets, session.refreshToken];
    }, user);
    // Tab B follows the session, uses it, then signs out.
    await b.evaluate(async () => {
      window.auth = new sdk.CognitoAuth(config({ storage: 'local' }));
      window.creds = new sdk.IdentityCredentials(auth);
      await creds.getCredentials();
      await auth.getTokens();
    });
    assert.match(await a.evaluate(() => dump()), /secretAccessKey/, 'credentials were stored (the check below means something)');
    await b.evaluate(() => auth.signOut());
    await a.waitForFunction(() => window.auth.isSignedIn === false);
    for (const [name, page] of [['tab A', a], ['tab B', b]]) {
      const dump = await page.evaluate(() => dump());
      assertClean(`${name}'s storage`, dump, secrets);
      assert.doesNotMatch(dump, /secretAccessKey|sessionToken|refreshToken/, `${name}: ${dump}`);
    }
    // A tab opened after the sign-out finds nothing either.
    const c = await tab(context, log);
    assertClean('a new tab', await c.evaluate(() => dump()), secrets);
    assertClean('the console', log.join('\n'), secrets);
  } finally {
    await context.close();
  }
});

test('error messages and the console hold no password, token or key', async () => {
  const user = await makeUser(POOL, 'hyg-errors');
  const context = await appContext();
  const log = [];
  try {
    const page = await tab(context, log);
    const r = await page.evaluate(async (user) => {
      const messages = [];
      const wrongPassword = 'Wr0ng-password-' + Math.random().toString(36).slice(2);
      window.auth = new sdk.CognitoAuth(config({ storage: 'local' }));
      messages.push(await failure(auth.signIn({ ...user, password: wrongPassword })));
      messages.push(await failure(auth.signIn({ ...user, password: wrongPassword, flow: 'USER_PASSWORD_AUTH' })));
      messages.push(await failure(auth.signUp({ username: user.username, password: user.password, attributes: { email: 'x@example.com' } })));
      messages.push(await failure(auth.changePassword({ oldPassword: user.password, newPassword: 'N3w-password!' })));
      const { secrets, bucket } = await flow(user);
      messages.push(await failure(auth.changePassword({ oldPassword: wrongPassword, newPassword: user.password + '2' })));
      messages.push(await failure(auth.confirmSignIn({ code: '123456' })));
      messages.push(await failure(bucket.upload(bytes(10), { key: 'x', keyPrefix: '' }).done));
      const other = new sdk.S3Bucket(bucket.credentials ?? new sdk.IdentityCredentials(auth), { bucket: 'test-bucket', keyPrefix: '' });
      messages.push(await failure(other.upload(bytes(10), { key: 'private/us-east-1:00000000-0000-4000-8000-000000000000/x' }).done));
      messages.push(await failure(bucket.presignGet('x', { expiresIn: 0 })));
      // A session whose refresh token was tampered with: the refresh is refused.
      const key = Object.keys(localStorage).find((k) => k.endsWith('.session'));
      const s = JSON.parse(localStorage.getItem(key));
      const refreshToken = s.refreshToken;
      s.refreshToken = refreshToken.slice(0, -4) + 'AAAA';
      s.expiresAt = Date.now() - 1000;
      localStorage.setItem(key, JSON.stringify(s));
      const b = new sdk.CognitoAuth(config({ storage: 'local' }));
      messages.push(await failure(b.getTokens()));
      // Stored tokens with edited claims: refused by their signature.
      await new sdk.CognitoAuth(config({ storage: 'local' })).signIn(user);
      const t = JSON.parse(localStorage.getItem(key));
      const [h, p, sig] = t.idToken.split('.');
      t.idToken = [h, p.slice(0, -2) + (p.endsWith('A') ? 'B' : 'A') + p.slice(-1), sig].join('.');
      localStorage.setItem(key, JSON.stringify(t));
      messages.push(await failure(new sdk.CognitoAuth(config({ storage: 'local' })).getTokens()));
      // Credentials for a token the identity pool does not trust.
      messages.push(await failure(new sdk.IdentityCredentials(new sdk.CognitoAuth(config({ storage: 'memory', identityPoolId: 'us-east-1:7e57e57e-0000-4000-8000-000000000002' }))).getCredentials()));
      return { messages, secrets: [...secrets, wrongPassword, refreshToken, s.refreshToken, t.idToken, 'N3w-password!'] };
    }, user);
    const failed = r.messages.filter(Boolean);
    assert.ok(failed.length >= 10, `${failed.length} failures collected:\n${r.messages.join('\n')}`);
    for (const m of failed) assertClean(`error message "${m}"`, m, r.secrets);
    assertClean('the console', log.join('\n'), r.secrets);
    console.log(`hygiene: ${failed.length} error messages and ${log.length} console messages scanned, no secret in any`);
  } finally {
    await context.close();
  }
});

test('after the hosted-UI callback the address bar holds no code, state or token', async () => {
  const user = await makeUser(POOL, 'hyg-hosted');
  const context = await appContext();
  const log = [];
  try {
    const page = await tab(context, log);
    await page.evaluate(() => {
      window.auth = new sdk.CognitoAuth(config({ storage: 'local' }));
      auth.signInWithRedirect({ state: 'back-here' });
    });
    await page.waitForURL(`${EMULATOR}/**`);
    await page.fill('#username', user.username);
    await page.fill('#password', user.password);
    const [redirect] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(ORIGIN + '/callback?')), page.click('#signin')]);
    // Playwright routes only the first request of a redirect chain, so the hosted UI's redirect
    // to the callback goes to the network, where no server answers (or another test's does): the
    // callback is opened anew, as this page, once that navigation has settled.
    const url = redirect.url();
    await page.waitForURL((u) => u.href === url || u.protocol === 'chrome-error:').catch(() => {});
    for (let tries = 1; page.url() !== url || (await page.title().catch(() => '')) !== 'hygiene'; tries++) {
      if (tries > 3) throw new Error('the callback page did not open: ' + page.url());
      try {
        await page.goto(url);
      } catch (e) {
        if (!/interrupted by another navigation/.test(e.message)) throw e;
      }
    }
    assert.equal(await page.evaluate(() => window.ready), 'ready');
    const callbackUrl = page.url();
    const code = new URL(callbackUrl).searchParams.get('code');
    assert.ok(code);
    const r = await page.evaluate(async () => {
      window.auth = new sdk.CognitoAuth(config({ storage: 'local' }));
      const done = await auth.handleRedirectCallback();
      const t = await auth.getTokens();
      return { done, url: location.href, history: history.length, secrets: [t.idToken, t.accessToken] };
    });
    assert.deepEqual(r.done, { state: 'back-here' });
    assert.equal(r.url, `${ORIGIN}/callback`, 'code and state are gone from the address bar');
    assertClean('the address bar', r.url, [...r.secrets, code, user.password]);
    assertClean('the console', log.join('\n'), [...r.secrets, user.password]);
    // The password went to the hosted UI's form only, never into a URL of the flow.
    assert.ok(!redirect.url().includes(encodeURIComponent(user.password)) && !redirect.url().includes(user.password));
  } finally {
    await context.close();
  }
});
