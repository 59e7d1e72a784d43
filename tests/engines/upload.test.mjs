// Identity-pool credentials and S3 uploads in the engine E2E_ENGINE names (chromium, firefox,
// webkit), through WebDriver classic, against the emulator: byte-level upload progress through
// XMLHttpRequest (monotone, ending at the exact size), the bytes read back through a presigned
// GET, guest credentials, and a cancel that leaves nothing at S3.
//   scripts/build.sh && scripts/e2e-engines.sh firefox -- tests/engines/upload.test.mjs
// The full upload suite (faults, expiring credentials, reload, keys) in Chromium through
// Playwright: tests/node/storage.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR, servePages, makeUser } from '../node/support.mjs';

async function faults(method, body) {
  const res = await fetch(`${EMULATOR}/__admin/faults`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  assert.ok(res.ok, await res.text());
}
import { ENGINE, withBrowser } from './webdriver.mjs';

const POOL = 'us-east-1_TestPool1';
const MiB = 1024 * 1024;
const TIMEOUT = { timeout: 600_000 };

const APP = `<!doctype html><meta charset="utf-8"><script>
window.errors = [];
addEventListener('error', (e) => window.errors.push(String(e.message)));
addEventListener('unhandledrejection', (e) => window.errors.push(String(e.reason)));
</script><script type="module">
import init, * as sdk from '/pkg/storage.js';
await init();
window.sdk = sdk;
window.config = { region: 'us-east-1', userPoolId: '${POOL}', clientId: 'testclient0000000000000001',
  identityPoolId: 'us-east-1:7e57e57e-0000-4000-8000-000000000001', storage: 'local',
  endpoints: { userPool: '${EMULATOR}', identityPool: '${EMULATOR}', s3: '${EMULATOR}/s3' } };
window.bytes = (n, seed) => {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) { x = (Math.imul(x, 1103515245) + 12345) >>> 0; out[i] = x >>> 24; }
  return out;
};
window.sha256 = async (data) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
window.ready = true;
</script>`;

let server;

before(async () => {
  server = await servePages({ '/': APP });
});

after(async () => {
  await server?.close();
});

test(`${ENGINE}: guest credentials; a signed-in user's multipart upload reports byte progress and reads back byte-identical; cancel leaves nothing`, TIMEOUT, async () => {
  const user = await makeUser(POOL, `upload-${ENGINE}`);
  await faults('POST', { target: 'UploadPart', kind: 'latency', latency_ms: 3000, count: 3 });
  try {
    await withBrowser(async (browser) => {
      const page = await browser.newTab();
      await page.goto(server.origin + '/');
      await page.waitFor(() => window.ready === true);
      const guest = await page.evaluate(async () => {
        window.auth = new sdk.CognitoAuth(config);
        window.creds = new sdk.IdentityCredentials(auth);
        return (await creds.getCredentials()).identityId;
      });
      assert.match(guest, /^us-east-1:/);

      const r = await page.evaluate(async ({ username, password }) => {
        await auth.signIn({ username, password });
        const identityId = (await creds.getCredentials()).identityId;
        const bucket = new sdk.S3Bucket(creds, { bucket: 'test-bucket' });
        const data = new Blob([bytes(11 * 1024 * 1024 + 7, 5)]);
        const seen = [];
        const times = [];
        const t0 = performance.now();
        const done = await bucket.upload(data, { key: 'engines/big.bin', checksum: 'CRC32', onProgress: (p) => { seen.push(p.loaded); times.push(performance.now() - t0); } }).done;
        const doneAt = performance.now() - t0;
        const back = await (await fetch(await bucket.presignGet('engines/big.bin'))).arrayBuffer();
        const same = (await sha256(back)) === (await sha256(await data.arrayBuffer()));
        // Cancel as soon as the multipart upload exists.
        const up = bucket.upload(bytes(11 * 1024 * 1024, 6), { key: 'engines/cancel.bin' });
        await new Promise((resolve) => { const t = setInterval(() => { if (up.uploadId) { clearInterval(t); resolve(); } }, 10); });
        up.cancel();
        const cancelled = await up.done.then(() => 'completed', (e) => e.name);
        const prefix = 'private/' + identityId + '/engines/';
        const { answer } = await bucket.request('ListMultipartUploads', { method: 'GET', query: 'prefix=' + encodeURIComponent(prefix) + '&uploads=' });
        await bucket.delete('engines/big.bin');
        return { identityId, etag: done.etag, seen, times, doneAt, same, cancelled, left: answer.uploads.length, errors: window.errors };
      }, user);
      assert.notEqual(r.identityId, guest);
      assert.equal(r.same, true, 'the bytes read back hash equal to the source');
      assert.match(r.etag, /-3"$/);
      assert.equal(r.seen.at(-1), 11 * MiB + 7, 'progress ends at the exact size');
      for (let i = 1; i < r.seen.length; i++) assert.ok(r.seen[i] > r.seen[i - 1], 'progress is monotone');
      // Progress while the bytes go out (XMLHttpRequest's upload events), not when S3 answers: the
      // emulator holds each part's answer 3 s after receiving it, so progress reported through
      // XHR comes seconds before the upload is done; through fetch it would come with the answers.
      const early = r.seen.filter((v, i) => v > 0 && r.times[i] < r.doneAt - 1500);
      console.log(`# ${ENGINE}: ${r.seen.length} progress reports, ${early.length} while the parts were in flight`);
      assert.ok(early.length > 0, `upload progress before the answers: ${JSON.stringify({ seen: r.seen, times: r.times, doneAt: r.doneAt })}`);
      assert.equal(r.cancelled, 'AbortError');
      assert.equal(r.left, 0, 'ListMultipartUploads is empty after cancel');
      assert.deepEqual(r.errors, []);
    });
  } finally {
    await faults('DELETE');
  }
});
