// Load and faults, end to end in headless Chromium against the emulator:
// - the user-pool API's retries (js/auth.js): throttling, 5xx and dropped connections survived
//   through the emulator's fault injection; refusals and unsafe requests not repeated;
// - 1,000 concurrent getTokens() on an expired session make exactly one refresh;
// - 20 concurrent uploads (small and multipart) come back byte-identical.
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/load.test.mjs
// The counters and faults are the emulator's, shared by everything that talks to it: these
// tests assume no other test file runs against the same emulator at the same time (node --test
// runs files one at a time on a two-core machine; elsewhere use --test-concurrency=1).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR, admin, servePages, launchChromium, makeUser, counter } from './support.mjs';

const POOL = 'us-east-1_TestPool1';
const CLIENT = 'testclient0000000000000001';
// Refresh-token rotation on: refreshes go to GetTokensFromRefreshToken.
const ROTATING = 'testclient0000000000000003';
const GUESTS = 'us-east-1:7e57e57e-0000-4000-8000-000000000001';
const MiB = 1024 * 1024;

const APP = `<!doctype html><meta charset="utf-8"><title>load</title><script type="module">
import init, * as sdk from '/pkg/storage.js';
window.sdk = sdk;
window.config = (extra = {}) => ({
  region: 'us-east-1', userPoolId: '${POOL}', clientId: '${CLIENT}', identityPoolId: '${GUESTS}',
  storage: 'local', endpoints: { userPool: '${EMULATOR}', identityPool: '${EMULATOR}', s3: '${EMULATOR}/s3' }, ...extra,
});
window.outcome = (p) => p.then((ok) => ({ ok }), (e) => ({ name: e.name, message: e.message }));
window.bytes = (n, seed = 1) => {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; out[i] = x & 255; }
  return out;
};
window.sha256 = async (data) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
window.ready = init().then(() => 'ready', (e) => 'init failed: ' + e.message);
</script>`;

let server;
let browser;

before(async () => {
  server = await servePages({ '/': APP });
  browser = await launchChromium();
});

after(async () => {
  await admin('DELETE', '/__admin/faults').catch(() => {});
  await browser?.close();
  await server?.close();
});

/** A page in a fresh context with the storage entry ready, and `window.auth` for `client`. */
async function openPage(client = CLIENT, extra = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(server.origin + '/');
  assert.equal(await page.evaluate(() => window.ready), 'ready');
  await page.evaluate(([client, extra]) => {
    window.auth = new sdk.CognitoAuth(config({ clientId: client, ...extra }));
  }, [client, extra]);
  return { page, close: () => context.close() };
}

/** Requests of each op made while `f` runs. */
async function counted(ops, f) {
  const before = await Promise.all(ops.map(counter));
  const result = await f();
  const after = await Promise.all(ops.map(counter));
  return { result, ...Object.fromEntries(ops.map((op, i) => [op, after[i] - before[i]])) };
}

const signIn = (page, user, flow) => page.evaluate(([u, flow]) => window.outcome(window.auth.signIn({ ...u, ...(flow ? { flow } : {}) })), [user, flow]);

// --- Retries ---------------------------------------------------------------------------------

test('retries: sign-in (SRP) goes through one throttle, one 500 and one closed connection on InitiateAuth', async () => {
  const user = await makeUser(POOL, 'retry');
  const { page, close } = await openPage();
  try {
    for (const kind of ['throttle', 'error', 'close']) {
      // A closed connection may first be retried by the browser itself (a POST on a kept-alive
      // connection that closes unanswered): two in a row make sure the SDK's retry is needed.
      const count = kind === 'close' ? 2 : 1;
      await admin('POST', '/__admin/faults', { target: 'InitiateAuth', kind, count });
      const r = await counted(['InitiateAuth'], () => signIn(page, user));
      assert.deepEqual(r.result, { ok: { step: 'DONE' } }, `through a ${kind}`);
      assert.ok(r.InitiateAuth >= 2, `${kind}: ${r.InitiateAuth} InitiateAuth requests`);
      assert.deepEqual((await admin('GET', '/__admin/faults')).faults ?? [], [], 'the faults were met');
      await page.evaluate(() => window.auth.signOut());
    }
  } finally {
    await admin('DELETE', '/__admin/faults');
    await close();
  }
});

