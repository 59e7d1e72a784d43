// The tamper corpus: crafted tokens and callbacks, each refused with a typed error and nothing
// stored, end to end in headless Chromium against the emulator.
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/tamper.test.mjs
//
// Three ways in:
// - token answers: a sign-in (USER_PASSWORD_AUTH) whose InitiateAuth answer is rewritten on the
//   way (a Playwright route: a malicious proxy or a compromised network path) to carry crafted
//   tokens — most signed with the emulator's own key (emulator/keys/dev-rsa-key.json, public and
//   test-only), so the claim checks, not a bad signature, are what refuse them;
// - storage: a session planted or edited in localStorage (what an XSS or a shared machine could
//   do) before the SDK loads; the SDK checks stored tokens on first use;
// - callbacks: hosted-UI redirects with a wrong state, a wrong nonce, a replayed or injected
//   code. The app is at http://127.0.0.1:47293 (a callback URL of the test seed's SPA client);
//   that origin is answered by a route, so no port is bound there and tests/node/hosted_ui.test.mjs
//   may run at the same time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync, createHmac, sign } from 'node:crypto';
import { EMULATOR, servePages, launchChromium, makeUser, counter } from './support.mjs';

const POOL = 'us-east-1_TestPool1';
const CLIENT = 'testclient0000000000000001';
const OTHER_CLIENT = 'testclient0000000000000002';
const ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
const ORIGIN = 'http://127.0.0.1:47293';
const SESSION_KEY = `cognito-wasm.${POOL}.${CLIENT}.session`;

const APP = `<!doctype html><meta charset="utf-8"><title>tamper</title><script type="module">
import init, { CognitoAuth } from '/pkg/index.js';
await init();
window.auth = new CognitoAuth({
  region: 'us-east-1', userPoolId: '${POOL}', clientId: '${CLIENT}', storage: 'local',
  endpoints: { userPool: '${EMULATOR}' },
  oauth: { domain: '${EMULATOR}', redirectSignIn: '${ORIGIN}/callback', redirectSignOut: '${ORIGIN}/',
           scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'] },
});
window.events = [];
for (const e of ['signedIn', 'signedOut', 'tokenRefreshed', 'refreshFailed']) window.auth.on(e, (ev) => window.events.push(e));
/** The outcome of a promise: { ok } or { name, code, message }. */
window.outcome = (p) => p.then((ok) => ({ ok }), (e) => ({ name: e.name, code: e.code, message: e.message, typed: e instanceof Error }));
window.ready = true;
</script>`;

// --- Crafting tokens -------------------------------------------------------------------------

const b64u = (data) => Buffer.from(data).toString('base64url');
const json64 = (o) => b64u(JSON.stringify(o));
const claimsOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

/** The emulator's signing key (hex fields) as a Node private key. */
function devKey() {
  const k = JSON.parse(readFileSync(new URL('../../emulator/keys/dev-rsa-key.json', import.meta.url), 'utf8'));
  const big = (h) => BigInt('0x' + h);
  const [n, e, d, p, q] = [k.n, k.e, k.d, k.p, k.q].map(big);
  const modpow = (b, x, m) => {
    let r = 1n;
    for (b %= m; x > 0n; x >>= 1n, b = (b * b) % m) if (x & 1n) r = (r * b) % m;
    return r;
  };
  const enc = (v) => {
    const h = v.toString(16);
    return Buffer.from(h.length % 2 ? '0' + h : h, 'hex').toString('base64url');
  };
  const jwk = { kty: 'RSA', n: enc(n), e: enc(e), d: enc(d), p: enc(p), q: enc(q), dp: enc(d % (p - 1n)), dq: enc(d % (q - 1n)), qi: enc(modpow(q, p - 2n, p)) };
  return { kid: k.kid, key: createPrivateKey({ key: jwk, format: 'jwk' }), n: jwk.n };
}

const DEV = devKey();
const ATTACKER = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

/** An RS256 JWT of `claims` signed by `key` (default: the emulator's). */
function rs256(claims, { key = DEV.key, kid = DEV.kid, header = {} } = {}) {
  const input = json64({ kid, alg: 'RS256', ...header }) + '.' + json64(claims);
  return input + '.' + sign('sha256', Buffer.from(input), key).toString('base64url');
}

/** `token` re-signed by the emulator's key after `edit(claims)`. */
const resigned = (token, edit) => {
  const c = claimsOf(token);
  edit(c);
  return rs256(c);
};

