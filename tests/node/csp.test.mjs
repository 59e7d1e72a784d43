// The SDK under a strict Content-Security-Policy — `default-src 'self'; script-src 'self'
// 'wasm-unsafe-eval'` (no unsafe-eval, no unsafe-inline), plus `connect-src` for the emulator —
// in headless Chromium: sign-in, a refresh, credentials, a small and a multipart upload, a
// presigned GET, with no CSP violation reported.
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/csp.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { EMULATOR, launchChromium, makeUser, counter } from './support.mjs';

const PKG = process.env.PKG_DIR ? process.env.PKG_DIR.replace(/\/?$/, '/') : fileURLToPath(new URL('../../pkg/', import.meta.url));
const CSP = `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${EMULATOR}`;

// No inline script: the page loads /app.js, which reports through window.result.
const PAGE = '<!doctype html><meta charset="utf-8"><title>csp</title><script type="module" src="/app.js"></script>';
const APP = `
import init, { CognitoAuth, IdentityCredentials, S3Bucket } from '/pkg/storage.js';
window.violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
window.run = async ({ username, password }) => {
  await init();
  const E = ${JSON.stringify(EMULATOR)};
  const auth = new CognitoAuth({ region: 'us-east-1', userPoolId: 'us-east-1_TestPool1', clientId: 'testclient0000000000000001',
    identityPoolId: 'us-east-1:7e57e57e-0000-4000-8000-000000000001', storage: 'memory',
    endpoints: { userPool: E, identityPool: E, s3: E + '/s3' } });
  await auth.signIn({ username, password });
  const before = (await auth.getTokens()).accessToken;
  const after = (await auth.getTokens({ forceRefresh: true })).accessToken;
  const bucket = new S3Bucket(new IdentityCredentials(auth), { bucket: 'test-bucket' });
  const big = new Uint8Array(6 * 1024 * 1024).map((_, i) => i * 7);
  await bucket.upload(new Uint8Array([1, 2, 3]), { key: 'csp/small.bin' }).done;
  const done = await bucket.upload(big, { key: 'csp/big.bin', checksum: 'CRC32' }).done;
  const back = new Uint8Array(await (await fetch(await bucket.presignGet('csp/big.bin'))).arrayBuffer());
  return { refreshed: before !== after, etag: done.etag, same: back.length === big.length && back.every((b, i) => b === big[i]) };
};
`;

let server;
let origin;
let browser;

before(async () => {
  server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const headers = { 'content-security-policy': CSP };
    if (path === '/') return void res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(PAGE);
    if (path === '/app.js') return void res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(APP);
    const name = path.startsWith('/pkg/') ? path.slice(5) : '';
    if (!name || name.includes('/') || name.includes('..')) return void res.writeHead(404).end();
    try {
      const body = await readFile(PKG + name);
      res.writeHead(200, { ...headers, 'content-type': name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r) ?? r());
});

test('sign-in, a refresh and uploads work under a strict CSP, with no violation', async () => {
  const user = await makeUser('us-east-1_TestPool1', 'csp');
  const page = await browser.newPage();
  try {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(origin + '/');
    await page.waitForFunction(() => typeof window.run === 'function');
    const refreshes = await counter('InitiateAuth');
    const r = await page.evaluate((u) => window.run(u), user);
    assert.deepEqual(r, { refreshed: true, etag: r.etag, same: true });
    assert.match(r.etag, /-2"$/);
    assert.ok((await counter('InitiateAuth')) >= refreshes + 2, 'signed in and refreshed (REFRESH_TOKEN_AUTH)');
    assert.deepEqual(await page.evaluate(() => window.violations), []);
    assert.deepEqual(errors, []);
  } finally {
    await page.close();
  }
});