test('retries: a refresh (both APIs) and a sign-out go through a 500', async () => {
  const user = await makeUser(POOL, 'retry-refresh');
  for (const [client, op] of [[CLIENT, 'InitiateAuth'], [ROTATING, 'GetTokensFromRefreshToken']]) {
    const { page, close } = await openPage(client, client === ROTATING ? { refreshTokenRotation: true } : {});
    try {
      assert.deepEqual((await signIn(page, user)).ok, { step: 'DONE' });
      await admin('POST', '/__admin/faults', { target: op, kind: 'error', count: 1 });
      const r = await counted([op], () => page.evaluate(() => window.outcome(window.auth.getTokens({ forceRefresh: true }))));
      assert.equal(r.result.name, undefined, JSON.stringify(r.result));
      assert.equal(r[op], 2, `${op}: the 500, then the refresh`);
      await admin('POST', '/__admin/faults', { target: 'RevokeToken', kind: 'error', count: 1 });
      const out = await counted(['RevokeToken'], () => page.evaluate(() => window.outcome(window.auth.signOut({ strict: true }))));
      assert.equal(out.result.name, undefined, JSON.stringify(out.result));
      assert.equal(out.RevokeToken, 2);
    } finally {
      await admin('DELETE', '/__admin/faults');
      await close();
    }
  }
});

test('retries: a refusal is not retried; three faults in a row fail with the right error', async () => {
  const user = await makeUser(POOL, 'retry-refused');
  const { page, close } = await openPage();
  try {
    // A wrong password: one request, Cognito's refusal.
    const wrong = await counted(['InitiateAuth'], () => signIn(page, { ...user, password: 'Wrong-passw0rd!' }, 'USER_PASSWORD_AUTH'));
    assert.equal(wrong.result.name, 'NotAuthorizedException');
    assert.equal(wrong.InitiateAuth, 1, 'a refusal is sent once');
    // Three throttles: three tries, then Cognito's TooManyRequestsException.
    await admin('POST', '/__admin/faults', { target: 'InitiateAuth', kind: 'throttle', count: 3 });
    const throttled = await counted(['InitiateAuth'], () => signIn(page, user, 'USER_PASSWORD_AUTH'));
    assert.equal(throttled.result.name, 'TooManyRequestsException', throttled.result.message);
    assert.equal(throttled.InitiateAuth, 3, 'three tries');
    // Three 500s: the server error, with its status.
    await admin('POST', '/__admin/faults', { target: 'InitiateAuth', kind: 'error', count: 3 });
    const failed = await counted(['InitiateAuth'], () => page.evaluate((u) =>
      window.auth.signIn({ ...u, flow: 'USER_PASSWORD_AUTH' }).then(() => ({}), (e) => ({ name: e.name, status: e.status })), user));
    assert.equal(failed.result.status, 500, JSON.stringify(failed.result));
    assert.equal(failed.InitiateAuth, 3);
    // Connections closed every time: NetworkError.
    await admin('POST', '/__admin/faults', { target: 'InitiateAuth', kind: 'close' });
    const offline = await signIn(page, user, 'USER_PASSWORD_AUTH');
    assert.equal(offline.name, 'NetworkError', offline.message);
    await admin('DELETE', '/__admin/faults');
    // And afterwards the sign-in works.
    assert.deepEqual((await signIn(page, user, 'USER_PASSWORD_AUTH')).ok, { step: 'DONE' });
  } finally {
    await admin('DELETE', '/__admin/faults');
    await close();
  }
});

test('retries: RespondToAuthChallenge is retried on throttling only (its Session is single-use)', async () => {
  const user = await makeUser(POOL, 'retry-challenge');
  const { page, close } = await openPage();
  try {
    await admin('POST', '/__admin/faults', { target: 'RespondToAuthChallenge', kind: 'throttle', count: 1 });
    const throttled = await counted(['RespondToAuthChallenge'], () => signIn(page, user));
    assert.deepEqual(throttled.result, { ok: { step: 'DONE' } });
    assert.equal(throttled.RespondToAuthChallenge, 2, 'throttled, then answered');
    await page.evaluate(() => window.auth.signOut());
    // A 500 may come after Cognito used the Session: not sent again; the app may start over.
    await admin('POST', '/__admin/faults', { target: 'RespondToAuthChallenge', kind: 'error', count: 1 });
    const failed = await counted(['RespondToAuthChallenge'], () => page.evaluate((u) =>
      window.auth.signIn(u).then(() => ({}), (e) => ({ name: e.name, status: e.status })), user));
    assert.equal(failed.result.status, 500, JSON.stringify(failed.result));
    assert.equal(failed.RespondToAuthChallenge, 1, 'sent once');
    assert.deepEqual((await signIn(page, user)).ok, { step: 'DONE' }, 'starting over works');
  } finally {
    await admin('DELETE', '/__admin/faults');
    await close();
  }
});

// --- Load ------------------------------------------------------------------------------------