/** Replaces the payload segment of `token` (signature kept). */
const withPayload = (token, payload) => {
  const [h, , s] = token.split('.');
  return [h, payload, s].join('.');
};

/** A base64url segment spelled with the standard alphabet (`+`, `/`), same bytes. */
function standardAlphabet(token) {
  const [h, p, s] = token.split('.');
  // The signature segment of a 2048-bit key holds 342 chars: '-' or '_' is all but certain.
  assert.match(s, /[-_]/);
  return [h, p, s.replace(/-/g, '+').replace(/_/g, '/')].join('.');
}

/** The payload's last char with non-zero unused bits: same bytes for a lax decoder. */
function trailingBits(token) {
  const [h, , s] = token.split('.');
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // Grow the claims until the segment's length leaves unused bits (2 chars per last byte: 4
  // unused bits; 3 chars per last 2 bytes: 2).
  const c = claimsOf(token);
  let payload = json64(c);
  for (let pad = 1; payload.length % 4 === 0; pad++) payload = json64({ ...c, pad: 'x'.repeat(pad) });
  const last = alphabet.indexOf(payload.at(-1));
  assert.equal(last & (payload.length % 4 === 2 ? 15 : 3), 0);
  const odd = payload.slice(0, -1) + alphabet[last | 1];
  assert.deepEqual(Buffer.from(odd, 'base64url'), Buffer.from(payload, 'base64url'), 'a lax decoder reads both spellings alike');
  return [h, odd, s].join('.');
}

// --- The corpus ------------------------------------------------------------------------------

const now = () => Math.floor(Date.now() / 1000);

/**
 * Token answers: `craft({ id, access, other })` → `[idToken, accessToken]` from the real tokens
 * of the sign-in (and those of another user). `expect`: the error name.
 */
