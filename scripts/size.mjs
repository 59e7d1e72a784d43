// What an app downloads for each npm entry of pkg/, measured as an app's bundler ships it: the
// entry bundled and minified by esbuild (--bundle --minify --format=esm --platform=browser, as
// the incumbents' figures in docs/size.md were taken) plus the .wasm it loads, each raw, gzip -9
// and brotli q11.
//
//   node scripts/size.mjs [--check] [--update]
//
// --check: exit 1 when an entry's brotli total is more than 1 % over the figure recorded in
//          scripts/size-budget.json (the ratchet `make test` enforces);
// --update: record today's figures there (do it in every change that makes the SDK smaller).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { buildSync } from 'esbuild';

// PKG_DIR: measure another build of the package (OUT=... scripts/build.sh).
const PKG = process.env.PKG_DIR ?? 'pkg';
const BUDGET_FILE = 'scripts/size-budget.json';
const TOLERANCE = 0.01;
/** The project's goals (KiB brotli), from the README. */
const GOALS = { 'cognito-wasm': 32, 'cognito-wasm/storage': 44 };
/** Each entry: its JS module and the wasm it loads. */
const ENTRIES = [
  { name: 'cognito-wasm', js: 'index.js', wasm: 'cognito_wasm_bg.wasm' },
  { name: 'cognito-wasm/storage', js: 'storage.js', wasm: 'cognito_wasm_storage_bg.wasm' },
];

const args = new Set(process.argv.slice(2));
for (const e of ENTRIES) {
  for (const f of [e.js, e.wasm]) {
    if (!existsSync(`${PKG}/${f}`)) {
      console.error(`no ${PKG}/${f}: run make build first`);
      process.exit(1);
    }
  }
}

const sizes = (buf) => [
  buf.length,
  gzipSync(buf, { level: 9 }).length,
  brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
];
const col = (v) => String(v).padStart(9);
const row = (name, [raw, gz, br]) => console.log(`${name.padEnd(34)}${col(raw)}${col(gz)}${col(br)}`);
const kib = (n) => (n / 1024).toFixed(1);

function bundle(entry) {
  const out = buildSync({
    entryPoints: [`${PKG}/${entry}`],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'error',
  });
  return Buffer.from(out.outputFiles[0].contents);
}

const budget = existsSync(BUDGET_FILE) ? JSON.parse(readFileSync(BUDGET_FILE, 'utf8')) : {};
const measured = {};
let over = false;
for (const e of ENTRIES) {
  console.log(`\nentry ${e.name}`);
  row('file', ['raw B', 'gzip B', 'brotli B']);
  const js = sizes(bundle(e.js));
  const wasm = sizes(readFileSync(`${PKG}/${e.wasm}`));
  const total = js.map((v, i) => v + wasm[i]);
  row(`${e.js} bundled + minified`, js);
  row(e.wasm, wasm);
  row('total', total);
  measured[e.name] = { brotli: total[2], jsBrotli: js[2], wasmBrotli: wasm[2] };
  const goal = GOALS[e.name];
  const recorded = budget[e.name]?.brotli;
  let line = `${e.name}: ${kib(total[2])} KiB brotli (${total[2]} B; JS ${js[2]} + wasm ${wasm[2]})`;
  if (goal) line += `, goal ≤ ${goal} KiB: ${total[2] <= goal * 1024 ? 'met' : 'not met'}`;
  if (recorded) {
    const limit = Math.floor(recorded * (1 + TOLERANCE));
    line += `; recorded ${recorded} B, limit ${limit} B`;
    if (total[2] > limit) {
      over = true;
      line += ' — OVER';
    }
  }
  console.log(line);
}

if (args.has('--update')) {
  writeFileSync(BUDGET_FILE, JSON.stringify(measured, null, 2) + '\n');
  console.log(`\nrecorded in ${BUDGET_FILE}`);
}
if (args.has('--check')) {
  if (over) {
    console.log(`\nsize: an entry grew more than ${TOLERANCE * 100} % over ${BUDGET_FILE}.`);
    console.log('Make it smaller, or if the growth is worth it, record the new figure with');
    console.log('`node scripts/size.mjs --update` and say why in the commit.');
    process.exit(1);
  }
  const missing = ENTRIES.filter((e) => !budget[e.name]);
  if (missing.length) {
    console.log(`\nsize: no figure recorded for ${missing.map((e) => e.name).join(', ')} in ${BUDGET_FILE}`);
    process.exit(1);
  }
  console.log('\nsize: every entry within its recorded figure');
}
