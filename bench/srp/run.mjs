// Serves bench/srp/build on 127.0.0.1, runs page.mjs in one headless Chromium page, prints the
// tables, and stops the browser and the server it started (also on failure).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, 'build');
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json', '.wasm': 'application/wasm' };

const server = http.createServer((req, res) => {
  const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
  const file = path.join(root, rel);
  if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
  fs.createReadStream(file).pipe(res);
});

/**
 * Code bytes of the SRP module's functions (names mentioning srp/montgomery, minus the
 * bench-only exports and the portable kernels only they call), from a wasm with a name section;
 * also their brotli size when compressed together (an estimate of what they add to the SDK).
 */
function srpCodeBytes(wasmPath) {
  const b = fs.readFileSync(wasmPath);
  let p = 8;
  const leb = () => { let r = 0, s = 0, x; do { x = b[p++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
  let imports = 0, bodies = [], names = new Map(), codes = [];
  while (p < b.length) {
    const id = b[p++], size = leb(), end = p + size;
    if (id === 2) { // imports: count function imports
      const n = leb();
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 2; k++) { const l = leb(); p += l; }
        const kind = b[p++];
        if (kind === 0) { leb(); imports++; }
        else if (kind === 1) { p++; const f = leb(); leb(); if (f & 1) leb(); }
        else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); }
        else if (kind === 3) { p += 2; }
        else if (kind === 4) { p++; leb(); }
      }
    } else if (id === 10) {
      const n = leb();
      for (let i = 0; i < n; i++) { const s = leb(); bodies.push(s); codes.push(b.subarray(p, p + s)); p += s; }
    } else if (id === 0) {
      const l = leb(); const name = b.subarray(p, p + l).toString(); p += l;
      if (name === 'name') {
        while (p < end) {
          const sub = b[p++], ssize = leb(), send = p + ssize;
          if (sub === 1) {
            const n = leb();
            for (let i = 0; i < n; i++) { const idx = leb(); const nl = leb(); names.set(idx, b.subarray(p, p + nl).toString()); p += nl; }
          }
          p = send;
        }
      }
    }
    p = end;
  }
  let total = 0, srp = 0;
  const picked = [];
  bodies.forEach((s, i) => {
    total += s;
    const name = names.get(i + imports) || '';
    if (/core::srp|montgomery/.test(name) && !/bench|_portable|session/i.test(name)) { srp += s; picked.push(codes[i]); }
  });
  const brotli = zlib.brotliCompressSync(Buffer.concat(picked), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return { srp, total, brotli };
}

const fmt = (x) => x.toFixed(x < 10 ? 2 : 1);

let browser;
try {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/index.html`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  const r = await page.evaluate(() => window.benchResult, undefined, { timeout: 0 });
  if (!r || r.error) throw new Error('benchmark page failed: ' + (r && r.error));

  console.log(`Browser: ${r.userAgent}`);
  console.log('\nAgreement on known answers (reference client vectors; 256-bit a: BigInt vs wasm):');
  for (const c of r.checks) console.log(`  vector ${c.vector}: SRP_A ${c.srpA ? 'agree' : 'DIFFER'}, signature ${c.signature ? 'agree' : 'DIFFER'}`);
  const ok = r.checks.every((c) => c.srpA && c.signature);

  const amp = r.claim.amplify1024;
  const rows = [
    ['Amplify v6 (@aws-amplify/auth 6.21.1, jsbn)', '1024', amp],
    ['plain JS BigInt, same math', '1024', r.claim.bigint1024],
    ['plain JS BigInt, same math', '256', r.claim.bigint256],
    ['cognito-wasm (this crate)', '1024', r.claim.wasm1024],
    ['cognito-wasm (this crate, as shipped)', '256', r.claim.wasm256],
  ];
  console.log(`\nSRP client math after the server's reply (u, x, g^x, S, HKDF, signature), ${amp.runs} runs each, interleaved, ms:`);
  console.log('| implementation | a bits | best | median | speed-up vs Amplify (median) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [name, bits, s] of rows) console.log(`| ${name} | ${bits} | ${fmt(s.best)} | ${fmt(s.median)} | ${(amp.median / s.median).toFixed(1)}× |`);

  console.log(`\nA = g^a (computed before InitiateAuth, off the critical path), ms:`);
  console.log('| implementation | a bits | best | median |');
  console.log('|---|---:|---:|---:|');
  console.log(`| Amplify v6 (random a, getAuthenticationHelper) | 1024 | ${fmt(r.a.amplify1024.best)} | ${fmt(r.a.amplify1024.median)} |`);
  console.log(`| plain JS BigInt | 256 | ${fmt(r.a.bigint256.best)} | ${fmt(r.a.bigint256.median)} |`);
  console.log(`| cognito-wasm SrpClient::new (A, R² mod N, g table) | 256 | ${fmt(r.a.wasm256.best)} | ${fmt(r.a.wasm256.median)} |`);
  const us = (x) => `${(x * 1000).toFixed(1)} µs`;
  console.log(`\nKernels, one 3072-bit Montgomery operation: SIMD square ${us(r.kernel.square)}, product ${us(r.kernel.product)}; portable square ${us(r.kernel.squarePortable)}, product ${us(r.kernel.productPortable)}`);

  const pkg = path.join(root, 'pkg');
  const wasm = fs.readFileSync(path.join(pkg, 'cognito_wasm_bg.wasm'));
  const js = fs.readFileSync(path.join(pkg, 'cognito_wasm.js'));
  const br = (x) => zlib.brotliCompressSync(x, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const named = path.join(here, 'build-names.wasm');
  if (fs.existsSync(named)) {
    const s = srpCodeBytes(named);
    console.log(`Size: SRP code (core::srp functions, bench-only code excluded; wasm-opt -Oz) ${s.srp} B of ${s.total} code bytes, ${s.brotli} B brotli on their own;`);
  }
  console.log(`      bench build (SDK + bench exports) wasm ${wasm.length} B (${br(wasm)} B brotli) + JS glue ${js.length} B (${br(js)} B brotli)`);
  if (!ok) { console.error('\nFAIL: implementations disagree'); process.exitCode = 1; }
} catch (e) {
  console.error(e && e.stack || e);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  await new Promise((r) => server.close(r));
}
