// Part 3, SigV4: signing an S3 PUT with a session token, and presigning a GET, in one Chromium
// page: cognito-wasm's SigV4Signer (the call across the JS↔wasm boundary included) against
// aws4fetch and @smithy/signature-v4 (with @aws-crypto/sha256-browser, as the SDK's browser
// clients use it), in operations per second. Every signature is first checked against the
// emulator's S3 (a real PUT and a presigned GET with credentials from its identity pool).
import path from 'node:path';
import { BENCH, PKG } from '../lib/paths.mjs';
import { serve } from '../lib/server.mjs';
import { launchChromium, pageResult } from '../lib/browser.mjs';
import { bundleTo } from '../lib/bundle.mjs';
import { makeUser, SEED } from '../lib/emulator.mjs';
import { needStorageEntry } from '../lib/skip.mjs';
import { summarize, ratio } from '../lib/stats.mjs';
import { opsPerSec } from '../lib/format.mjs';
import { versionOf } from '../lib/machine.mjs';

const HERE = path.join(BENCH, 'sigv4');
const GOAL = 5; // × aws4fetch

export async function run({ smoke, out, emulator }) {
  needStorageEntry();
  const build = path.join(out, 'sigv4');
  bundleTo(path.join(HERE, 'libs.mjs'), path.join(build, 'libs.js'));
  const user = await makeUser(emulator.url, 'bench-sigv4');
  const query = new URLSearchParams({
    emulator: emulator.url, pool: SEED.userPoolId, client: SEED.clientId, identityPool: SEED.identityPoolId, bucket: SEED.bucket,
    username: user.username, password: user.password,
    ...(smoke ? { batches: '1', batchMs: '20', warmup: '0' } : { batches: '10', batchMs: '250', warmup: '1' }),
  });

  const server = await serve([['/libs.js', path.join(build, 'libs.js')], ['/pkg/', PKG], ['/', HERE]]);
  const browser = await launchChromium();
  const browserVersion = browser.version;
  let r;
  try {
    r = await pageResult(await browser.newContext(), `${server.origin}/index.html?${query}`);
  } finally {
    await browser.close();
    await server.close();
  }
  for (const [name, c] of Object.entries(r.checks)) {
    if (c.put !== 200 || c.get !== 200 || c.body !== name) throw new Error(`${name}'s signature was refused by the emulator: PUT ${c.put}, presigned GET ${c.get} ${c.body.slice(0, 200)}`);
  }

  const names = Object.keys(r.ops.sign);
  const label = { 'cognito-wasm': 'cognito-wasm SigV4Signer', aws4fetch: `aws4fetch ${versionOf('aws4fetch')}`, '@smithy/signature-v4': `@smithy/signature-v4 ${versionOf('@smithy/signature-v4')}` };
  const s = Object.fromEntries(['sign', 'presign'].map((op) => [op, Object.fromEntries(names.map((n) => [n, summarize(r.ops[op][n])]))]));
  const cell = (x) => `${opsPerSec(x.median)} (${opsPerSec(x.min)}–${opsPerSec(x.max)})`;
  const vs = (op, n, base) => ratio(s[op][n].median, s[op][base].median);
  const chart = (op, title) => ({
    title, unit: 'operations per second', better: 'higher',
    bars: names.map((n) => ({ label: n, value: s[op][n].median, min: s[op][n].min, max: s[op][n].max, text: opsPerSec(s[op][n].median), ours: n === 'cognito-wasm' })),
  });
  const ours = (op) => s[op]['cognito-wasm'].median / s[op].aws4fetch.median;
  return {
    browser: browserVersion,
    tables: [{
      id: 'sigv4',
      title: 'SigV4 signing',
      intro: `Operations per second, median (min–max) of ${s.sign[names[0]].n} batches of ${smoke ? 20 : 250} ms each, round-robin in one page. ` +
        "sign: an S3 PUT with a session token and a content-type header, UNSIGNED-PAYLOAD, giving the headers to send; presign: a GET valid 900 s. The JS signers are async (Web Crypto), each call awaited; cognito-wasm's is synchronous.",
      columns: ['implementation', 'sign PUT, ops/s', 'vs aws4fetch', 'presign GET, ops/s', 'vs aws4fetch'],
      align: ['l', 'r', 'r', 'r', 'r'],
      rows: names.map((n) => ({ ours: n === 'cognito-wasm', cells: [label[n], cell(s.sign[n]), vs('sign', n, 'aws4fetch'), cell(s.presign[n]), vs('presign', n, 'aws4fetch')] })),
      chart: [chart('sign', 'SigV4: sign an S3 PUT (session token)'), chart('presign', 'SigV4: presign an S3 GET')],
      notes: ['Each implementation\'s signed PUT and presigned GET were accepted by the emulator\'s S3 (which recomputes the signature with aws-sigv4) before timing.'],
    }],
    goals: [
      { goal: `SigV4 sign ≥ ${GOAL}× aws4fetch`, figure: ratio(s.sign['cognito-wasm'].median, s.sign.aws4fetch.median), met: ours('sign') >= GOAL },
      { goal: `SigV4 presign ≥ ${GOAL}× aws4fetch`, figure: ratio(s.presign['cognito-wasm'].median, s.presign.aws4fetch.median), met: ours('presign') >= GOAL },
    ],
    summary: [{ what: 'SigV4 sign an S3 PUT (ops/s)', ours: opsPerSec(s.sign['cognito-wasm'].median), incumbent: `${opsPerSec(s.sign.aws4fetch.median)} (aws4fetch)`, ratio: `${vs('sign', 'cognito-wasm', 'aws4fetch')} faster` }],
  };
}
