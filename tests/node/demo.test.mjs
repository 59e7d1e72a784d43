// The demo page (www/) end to end in headless Chromium, served by www/serve.mjs (its strict CSP
// included) against an emulator of its own with the demo seed (emulator/seeds/demo.toml): the
// guest view, sign-in, two photo uploads, the gallery, a reload, delete, cancel, sign-out, TOTP
// MFA, sign-up + confirm, and the hosted UI round trip. Screenshots of each state go to
// test-artifacts/demo/.
//   scripts/build.sh && node --test tests/node/demo.test.mjs
// (The emulator binary: $EMULATOR_BIN, else target/debug/emulator of $CARGO_TARGET_DIR or the
// repository, built first when missing.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { admin, launchChromium } from './support.mjs';
import { serve } from '../../www/serve.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** A callback and sign-out URL of the demo client (emulator/seeds/demo.toml). */
const PORT = 47294;
const ORIGIN = `http://127.0.0.1:${PORT}`;
const ARTIFACTS = ROOT + 'test-artifacts/demo/';
const DEMO_EMULATOR = "'http://127.0.0.1:47290'";
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

let emulator;
let EMU;
let server;
let browser;

/** The emulator binary, built when missing. */
function emulatorBinary() {
  if (process.env.EMULATOR_BIN) return process.env.EMULATOR_BIN;
  const targetDir = process.env.CARGO_TARGET_DIR || ROOT + 'target';
  const bin = `${targetDir}/debug/emulator`;
  if (!existsSync(bin)) {
    const r = spawnSync('cargo', ['build', '--quiet', '-p', 'emulator'], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(r.status, 0, 'building the emulator failed');
  }
  return bin;
}

/** Starts the emulator with the demo seed on a free port; resolves to its URL. Its stdin is a
 * pipe, so it also exits if this process dies. */
function startEmulator() {
  return new Promise((resolve, reject) => {
    emulator = spawn(emulatorBinary(), ['--config', ROOT + 'emulator/seeds/demo.toml', '--port', '0'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let log = '';
    emulator.stderr.on('data', (d) => {
      log += d;
    });
    emulator.once('error', reject);
    emulator.once('exit', (code) => reject(new Error(`the emulator exited (${code}) before listening:\n${log}`)));
    createInterface({ input: emulator.stdout }).on('line', (line) => {
      const m = /^emulator listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]);
    });
  });
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  EMU = await startEmulator();
  // The page's own config.js, pointed at this emulator.
  const source = await readFile(ROOT + 'www/config.js', 'utf8');
  assert.ok(source.includes(DEMO_EMULATOR), `www/config.js names the emulator as ${DEMO_EMULATOR}`);
  server = await serve({ port: PORT, configSource: source.replaceAll(DEMO_EMULATOR, `'${EMU}'`) });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (emulator && emulator.exitCode === null) {
    const exited = new Promise((r) => emulator.once('exit', r));
    emulator.kill('SIGTERM');
    await exited;
  }
});

/** The admin API of this test's own emulator (the demo seed). */
const demoAdmin = (method, path, body) => admin(method, path, body, EMU);

/** A new browser context (own storage) and page on the demo; `problems` collects page errors,
 * console errors and CSP violations, which no test expects. */
async function openDemo({ width = 1200, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  // (Refusals the tests provoke — a wrong password, a guest's write — are logged by Chromium as
  // "Failed to load resource"; the page server's own answers must all succeed.)
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push('console error: ' + m.text());
  });
  page.on('response', (r) => {
    if (r.url().startsWith(ORIGIN) && r.status() >= 400) problems.push(`${r.status()} from the page server: ${r.url()}`);
  });
  const res = await page.goto(ORIGIN + '/');
  assert.match(res.headers()['content-security-policy'], /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' http:\/\/127\.0\.0\.1:\d+; img-src 'self' blob: http:\/\/127\.0\.0\.1:\d+/);
  await ready(page);
  return { context, page, problems };
}

/** Waits for the app to have started (the SDK loaded, the first view shown). */
async function ready(page) {
  await page.waitForSelector('html[data-ready="true"]');
}

async function shot(page, name) {
  await page.screenshot({ path: ARTIFACTS + name + '.png', fullPage: true });
}

async function signIn(page, username, password) {
  await page.fill('#signin-username', username);
  await page.fill('#signin-password', password);
  await page.click('#signin-submit');
}

async function signOut(page) {
  await page.click('#sign-out');
  await page.waitForSelector('#signin-form', { state: 'visible' });
  await page.waitForSelector('#signed-in', { state: 'hidden' });
}

/** The text of the error box: `<title> | <name> | <message>`. */
async function errorShown(page) {
  await page.waitForSelector('#error', { state: 'visible' });
  return {
    title: await page.textContent('#error-title'),
    name: await page.textContent('#error-name'),
    message: await page.textContent('#error-message'),
  };
}

