// cognito-wasm/storage in headless Chromium against the emulator: identity-pool credentials
// (guest and signed-in, refused tokens), uploads (one request, multipart with progress, cancel,
// faults, expiring credentials, a reload mid-upload), keys, list / presign / delete, and the
// prefix policy.
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/storage.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EMULATOR, admin, servePages, launchChromium, makeUser, counter } from './support.mjs';

const POOL = 'us-east-1_TestPool1';
const CLIENT = 'testclient0000000000000001';
const GUESTS = 'us-east-1:7e57e57e-0000-4000-8000-000000000001';
const NO_GUESTS = 'us-east-1:7e57e57e-0000-4000-8000-000000000002';
const SHORT = 'us-east-1:7e57e57e-0000-4000-8000-000000000003';
const MiB = 1024 * 1024;

// The page: the storage entry, a deterministic byte generator and SHA-256, on window.
const APP = `<!doctype html><meta charset="utf-8"><title>storage</title>
<script type="module">
import init, * as sdk from '/pkg/storage.js';
window.sdk = sdk;
window.EMU = ${JSON.stringify(EMULATOR)};
window.config = (extra = {}) => ({
  region: 'us-east-1', userPoolId: '${POOL}', clientId: '${CLIENT}', identityPoolId: '${GUESTS}',
  storage: 'local', endpoints: { userPool: EMU, identityPool: EMU, s3: EMU + '/s3' }, ...extra,
});
/** n bytes from a xorshift generator seeded with seed. */
window.bytes = (n, seed = 1) => {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; out[i] = x & 255; }
  return out;
};
window.sha256 = async (data) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))].map((b) => b.toString(16).padStart(2, '0')).join('');
/** Signs in user (if given), makes window.auth, window.creds and window.bucket; the identity id. */
window.setup = async ({ username, password, pool, keyPrefix } = {}) => {
  window.auth = new sdk.CognitoAuth(config(pool ? { identityPoolId: pool } : {}));
  // After a reload the stored session is back: no second sign-in.
  if (username && !auth.isSignedIn) await auth.signIn({ username, password });
  window.creds = new sdk.IdentityCredentials(auth);
  window.bucket = new sdk.S3Bucket(creds, { bucket: 'test-bucket', ...(keyPrefix === undefined ? {} : { keyPrefix }) });
  return (await creds.getCredentials()).identityId;
};
/** The multipart uploads S3 still has under the identity's prefix. */
window.pending = async () => {
  const prefix = (await bucket.fullKey('x')).slice(0, -1);
  const { answer } = await bucket.request('ListMultipartUploads', { method: 'GET', query: 'prefix=' + encodeURIComponent(prefix) + '&uploads=' });
  return answer.uploads;
};
/** Resolves once up has an upload id (its CreateMultipartUpload answered). */
window.started = (up) => new Promise((resolve) => { const t = setInterval(() => { if (up.uploadId) { clearInterval(t); resolve(); } }, 10); });
window.uploadRecords = () => Object.keys(localStorage).filter((k) => k.startsWith('cognito-wasm.upload.'));
/** The same 26 MiB file on every page load (for the reload test). */
window.resumeFile = () => new File([bytes(26 * 1024 * 1024, 21)], 'resume.bin', { lastModified: 42 });
window.ready = init().then(() => 'ready', (e) => 'init failed: ' + e.message);
</script>`;

let browser;
let server;

before(async () => {
  server = await servePages({ '/': APP });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await admin('DELETE', '/__admin/faults');
  await admin('POST', '/__admin/clock', { skew_seconds: 0 });
});

/** A fresh page (own context: own storage) with the SDK ready. */
async function openPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(server.origin + '/');
  assert.equal(await page.evaluate(() => window.ready), 'ready');
  return { page, close: () => context.close() };
}