const ANSWERS = [
  ['bad signature: id token claims edited, signature kept', 'TokenVerificationFailed', /signature/,
    ({ id, access }) => [withPayload(id, json64({ ...claimsOf(id), 'cognito:groups': ['admins'] })), access]],
  ['bad signature: access token scope widened, signature kept', 'TokenVerificationFailed', /signature/,
    ({ id, access }) => [id, withPayload(access, json64({ ...claimsOf(access), scope: claimsOf(access).scope + ' admin' }))]],
  ["another pool's issuer (validly signed)", 'TokenVerificationFailed', /iss/,
    ({ id, access }) => [resigned(id, (c) => { c.iss = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool'; }), resigned(access, (c) => { c.iss = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool'; })]],
  ['issuer with a trailing slash', 'TokenVerificationFailed', /iss/,
    ({ id, access }) => [resigned(id, (c) => { c.iss = ISSUER + '/'; }), access]],
  ["another client's audience (validly signed)", 'TokenVerificationFailed', /aud/,
    ({ id, access }) => [resigned(id, (c) => { c.aud = OTHER_CLIENT; }), resigned(access, (c) => { c.client_id = OTHER_CLIENT; })]],
  ['access token used as the id token (swapped)', 'TokenVerificationFailed', /token_use/,
    ({ id, access }) => [access, id]],
  ['access token in both places', 'TokenVerificationFailed', /token_use/,
    ({ access }) => [access, access]],
  ['expired an hour ago (validly signed)', 'TokenVerificationFailed', /exp/,
    ({ id, access }) => [resigned(id, (c) => { c.iat = now() - 7200; c.exp = now() - 3600; }), resigned(access, (c) => { c.iat = now() - 7200; c.exp = now() - 3600; })]],
  ['not yet valid: issued an hour in the future (validly signed)', 'TokenVerificationFailed', /iat/,
    ({ id, access }) => [resigned(id, (c) => { c.iat = now() + 3600; c.exp = now() + 7200; }), access]],
  ["tokens of two users (id of another user's session)", 'TokenVerificationFailed', /sub/,
    ({ access, other }) => [other.id, access]],
  ['alg: none, signature kept', 'TokenVerificationFailed', /alg/,
    ({ id, access }) => [json64({ alg: 'none', kid: DEV.kid }) + '.' + id.split('.').slice(1).join('.'), access]],
  ['alg: none, empty signature', 'InvalidToken', /signature/,
    ({ id, access }) => [json64({ alg: 'none' }) + '.' + id.split('.')[1] + '.', access]],
  ['HS256 keyed with the public modulus (key confusion)', 'TokenVerificationFailed', /alg/,
    ({ id, access }) => {
      const input = json64({ kid: DEV.kid, alg: 'HS256' }) + '.' + id.split('.')[1];
      return [input + '.' + createHmac('sha256', DEV.n).update(input).digest('base64url'), access];
    }],
  ['RS512 (another algorithm)', 'TokenVerificationFailed', /alg/,
    ({ id, access }) => [resigned(id, () => {}).replace(/^[^.]+/, json64({ kid: DEV.kid, alg: 'RS512' })), access]],
  ['unknown kid, signed by another key', 'TokenVerificationFailed', /kid/,
    ({ id, access }) => [rs256(claimsOf(id), { key: ATTACKER, kid: 'attacker-key-1' }), access]],
  ["another key under the pool's kid", 'TokenVerificationFailed', /signature/,
    ({ id, access }) => [rs256(claimsOf(id), { key: ATTACKER }), rs256(claimsOf(access), { key: ATTACKER })]],
  ['truncated signature (cut to whole bytes)', 'TokenVerificationFailed', /signature/,
    ({ id, access }) => [id.slice(0, id.length - (id.split('.')[2].length % 4 || 4)), access]],
  ['truncated payload (cut mid-segment)', 'InvalidToken', /payload/,
    ({ id, access }) => { const [h, p, s] = id.split('.'); return [[h, p.slice(0, Math.floor(p.length / 2)), s].join('.'), access]; }],
  ['two segments (signature dropped)', 'InvalidToken', /three parts/,
    ({ id, access }) => [id.split('.').slice(0, 2).join('.'), access]],
  ['four segments', 'InvalidToken', /three parts/,
    ({ id, access }) => [id + '.' + id.split('.')[2], access]],
  ['empty token', 'InvalidToken', /./,
    ({ access }) => ['', access]],
  ['huge input: a 1 MB token', 'InvalidToken', /64 KiB/,
    ({ id, access }) => [resigned(id, (c) => { c.pad = 'A'.repeat(1024 * 1024); }), access]],
  ['non-canonical base64url: padding on the payload', 'InvalidToken', /payload/,
    ({ id, access }) => { const [h, p, s] = id.split('.'); return [[h, p + '='.repeat((4 - (p.length % 4)) % 4 || 4), s].join('.'), access]; }],
  ["non-canonical base64url: '+' and '/' in the signature", 'InvalidToken', /signature/,
    ({ id, access }) => [standardAlphabet(id), access]],
  ['non-canonical base64url: non-zero trailing bits', 'InvalidToken', /payload/,
    ({ id, access }) => [trailingBits(resigned(id, () => {})), access]],
  ['whitespace inside the token', 'InvalidToken', /./,
    ({ id, access }) => [id.replace('.', '.\n '), access]],
  ['payload a JSON array, not an object', 'InvalidToken', /payload/,
    ({ id, access }) => [rs256(claimsOf(id)).replace(/\.[^.]+\./, '.' + json64([claimsOf(id)]) + '.'), access]],
];

