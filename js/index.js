// cognito-wasm: the npm entry. `await init()` once, then `new CognitoAuth(config)`.
//
// init() loads the .wasm in browsers and bundlers (fetch of a URL beside this file, which Vite
// and webpack rewrite) and in Node 20+ (where fetch of a file: URL fails, so the file is read
// with node:fs), then hands the wasm session class to the driver (./auth.js). Importing this
// module does no work.
import wasmInit, { WasmSession } from './cognito_wasm.js';
import { bind, named } from './auth.js';

export { CognitoAuth, CognitoError, isCognitoError } from './auth.js';

let ready = null;

/** Why the .wasm did not load, as a `WasmLoadError` that says what to do. */
function loadError(e) {
  const why = e instanceof Error ? e.message : String(e);
  // `<!do` (3c 21 64 6f) where the wasm magic word should be: a web page came back.
  const html = /found 3c 21|found 3c 68|magic word/i.test(why) && /3c/.test(why);
  const hint = html
    ? ' The server answered with a web page instead of the .wasm: a dev server moved this package\'s' +
      " JS away from its .wasm (Vite's dependency pre-bundling does): add" +
      " optimizeDeps: { exclude: ['cognito-wasm'] } to vite.config, or pass the .wasm's URL to init()."
    : '';
  return named('WasmLoadError', 'cognito-wasm could not load cognito_wasm_bg.wasm: ' + why + '.' + hint, e);
}

function isNodeFileUrl(url) {
  return (
    url.protocol === 'file:' &&
    typeof process === 'object' &&
    process !== null &&
    typeof process.versions === 'object' &&
    typeof process.versions.node === 'string'
  );
}

/**
 * Loads and instantiates the WebAssembly module (once; later calls return the same promise).
 * `input` is optional: a URL, Response, BufferSource or WebAssembly.Module to load instead of
 * the bundled `cognito_wasm_bg.wasm`.
 */
export default function init(input) {
  if (!ready) {
    ready = (async () => {
      let source = input;
      if (source === undefined) {
        const url = new URL('./cognito_wasm_bg.wasm', import.meta.url);
        if (isNodeFileUrl(url)) {
          // Hidden from bundlers: this branch only ever runs under Node.
          const fs = 'node:fs/promises';
          const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ fs);
          source = await readFile(url);
        } else {
          source = url;
        }
      }
      try {
        await wasmInit({ module_or_path: source });
      } catch (e) {
        throw loadError(e);
      }
      bind((config) => new WasmSession(config));
    })();
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
}
export { init };
