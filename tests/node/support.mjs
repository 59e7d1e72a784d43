// What the Playwright tests share: a page server for the built package, headless Chromium, and
// the emulator's admin API. Not a test file (node --test runs *.test.mjs).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const EMULATOR = process.env.EMULATOR_URL ?? 'http://127.0.0.1:47291';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// PKG_DIR: serve another build of the package (e.g. one made with OUT=... scripts/build.sh).
const PKG = process.env.PKG_DIR ? process.env.PKG_DIR.replace(/\/?$/, '/') : fileURLToPath(new URL('../../pkg/', import.meta.url));

/**
 * Serves `pages` (path → HTML) and the built package under /pkg/ on 127.0.0.1 (`port` 0: any
 * free one). Resolves to `{ origin, close }`.
 */
export async function servePages(pages, port = 0) {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (Object.hasOwn(pages, path)) {
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(pages[path]);
    }
    const name = path.startsWith('/pkg/') ? path.slice(5) : '';
    if (!name || name.includes('/') || name.includes('..')) return void res.writeHead(404).end();
    try {
      const body = await readFile(PKG + name);
      res.writeHead(200, { 'content-type': name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Headless Chromium, kept off the network (this machine has none but the registries). */
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh confirmed user in `pool`, so tests do not depend on each other. */
export async function makeUser(pool, prefix, attributes = {}) {
  const username = `${prefix}-${process.pid}-${Date.now()}`;
  const password = 'Passw0rd!node-e2e';
  const res = await fetch(`${EMULATOR}/__admin/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pool, username, password, attributes: { email: `${username}@example.com`, ...attributes } }),
  });
  assert.equal(res.status, 201, await res.text());
  return { username, password };
}

/**
 * One call of the emulator's admin API (`/__admin/...`), at `base` (default: the test emulator);
 * fails the test unless it succeeds. Resolves to the answer's JSON (its text if not JSON; null
 * when empty).
 */
export async function admin(method, path, body, base = EMULATOR) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

/** How many requests of `op` the emulator has answered (e.g. `InitiateAuth`, `/oauth2/token`). */
export async function counter(op) {
  return (await (await fetch(`${EMULATOR}/__admin/counters`)).json())[op] ?? 0;
}