test('a guest gets credentials when the pool allows guests, cached; a signed-in user gets their own', async () => {
  const user = await makeUser(POOL, 'stor-creds');
  const { page, close } = await openPage();
  try {
    const before = await counter('GetCredentialsForIdentity');
    const guest = await page.evaluate(() => setup());
    assert.match(guest, /^us-east-1:[0-9a-f-]{36}$/);
    const again = await page.evaluate(async () => {
      const c = await creds.getCredentials();
      return { ...c, expiration: c.expiration.getTime() };
    });
    assert.equal(again.identityId, guest);
    assert.match(again.accessKeyId, /^ASIA/);
    assert.ok(again.expiration > Date.now() + 10 * 60_000);
    assert.equal(await counter('GetCredentialsForIdentity'), before + 1, 'the second call is answered from the cache');

    const mine = await page.evaluate(async ({ username, password }) => {
      await auth.signIn({ username, password });
      return (await creds.getCredentials()).identityId;
    }, user);
    assert.notEqual(mine, guest, 'a guest identity is never reused for a user');
    // Signed out: the user's credentials are gone from storage; a guest gets a guest identity.
    const out = await page.evaluate(async () => {
      await auth.signOut();
      const stored = JSON.stringify({ ...localStorage });
      return { stored, next: (await creds.getCredentials()).identityId };
    });
    assert.doesNotMatch(out.stored, /secretAccessKey/);
    assert.equal(out.next, guest, "the guest's identity id is kept for the guest");
  } finally {
    await close();
  }
});

test('no guests: signed out is refused with Cognito\'s error; forged and other-pool id tokens are refused', async () => {
  const { page, close } = await openPage();
  try {
    const refused = await page.evaluate(async (pool) => {
      const auth = new sdk.CognitoAuth(config({ identityPoolId: pool }));
      try {
        await new sdk.IdentityCredentials(auth).getCredentials();
        return 'accepted';
      } catch (e) {
        return e.name + ': ' + e.message;
      }
    }, NO_GUESTS);
    assert.equal(refused, 'NotAuthorizedException: Unauthenticated access is not supported for this identity pool.');

    // A forged id token (claims edited, signature kept), in a session the app trusts blindly.
    const user = await makeUser(POOL, 'stor-forged');
    const forged = await page.evaluate(async ({ username, password }) => {
      const a = new sdk.CognitoAuth(config({ storage: 'local' }));
      await a.signIn({ username, password });
      const key = Object.keys(localStorage).find((k) => k.endsWith('.session'));
      const session = JSON.parse(localStorage.getItem(key));
      const text = JSON.stringify(session);
      const id = text.match(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/g).find((t) => JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).token_use === 'id');
      const [h, p, s] = id.split('.');
      const claims = JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/')));
      claims['cognito:groups'] = ['admins'];
      const p2 = btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
      localStorage.setItem(key, text.replace(id, [h, p2, s].join('.')));
      const b = new sdk.CognitoAuth(config({ storage: 'local', verifyTokenSignatures: false }));
      try {
        await new sdk.IdentityCredentials(b).getCredentials();
        return 'accepted';
      } catch (e) {
        return e.name + ': ' + e.message;
      } finally {
        localStorage.clear();
      }
    }, user);
    assert.equal(forged, "NotAuthorizedException: Invalid login token. Couldn't verify signed token.");
  } finally {
    await close();
  }
});

