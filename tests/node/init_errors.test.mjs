// init()'s failures and the SDK's error class, from the built package (pkg/):
//   scripts/build.sh && node --test tests/node/init_errors.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import init, { CognitoAuth, CognitoError, isCognitoError } from '../../pkg/index.js';

test('a web page where the .wasm should be is a WasmLoadError that says the fix; init() can then be retried', async () => {
  const html = new TextEncoder().encode('<!doctype html><html><body>app</body></html>');
  const e = await init(html).then(() => null, (err) => err);
  assert.ok(isCognitoError(e), String(e));
  assert.equal(e.name, 'WasmLoadError');
  assert.equal(e.code, 'WasmLoadError');
  assert.match(e.message, /web page instead of the \.wasm/);
  assert.match(e.message, /optimizeDeps: \{ exclude: \['cognito-wasm'\] \}/);
  assert.ok(e.cause instanceof Error, 'the original error is kept as the cause');
  await init();
});

test('SDK errors are CognitoError instances; other values are not', async () => {
  await init();
  let e;
  try {
    new CognitoAuth({ region: 'us-east-1' });
  } catch (err) {
    e = err;
  }
  assert.ok(e instanceof CognitoError);
  assert.ok(isCognitoError(e));
  assert.equal(e.name, 'InvalidConfig');
  assert.ok(!isCognitoError(new Error('x')));
  assert.ok(!isCognitoError({ name: 'InvalidConfig', code: 'InvalidConfig' }));
  assert.ok(!isCognitoError(undefined));
});
