// cognito-wasm/storage: the npm entry for apps that use identity pools and S3 as well as sign-in.
// `await init()` once (this one, not the `cognito-wasm` entry's), then `new CognitoAuth(config)`,
// `new IdentityCredentials(auth)`, `new S3Bucket(credentials, { bucket })`.
//
// init() loads one wasm, built from the same sources as the `cognito-wasm` entry's with the
// storage code added (feature `storage`), and binds both drivers to it: the auth driver
// (./auth.js) and the storage driver (./credentials.js, ./s3.js, ./upload.js, ./signer.js). An app
// that only signs users in never downloads this wasm. Importing this module does no work.
import wasmInit, * as wasm from './cognito_wasm_storage.js';
import { bind } from './auth.js';
import { loadWasm } from './load.js';
import { bindStorage } from './wasm-storage.js';

export { CognitoError, isCognitoError } from './auth.js';
export { CognitoAuth, IdentityCredentials } from './credentials.js';
export { S3Bucket } from './s3.js';
export { SigV4Signer } from './signer.js';

let ready = null;

/**
 * Loads and instantiates the combined WebAssembly module (once; later calls return the same
 * promise). `input` is optional: a URL, Response, BufferSource or WebAssembly.Module to load
 * instead of the bundled `cognito_wasm_storage_bg.wasm`.
 */
export default function init(input) {
  if (!ready) {
    ready = (async () => {
      // The URL is written out here, literally, so bundlers see and emit the .wasm.
      await loadWasm(wasmInit, new URL('./cognito_wasm_storage_bg.wasm', import.meta.url), 'cognito_wasm_storage_bg.wasm', input);
      bind((config) => new wasm.WasmSession(config));
      bindStorage(wasm);
    })();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}
export { init };