// ---------------------------------------------------------------------------------------------
// Small valid images

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A `width`×`height` RGB PNG: a diagonal gradient from `from` to `to`. */
function png(width, height, from, to) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const t = (x + y) / (width + height - 2);
      for (let i = 0; i < 3; i++) raw[row + 1 + x * 3 + i] = Math.round(from[i] + (to[i] - from[i]) * t);
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG drawn by the browser (a sunset: sky gradient, sun, hills). */
async function jpeg(page) {
  const dataUrl = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 240;
    c.height = 180;
    const g = c.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 180);
    sky.addColorStop(0, '#2b1055');
    sky.addColorStop(0.6, '#ff7e5f');
    sky.addColorStop(1, '#feb47b');
    g.fillStyle = sky;
    g.fillRect(0, 0, 240, 180);
    g.fillStyle = '#ffd76a';
    g.beginPath();
    g.arc(150, 110, 28, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#3b2f4a';
    g.beginPath();
    g.moveTo(0, 180);
    g.quadraticCurveTo(70, 100, 140, 150);
    g.quadraticCurveTo(200, 120, 240, 140);
    g.lineTo(240, 180);
    g.fill();
    return c.toDataURL('image/jpeg', 0.9);
  });
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

// ---------------------------------------------------------------------------------------------