test('an id token of a pool the identity pool does not trust is refused', async () => {
  // MfaPool01 requires MFA: a user with TOTP signs in there with a code from the emulator.
  const secret = 'JBSWY3DPEHPK3PXP';
  const username = `stor-other-${process.pid}-${Date.now()}`;
  await admin('POST', '/__admin/users', { pool: 'MfaPool01', username, password: 'Passw0rd!other', attributes: { email: username + '@example.com' }, mfa: { totp_secret: secret, preferred: 'SOFTWARE_TOKEN_MFA' } });
  const { page, close } = await openPage();
  try {
    const step = await page.evaluate(async ({ username }) => {
      window.other = new sdk.CognitoAuth(config({ userPoolId: 'us-east-1_MfaPool01', clientId: 'testclient0000000000000004', storage: 'memory' }));
      return (await other.signIn({ username, password: 'Passw0rd!other' })).step;
    }, { username });
    assert.equal(step, 'MFA_TOTP');
    const { code } = await (await fetch(`${EMULATOR}/__admin/totp?secret=${secret}`)).json();
    const result = await page.evaluate(async (code) => {
      await other.confirmSignIn({ code });
      try {
        await new sdk.IdentityCredentials(other, { identityPoolId: config().identityPoolId }).getCredentials();
        return 'accepted';
      } catch (e) {
        return e.name + ': ' + e.message;
      }
    }, code);
    assert.equal(result, 'NotAuthorizedException: Token is not from a supported provider of this identity pool.');
  } finally {
    await close();
  }
});

test('a small photo goes up in one PutObject and comes back byte-identical through a presigned GET', async () => {
  const user = await makeUser(POOL, 'stor-small');
  const { page, close } = await openPage();
  try {
    const puts = await counter('PutObject');
    const creates = await counter('CreateMultipartUpload');
    const r = await page.evaluate(async (user) => {
      const identityId = await setup(user);
      const data = bytes(200 * 1024, 7);
      const seen = [];
      const up = bucket.upload(data, { key: 'photos/cat.jpg', contentType: 'image/jpeg', metadata: { album: 'cats' }, checksum: 'CRC32', onProgress: (p) => seen.push(p) });
      const done = await up.done;
      const url = await bucket.presignGet('photos/cat.jpg');
      const res = await fetch(url);
      return {
        identityId, done, seen, type: res.headers.get('content-type'), status: res.status,
        same: (await sha256(await res.arrayBuffer())) === (await sha256(data)),
      };
    }, user);
    assert.equal(r.status, 200);
    assert.equal(r.same, true);
    assert.equal(r.type, 'image/jpeg');
    assert.equal(r.done.key, `private/${r.identityId}/photos/cat.jpg`);
    assert.equal(r.done.size, 200 * 1024);
    assert.deepEqual(r.seen.at(-1), { loaded: 200 * 1024, total: 200 * 1024 });
    for (let i = 1; i < r.seen.length; i++) assert.ok(r.seen[i].loaded > r.seen[i - 1].loaded, 'progress is monotone');
    assert.equal(await counter('PutObject'), puts + 1);
    assert.equal(await counter('CreateMultipartUpload'), creates);
  } finally {
    await close();
  }
});

