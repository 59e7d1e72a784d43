// cognito-wasm/storage from Node 20+ (no XMLHttpRequest: uploads go through fetch, progress per
// finished part), against the emulator:
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/storage_node.test.mjs
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import init, { CognitoAuth, IdentityCredentials, S3Bucket, SigV4Signer } from '../../pkg/storage.js';
import { EMULATOR, makeUser } from './support.mjs';

const MiB = 1024 * 1024;
const config = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_TestPool1',
  clientId: 'testclient0000000000000001',
  identityPoolId: 'us-east-1:7e57e57e-0000-4000-8000-000000000001',
  storage: 'memory',
  endpoints: { userPool: EMULATOR, identityPool: EMULATOR, s3: EMULATOR + '/s3' },
};

/** n pseudo-random bytes (deterministic). */
function bytes(n, seed) {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
const sha = (b) => createHash('sha256').update(b).digest('hex');

before(async () => {
  await init();
});

test('Node: guest credentials, then a signed-in user uploads (one request and multipart), lists, presigns, deletes', async () => {
  const auth = new CognitoAuth(config);
  const creds = new IdentityCredentials(auth);
  const guest = await creds.getCredentials();
  assert.match(guest.identityId, /^us-east-1:/);
  assert.ok(guest.expiration instanceof Date);

  const { username, password } = await makeUser('us-east-1_TestPool1', 'node-stor');
  await auth.signIn({ username, password });
  const mine = await creds.getCredentials();
  assert.notEqual(mine.identityId, guest.identityId);

  const bucket = new S3Bucket(creds, { bucket: 'test-bucket' });
  const small = bytes(1000, 1);
  const r1 = await bucket.upload(small, { key: 'node/small.bin', checksum: 'CRC32' }).done;
  assert.equal(r1.key, `private/${mine.identityId}/node/small.bin`);

  const big = new Blob([bytes(11 * MiB + 5, 2)]);
  const seen = [];
  const r2 = await bucket.upload(big, { key: 'node/big.bin', checksum: 'CRC64NVME', onProgress: (p) => seen.push(p.loaded) }).done;
  assert.match(r2.etag, /-3"$/);
  assert.equal(seen.at(-1), 11 * MiB + 5);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1]);

  const listed = await bucket.list({ prefix: 'node/' });
  assert.deepEqual(listed.objects.map((o) => o.key).sort(), ['node/big.bin', 'node/small.bin']);
  const back = Buffer.from(await (await fetch(await bucket.presignGet('node/big.bin'))).arrayBuffer());
  assert.equal(sha(back), sha(Buffer.from(await big.arrayBuffer())));
  await bucket.delete('node/big.bin');
  await bucket.delete('node/small.bin');
  assert.equal((await bucket.list({ prefix: 'node/' })).objects.length, 0);
  await auth.signOut();
});

test('Node: SigV4Signer signs a request S3 accepts, and refuses bad input by name', async () => {
  const auth = new CognitoAuth(config);
  const c = await new IdentityCredentials(auth).getCredentials();
  const signer = new SigV4Signer({ ...c, region: 'us-east-1' });
  // Guests may read the bucket's public/ prefix (empty here): a signed list is accepted.
  const url = `${EMULATOR}/s3/test-bucket/?list-type=2&prefix=public%2F`;
  const res = await fetch(url, { headers: signer.sign({ method: 'GET', url }) });
  assert.equal(res.status, 200, await res.text());
  assert.throws(() => new SigV4Signer({ accessKeyId: 'A' }), { name: 'InvalidParameter', message: /secretAccessKey/ });
  assert.throws(() => signer.presign({ url, expiresIn: 604801 }), { name: 'InvalidParameter', message: /expiresIn/ });
  signer.free();
});