for (const [client, op, label] of [[CLIENT, 'InitiateAuth', 'InitiateAuth REFRESH_TOKEN_AUTH'], [ROTATING, 'GetTokensFromRefreshToken', 'GetTokensFromRefreshToken (rotating client)']]) {
  test(`1,000 concurrent getTokens() on an expired session make exactly one refresh: ${label}`, async () => {
    const user = await makeUser(POOL, 'load-tokens');
    const extra = client === ROTATING ? { refreshTokenRotation: true } : {};
    const { page, close } = await openPage(client, extra);
    try {
      assert.deepEqual((await signIn(page, user)).ok, { step: 'DONE' });
      // The stored session's access token expired a second ago; a new CognitoAuth reads it.
      await page.evaluate(([client, extra]) => {
        const key = Object.keys(localStorage).find((k) => k.endsWith(client + '.session'));
        const s = JSON.parse(localStorage.getItem(key));
        s.expiresAt = Date.now() - 1000;
        localStorage.setItem(key, JSON.stringify(s));
        window.auth = new sdk.CognitoAuth(config({ clientId: client, ...extra }));
        window.refreshed = 0;
        window.auth.on('tokenRefreshed', () => window.refreshed++);
      }, [client, extra]);
      const before = await admin('GET', '/__admin/counters');
      const r = await counted([op, 'InitiateAuth'], () => page.evaluate(async () => {
        const all = await Promise.all(Array.from({ length: 1000 }, () => window.outcome(window.auth.getTokens())));
        return {
          errors: all.filter((o) => o.name).map((o) => o.name + ': ' + o.message),
          ids: new Set(all.map((o) => o.ok?.idToken)).size,
          fresh: all.every((o) => o.ok?.expiresAt > Date.now() + 60_000),
          events: window.refreshed,
        };
      }));
      assert.deepEqual(r.result.errors, []);
      assert.equal(r[op], 1, `exactly one ${op}`);
      if (op !== 'InitiateAuth') assert.equal(r.InitiateAuth, 0);
      assert.equal(r.result.ids, 1, 'all 1,000 calls have the same tokens');
      assert.equal(r.result.fresh, true);
      assert.equal(r.result.events, 1, 'one tokenRefreshed event');
      const counters = await admin('GET', '/__admin/counters');
      const spent = Object.fromEntries(Object.entries(counters).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v));
      console.log(`1,000 getTokens() (${label}): requests ${JSON.stringify(spent)}`);
      // The restored tokens are checked once for all 1,000 calls: at most one JWKS fetch.
      const jwks = Object.entries(spent).filter(([k]) => k.includes('jwks')).reduce((n, [, v]) => n + v, 0);
      assert.ok(jwks <= 1, `one check of the stored tokens, not one per call: ${JSON.stringify(spent)}`);
    } finally {
      await close();
    }
  });
}

test('20 concurrent uploads, small and multipart, come back byte-identical', async () => {
  const user = await makeUser(POOL, 'load-uploads');
  const { page, close } = await openPage();
  try {
    const parts = await counter('UploadPart');
    const r = await page.evaluate(async (user) => {
      await window.auth.signIn(user);
      const bucket = new sdk.S3Bucket(new sdk.IdentityCredentials(window.auth), { bucket: 'test-bucket' });
      // 12 small (0 B to 5 MiB: one PutObject each) and 8 multipart (5 MiB + 1 B to 12 MiB, in
      // 5 MiB parts), interleaved.
      const M = 1024 * 1024;
      const sizes = [0, 5 * M + 1, 1, 6 * M, 100, 7 * M + 3, 4096, 8 * M, 65_537, 9 * M - 1, 200_000, 10 * M, 512 * 1024, 11 * M + 7, 1_000_003, 12 * M,
        2 * M - 1, 3 * M, 4 * M + 1, 5 * M];
      const files = sizes.map((n, i) => ({ key: `load/${i}-${n}.bin`, data: bytes(n, i + 1) }));
      const done = await Promise.all(files.map((f) => bucket.upload(f.data, { key: f.key }).done.then((d) => d, (e) => ({ error: e.name + ': ' + e.message }))));
      const back = [];
      for (const f of files) {
        const res = await fetch(await bucket.presignGet(f.key));
        const body = await res.arrayBuffer();
        back.push({ key: f.key, status: res.status, size: body.byteLength, same: (await sha256(body)) === (await sha256(f.data)) });
      }
      for (const f of files) await bucket.delete(f.key);
      return { done, back, sizes };
    }, user);
    assert.deepEqual(r.done.filter((d) => d.error), [], 'every upload completed');
    for (const [i, b] of r.back.entries()) {
      assert.equal(b.status, 200, b.key);
      assert.equal(b.size, r.sizes[i], b.key);
      assert.equal(b.same, true, `${b.key}: the bytes read back hash equal to the source`);
    }
    const expectedParts = r.sizes.filter((n) => n > 5 * MiB).reduce((sum, n) => sum + Math.ceil(n / (5 * MiB)), 0);
    assert.ok((await counter('UploadPart')) - parts >= expectedParts, 'the large ones went up in parts');
  } finally {
    await close();
  }
});
