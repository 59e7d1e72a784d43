// The built npm package (pkg/) as files: what its JavaScript may and may not contain.
//   scripts/build.sh && node --test tests/node/package.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const PKG = new URL('../../pkg/', import.meta.url);
const jsFiles = readdirSync(PKG).filter((f) => f.endsWith('.js'));

test('the package has its JS files', () => {
  for (const f of ['index.js', 'storage.js', 'auth.js', 'cognito_wasm.js', 'cognito_wasm_storage.js']) assert.ok(jsFiles.includes(f), f);
});

test('no eval and no Function constructor: the SDK runs under script-src without unsafe-eval', () => {
  for (const f of jsFiles) {
    const code = readFileSync(new URL(f, PKG), 'utf8');
    assert.doesNotMatch(code, /\beval\s*\(/, `${f} calls eval`);
    assert.doesNotMatch(code, /\bnew\s+Function\s*\(/, `${f} uses new Function`);
    assert.doesNotMatch(code, /\bFunction\s*\(\s*['"`]/, `${f} builds a function from a string`);
  }
});

for (const glueFile of ['cognito_wasm.js', 'cognito_wasm_storage.js'])
test(`the wasm of ${glueFile} imports only crypto.getRandomValues and the wasm-bindgen runtime`, () => {
  const glue = readFileSync(new URL(glueFile, PKG), 'utf8');
  const body = glue.slice(glue.indexOf('function __wbg_get_imports()'));
  const imports = [...body.matchAll(/^\s+(__wbg_\w+?)_[0-9a-f]{16}:/gm)].map((m) => m[1]);
  assert.ok(imports.length > 0, 'found the import table');
  const webApis = imports.filter((name) => !name.startsWith('__wbg___wbindgen_'));
  assert.deepEqual([...new Set(webApis)].sort(), ['__wbg_getRandomValues']);
});

test('package.json `files` ships every module the entry imports, and the wasm', () => {
  const manifest = JSON.parse(readFileSync(new URL('package.json', PKG), 'utf8'));
  const needed = new Set(['index.js', 'storage.js', 'cognito_wasm_bg.wasm', 'cognito_wasm_storage_bg.wasm', 'index.d.ts', 'storage.d.ts']);
  const queue = ['index.js', 'storage.js'];
  while (queue.length) {
    const code = readFileSync(new URL(queue.pop(), PKG), 'utf8');
    for (const [, spec] of code.matchAll(/\bfrom\s+['"]\.\/([\w.-]+)['"]/g)) {
      if (!needed.has(spec)) {
        needed.add(spec);
        queue.push(spec);
      }
    }
  }
  for (const f of needed) assert.ok(manifest.files.includes(f), `${f} is not in package.json files`);
  for (const [entry, { types, default: js }] of Object.entries(manifest.exports).filter(([, v]) => typeof v === 'object')) {
    assert.ok(manifest.files.includes(types.slice(2)) && manifest.files.includes(js.slice(2)), `export ${entry} ships its files`);
  }
});
