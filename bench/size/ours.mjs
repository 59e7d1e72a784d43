// cognito-wasm's own entries, measured as `make size` measures them: by running scripts/size.mjs
// and reading its "entry NAME" blocks, so every entry it lists (cognito-wasm, and
// cognito-wasm/storage once built) shows up here without a second copy of its logic.
//
// scripts/size.mjs refuses to run while any of its entries is unbuilt; then the entries whose
// files are in pkg/ are measured here with the same recipe (lib/bundle.mjs: esbuild with the
// same options, the same esbuild version) and the result says so.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { ROOT, PKG } from '../lib/paths.mjs';
import { bundleBytes } from '../lib/bundle.mjs';

/** The entries scripts/size.mjs knows, for the fallback: its JS module and the wasm it loads. */
const KNOWN = [
  { name: 'cognito-wasm', js: 'index.js', wasm: 'cognito_wasm_bg.wasm' },
  { name: 'cognito-wasm/storage', js: 'storage.js', wasm: 'cognito_wasm_storage_bg.wasm' },
];

/** `{ raw, gzip, brotli }` of a buffer: gzip -9, brotli q11 (as scripts/size.mjs). */
export function sizes(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** Parses scripts/size.mjs's output into entries. */
function parse(text) {
  const entries = [];
  let current = null;
  for (const line of text.split('\n')) {
    const head = /^entry (\S+)/.exec(line);
    if (head) {
      current = { name: head[1], files: [], total: null };
      entries.push(current);
      continue;
    }
    const row = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (!current || !row) continue;
    const [raw, gzip, brotli] = row.slice(2).map(Number);
    if (row[1] === 'total') current.total = { raw, gzip, brotli };
    else current.files.push({ file: row[1], raw, gzip, brotli });
  }
  if (!entries.length || entries.some((e) => !e.total)) throw new Error(`could not read scripts/size.mjs's output:\n${text}`);
  return entries;
}

/** The built entries measured here, for when scripts/size.mjs cannot run. */
function measureBuilt() {
  return KNOWN.filter((e) => fs.existsSync(path.join(PKG, e.js)) && fs.existsSync(path.join(PKG, e.wasm))).map((e) => {
    const js = sizes(bundleBytes(path.join(PKG, e.js)));
    const wasm = sizes(fs.readFileSync(path.join(PKG, e.wasm)));
    const total = { raw: js.raw + wasm.raw, gzip: js.gzip + wasm.gzip, brotli: js.brotli + wasm.brotli };
    return { name: e.name, files: [{ file: `${e.js} bundled + minified`, ...js }, { file: e.wasm, ...wasm }], total };
  });
}

/**
 * `{ entries: [{ name, files: [{ file, raw, gzip, brotli }], total }], note }`: note is null
 * when scripts/size.mjs measured them, else why it did not.
 */
export function ourEntries() {
  try {
    const text = execFileSync(process.execPath, ['scripts/size.mjs'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { entries: parse(text), note: null };
  } catch (e) {
    const why = String(e.stderr || e.message).trim().split('\n')[0];
    const entries = measureBuilt();
    if (!entries.length) throw new Error(`scripts/size.mjs failed (${why}) and no entry is built in pkg/`);
    return { entries, note: `scripts/size.mjs did not run (${why}); the built entries were measured with its recipe` };
  }
}
