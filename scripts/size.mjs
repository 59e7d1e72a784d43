// Prints raw, gzip -9 and brotli (q11) sizes of what an app downloads from pkg/: the .wasm, the
// wasm-bindgen glue and the hand-written entry, and their sum. Usage: node scripts/size.mjs [dir]
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const dir = process.argv[2] || 'pkg';
const files = ['cognito_wasm_bg.wasm', 'cognito_wasm.js', 'index.js'].filter((f) => existsSync(`${dir}/${f}`));
if (!files.length) {
  console.error(`no build in ${dir}/: run make build first`);
  process.exit(1);
}
const row = (name, raw, gz, br) =>
  console.log(`${name.padEnd(24)} ${String(raw).padStart(9)} ${String(gz).padStart(9)} ${String(br).padStart(9)}`);
const kib = (n) => (n / 1024).toFixed(1);
row('file', 'raw B', 'gzip B', 'brotli B');
let total = [0, 0, 0];
for (const f of files) {
  const buf = readFileSync(`${dir}/${f}`);
  const sizes = [
    buf.length,
    gzipSync(buf, { level: 9 }).length,
    brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  ];
  total = total.map((t, i) => t + sizes[i]);
  row(f, ...sizes);
}
row('total', ...total);
console.log(`total: ${kib(total[0])} KiB raw, ${kib(total[1])} KiB gzip, ${kib(total[2])} KiB brotli (budget 40 KiB brotli)`);
