// The storage half of the combined wasm (cognito_wasm_storage.js), as bound by the
// `cognito-wasm/storage` entry's init(): SigV4 signing, checksums, S3 URLs and answers,
// identity-pool messages. Every call goes through `call`, so a thrown error (JSON text) or a trap
// becomes a named SDK error.
import { named, fix } from './auth.js';

let bound = null;

/** Sets the wasm module's exports (the storage entry's init() does). */
export function bindStorage(exports) {
  bound = exports;
}

/** The bound exports; `InvalidState` before init(). */
export function wasm() {
  if (!bound) throw named('InvalidState', "call `await init()` from 'cognito-wasm/storage' first");
  return bound;
}

/** `f(exports)`, its failures as SDK errors. */
export function call(f) {
  const w = wasm();
  try {
    return f(w);
  } catch (e) {
    throw fix(e);
  }
}

/** `f(exports)` returning JSON text, parsed. */
export function callJson(f) {
  return JSON.parse(call(f));
}

/** The Error for `{ name, message, status? }` from the wasm, keeping `status` and `retry`. */
export function errorFrom(e) {
  const err = named(e.name, e.message);
  if (e.status !== undefined) err.status = e.status;
  return err;
}

/** RFC 3986 encoding of a query value, as SigV4 and S3 expect it. */
export function queryValue(v) {
  return call((w) => w.s3QueryValue(String(v)));
}
