// Loading a .wasm of the package, shared by the entries (index.js: the auth wasm; storage.js:
// the combined auth + storage wasm). Importing this module does no work.
//
// Where the .wasm comes from, without the input argument:
// - Node 20+ (a file: URL): read with node:fs (Node's fetch refuses file: URLs).
// - Browsers and bundlers: fetched from `url`, the .wasm beside the entry's JS (bundlers see the
//   literal `new URL('./x.wasm', import.meta.url)` in the entry and emit the .wasm as an asset),
//   then handed to wasm-bindgen's init as a Response, which streams it
//   (WebAssembly.instantiateStreaming) when the server says application/wasm.
// - The Vite dev server pre-bundles dependencies into `node_modules/.vite/deps/` without their
//   .wasm, so `url` there answers with the app's index.html. Then the .wasm is fetched from the
//   package's own directory instead: first `node_modules/cognito-wasm/<file>` beside the
//   `.vite` cache (the layout of npm, yarn and pnpm installs), then wherever Vite itself resolves
//   `cognito-wasm/<file>` (its `/@id/…?import&url` module, whose default export is the URL it
//   serves the file at: covers hoisted workspaces and custom cache directories). Apps need no
//   configuration; only if both fail does init() reject, with the line to add to vite.config.
import { named } from './auth.js';

const HINT =
  " The server answered with a web page instead of the .wasm (a dev server's fallback): add" +
  " optimizeDeps: { exclude: ['cognito-wasm'] } to vite.config, or pass the .wasm's URL to init().";

/** A failed load as a `WasmLoadError`; `page`: a web page came instead of the wasm. */
function loadError(file, e, page) {
  const why = String(e instanceof Error ? e.message : e).replace(/\.$/, '');
  // V8 shows the bytes it found: `<!` / `<h` (3c 21 / 3c 68) is a web page.
  const hint = page || /found 3c (21|68)/i.test(why) ? HINT : '';
  return named('WasmLoadError', 'cognito-wasm could not load ' + file + ': ' + why + '.' + hint, e);
}

/** Served as a web page (the answer of a dev server's SPA fallback). */
const isPage = (res) => /^\s*text\/html/i.test(res.headers.get('content-type'));

/**
 * The .wasm at `url` as a Response. From a Vite dev server's pre-bundled `…/.vite/deps/x.js`,
 * when `url` answers with a web page: the package's own file beside the `.vite` cache, else the
 * URL Vite serves `cognito-wasm/<file>` at (the default export of its `/@id/…?import&url` module).
 */
async function fetchWasm(url, file) {
  const res = await fetch(url);
  // Under `…/.vite/deps/`: m[1] is the cache's parent, `…/node_modules/` by default.
  const m = /^(.*\/)\.vite\/deps[^/]*\/[^/]*$/.exec(url.pathname);
  if (m && (!res.ok || isPage(res))) {
    const base = /^(.*?\/)(node_modules|@fs)\//.exec(m[1])?.[1] ?? '/';
    const candidates = [
      () => (m[1].endsWith('/node_modules/') ? m[1] : m[1] + 'node_modules/') + 'cognito-wasm/' + file,
      async () => (await import(/* @vite-ignore */ /* webpackIgnore: true */ new URL(base + '@id/cognito-wasm/' + file + '?import&url', url).href)).default,
    ];
    for (const where of candidates) {
      try {
        const other = await fetch(new URL(await where(), url));
        if (other.ok && !isPage(other)) return other;
      } catch {
        // the next one
      }
    }
  }
  if (!res.ok) throw loadError(file, url.href + ' answered HTTP ' + res.status);
  return res;
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
 * Instantiates a wasm-bindgen module with `wasmInit` from `input` (a URL, Response,
 * BufferSource or WebAssembly.Module) or, without one, from `url` — the .wasm beside the entry
 * (read with node:fs under Node 20+, fetched and streamed elsewhere). Failures become a
 * `WasmLoadError` naming `file`.
 */
export async function loadWasm(wasmInit, url, file, input) {
  let source = input;
  try {
    if (source === undefined) {
      if (isNodeFileUrl(url)) {
        // Hidden from bundlers: this branch only ever runs under Node.
        const fs = 'node:fs/promises';
        const { readFile } = await import(/* @vite-ignore */ /* webpackIgnore: true */ fs);
        source = await readFile(url);
      } else {
        source = await fetchWasm(url, file);
      }
    }
    await wasmInit({ module_or_path: source });
  } catch (e) {
    if (e?.name === 'WasmLoadError') throw e;
    // A web page where the wasm should be (engines other than V8 do not show the bytes): served
    // as text/html, or bytes that start with `<`. A server that labels real wasm text/html still
    // works: wasm-bindgen falls back to the bytes.
    const bytes = ArrayBuffer.isView(source) ? source : source instanceof ArrayBuffer ? new Uint8Array(source) : null;
    throw loadError(file, e, source?.headers ? isPage(source) : bytes?.[0] === 0x3c);
  }
}
