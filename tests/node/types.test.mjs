// The package's TypeScript declarations (pkg/index.d.ts) compile, strict, with the usage in
// tests/types/usage.ts:
//   scripts/build.sh && node --test tests/node/types.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

for (const lib of [['ES2022', 'DOM'], ['ES2022']]) {
test(`index.d.ts compiles strict against an app using every call (lib: ${lib.join(', ')})`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'cognito-wasm-types-'));
  try {
    // A project that depends on the package as an app does: node_modules/cognito-wasm.
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    cpSync(join(ROOT, 'pkg'), join(dir, 'node_modules/cognito-wasm'), { recursive: true });
    cpSync(join(ROOT, 'tests/types/usage.ts'), join(dir, 'usage.ts'));
    cpSync(join(ROOT, 'tests/types/storage-usage.ts'), join(dir, 'storage-usage.ts'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'ES2022', module: 'ES2022', moduleResolution: 'bundler',
        lib, skipLibCheck: false, types: [],
      },
      files: ['usage.ts', 'storage-usage.ts'],
    }));
    let out = '';
    try {
      out = execFileSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
    } catch (e) {
      out = String(e.stdout) + String(e.stderr);
      assert.fail(out);
    }
    assert.equal(out.trim(), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
}