test('24 MiB in parts: monotone byte progress ending at the size, byte-identical, CRC64NVME checked by S3', async () => {
  const user = await makeUser(POOL, 'stor-big');
  const { page, close } = await openPage();
  try {
    const parts = await counter('UploadPart');
    // A 16 MiB/s uplink (Chromium's network emulation), so XHR reports bytes in flight.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 16 * MiB });
    const r = await page.evaluate(async (user) => {
      await setup(user);
      const data = new File([bytes(24 * 1024 * 1024, 3)], 'big.bin', { type: 'application/octet-stream', lastModified: 1 });
      const seen = [];
      const up = bucket.upload(data, { key: 'big.bin', checksum: 'CRC64NVME', onProgress: (p) => seen.push(p.loaded) });
      const done = await up.done;
      const res = await fetch(await bucket.presignGet('big.bin'));
      const back = await res.arrayBuffer();
      const left = uploadRecords();
      return { done, seen, events: seen.length, same: (await sha256(back)) === (await sha256(await data.arrayBuffer())), size: back.byteLength, left, crc: res.headers.get('x-amz-checksum-crc64nvme') };
    }, user);
    assert.equal(r.same, true, 'the bytes read back hash equal to the source');
    assert.equal(r.size, 24 * MiB);
    assert.equal(r.seen.at(-1), 24 * MiB, 'progress ends at the exact size');
    for (let i = 1; i < r.seen.length; i++) assert.ok(r.seen[i] > r.seen[i - 1], 'progress is monotone');
    const inside = r.seen.filter((v) => v % (5 * MiB) !== 0 && v !== 24 * MiB);
    assert.ok(inside.length > 0, `byte-level progress, not per part: ${JSON.stringify(r.seen)}`);
    assert.match(r.done.etag, /-5"$/);
    assert.deepEqual(r.left, [], 'the upload record is removed once complete');
    assert.equal(await counter('UploadPart'), parts + 5);
  } finally {
    await close();
  }
});

test('cancel() (and an aborted signal) aborts the multipart upload: nothing is left at S3', async () => {
  const user = await makeUser(POOL, 'stor-cancel');
  const { page, close } = await openPage();
  try {
    await admin('POST', '/__admin/faults', { target: 'UploadPart', kind: 'latency', latency_ms: 300 });
    const r = await page.evaluate(async (user) => {
      await setup(user);
      const data = bytes(12 * 1024 * 1024, 5);
      const up = bucket.upload(data, { key: 'cancel-me.bin' });
      await started(up);
      up.cancel();
      const err = await up.done.catch((e) => e.name);
      const ctl = new AbortController();
      const up2 = bucket.upload(data, { key: 'abort-me.bin', signal: ctl.signal });
      await started(up2);
      ctl.abort();
      const err2 = await up2.done.catch((e) => e.name);
      return { err, err2, left: await pending(), records: uploadRecords() };
    }, user);
    assert.equal(r.err, 'AbortError');
    assert.equal(r.err2, 'AbortError');
    assert.deepEqual(r.left, [], 'ListMultipartUploads is empty');
    assert.deepEqual(r.records, []);
  } finally {
    await admin('DELETE', '/__admin/faults');
    await close();
  }
});

test('faults survived: a dropped part, a 500, throttling, a skewed clock and credentials expiring mid-upload', async () => {
  const user = await makeUser(POOL, 'stor-faults');
  const { page, close } = await openPage();
  try {
    // Credentials of the short-credentials pool last 20 s; parts are slowed so the upload
    // outlasts them.
    await page.evaluate((user) => setup({ ...user, pool: user.pool }), { ...user, pool: SHORT });
    const issued = await counter('GetCredentialsForIdentity');
    await admin('POST', '/__admin/faults', [
      { target: 'UploadPart', kind: 'drop', count: 1 },
      { target: 'UploadPart', kind: 'error', status: 500, count: 1 },
      { target: 'UploadPart', kind: 'throttle', count: 1 },
      { target: 'UploadPart', kind: 'latency', latency_ms: 3500 },
    ]);
    // S3's clock 20 minutes ahead: the first signed request is RequestTimeTooSkewed.
    await admin('POST', '/__admin/clock', { skew_seconds: 1200 });
    const r = await page.evaluate(async () => {
      const data = bytes(30 * 1024 * 1024 + 123, 11);
      const seen = [];
      const up = bucket.upload(data, { key: 'faults.bin', concurrency: 2, checksum: 'CRC32', onProgress: (p) => seen.push(p.loaded) });
      const done = await up.done;
      const back = await (await fetch(await bucket.presignGet('faults.bin'))).arrayBuffer();
      return { done, last: seen.at(-1), monotone: seen.every((v, i) => i === 0 || v > seen[i - 1]), same: (await sha256(back)) === (await sha256(data)) };
    });
    assert.equal(r.same, true, 'byte-identical after the faults');
    assert.equal(r.last, 30 * MiB + 123);
    assert.equal(r.monotone, true);
    assert.ok((await counter('GetCredentialsForIdentity')) > issued, 'credentials were renewed during the upload');
    // Every one-shot fault was met (spent faults are removed); only the latency remains.
    const left = await admin('GET', '/__admin/faults');
    assert.deepEqual((left.faults ?? left).map((f) => f.kind), ['latency'], JSON.stringify(left));
  } finally {
    await admin('DELETE', '/__admin/faults');
    await admin('POST', '/__admin/clock', { skew_seconds: 0 });
    await close();
  }
});

test('a page reload mid-upload resumes without sending the finished parts again', async () => {
  const user = await makeUser(POOL, 'stor-reload');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.origin + '/');
    assert.equal(await page.evaluate(() => window.ready), 'ready');
    await admin('POST', '/__admin/faults', { target: 'UploadPart', kind: 'latency', latency_ms: 1500 });
    // Start with one part at a time; reload once two parts are recorded.
    await page.evaluate((user) => sessionStorage.setItem('user', JSON.stringify(user)), user);
    const first = await page.evaluate(async () => {
      await setup(JSON.parse(sessionStorage.getItem('user')));
      const data = resumeFile();
      bucket.upload(data, { key: 'resume.bin', concurrency: 1 });
      for (;;) {
        await new Promise((r) => setTimeout(r, 50));
        const key = uploadRecords()[0];
        const rec = key && JSON.parse(localStorage.getItem(key));
        if (rec && Object.keys(rec.parts).length >= 2) return Object.keys(rec.parts).length;
      }
    });
    await page.reload();
    assert.equal(await page.evaluate(() => window.ready), 'ready');
    const before = await counter('UploadPart');
    const creates = await counter('CreateMultipartUpload');
    const r = await page.evaluate(async () => {
      await setup(JSON.parse(sessionStorage.getItem('user')));
      const data = resumeFile();
      const up = bucket.upload(data, { key: 'resume.bin', concurrency: 1 });
      const done = await up.done;
      const back = await (await fetch(await bucket.presignGet('resume.bin'))).arrayBuffer();
      return { done, same: (await sha256(back)) === (await sha256(await data.arrayBuffer())), left: await pending() };
    });
    assert.equal(r.same, true);
    assert.deepEqual(r.left, []);
    assert.equal(await counter('CreateMultipartUpload'), creates, 'the upload was resumed, not started anew');
    const sent = (await counter('UploadPart')) - before;
    assert.ok(sent <= 6 - first, `only the missing parts were sent (${sent} of 6, ${first} were done)`);
  } finally {
    await admin('DELETE', '/__admin/faults');
    await context.close();
  }
});

