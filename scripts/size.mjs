// Prints raw, gzip -9 and brotli (q11) sizes of what an app downloads from pkg/: the .wasm, the
// wasm-bindgen glue and the hand-written entry, and their sum — once as shipped, and once with
// the JS minified by esbuild (as an app's bundler does, and as the incumbents' figures in
// ../shared/notes/measurements.md were taken: esbuild --bundle --minify, brotli q11).
// Usage: node scripts/size.mjs [dir]
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { transformSync } from 'esbuild';

const BUDGET_KIB = 40;
const dir = process.argv[2] || 'pkg';
const files = ['cognito_wasm_bg.wasm', 'cognito_wasm.js', 'index.js'];
for (const f of files) {
  if (!existsSync(`${dir}/${f}`)) {
    console.error(`no ${dir}/${f}: run make build first`);
    process.exit(1);
  }
}
const sizes = (buf) => [
  buf.length,
  gzipSync(buf, { level: 9 }).length,
  brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
];
const row = (name, [raw, gz, br]) =>
  console.log(`${name.padEnd(28)} ${String(raw).padStart(9)} ${String(gz).padStart(9)} ${String(br).padStart(9)}`);
const kib = (n) => (n / 1024).toFixed(1);

function table(title, transform) {
  console.log(`\n${title}`);
  row('file', ['raw B', 'gzip B', 'brotli B']);
  let total = [0, 0, 0];
  for (const f of files) {
    let buf = readFileSync(`${dir}/${f}`);
    if (transform && f.endsWith('.js')) buf = Buffer.from(transform(buf.toString()));
    const s = sizes(buf);
    total = total.map((t, i) => t + s[i]);
    row(f, s);
  }
  row('total', total);
  return total;
}

const shipped = table('as shipped (pkg/)');
const min = table('JS minified (esbuild --minify), as an app bundles it',
  (code) => transformSync(code, { minify: true, format: 'esm' }).code);
console.log(`\ntotal as shipped: ${kib(shipped[2])} KiB brotli; bundled (JS minified): ${kib(min[0])} KiB raw, ${kib(min[1])} KiB gzip, ${kib(min[2])} KiB brotli — budget ${BUDGET_KIB} KiB brotli`);
