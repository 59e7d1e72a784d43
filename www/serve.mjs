#!/usr/bin/env node
// The demo page's static server (no dependencies): www/ at /, the built npm package pkg/ at
// /pkg/, index.html also at /callback (the hosted UI's callback route), on 127.0.0.1 (and ::1
// where there is one) only. Every answer carries the page's Content-Security-Policy:
//   default-src 'self'; script-src 'self' 'wasm-unsafe-eval';
//   connect-src 'self' <the origins of config.js>; img-src 'self' blob: <the same origins>
//
//   node www/serve.mjs [--port 8000] [--quiet]
// or, from a test: `import { serve } from '../../www/serve.mjs'`.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const WWW = fileURLToPath(new URL('./', import.meta.url));
// PKG_DIR: serve another build of the package (as tests/node/support.mjs does).
const PKG = process.env.PKG_DIR ? process.env.PKG_DIR.replace(/\/?$/, '/') : fileURLToPath(new URL('../pkg/', import.meta.url));

/** What is served, by extension (anything else is a 404: this file, READMEs, sources). */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The origins the page talks to, from its config: the endpoints, or AWS's own. */
export function originsOf(config) {
  const urls = [config.hostedUiDomain];
  if (config.endpoints) {
    urls.push(...Object.values(config.endpoints));
  } else {
    urls.push(
      `https://cognito-idp.${config.region}.amazonaws.com`,
      `https://cognito-identity.${config.region}.amazonaws.com`,
      `https://${config.bucket}.s3.${config.region}.amazonaws.com`,
    );
  }
  return [...new Set(urls.filter(Boolean).map((u) => new URL(u).origin))];
}

/** The Content-Security-Policy for `origins`. */
export function csp(origins) {
  const o = origins.join(' ');
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    `connect-src 'self' ${o}`,
    `img-src 'self' blob: ${o}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Loads a config module from its source text (config.js imports nothing). */
async function loadConfig(source) {
  return (await import('data:text/javascript;base64,' + Buffer.from(source).toString('base64'))).default;
}

/**
 * Starts the server. `port` (default 8000; 0: any free one), `configSource` (default: the text of
 * www/config.js — a test passes its own, e.g. with another emulator URL). Resolves to
 * `{ url, port, close() }`.
 */
export async function serve({ port = 8000, configSource } = {}) {
  configSource ??= await readFile(WWW + 'config.js', 'utf8');
  const policy = csp(originsOf(await loadConfig(configSource)));

  const handler = async (req, res) => {
    const headers = {
      'content-security-policy': policy,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    };
    const fail = (status, text) => res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(text + '\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(405, 'method not allowed');
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return fail(400, 'bad path');
    }
    if (path === '/' || path === '/callback' || path === '/index.html') path = '/index.html';
    // No way out of the two directories, and no dotfiles.
    if (path.includes('..') || path.includes('\\') || /\/\./.test(path)) return fail(404, 'not found');
    const ext = path.slice(path.lastIndexOf('.'));
    const type = TYPES[ext];
    if (!type || ext === '.mjs') return fail(404, 'not found');
    let file;
    if (path.startsWith('/pkg/')) {
      const name = path.slice(5);
      if (!name || name.includes('/')) return fail(404, 'not found');
      file = PKG + name;
    } else {
      file = WWW + path.slice(1);
    }
    let body;
    try {
      body = path === '/config.js' ? Buffer.from(configSource) : await readFile(file);
    } catch {
      return fail(404, path.startsWith('/pkg/') ? 'not found (is pkg/ built? run scripts/build.sh)' : 'not found');
    }
    res.writeHead(200, { ...headers, 'content-type': type, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const listen = (host, p) => new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once('error', reject);
    server.listen(p, host, () => resolve(server));
  });
  const servers = [await listen('127.0.0.1', port)];
  const actual = servers[0].address().port;
  // `localhost` may resolve to ::1 first: answer there too where the machine has IPv6.
  try {
    servers.push(await listen('::1', actual));
  } catch {
    // No IPv6 loopback (or the port is taken there): 127.0.0.1 is enough.
  }
  return {
    url: `http://localhost:${actual}/`,
    port: actual,
    policy,
    close: () => Promise.all(servers.map((s) => new Promise((r) => {
      s.close(r);
      s.closeAllConnections?.();
    }))),
  };
}

// Run as a program: serve until SIGINT/SIGTERM.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : 8000;
  try {
    const s = await serve({ port });
    if (!process.argv.includes('--quiet')) console.log(`demo page on ${s.url}`);
    const stop = () => s.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (e) {
    console.error(`serve.mjs: cannot serve on port ${port}: ${e.message}`);
    process.exit(1);
  }
}
