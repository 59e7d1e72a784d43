// Runs in the benchmark page: signs an S3 PUT (with a session token) and presigns a GET with
// cognito-wasm's SigV4Signer, aws4fetch and @smithy/signature-v4, first checking against the
// emulator that every signature is accepted, then timing each operation in batches,
// round-robin. Results go to window.benchResult.
import init, { CognitoAuth, IdentityCredentials, SigV4Signer } from './pkg/storage.js';
import { AwsClient, SignatureV4, Sha256 } from './libs.js';

const q = new URLSearchParams(location.search);
const EMU = q.get('emulator');
const BATCHES = Number(q.get('batches') ?? 10);
const BATCH_MS = Number(q.get('batchMs') ?? 250);
const WARMUP = Number(q.get('warmup') ?? 1);
const REGION = 'us-east-1';

/** The three signers behind one interface: sign(url) → headers to send, presign(url) → URL. */
function signers(creds) {
  const { accessKeyId, secretAccessKey, sessionToken } = creds;
  const ours = new SigV4Signer({ accessKeyId, secretAccessKey, sessionToken, region: REGION, service: 's3' });
  const aws = new AwsClient({ accessKeyId, secretAccessKey, sessionToken, region: REGION, service: 's3' });
  const smithy = new SignatureV4({ credentials: { accessKeyId, secretAccessKey, sessionToken }, region: REGION, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const request = (method, url, headers = {}) => {
    const u = new URL(url);
    return { method, protocol: u.protocol, hostname: u.hostname, port: Number(u.port), path: u.pathname, query: {}, headers: { host: u.host, ...headers } };
  };
  return {
    'cognito-wasm': {
      sync: true,
      sign: (url) => ours.sign({ method: 'PUT', url, headers: { 'content-type': 'text/plain' } }),
      presign: (url) => ours.presign({ method: 'GET', url, expiresIn: 900 }),
    },
    aws4fetch: {
      sign: async (url) => Object.fromEntries((await aws.sign(url, { method: 'PUT', headers: { 'content-type': 'text/plain' } })).headers),
      presign: async (url) => (await aws.sign(`${url}?X-Amz-Expires=900`, { method: 'GET', aws: { signQuery: true } })).url,
    },
    '@smithy/signature-v4': {
      sign: async (url) => (await smithy.sign(request('PUT', url, { 'content-type': 'text/plain', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }))).headers,
      presign: async (url) => {
        // As @aws-sdk/s3-request-presigner prepares it: S3 presigned URLs carry UNSIGNED-PAYLOAD.
        const r = await smithy.presign(request('GET', url, { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }), { expiresIn: 900 });
        return `${r.protocol}//${r.hostname}:${r.port}${r.path}?${new URLSearchParams(r.query)}`;
      },
    },
  };
}

/** Operations per second of `fn(url)` over `ms` milliseconds (sync functions are not awaited). */
async function rate(fn, url, sync, ms) {
  let n = 0;
  let t;
  const t0 = performance.now();
  if (sync) {
    do { for (let i = 0; i < 16; i++) fn(url); n += 16; } while ((t = performance.now() - t0) < ms);
  } else {
    do { await fn(url); n++; } while ((t = performance.now() - t0) < ms);
  }
  return (n * 1000) / t;
}

/** The headers a browser lets a page set (it adds Host itself). */
const sendable = (h) => Object.fromEntries(Object.entries(h).filter(([k]) => k.toLowerCase() !== 'host'));

async function main() {
  await init();
  const auth = new CognitoAuth({
    region: REGION, userPoolId: q.get('pool'), clientId: q.get('client'), identityPoolId: q.get('identityPool'), storage: 'memory',
    endpoints: { userPool: EMU, identityPool: EMU, s3: EMU + '/s3' },
  });
  const step = await auth.signIn({ username: q.get('username'), password: q.get('password') });
  if (step.step !== 'DONE') throw new Error('sign-in stopped at ' + step.step);
  const creds = await new IdentityCredentials(auth).getCredentials();
  const base = `${EMU}/s3/${q.get('bucket')}/private/${encodeURIComponent(creds.identityId)}/`;
  const impls = signers(creds);

  // Every implementation's signature must be accepted: a signed PUT, then a presigned GET of it.
  const checks = {};
  for (const [name, s] of Object.entries(impls)) {
    const url = `${base}sigv4-${name.replace(/\W/g, '')}.txt`;
    const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/plain', ...sendable(await s.sign(url)) }, body: name });
    const get = await fetch(await s.presign(url));
    checks[name] = { put: put.status, get: get.status, body: get.ok ? await get.text() : await get.text().catch(() => '') };
  }

  // The request timed: a PUT of a photo under the user's prefix.
  const url = `${base}photos/2026/IMG_0001.jpg`;
  const ops = {};
  for (const op of ['sign', 'presign']) {
    ops[op] = Object.fromEntries(Object.keys(impls).map((n) => [n, []]));
    for (let b = 0; b < WARMUP + BATCHES; b++) {
      for (const [name, s] of Object.entries(impls)) {
        const r = await rate(s[op], url, s.sync, BATCH_MS);
        if (b >= WARMUP) ops[op][name].push(r);
        await new Promise((res) => setTimeout(res, 0));
      }
    }
  }
  return { checks, ops, userAgent: navigator.userAgent };
}

window.benchResult = main().catch((e) => ({ error: String((e && e.stack) || e) }));