test("writing under another identity's prefix is AccessDenied; odd keys round-trip through upload, list, presign and delete", async () => {
  const user = await makeUser(POOL, 'stor-keys');
  const { page, close } = await openPage();
  try {
    const r = await page.evaluate(async (user) => {
      const identityId = await setup({ ...user, keyPrefix: '' });
      let denied;
      try {
        await bucket.upload(bytes(10), { key: 'private/us-east-1:00000000-0000-4000-8000-000000000000/x.txt' }).done;
        denied = 'accepted';
      } catch (e) {
        denied = e.name + ' ' + e.status;
      }
      const mine = new sdk.S3Bucket(creds, { bucket: 'test-bucket' });
      const keys = ['über cat+1 (2).jpg', 'a~b/c=d&e.txt', '100% sure.txt', 'quote\'s "x".txt', 'emoji 📷.png'];
      for (const [i, key] of keys.entries()) await mine.upload(bytes(100 + i, i + 1), { key: 'odd/' + key }).done;
      const listed = await mine.list({ prefix: 'odd/' });
      const page1 = await mine.list({ prefix: 'odd/', maxKeys: 2 });
      const page2 = await mine.list({ prefix: 'odd/', maxKeys: 2, continuationToken: page1.nextContinuationToken });
      const sizes = [];
      for (const key of keys) sizes.push((await (await fetch(await mine.presignGet('odd/' + key))).arrayBuffer()).byteLength);
      for (const key of keys) await mine.delete('odd/' + key);
      const after = await mine.list({ prefix: 'odd/' });
      return { identityId, denied, keys, listed: listed.objects.map((o) => o.key).sort(), paths: listed.objects.map((o) => o.path), page1: page1.objects.length, page2: page2.objects.map((o) => o.key), more: !!page1.nextContinuationToken, sizes, after: after.objects.length };
    }, user);
    assert.equal(r.denied, 'AccessDenied 403');
    assert.deepEqual(r.listed, r.keys.map((k) => 'odd/' + k).sort());
    for (const p of r.paths) assert.ok(p.startsWith(`private/${r.identityId}/odd/`));
    assert.equal(r.page1, 2);
    assert.equal(r.more, true);
    assert.equal(r.page2.length, 2);
    assert.deepEqual(r.sizes, [100, 101, 102, 103, 104]);
    assert.equal(r.after, 0);
  } finally {
    await close();
  }
});

