// The npm package as apps get it — `npm pack ./pkg`, installed from the .tgz — with no
// package-specific configuration anywhere:
//   - Node 20+: importing either entry does no work and touches no browser global (SSR-safe);
//     then both load their wasm from disk, sign in and upload;
//   - a plain `<script type="module">` page with an import map, no build step;
//   - webpack 5: one page per entry, each .wasm emitted as an asset;
//   - examples/react and examples/vue under the Vite dev server (which pre-bundles the package
//     away from its .wasm) and under `vite build` + `vite preview`: sign in, the user's name,
//     a photo upload with progress, the hosted-UI callback route.
// Against the emulator (test seed), in headless Chromium:
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/examples.test.mjs
//
// The apps are copied to target/examples-test/ and installed there from the .tgz; `npm install`
// runs only when the .tgz or an app's package.json changed (a stamp in its node_modules), so a
// warm run spends its time on the builds and the browser. The Vite servers listen on
// 127.0.0.1:47295 (EXAMPLES_PORT), the other pages on any free port; all are stopped after use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import {
  cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMULATOR, launchChromium, makeUser, counter } from './support.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = process.env.EXAMPLES_CACHE ?? join(ROOT, 'target/examples-test');
// PKG_DIR: another build of the package (as tests/node/support.mjs serves it).
const PKG = process.env.PKG_DIR ?? join(ROOT, 'pkg');
const PORT = Number(process.env.EXAMPLES_PORT ?? 47295);
const ORIGIN = `http://127.0.0.1:${PORT}`;
const POOL = 'us-east-1_TestPool1';
const CLIENT = 'testclient0000000000000001';
const IDENTITY_POOL = 'us-east-1:7e57e57e-0000-4000-8000-000000000001';
const BUCKET = 'test-bucket';
/** What the pages of the fixtures read from window.__args. */
const ARGS = { emulator: EMULATOR, pool: POOL, client: CLIENT, identityPool: IDENTITY_POOL, bucket: BUCKET };
/** The examples' settings (their .env holds the demo seed's; the environment wins over it). */
const VITE_ENV = {
  VITE_REGION: 'us-east-1', VITE_USER_POOL_ID: POOL, VITE_CLIENT_ID: CLIENT,
  VITE_IDENTITY_POOL_ID: IDENTITY_POOL, VITE_BUCKET: BUCKET, VITE_HOSTED_UI_DOMAIN: '', VITE_EMULATOR: EMULATOR,
};
/** A 2×2 PNG, the "photo". */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR42mP4z8DA0PCfAUIBACFyBP2pJ3SLAAAAAElFTkSuQmCC',
  'base64',
);

let browser;
let tgzHash;