test('the server: CSP on every answer, application/wasm, /callback is the page, nothing else leaks', async () => {
  const page = await fetch(ORIGIN + '/callback');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.match(page.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  const wasm = await fetch(ORIGIN + '/pkg/cognito_wasm_storage_bg.wasm');
  assert.equal(wasm.status, 200);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal((await fetch(ORIGIN + '/pkg/storage.js')).headers.get('content-type'), 'text/javascript; charset=utf-8');
  for (const path of ['/serve.mjs', '/README.md', '/../Makefile', '/%2e%2e/Makefile', '/pkg/package.json']) {
    assert.equal((await fetch(ORIGIN + path)).status, 404, path);
  }
  const config = await (await fetch(ORIGIN + '/config.js')).text();
  assert.ok(config.includes(EMU), 'the test config points at the test emulator');
});

test('a guest sees what guest credentials may do: credentials and public/ yes, writing refused', async () => {
  const { context, page, problems } = await openDemo();
  try {
    await page.waitForSelector('#signin-form', { state: 'visible' });
    await page.waitForSelector('#cap-creds[data-state="allowed"]');
    await page.waitForSelector('#cap-list[data-state="allowed"]');
    assert.match(await page.textContent('#guest-identity'), /^us-east-1:[0-9a-f-]{36}$/);
    assert.match(await page.textContent('#demo-accounts'), /demo \/ Passw0rd!/);
    await shot(page, '01-signed-out-guest');
    await page.click('#guest-try-write');
    await page.waitForSelector('#cap-write[data-state="refused"]');
    const detail = await page.textContent('#guest-write-detail');
    assert.match(detail, /S3 said no, as it should\. AccessDenied .+\(HTTP 403\)/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'guest-write-detail', 'focus follows the answer');
    assert.equal(await page.isVisible('#error'), false, 'the expected refusal is not shown as an error');
    await shot(page, '02-guest-write-refused');

    // A wrong password: the error's name and message.
    await signIn(page, 'demo', 'not-the-password');
    const e = await errorShown(page);
    assert.equal(e.name, 'NotAuthorizedException');
    assert.match(e.message, /Incorrect username or password/);
    await shot(page, '03-wrong-password');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('sign in, upload two photos, see them, reload and stay signed in, delete one, sign out', async () => {
  const { context, page, problems } = await openDemo();
  try {
    await signIn(page, 'demo', 'Passw0rd!');
    await page.waitForSelector('#welcome', { state: 'visible' });
    assert.equal(await page.textContent('#welcome'), 'Welcome, Demo User');
    assert.deepEqual(await page.$$eval('#user-groups li', (els) => els.map((e) => e.textContent)), ['photographers']);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'welcome', 'focus moves to the welcome heading');
    await page.waitForFunction(() => /^private\/us-east-1:[0-9a-f-]{36}\/$/.test(document.querySelector('#user-prefix').textContent));
    await page.waitForSelector('#gallery-empty', { state: 'visible' });
    await shot(page, '04-signed-in-empty');

    const files = [
      { name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: await jpeg(page) },
      { name: 'summer meadow.png', mimeType: 'image/png', buffer: png(200, 150, [46, 139, 87], [173, 216, 230]) },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') },
    ];
    await page.setInputFiles('#file-input', files);
    await page.waitForFunction(() => document.querySelectorAll('#upload-list .upload[data-state="done"]').length === 2);
    assert.equal(await page.locator('#upload-list .upload[data-state="skipped"]').count(), 1, 'the text file is skipped');
    await page.waitForFunction(() => document.querySelectorAll('#gallery .photo').length === 2);
    // Every thumbnail is the photo itself, through its presigned GET (CSP img-src included).
    await page.waitForFunction(() => [...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth > 0));
    const names = await page.$$eval('#gallery .photo-name', (els) => els.map((e) => e.textContent).sort());
    assert.deepEqual(names, ['summer meadow.png', 'sunset.jpg']);
    const sizes = await page.$$eval('#gallery img', (els) => els.map((i) => `${i.naturalWidth}x${i.naturalHeight}`).sort());
    assert.deepEqual(sizes, ['200x150', '240x180']);
    assert.equal(await page.textContent('#gallery-count'), '(2)');
    await shot(page, '05-uploaded-gallery');

    // A reload: still signed in (the session is in localStorage), the same photos.
    await page.reload();
    await ready(page);
    await page.waitForSelector('#welcome', { state: 'visible' });
    assert.equal(await page.textContent('#welcome'), 'Welcome, Demo User');
    await page.waitForFunction(() => document.querySelectorAll('#gallery .photo').length === 2);
    await page.waitForFunction(() => [...document.querySelectorAll('#gallery img')].every((i) => i.complete && i.naturalWidth > 0));
    await shot(page, '06-after-reload');

    // Delete one (by keyboard: focus its button, Enter).
    await page.focus('#gallery .photo:has(.photo-name:text-is("sunset.jpg")) button');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#gallery .photo').length === 1);
    assert.equal(await page.textContent('#gallery .photo-name'), 'summer meadow.png');
    await page.click('#gallery-refresh');
    await page.waitForFunction(() => document.querySelector('#gallery').getAttribute('aria-busy') === null);
    assert.equal(await page.locator('#gallery .photo').count(), 1, 'S3 agrees: one photo left');
    await shot(page, '07-deleted-one');

    await signOut(page);
    await page.waitForSelector('#cap-creds[data-state="allowed"]');
    assert.equal(await page.isVisible('#account'), false);
    assert.equal(await page.evaluate(() => Object.keys(localStorage).some((k) => k.endsWith('.session'))), false, 'no session left');
    await page.reload();
    await ready(page);
    assert.equal(await page.isVisible('#signin-form'), true, 'still signed out after a reload');
    await shot(page, '08-signed-out');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('cancel: an upload held up at S3 is cancelled from its row', async () => {
  const username = `cancel-${process.pid}`;
  await demoAdmin('POST', '/__admin/users', { username, password: 'Passw0rd!', attributes: { email: `${username}@example.com`, name: 'Cancel Tester' } });
  const { context, page, problems } = await openDemo({ width: 420, height: 860 });
  try {
    await signIn(page, username, 'Passw0rd!');
    await page.waitForSelector('#welcome', { state: 'visible' });
    await page.waitForSelector('#gallery-empty', { state: 'visible' });
    // The next PutObject waits 60 s at the emulator: long enough to be cancelled by hand.
    const { ids } = await demoAdmin('POST', '/__admin/faults', { target: 'PutObject', kind: 'latency', latency_ms: 60_000, count: 1 });
    try {
      await page.setInputFiles('#file-input', [{ name: 'slow.png', mimeType: 'image/png', buffer: png(64, 48, [200, 80, 60], [250, 220, 120]) }]);
      await page.waitForSelector('#upload-list .upload[data-state="uploading"] button');
      await shot(page, '09-mobile-uploading');
      await page.click('#upload-list .upload button:text-is("Cancel")');
      await page.waitForSelector('#upload-list .upload[data-state="cancelled"]');
      assert.equal(await page.textContent('#upload-list .upload-state'), 'Cancelled');
      assert.equal(await page.isVisible('#error'), false, 'a cancel is not an error');
      assert.match(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), /^Remove slow\.png/, 'focus stays on the row');
      await shot(page, '10-mobile-cancelled');
    } finally {
      await demoAdmin('DELETE', `/__admin/faults/${ids[0]}`).catch(() => {});
    }
    await signOut(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('TOTP MFA: the code step, a wrong code named, the right one signs in', async () => {
  const { context, page, problems } = await openDemo();
  try {
    await signIn(page, 'totp', 'Passw0rd!');
    await page.waitForSelector('#challenge-form', { state: 'visible' });
    assert.equal(await page.textContent('#challenge-heading'), 'Two-step verification');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'challenge-code', 'focus is on the code field');
    assert.match(await page.getAttribute('#challenge-demo-hint a', 'href'), /\/__admin\/totp\?secret=/);
    await shot(page, '11-mfa-step');

    await page.fill('#challenge-code', '000000');
    await page.click('#challenge-submit');
    const e = await errorShown(page);
    assert.equal(e.name, 'CodeMismatchException');
    await shot(page, '12-mfa-wrong-code');

    // A code with at least 5 s to live (the emulator's clock), so it is still good when sent.
    let totp = await demoAdmin('GET', `/__admin/totp?secret=${TOTP_SECRET}`);
    while (totp.valid_for_seconds < 5 || totp.code === '000000') {
      await new Promise((r) => setTimeout(r, 1000));
      totp = await demoAdmin('GET', `/__admin/totp?secret=${TOTP_SECRET}`);
    }
    await page.fill('#challenge-code', totp.code);
    await page.click('#challenge-submit');
    await page.waitForSelector('#welcome', { state: 'visible' });
    assert.equal(await page.textContent('#welcome'), 'Welcome, Tina Totp');
    assert.deepEqual(await page.$$eval('#user-groups li', (els) => els.map((x) => x.textContent)), ['photographers', 'editors']);
    await page.waitForSelector('#error', { state: 'hidden' });
    await shot(page, '13-mfa-signed-in');
    await signOut(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('sign up, confirm with the emailed code, and be signed in', async () => {
  const username = `newcomer${process.pid}`;
  const { context, page, problems } = await openDemo();
  try {
    await page.click('#show-signup');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'signup-name');
    await page.fill('#signup-name', 'Nora Newcomer');
    await page.fill('#signup-email', `${username}@example.com`);
    await page.fill('#signup-username', username);
    await page.fill('#signup-password', 'short');
    await page.click('#signup-submit');
    const weak = await errorShown(page);
    assert.equal(weak.name, 'InvalidPasswordException');
    await shot(page, '14-sign-up-weak-password');
    await page.fill('#signup-password', 'Passw0rd!new');
    await page.click('#signup-submit');
    await page.waitForSelector('#confirm-form', { state: 'visible' });
    assert.match(await page.textContent('#confirm-text'), /We sent a confirmation code to \S+/);
    await shot(page, '15-confirm-code');
    const { code } = await demoAdmin('GET', `/__admin/codes?username=${username}`);
    await page.fill('#confirm-code', code);
    await page.click('#confirm-submit');
    await page.waitForSelector('#welcome', { state: 'visible' });
    assert.equal(await page.textContent('#welcome'), 'Welcome, Nora Newcomer');
    assert.deepEqual(await page.$$eval('#user-groups li', (els) => els.map((x) => x.textContent)), ['none']);
    await shot(page, '16-signed-up');
    await signOut(page);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the hosted UI button round-trips: login form, callback, signed in; sign-out through /logout', async () => {
  const { context, page, problems } = await openDemo();
  try {
    await page.click('#hosted-ui');
    await page.waitForURL(`${EMU}/**`);
    assert.match(page.url(), /\/oauth2\/authorize\?/);
    await page.waitForSelector('#username');
    await shot(page, '17-hosted-ui-login');
    await page.fill('#username', 'demo');
    await page.fill('#password', 'Passw0rd!');
    await page.click('#signin');
    await page.waitForURL(`${ORIGIN}/**`);
    await ready(page);
    await page.waitForSelector('#welcome', { state: 'visible' });
    assert.equal(page.url(), ORIGIN + '/', 'back on the page, code and state gone from the address bar');
    assert.equal(await page.textContent('#welcome'), 'Welcome, Demo User');
    await page.waitForFunction(() => document.querySelectorAll('#gallery .photo').length === 1 || !document.querySelector('#gallery-empty').hidden);
    await shot(page, '18-hosted-ui-signed-in');

    // Sign-out of a hosted-UI session visits the hosted UI's /logout and lands back on the page.
    await page.evaluate(() => {
      window.beforeSignOut = true;
    });
    await Promise.all([page.waitForRequest((r) => r.url().startsWith(`${EMU}/logout?`)), page.click('#sign-out')]);
    await page.waitForFunction(() => !window.beforeSignOut && document.documentElement.dataset.ready === 'true');
    assert.equal(page.url(), ORIGIN + '/');
    await page.waitForSelector('#signin-form', { state: 'visible' });
    assert.equal(await page.isVisible('#welcome'), false);
    // The hosted UI's session ended too: it asks for the password again.
    await page.click('#hosted-ui');
    await page.waitForURL(`${EMU}/**`);
    await page.waitForSelector('#password');
    // Cancelled there: back on the page with the OAuth error named, the address bar cleaned.
    await page.click('#cancel');
    await page.waitForURL(`${ORIGIN}/**`);
    await ready(page);
    const e = await errorShown(page);
    assert.equal(e.title, 'Signing in with the hosted UI failed');
    assert.equal(e.name, 'OAuthAccessDenied');
    assert.equal(page.url(), ORIGIN + '/');
    assert.equal(await page.isVisible('#signin-form'), true);
    await shot(page, '19-hosted-ui-cancelled');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
