// cognito-wasm: the npm entry. `await init()` once, then `new CognitoAuth(config)`.
//
// init() loads the .wasm (./load.js: fetched in browsers and bundlers, read from disk in Node
// 20+), then hands the wasm session class to the driver (./auth.js). Importing this module does
// no work. Apps that also use S3 import everything from `cognito-wasm/storage` instead
// (./storage.js): its init() loads one combined wasm that serves both.
import wasmInit, { WasmSession } from './cognito_wasm.js';
import { bind } from './auth.js';
import { loadWasm } from './load.js';

export { CognitoAuth, CognitoError, isCognitoError } from './auth.js';

let ready = null;

/**
 * Loads and instantiates the WebAssembly module (once; later calls return the same promise).
 * `input` is optional: a URL, Response, BufferSource or WebAssembly.Module to load instead of
 * the bundled `cognito_wasm_bg.wasm`.
 */
export default function init(input) {
  if (!ready) {
    ready = (async () => {
      // The URL is written out here, literally, so bundlers see and emit the .wasm.
      await loadWasm(wasmInit, new URL('./cognito_wasm_bg.wasm', import.meta.url), 'cognito_wasm_bg.wasm', input);
      bind((config) => new WasmSession(config));
    })();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}
export { init };
