// Runs in the benchmark page, driven by bench/upload/run.mjs: signs in, takes identity-pool
// credentials, makes the test data once (a Blob, as an app gets a File from <input type=file>),
// then uploads it on request with cognito-wasm's S3Bucket or the SDK's lib-storage Upload. The
// driver reads the main thread's CPU time and the JS heap over CDP around each upload.
import init, { CognitoAuth, IdentityCredentials, S3Bucket } from './pkg/storage.js';
import * as glue from './pkg/cognito_wasm_storage.js';
import { S3Client, HeadObjectCommand, Upload, Crc32, Crc64Nvme } from './libs.js';

const q = new URLSearchParams(location.search);
const EMU = q.get('emulator');
const REGION = 'us-east-1';
const BUCKET = q.get('bucket');
const SIZE = Number(q.get('size'));
const PART = Number(q.get('partSize'));
const CONCURRENCY = Number(q.get('concurrency'));

let data; // the Blob uploaded by every run
let bucket; // cognito-wasm
let prefix; // private/<identityId>/
const clients = {}; // lib-storage's S3Client per checksum setting

/** Test data: SIZE bytes of a cheap pattern, as a Blob (the Uint8Array is dropped). */
function makeData() {
  const bytes = new Uint8Array(SIZE);
  const seed = crypto.getRandomValues(new Uint8Array(65536));
  for (let o = 0; o < SIZE; o += seed.length) bytes.set(seed.subarray(0, Math.min(seed.length, SIZE - o)), o);
  return new Blob([bytes], { type: 'application/octet-stream' });
}

window.setup = async () => {
  await init();
  const auth = new CognitoAuth({
    region: REGION, userPoolId: q.get('pool'), clientId: q.get('client'), identityPoolId: q.get('identityPool'), storage: 'memory',
    endpoints: { userPool: EMU, identityPool: EMU, s3: EMU + '/s3' },
  });
  const step = await auth.signIn({ username: q.get('username'), password: q.get('password') });
  if (step.step !== 'DONE') throw new Error('sign-in stopped at ' + step.step);
  const creds = new IdentityCredentials(auth);
  const c = await creds.getCredentials();
  prefix = `private/${c.identityId}/`;
  bucket = new S3Bucket(creds, { bucket: BUCKET, region: REGION, endpoint: EMU + '/s3' });
  const credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken };
  for (const checksums of ['WHEN_REQUIRED', 'WHEN_SUPPORTED']) {
    clients[checksums] = new S3Client({ region: REGION, endpoint: EMU + '/s3', forcePathStyle: true, credentials, requestChecksumCalculation: checksums });
  }
  data = makeData();
  return { identityId: c.identityId };
};

/** The uploads compared: name → (key) → promise of the upload's end. */
const UPLOADS = {
  'cognito-wasm': (key) => bucket.upload(data, { key, partSize: PART, concurrency: CONCURRENCY }).done,
  'cognito-wasm, CRC64NVME': (key) => bucket.upload(data, { key, partSize: PART, concurrency: CONCURRENCY, checksum: 'CRC64NVME' }).done,
  'lib-storage': (key) => sdkUpload('WHEN_REQUIRED', key),
  'lib-storage, default checksums': (key) => sdkUpload('WHEN_SUPPORTED', key),
};

function sdkUpload(checksums, key) {
  const up = new Upload({
    client: clients[checksums],
    params: { Bucket: BUCKET, Key: prefix + key, Body: data, ContentType: 'application/octet-stream' },
    partSize: PART,
    queueSize: CONCURRENCY,
    leavePartsOnError: false,
  });
  return up.done();
}

/** One upload with `name`; resolves to `{ ms, size }` (size: the stored object's, read back). */
window.upload = async (name, key) => {
  const t0 = performance.now();
  await UPLOADS[name](key);
  const ms = performance.now() - t0;
  const head = await clients.WHEN_REQUIRED.send(new HeadObjectCommand({ Bucket: BUCKET, Key: prefix + key }));
  return { ms, size: head.ContentLength };
};

window.names = () => Object.keys(UPLOADS);


/**
 * CRC throughput in MB/s (10^6 bytes): the wasm's (WasmChecksum, the copy into wasm memory
 * included) and the SDK's JS implementations, over `mib` MiB, `reps` times each.
 */
window.crc = async (mib, reps) => {
  const buf = new Uint8Array(mib * 1048576);
  for (let o = 0; o < buf.length; o += 65536) crypto.getRandomValues(buf.subarray(o, o + 65536));
  const impls = {};
  if (typeof glue.WasmChecksum === 'function') {
    for (const alg of ['CRC32', 'CRC64NVME']) {
      impls[`${alg}, cognito-wasm`] = () => { const c = new glue.WasmChecksum(alg); try { c.update(buf); return c.finish(); } finally { c.free(); } };
    }
  }
  impls['CRC32, AWS SDK v3 (JS)'] = async () => { const c = new Crc32(); c.update(buf); return c.digest(); };
  impls['CRC64NVME, AWS SDK v3 (JS)'] = async () => { const c = new Crc64Nvme(); c.update(buf); return c.digest(); };
  const out = {};
  for (const [name, f] of Object.entries(impls)) {
    await f(); // warm-up
    out[name] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await f();
      out[name].push(buf.length / 1e6 / ((performance.now() - t0) / 1000));
    }
  }
  return out;
};