test('bad input is a typed error naming what is wrong', async () => {
  const { page, close } = await openPage();
  try {
    const r = await page.evaluate(async () => {
      const auth = new sdk.CognitoAuth(config());
      const errors = [];
      const grab = async (f) => {
        try {
          await f();
          errors.push('accepted');
        } catch (e) {
          errors.push(`${e.name}: ${e.message}`);
        }
      };
      await grab(() => new sdk.IdentityCredentials(auth, { identityPoolId: 'nope' }));
      await grab(() => new sdk.S3Bucket({}, { bucket: 'b' }));
      const creds = new sdk.IdentityCredentials(auth);
      await grab(() => new sdk.S3Bucket(creds, { bucket: 'Not_A_Bucket' }));
      const bucket = new sdk.S3Bucket(creds, { bucket: 'test-bucket' });
      await grab(() => bucket.upload('text', { key: 'a' }).done);
      await grab(() => bucket.upload(bytes(1), {}).done);
      await grab(() => bucket.upload(bytes(1), { key: 'a', partSize: 1024 }).done);
      await grab(() => bucket.upload(bytes(1), { key: 'a', checksum: 'MD5' }).done);
      await grab(() => bucket.upload(bytes(1), { key: 'a', metadata: { 'bad name': 'x' } }).done);
      await grab(() => bucket.upload(bytes(1), { key: '\ud800' }).done);
      await grab(() => bucket.presignGet('a', { expiresIn: 0 }));
      return errors;
    });
    const names = r.map((e) => e.split(':')[0]);
    assert.deepEqual(names, ['InvalidConfig', 'InvalidParameter', 'InvalidParameter', 'InvalidParameter', 'InvalidParameter', 'InvalidParameter', 'InvalidParameter', 'InvalidParameter', 'InvalidParameter', 'InvalidParameter'], r.join('\n'));
    assert.match(r[0], /identityPoolId/);
    assert.match(r[2], /bucket/);
    assert.match(r[3], /data/);
    assert.match(r[4], /key/);
    assert.match(r[5], /partSize/);
    assert.match(r[6], /checksum/);
    assert.match(r[7], /metadata/);
    assert.match(r[8], /key/);
    assert.match(r[9], /expiresIn/);
  } finally {
    await close();
  }
});

test('a bucket whose CORS hides ETag fails with MissingETag saying how to fix it, and leaves no upload behind', async () => {
  const user = await makeUser(POOL, 'stor-etag');
  const { page, close } = await openPage();
  try {
    const r = await page.evaluate(async (user) => {
      await setup(user);
      const hidden = new sdk.S3Bucket(creds, { bucket: 'no-etag-bucket' });
      const up = hidden.upload(bytes(11 * 1024 * 1024, 9), { key: 'x.bin' });
      const err = await up.done.then(() => null, (e) => ({ name: e.name, message: e.message }));
      const prefix = (await hidden.fullKey('x')).slice(0, -1);
      const { answer } = await hidden.request('ListMultipartUploads', { method: 'GET', query: 'prefix=' + encodeURIComponent(prefix) + '&uploads=' });
      return { err, left: answer.uploads };
    }, user);
    assert.equal(r.err?.name, 'MissingETag');
    assert.match(r.err.message, /ExposeHeaders/);
    assert.deepEqual(r.left, []);
  } finally {
    await close();
  }
});