before(async () => {
  assert.ok(existsSync(join(PKG, 'cognito_wasm_storage_bg.wasm')), `${PKG} is built (scripts/build.sh)`);
  mkdirSync(CACHE, { recursive: true });
  // npm pack writes fixed mtimes, so the same files give the same bytes and the same hash.
  const tmp = mkdtempSync(join(tmpdir(), 'cognito-wasm-pack-'));
  try {
    execFileSync('npm', ['pack', PKG, '--pack-destination', tmp, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const [file] = readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
    const bytes = readFileSync(join(tmp, file));
    tgzHash = sha256(bytes);
    const target = join(CACHE, 'cognito-wasm.tgz');
    if (!existsSync(target) || sha256(readFileSync(target)) !== tgzHash) writeFileSync(target, bytes);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

function sha256(data) {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Copies the app in `source` to target/examples-test/`name` (its own files only) and installs
 * it from the .tgz unless its node_modules already holds this .tgz for this package.json.
 * Returns the app's directory.
 */
function prepare(name, source) {
  const dir = join(CACHE, name);
  mkdirSync(dir, { recursive: true });
  const keep = new Set(['node_modules', 'package-lock.json', 'dist']);
  for (const f of readdirSync(dir)) if (!keep.has(f)) rmSync(join(dir, f), { recursive: true, force: true });
  cpSync(source, dir, {
    recursive: true,
    filter: (src) => !/[\\/](node_modules|dist)([\\/]|$)|\.tgz$|[\\/]package-lock\.json$/.test(src.slice(source.length)),
  });
  const stamp = join(dir, 'node_modules/.cognito-wasm-stamp');
  const want = tgzHash + ' ' + sha256(readFileSync(join(dir, 'package.json')));
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
    // Naming the .tgz makes npm unpack it again even when package-lock.json knows an older one.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '../cognito-wasm.tgz'], {
      cwd: dir, stdio: ['ignore', 'ignore', 'inherit'],
    });
    writeFileSync(stamp, want);
  }
  return dir;
}

/** The .tgz unpacked as target/examples-test/`name`/node_modules/cognito-wasm; returns the app directory. */
function unpack(name) {
  const dir = join(CACHE, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'node_modules/cognito-wasm'), { recursive: true });
  execFileSync('tar', ['-xzf', join(CACHE, 'cognito-wasm.tgz'), '-C', join(dir, 'node_modules/cognito-wasm'), '--strip-components=1']);
  return dir;
}

/** Runs `node <bin> ...args` in `cwd` to completion; rejects with its output when it fails. */
function run(cwd, bin, args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(cwd, bin), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

/** Starts `node <bin> ...args` in `cwd` and waits until `url` answers. Resolves to `stop()`. */
async function serve(cwd, bin, args, url, env = {}) {
  const child = spawn(process.execPath, [join(cwd, bin), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited = null;
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const gone = new Promise((resolve) => child.on('exit', (code) => resolve((exited = code ?? 'signal'))));
  const stop = async () => {
    if (exited === null) child.kill('SIGTERM');
    await gone;
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited !== null) throw new Error(`${bin} ${args.join(' ')} exited ${exited} before serving ${url}:\n${out}`);
    try {
      if ((await fetch(url)).ok) return stop;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${bin} did not serve ${url}:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };

/** A static file server on 127.0.0.1 (any free port) over `roots`, the first that has the file. */
async function serveStatic(roots) {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const rel = normalize(path).replace(/^([\\/]|\.\.)+/, '');
    for (const root of roots) {
      try {
        const body = await readFile(join(root, rel));
        return void res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' }).end(body);
      } catch {
        // the next root
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** A page in a fresh context, with the fixtures' arguments and every .wasm response recorded. */
async function openPage(args) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const wasm = [];
  page.on('response', (r) => {
    if (/\.wasm(\?|$)/.test(r.url())) wasm.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] });
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (args) await page.addInitScript((a) => { window.__args = a; }, args);
  return { page, wasm, errors, close: () => context.close() };
}

/** Asserts that a .wasm came as application/wasm (so instantiateStreaming could take it). */
function assertStreamable(wasm, what) {
  assert.ok(wasm.some((w) => w.status === 200 && w.type === 'application/wasm'), `${what}: a .wasm served as application/wasm, got ${JSON.stringify(wasm)}`);
}

/** The result the fixture pages leave in window.result. */
async function pageResult(page) {
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 60_000 });
  const r = await page.evaluate(() => window.result);
  assert.equal(r.error, undefined, r.error);
  return r;
}

// ---------------------------------------------------------------------------------------------

test('the .tgz holds the package.json `files` (README and LICENSE included) and nothing else', () => {
  const listed = execFileSync('tar', ['-tzf', join(CACHE, 'cognito-wasm.tgz')], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map((f) => f.replace(/^package\//, '')).sort();
  const manifest = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
  assert.deepEqual(listed, [...manifest.files, 'package.json'].sort());
  for (const field of ['license', 'repository', 'engines', 'exports', 'types', 'sideEffects', 'keywords']) assert.ok(manifest[field] !== undefined, field);
  assert.equal(manifest.license, 'Apache-2.0');
  assert.equal(manifest.sideEffects, false);
  for (const entry of ['.', './storage']) assert.ok(manifest.exports[entry].types && manifest.exports[entry].default, entry);
});

test('Node: importing either entry does no work and touches no browser global; then both load, sign in and upload', async () => {
  const dir = unpack('node');
  const user = await makeUser(POOL, 'ex-node', { name: 'Node User' });
  // Every global a browser has and Node (mostly) lacks, plus the ones that do work (timers,
  // fetch, WebAssembly), trapped: reading any of them, even `typeof window`, is recorded.
  const script = `
    const watched = ['window', 'self', 'document', 'navigator', 'location', 'history', 'localStorage',
      'sessionStorage', 'indexedDB', 'caches', 'fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource',
      'BroadcastChannel', 'Worker', 'crypto', 'WebAssembly', 'addEventListener', 'dispatchEvent',
      'setTimeout', 'setInterval', 'requestAnimationFrame', 'requestIdleCallback', 'performance',
      'matchMedia', 'visualViewport'];
    const touched = new Set();
    const saved = {};
    for (const name of watched) {
      const d = Object.getOwnPropertyDescriptor(globalThis, name);
      saved[name] = d;
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() { touched.add(name); return d === undefined ? undefined : d.get ? d.get.call(globalThis) : d.value; },
        set(v) { touched.add(name); Object.defineProperty(globalThis, name, { value: v, writable: true, configurable: true }); },
      });
    }
    const auth = await import('cognito-wasm');
    const storage = await import('cognito-wasm/storage');
    const atImport = [...touched];
    for (const name of watched) {
      if (saved[name]) Object.defineProperty(globalThis, name, saved[name]); else delete globalThis[name];
    }
    const out = { atImport, exports: [Object.keys(auth).sort(), Object.keys(storage).sort()] };
    try { new storage.CognitoAuth({ region: 'us-east-1', userPoolId: ${JSON.stringify(POOL)}, clientId: 'x' }); }
    catch (e) { out.beforeInit = e.name; }
    await auth.default();
    await storage.default();
    const a = new storage.CognitoAuth({ region: 'us-east-1', userPoolId: ${JSON.stringify(POOL)}, clientId: ${JSON.stringify(CLIENT)},
      identityPoolId: ${JSON.stringify(IDENTITY_POOL)}, storage: 'memory',
      endpoints: { userPool: ${JSON.stringify(EMULATOR)}, identityPool: ${JSON.stringify(EMULATOR)}, s3: ${JSON.stringify(EMULATOR + '/s3')} } });
    out.step = await a.signIn(${JSON.stringify({ username: user.username, password: user.password })});
    out.name = a.user.name;
    const bucket = new storage.S3Bucket(new storage.IdentityCredentials(a), { bucket: ${JSON.stringify(BUCKET)} });
    out.upload = (await bucket.upload(new TextEncoder().encode('from node'), { key: 'node.txt' }).done).size;
    console.log(JSON.stringify(out));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop());
  assert.deepEqual(r.atImport, [], 'globals read while importing');
  assert.ok(r.exports[0].includes('default') && r.exports[0].includes('CognitoAuth') && r.exports[0].includes('isCognitoError'));
  for (const name of ['default', 'CognitoAuth', 'IdentityCredentials', 'S3Bucket', 'SigV4Signer', 'isCognitoError']) assert.ok(r.exports[1].includes(name), name);
  assert.equal(r.beforeInit, 'InvalidState', 'nothing initialised itself at import');
  assert.deepEqual(r.step, { step: 'DONE' });
  assert.equal(r.name, 'Node User');
  assert.equal(r.upload, 9);
});

test('a plain <script type="module"> page with an import map: the package as installed, no build', async () => {
  const dir = unpack('plain');
  const server = await serveStatic([join(ROOT, 'tests/bundlers/plain'), dir]);
  const user = await makeUser(POOL, 'ex-plain');
  const { page, wasm, close } = await openPage({ ...ARGS, ...user });
  try {
    await page.goto(server.origin + '/');
    const r = await pageResult(page);
    assert.equal(r.user, user.username);
    assert.match(r.key, /^private\/us-east-1:[0-9a-f-]{36}\/plain\.txt$/);
    assert.equal(r.size, 23);
    assert.equal(r.last, 23);
    assert.equal(r.body, 'hello from a plain page');
    assertStreamable(wasm, 'plain page');
    assert.deepEqual(wasm.map((w) => new URL(w.url).pathname), ['/node_modules/cognito-wasm/cognito_wasm_storage_bg.wasm']);
  } finally {
    await close();
    await server.close();
  }
});

test('the Vite dev-server fallback, simulated: the .wasm from the package directory, else from Vite\'s resolution, else a WasmLoadError with the line to add', async () => {
  // A server laid out like the Vite dev server after pre-bundling: the package's JS under
  // /node_modules/.vite/deps/, the app's index.html for any unknown path (SPA fallback).
  const pkg = join(unpack('vite-simulated'), 'node_modules/cognito-wasm');
  let layout;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const send = (type, body) => void res.writeHead(200, { 'content-type': type }).end(body);
    const deps = /^\/node_modules\/\.vite\/deps\/([\w.-]+\.js)$/.exec(url.pathname);
    if (url.pathname === '/') return send('text/html', '<!doctype html><script type="module">import init from "/node_modules/.vite/deps/index.js"; window.result = init().then(() => "ok", (e) => e.name + ": " + e.message);</script>');
    if (deps) return send('text/javascript', await readFile(join(pkg, deps[1])));
    if (layout === 'package' && url.pathname === '/node_modules/cognito-wasm/cognito_wasm_bg.wasm') return send('application/wasm', await readFile(join(pkg, 'cognito_wasm_bg.wasm')));
    if (layout === 'resolved' && url.pathname === '/@id/cognito-wasm/cognito_wasm_bg.wasm' && url.search === '?import&url') return send('text/javascript', 'export default "/@fs/elsewhere/cognito_wasm_bg.wasm"');
    if (layout === 'resolved' && url.pathname === '/@fs/elsewhere/cognito_wasm_bg.wasm') return send('application/wasm', await readFile(join(pkg, 'cognito_wasm_bg.wasm')));
    send('text/html', '<!doctype html><html><body>the app</body></html>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  try {
    for (layout of ['package', 'resolved', 'none']) {
      const { page, wasm, close } = await openPage();
      try {
        await page.goto(origin + '/');
        const r = await page.evaluate(() => window.result);
        if (layout === 'none') {
          assert.match(r, /^WasmLoadError: cognito-wasm could not load cognito_wasm_bg\.wasm: /);
          assert.match(r, /add optimizeDeps: \{ exclude: \['cognito-wasm'\] \} to vite\.config/);
        } else {
          assert.equal(r, 'ok', layout);
          assertStreamable(wasm, layout);
        }
      } finally {
        await close();
      }
    }
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('webpack 5 (no configuration for the package): each entry\'s .wasm emitted as an asset, loaded in Chromium', { timeout: 600_000 }, async () => {
  const dir = prepare('webpack', join(ROOT, 'tests/bundlers/webpack'));
  const log = await run(dir, 'node_modules/webpack-cli/bin/cli.js', []);
  assert.match(log, /compiled successfully/, log);
  assert.doesNotMatch(log, /WARNING|ERROR/, log);
  const emitted = readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.wasm'));
  assert.equal(emitted.length, 2, `two .wasm assets: ${emitted}`);
  const server = await serveStatic([join(dir, 'dist'), join(dir, 'public')]);
  try {
    for (const entry of ['auth', 'storage']) {
      const user = await makeUser(POOL, 'ex-webpack-' + entry);
      const { page, wasm, close } = await openPage({ ...ARGS, ...user });
      try {
        await page.goto(`${server.origin}/${entry}.html`);
        const r = await pageResult(page);
        assert.equal(r.user, user.username);
        if (entry === 'storage') {
          assert.equal(r.body, 'hello from webpack');
          assert.equal(r.last, r.size);
        }
        assertStreamable(wasm, 'webpack ' + entry);
        assert.equal(wasm.length, 1, JSON.stringify(wasm));
        assert.ok(emitted.includes(new URL(wasm[0].url).pathname.slice(1)), `${wasm[0].url} is an emitted asset`);
      } finally {
        await close();
      }
    }
  } finally {
    await server.close();
  }
});

/** Whether the test seed's SPA client lists this origin's callback (and sign-out) URL. */
async function hostedUiAllowed() {
  const config = await (await fetch(`${EMULATOR}/__admin/config`)).json();
  const client = config.user_pools.find((p) => p.id === POOL)?.clients.find((c) => c.id === CLIENT);
  return Boolean(client?.callback_urls?.includes(`${ORIGIN}/callback`) && client?.logout_urls?.includes(`${ORIGIN}/`));
}

/**
 * The example app at ORIGIN: signs in with the form, shows the user's name, uploads the photo
 * with progress and shows it back; then, signed out, the hosted UI round trip through the
 * /callback route (one code exchange, StrictMode or not), when the seed allows this origin.
 */
async function exerciseApp(t, what) {
  const user = await makeUser(POOL, 'ex-app', { name: 'Example Person' });
  const { page, wasm, errors, close } = await openPage();
  try {
    await page.goto(ORIGIN + '/');
    await page.fill('#username', user.username);
    await page.fill('#password', user.password);
    await page.click('#signin');
    await page.waitForSelector('#welcome', { timeout: 60_000 });
    assert.equal((await page.textContent('#welcome')).trim(), 'Welcome, Example Person');
    assertStreamable(wasm, what);

    await page.setInputFiles('#file', { name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.waitForSelector('#uploaded', { timeout: 60_000 });
    assert.match(await page.textContent('#uploaded'), new RegExp(`^private/us-east-1:[0-9a-f-]{36}/photos/\\d+-photo\\.png · ${PNG.length} bytes$`));
    assert.deepEqual(await page.$eval('#progress', (p) => [p.value, p.max]), [PNG.length, PNG.length], 'the progress bar is full');
    // The photo shows through a presigned GET: the bytes went up and came back.
    await page.waitForFunction(() => { const img = document.querySelector('#photo'); return img?.complete && img.naturalWidth === 2; }, null, { timeout: 30_000 });

    if (await hostedUiAllowed()) {
      await page.click('#signout');
      await page.waitForSelector('#hosted');
      const tokens = await counter('/oauth2/token');
      await page.click('#hosted');
      await page.waitForURL(`${EMULATOR}/**`);
      await page.fill('#username', user.username);
      await page.fill('#password', user.password);
      await page.click('#signin');
      await page.waitForURL(`${ORIGIN}/`, { timeout: 60_000 });
      await page.waitForSelector('#welcome', { timeout: 60_000 });
      assert.equal((await page.textContent('#welcome')).trim(), 'Welcome, Example Person');
      assert.equal(page.url(), `${ORIGIN}/`, 'the callback route went home, code and state gone');
      assert.equal(await counter('/oauth2/token') - tokens, 1, 'one code exchange for the callback');
    } else {
      t.diagnostic(`${what}: hosted-UI round trip skipped: ${ORIGIN}/callback is not a callback URL of ${CLIENT} in emulator/seeds/test.toml`);
    }
    assert.deepEqual(errors, [], 'uncaught page errors');
  } finally {
    await close();
  }
}

for (const name of ['react', 'vue']) {
  test(`examples/${name}: Vite dev server and vite build + preview, no package config: sign in, name, upload with progress, hosted-UI callback`, { timeout: 900_000 }, async (t) => {
    const dir = prepare(name, join(ROOT, 'examples', name));
    const vite = 'node_modules/vite/bin/vite.js';
    const listen = ['--host', '127.0.0.1', '--port', String(PORT), '--strictPort'];

    // Dev: the package is pre-bundled into node_modules/.vite/deps/, away from its .wasm.
    let stop = await serve(dir, vite, listen, ORIGIN + '/', VITE_ENV);
    try {
      await exerciseApp(t, `${name} (vite dev)`);
      const deps = join(dir, 'node_modules/.vite/deps');
      assert.ok(readdirSync(deps).some((f) => f.startsWith('cognito-wasm')), 'Vite pre-bundled the package');
    } finally {
      await stop();
    }

    // Build + preview: the .wasm is an asset of the build.
    await run(dir, vite, ['build'], VITE_ENV);
    assert.ok(readdirSync(join(dir, 'dist/assets')).some((f) => /^cognito_wasm_storage_bg-.*\.wasm$/.test(f)), 'the build emitted the .wasm');
    stop = await serve(dir, vite, ['preview', ...listen], ORIGIN + '/', VITE_ENV);
    try {
      await exerciseApp(t, `${name} (vite preview)`);
    } finally {
      await stop();
    }
  });
}
