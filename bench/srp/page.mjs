// Runs in the benchmark page: checks that the three implementations agree on known answers,
// then times them one after another in this same page. Results go to window.benchResult.
import { amplifyHelper, amplifyRandomHelper, amplifyA, amplifyClaim, bigintClient, bigintA, bigintClaim } from './libs.js';
import init, { SrpBench, benchKernel } from './pkg/cognito_wasm.js';

// Runs and warm-up calls per implementation: ?runs=N&warmup=M (the smoke run uses 1 and 0).
const query = new URLSearchParams(location.search);
const RUNS = Number(query.get('runs') ?? 30);
const WARMUP = Number(query.get('warmup') ?? 3);
// A fixed 256-bit a (the size cognito-wasm draws) so BigInt and wasm can be compared exactly.
const A256 = 'c7e1f6a05b3d2e4f8a9b0c1d2e3f405162738495a6b7c8d9eaf0b1c2d3e4f5a6';

/** The samples themselves; bench/srp/run.mjs summarizes them (median, min, max). */
const stats = (times) => times;

/**
 * Times each named function RUNS times (after WARMUP untimed calls), round-robin — one call of
 * each in turn — so load from other processes on the machine falls on all of them alike.
 */
async function timeAll(fns) {
  const names = Object.keys(fns);
  for (let i = 0; i < WARMUP; i++) for (const n of names) await fns[n]();
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const n of names) {
      const t0 = performance.now();
      await fns[n]();
      times[n].push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  return Object.fromEntries(names.map((n) => [n, stats(times[n])]));
}

const time = async (fn) => (await timeAll({ fn })).fn;

async function main() {
  await init();
  const vectors = (await (await fetch('./vectors.json')).json()).vectors;
  const out = { checks: [], claim: {}, a: {}, kernel: {} };

  // Agreement on known answers (1024-bit a from the vectors): all three must produce the
  // reference client's SRP_A and signature, so the timings below compare equal work.
  for (const i of [0, 2, 4]) {
    const v = vectors[i];
    const pool = v.poolName;
    const amp = await amplifyHelper(pool, v.smallA);
    const big = bigintClient(v.smallA);
    const wasm = SrpBench.withSecretHex(v.smallA);
    const sigs = {
      amplify: await amplifyClaim(amp, pool, v, v.timestamp),
      bigint: bigintClaim(big, pool, v, v.timestamp),
      wasm: wasm.passwordClaimSignature(pool, v.username, v.password, v.salt, v.srpB, v.secretBlock, v.timestamp),
    };
    const as = { amplify: amplifyA(amp), bigint: bigintA(big), wasm: wasm.srpAHex() };
    wasm.free();
    out.checks.push({
      vector: i,
      srpA: Object.values(as).every((x) => x === v.srpA),
      signature: Object.values(sigs).every((x) => x === v.passwordClaimSignature),
      sigs,
    });
  }
  // With a 256-bit a there is no reference answer; BigInt and wasm must agree with each other.
  const v = vectors[0];
  const pool = v.poolName;
  const big256 = bigintClient(A256);
  const wasm256 = SrpBench.withSecretHex(A256);
  const sigB = bigintClaim(big256, pool, v, v.timestamp);
  const sigW = wasm256.passwordClaimSignature(pool, v.username, v.password, v.salt, v.srpB, v.secretBlock, v.timestamp);
  out.checks.push({ vector: '0 with 256-bit a', srpA: bigintA(big256) === wasm256.srpAHex(), signature: sigB === sigW, sigs: { bigint: sigB, wasm: sigW } });

  // Client math after the server's reply (u, x, g^x, S, HKDF, signature), A precomputed.
  const amp1024 = await amplifyHelper(pool, v.smallA);
  const big1024 = bigintClient(v.smallA);
  const wasm1024 = SrpBench.withSecretHex(v.smallA);
  const expect = v.passwordClaimSignature;
  const must = (sig) => { if (sig !== expect) throw new Error('wrong signature during timing'); };
  const wasmClaim = (c) => c.passwordClaimSignature(pool, v.username, v.password, v.salt, v.srpB, v.secretBlock, v.timestamp);
  out.claim = await timeAll({
    amplify1024: async () => must(await amplifyClaim(amp1024, pool, v, v.timestamp)),
    bigint1024: () => must(bigintClaim(big1024, pool, v, v.timestamp)),
    bigint256: () => { if (bigintClaim(big256, pool, v, v.timestamp) !== sigB) throw new Error('bigint'); },
    wasm1024: () => must(wasmClaim(wasm1024)),
    wasm256: () => { if (wasmClaim(wasm256) !== sigW) throw new Error('wasm'); },
  });

  // A = g^a (before InitiateAuth, off the critical path), as each client makes it.
  const rand256 = () => Array.from(crypto.getRandomValues(new Uint8Array(32)), (x) => x.toString(16).padStart(2, '0')).join('');
  out.a = await timeAll({
    amplify1024: async () => { await amplifyRandomHelper(pool); },
    bigint256: () => { bigintClient(rand256()); },
    wasm256: () => { SrpBench.withRandomSecret().free(); },
  });

  // Kernel speed: one Montgomery square / product (3072-bit, in the dispatching kernel).
  const kernel = async (id) => {
    const t = [...(await time(() => benchKernel(id, 200)))].sort((x, y) => x - y);
    return t[t.length >> 1] / 200;
  };
  out.kernel = { square: await kernel(0), product: await kernel(1), squarePortable: await kernel(2), productPortable: await kernel(3) };
  out.userAgent = navigator.userAgent;
  wasm1024.free();
  wasm256.free();
  return out;
}

window.benchResult = main().catch((e) => ({ error: String(e && e.stack || e) }));