/** Stored sessions: `edit(session, { other })` changes the stored JSON before the SDK loads. */
const STORED = [
  ['stored: id token claims edited (groups), signature kept', 'TokenVerificationFailed',
    (s) => { s.idToken = withPayload(s.idToken, json64({ ...claimsOf(s.idToken), 'cognito:groups': ['admins'] })); }],
  ['stored: alg none', 'TokenVerificationFailed',
    (s) => { s.idToken = json64({ alg: 'none', kid: DEV.kid }) + '.' + s.idToken.split('.').slice(1).join('.'); }],
  ['stored: tokens signed by an attacker key under an unknown kid', 'TokenVerificationFailed',
    (s) => { s.idToken = rs256(claimsOf(s.idToken), { key: ATTACKER, kid: 'attacker-key-2' }); s.accessToken = rs256(claimsOf(s.accessToken), { key: ATTACKER, kid: 'attacker-key-2' }); }],
  ["stored: another pool's issuer (restore refuses it: signed out)", 'NotSignedIn',
    (s) => { s.idToken = resigned(s.idToken, (c) => { c.iss = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_OtherPool'; }); }],
  ['stored: swapped id and access tokens (restore refuses them)', 'NotSignedIn',
    (s) => { [s.idToken, s.accessToken] = [s.accessToken, s.idToken]; }],
  ['stored: expired session with a forged refresh token (refresh refused, signed out)', 'NotAuthorizedException',
    (s) => { s.expiresAt = Date.now() - 1000; s.refreshToken = 'forged-' + s.refreshToken.slice(7); }],
];

// --- Harness ---------------------------------------------------------------------------------

let server;
let browser;
const results = [];

before(async () => {
  server = await servePages({ '/': APP, '/callback': APP });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  const refused = results.filter((r) => r.refused).length;
  console.log(`tamper corpus: ${refused} of ${results.length} crafted tokens and callbacks refused with a typed error, nothing stored`);
  for (const r of results) console.log(`  ${r.refused ? 'refused' : 'NOT REFUSED'}  ${r.name}  →  ${r.error}`);
});

/**
 * A context whose ORIGIN is answered by the page server (no port bound at 47293). The request
 * goes on to the server (`continue`), not answered by Playwright (`fulfill`): Chromium counts a
 * fulfilled page as public, and its Local Network Access checks then block the emulator.
 */
async function appContext() {
  const context = await browser.newContext();
  await context.route((u) => u.origin === ORIGIN, (route) => {
    const u = new URL(route.request().url());
    return route.continue({ url: server.origin + u.pathname + u.search });
  });
  return context;
}

async function open(context, path = '/') {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(ORIGIN + path);
  await page.waitForFunction(() => window.ready === true);
  return page;
}

/** What web storage holds of a session: keys and values that look like tokens. */
async function leftovers(page) {
  return page.evaluate((key) => {
    const found = [];
    for (const area of [localStorage, sessionStorage]) {
      for (let i = 0; i < area.length; i++) {
        const k = area.key(i);
        const v = area.getItem(k);
        if (k === key || k.endsWith('.session') || /eyJ|refresh/i.test(v)) found.push(k);
      }
    }
    return found;
  }, SESSION_KEY);
}

/** Records a case: refused with `name`, `message` matching, and nothing stored. */
async function expectRefused(page, caseName, outcome, name, message) {
  const left = await leftovers(page);
  const signedIn = await page.evaluate(() => window.auth.isSignedIn);
  const refused = outcome.ok === undefined && outcome.typed && outcome.name === name && outcome.code === name && !signedIn && left.length === 0;
  results.push({ name: caseName, refused, error: outcome.ok !== undefined ? 'accepted' : `${outcome.name}: ${outcome.message}` });
  assert.equal(outcome.ok, undefined, `${caseName}: accepted`);
  assert.equal(outcome.name, name, `${caseName}: ${outcome.name}: ${outcome.message}`);
  assert.equal(outcome.code, name);
  assert.equal(outcome.typed, true);
  if (message) assert.match(outcome.message, message, caseName);
  assert.equal(signedIn, false, `${caseName}: signed in`);
  assert.deepEqual(left, [], `${caseName}: stored`);
}

/** Real tokens of a fresh user (signed in in a throwaway page). */
async function realTokens(context) {
  const user = await makeUser(POOL, 'tamper');
  const page = await open(context);
  await page.evaluate((u) => window.auth.signIn({ ...u, flow: 'USER_PASSWORD_AUTH' }), user);
  const stored = await page.evaluate((k) => localStorage.getItem(k), SESSION_KEY);
  await page.evaluate(() => localStorage.clear());
  await page.close();
  return { user, session: JSON.parse(stored) };
}

test('token answers: crafted tokens in the sign-in answer are refused, nothing stored', async () => {
  const context = await appContext();
  try {
    const { session: other } = await realTokens(context);
    const otherTokens = { id: other.idToken, access: other.accessToken };
    // The control: the same route passing the real tokens through signs in.
    const cases = [['control: real tokens', null, null, ({ id, access }) => [id, access]], ...ANSWERS];
    for (const [caseName, name, message, craft] of cases) {
      const user = await makeUser(POOL, 'tamper');
      const page = await open(context);
      // The InitiateAuth answer is rewritten on its way to the page.
      await page.route((u) => u.href === EMULATOR + '/', async (route) => {
        const req = route.request();
        if (req.method() !== 'POST' || !/InitiateAuth$/.test((await req.allHeaders())['x-amz-target'] ?? '')) return route.continue();
        const res = await route.fetch();
        const answer = await res.json();
        const r = answer.AuthenticationResult;
        [r.IdToken, r.AccessToken] = craft({ id: r.IdToken, access: r.AccessToken, other: otherTokens });
        await route.fulfill({ response: res, body: JSON.stringify(answer) });
      });
      const outcome = await page.evaluate((u) => window.outcome(window.auth.signIn({ ...u, flow: 'USER_PASSWORD_AUTH' })), user);
      if (name === null) {
        assert.deepEqual(outcome, { ok: { step: 'DONE' } }, 'the route itself breaks nothing');
        await page.evaluate(() => localStorage.clear());
        await page.close();
        continue;
      }
      await expectRefused(page, caseName, outcome, name, message);
      assert.deepEqual(await page.evaluate(() => window.events), [], 'no signedIn event');
      await page.close();
    }
  } finally {
    await context.close();
  }
});

test('stored sessions: tampered tokens planted in localStorage are refused on first use and cleared', async () => {
  const context = await appContext();
  try {
    for (const [caseName, name, edit] of STORED) {
      const { session } = await realTokens(context);
      edit(session);
      const page = await context.newPage();
      // Planted before the SDK loads, as a script on the page could.
      await page.addInitScript(([k, v]) => {
        if (!sessionStorage.getItem('planted')) {
          localStorage.setItem(k, v);
          sessionStorage.setItem('planted', '1');
        }
      }, [SESSION_KEY, JSON.stringify(session)]);
      await page.goto(ORIGIN + '/');
      await page.waitForFunction(() => window.ready === true);
      const outcome = await page.evaluate(() => window.outcome(window.auth.getTokens()));
      await page.evaluate(() => sessionStorage.removeItem('planted'));
      await expectRefused(page, caseName, outcome, name);
      await page.close();
    }
  } finally {
    await context.close();
  }
});

/** Starts a hosted-UI sign-in in `page`; resolves to the authorize URL it went to. */
async function startRedirect(page) {
  // Without the hosted UI's session cookie of an earlier case, authorize shows its form.
  await page.context().clearCookies();
  await page.evaluate(() => { window.auth.signInWithRedirect({ state: 'app-state' }); });
  await page.waitForURL(`${EMULATOR}/**`);
  return new URL(page.url());
}

/** Signs in on the hosted UI's form; resolves to the callback URL it lands on. */
async function signInOnForm(page, { username, password }) {
  await page.fill('#username', username);
  await page.fill('#password', password);
  const [redirect] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(ORIGIN + '/callback?')), page.click('#signin')]);
  // Playwright routes only the first request of a redirect chain, so the hosted UI's redirect
  // to the callback goes to the network, where no server answers (or another test's does): the
  // callback is opened anew, as this page, once that navigation has settled.
  const url = redirect.url();
  await page.waitForURL((u) => u.href === url || u.protocol === 'chrome-error:').catch(() => {});
  for (let tries = 1; page.url() !== url || (await page.title().catch(() => '')) !== 'tamper'; tries++) {
    if (tries > 3) throw new Error('the callback page did not open: ' + page.url());
    try {
      await page.goto(url);
    } catch (e) {
      if (!/interrupted by another navigation/.test(e.message)) throw e;
    }
  }
  await page.waitForFunction(() => window.ready === true);
  return page.url();
}

const callback = (page) => page.evaluate(() => window.outcome(window.auth.handleRedirectCallback()));

test('callbacks: wrong state, wrong nonce, replayed and injected codes are refused, nothing stored', async () => {
  const context = await appContext();
  try {
    const user = await makeUser(POOL, 'tamper-cb');

    // A state this tab never sent (a forged callback: login CSRF).
    let page = await open(context);
    await startRedirect(page);
    let tokenRequests = await counter('/oauth2/token');
    await page.goto(`${ORIGIN}/callback?code=forged-code&state=forged-state-0123456789abcdef`);
    await page.waitForFunction(() => window.ready === true);
    await expectRefused(page, 'callback: mismatched state', await callback(page), 'OAuthStateMismatch');
    assert.equal(await counter('/oauth2/token'), tokenRequests, 'no token request');
    await page.close();

    // A code and state with no sign-in started in this tab (sessionStorage empty).
    page = await open(context);
    await page.goto(`${ORIGIN}/callback?code=some-code&state=some-state`);
    await page.waitForFunction(() => window.ready === true);
    await expectRefused(page, 'callback: no sign-in pending in this tab', await callback(page), 'OAuthStateMismatch');
    await page.close();

    // The right state with 1 MB appended (handed to the call: no server takes such a URL).
    page = await open(context);
    const state = (await startRedirect(page)).searchParams.get('state');
    await page.goto(ORIGIN + '/callback');
    await page.waitForFunction(() => window.ready === true);
    const huge = await page.evaluate((url) => window.outcome(window.auth.handleRedirectCallback(url)),
      `${ORIGIN}/callback?code=${'c'.repeat(1024 * 1024)}&state=${state}${'A'.repeat(1024 * 1024)}`);
    await expectRefused(page, 'callback: huge code and state (1 MB each)', huge, 'OAuthStateMismatch');
    await page.close();

    // A callback with neither a code nor an error.
    page = await open(context);
    await page.goto(`${ORIGIN}/callback?state=x`);
    await page.waitForFunction(() => window.ready === true);
    await expectRefused(page, 'callback: neither code nor error', await callback(page), 'InvalidParameter');
    await page.close();

    // The id token carries another sign-in's nonce: the authorize request is altered on its way.
    page = await open(context);
    const authorize = await startRedirect(page);
    assert.ok(authorize.searchParams.get('nonce'), 'the SDK sends a nonce');
    authorize.searchParams.set('nonce', 'attacker-chosen-nonce-0123456789');
    await page.goto(authorize.href);
    await signInOnForm(page, user);
    tokenRequests = await counter('/oauth2/token');
    await expectRefused(page, 'callback: wrong nonce in the id token', await callback(page), 'TokenVerificationFailed', /nonce/);
    assert.equal(await counter('/oauth2/token'), tokenRequests + 1);
    await page.close();

    // A real sign-in; its code is then replayed into a new sign-in of another tab.
    const fresh = await appContext();
    let used;
    try {
            const victim = await open(fresh);
      await startRedirect(victim);
      used = new URL(await signInOnForm(victim, user)).searchParams.get('code');
      assert.deepEqual(await callback(victim), { ok: { state: 'app-state' } });
    } finally {
      await fresh.close();
    }
    page = await open(context);
    const s2 = (await startRedirect(page)).searchParams.get('state');
    await page.goto(`${ORIGIN}/callback?code=${encodeURIComponent(used)}&state=${s2}`);
    await page.waitForFunction(() => window.ready === true);
    await expectRefused(page, 'callback: replayed code (already exchanged)', await callback(page), 'OAuthInvalidGrant');
    await page.close();

    // Code injection: the attacker's own fresh code with the victim's state; PKCE refuses it.
    const attacker = await appContext();
    let injected;
    try {
      const mallory = await makeUser(POOL, 'tamper-mallory');
            const a = await open(attacker);
      await startRedirect(a);
      injected = new URL(await signInOnForm(a, mallory)).searchParams.get('code');
    } finally {
      await attacker.close();
    }
    page = await open(context);
    const s3 = (await startRedirect(page)).searchParams.get('state');
    await page.goto(`${ORIGIN}/callback?code=${encodeURIComponent(injected)}&state=${s3}`);
    await page.waitForFunction(() => window.ready === true);
    await expectRefused(page, "callback: injected code (another browser's PKCE)", await callback(page), 'OAuthInvalidGrant');
    await page.close();

    // Cognito's error answer.
    page = await open(context);
    const s4 = (await startRedirect(page)).searchParams.get('state');
    await page.goto(`${ORIGIN}/callback?error=access_denied&error_description=User+cancelled&state=${s4}`);
    await page.waitForFunction(() => window.ready === true);
    await expectRefused(page, 'callback: error=access_denied', await callback(page), 'OAuthAccessDenied');
    await page.close();

    // A token endpoint answer rewritten to carry validly signed tokens of another client.
    page = await open(context);
    await page.route((u) => u.href === EMULATOR + '/oauth2/token', async (route) => {
      const res = await route.fetch();
      const answer = await res.json();
      answer.id_token = resigned(answer.id_token, (c) => { c.aud = OTHER_CLIENT; });
      await route.fulfill({ response: res, body: JSON.stringify(answer) });
    });
    await startRedirect(page);
    await signInOnForm(page, user);
    await expectRefused(page, "callback: token answer with another client's id token", await callback(page), 'TokenVerificationFailed', /aud/);
    await page.close();
  } finally {
    await context.close();
  }
});

test('the corpus has at least 20 cases, all refused', () => {
  assert.ok(results.length >= 20, `${results.length} cases`);
  assert.deepEqual(results.filter((r) => !r.refused).map((r) => r.name), []);
});
