// Part 2, SRP client CPU: Amplify v6's SRP math vs the same math in plain JS BigInt vs
// cognito-wasm, timed round-robin in one headless Chromium page (page.mjs) after all three agree
// on the reference client's known answers. The wasm is the bench build scripts/bench.sh makes
// (cargo feature `bench`: the shipped SRP code plus entry points that time it) in OUT/srp/pkg.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { BENCH, ROOT } from '../lib/paths.mjs';
import { serve } from '../lib/server.mjs';
import { launchChromium, pageResult } from '../lib/browser.mjs';
import { bundleTo } from '../lib/bundle.mjs';
import { readWasm } from '../lib/wasm.mjs';
import { summarize, ratio } from '../lib/stats.mjs';
import { ms, spread } from '../lib/format.mjs';
import { versionOf } from '../lib/machine.mjs';

const HERE = path.join(BENCH, 'srp');
const br = (x) => zlib.brotliCompressSync(x, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

/**
 * Code bytes of the SRP module's functions (names mentioning core::srp / montgomery, minus the
 * bench-only exports and the portable kernels only they call) in a wasm that kept its names, and
 * their brotli size compressed together (an estimate of what they add to the SDK).
 */
function srpCodeBytes(file) {
  const { functions } = readWasm(fs.readFileSync(file));
  const picked = functions.filter((f) => /core::srp|montgomery/.test(f.name) && !/bench|_portable|session/i.test(f.name));
  const total = functions.reduce((n, f) => n + f.size, 0);
  return { srp: picked.reduce((n, f) => n + f.size, 0), total, brotli: br(Buffer.concat(picked.map((f) => f.body))) };
}

/** Runs the part; `ctx`: `{ smoke, out }`. Resolves to the part's result (tables, goals, notes). */
export async function run({ smoke, out }) {
  const build = path.join(out, 'srp');
  const pkg = path.join(build, 'pkg');
  if (!fs.existsSync(path.join(pkg, 'cognito_wasm_bg.wasm'))) throw new Error(`no ${pkg}: scripts/bench.sh builds it`);
  bundleTo(path.join(HERE, 'libs.mjs'), path.join(build, 'libs.js'));

  const server = await serve([
    ['/libs.js', path.join(build, 'libs.js')],
    ['/vectors.json', path.join(ROOT, 'tests/fixtures/srp/cognito-srp-vectors.json')],
    ['/pkg/', pkg],
    ['/', HERE],
  ]);
  const browser = await launchChromium();
  const browserVersion = browser.version;
  let r;
  try {
    const context = await browser.newContext();
    r = await pageResult(context, `${server.origin}/index.html?${smoke ? 'runs=1&warmup=0' : 'runs=30&warmup=3'}`);
  } finally {
    await browser.close();
    await server.close();
  }

  const bad = r.checks.filter((c) => !c.srpA || !c.signature);
  if (bad.length) throw new Error(`the implementations disagree on ${bad.map((c) => `vector ${c.vector}`).join(', ')}`);

  const claim = Object.fromEntries(Object.entries(r.claim).map(([k, v]) => [k, summarize(v)]));
  const a = Object.fromEntries(Object.entries(r.a).map(([k, v]) => [k, summarize(v)]));
  const amp = claim.amplify1024;
  const authVersion = versionOf('@aws-amplify/auth');
  const rows = [
    { label: `Amplify v6 (@aws-amplify/auth ${authVersion}, jsbn)`, short: 'Amplify v6', bits: 1024, s: amp },
    { label: 'plain JS BigInt, same math', short: 'JS BigInt', bits: 1024, s: claim.bigint1024 },
    { label: 'plain JS BigInt, same math', short: 'JS BigInt', bits: 256, s: claim.bigint256 },
    { label: 'cognito-wasm', short: 'cognito-wasm', bits: 1024, s: claim.wasm1024, ours: true },
    { label: 'cognito-wasm, as shipped', short: 'cognito-wasm, as shipped', bits: 256, s: claim.wasm256, ours: true },
  ];
  const shipped = claim.wasm256;

  const notes = [
    `All three first agree on the reference client's vectors (SRP_A and the signature; with a 256-bit a, BigInt and wasm agree with each other). ${amp.n} runs each, interleaved.`,
    `Kernels, one 3072-bit Montgomery operation (median): SIMD square ${(r.kernel.square * 1000).toFixed(1)} µs, product ${(r.kernel.product * 1000).toFixed(1)} µs; portable square ${(r.kernel.squarePortable * 1000).toFixed(1)} µs, product ${(r.kernel.productPortable * 1000).toFixed(1)} µs.`,
  ];
  const named = path.join(build, 'names.wasm');
  if (fs.existsSync(named)) {
    const s = srpCodeBytes(named);
    notes.push(`SRP code in the wasm (core::srp functions, bench-only code excluded; wasm-opt -Oz): ${s.srp.toLocaleString('en-US')} B of ${s.total.toLocaleString('en-US')} code bytes, ${s.brotli.toLocaleString('en-US')} B brotli on their own.`);
  }

  return {
    browser: browserVersion,
    tables: [
      {
        id: 'srp',
        title: 'SRP sign-in math',
        intro: "The client math after the server's reply (u, x, g^x, S, HKDF, signature), in one headless Chromium page; ms, median (min–max).",
        columns: ['implementation', 'a bits', 'ms', 'vs Amplify (median)'],
        align: ['l', 'r', 'r', 'r'],
        rows: rows.map((x) => ({ ours: x.ours, cells: [x.label, String(x.bits), spread(x.s), ratio(amp.median, x.s.median)] })),
        chart: {
          title: 'SRP client math per sign-in',
          unit: 'ms',
          better: 'lower',
          bars: rows.map((x) => ({ label: `${x.short} (${x.bits}-bit a)`, value: x.s.median, min: x.s.min, max: x.s.max, text: `${ms(x.s.median)} ms`, ours: x.ours })),
        },
        notes,
      },
      {
        id: 'srp-a',
        title: 'SRP: A = g^a',
        intro: 'A = g^a, computed before InitiateAuth is sent (off the critical path); ms, median (min–max).',
        columns: ['implementation', 'a bits', 'ms'],
        align: ['l', 'r', 'r'],
        rows: [
          { cells: ['Amplify v6 (random a, getAuthenticationHelper)', '1024', spread(a.amplify1024)] },
          { cells: ['plain JS BigInt', '256', spread(a.bigint256)] },
          { ours: true, cells: ['cognito-wasm SrpClient::new (A, R² mod N, g table)', '256', spread(a.wasm256)] },
        ],
        chart: {
          title: 'SRP: A = g^a, before InitiateAuth',
          unit: 'ms',
          better: 'lower',
          readme: false,
          bars: [['Amplify v6 (1024-bit a)', a.amplify1024], ['JS BigInt (256-bit a)', a.bigint256], ['cognito-wasm (256-bit a)', a.wasm256, true]]
            .map(([label, x, ours]) => ({ label, value: x.median, min: x.min, max: x.max, text: `${ms(x.median)} ms`, ours })),
        },
      },
    ],
    goals: [{ goal: 'SRP client math ≥ 20× Amplify v6 (as shipped)', figure: ratio(amp.median, shipped.median), met: amp.median / shipped.median >= 20 }],
    summary: [{ what: 'SRP math per sign-in (ms)', ours: ms(shipped.median), incumbent: `${ms(amp.median)} (Amplify v6)`, ratio: `${ratio(amp.median, shipped.median)} faster` }],
  };
}
