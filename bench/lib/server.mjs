// A static file server on 127.0.0.1 for the benchmark pages: URL prefixes mapped to directories
// or single files. Nothing is cached (each page load fetches what an app's first visit would).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/**
 * Serves `mounts`, a list of `[urlPath, fsPath]`: a urlPath ending in "/" maps a directory,
 * any other an exact file. The first mount that matches wins. Resolves to `{ origin, close }`;
 * `close()` also ends kept-alive connections.
 */
export async function serve(mounts) {
  const resolveFile = (urlPath) => {
    for (const [prefix, target] of mounts) {
      if (prefix.endsWith('/')) {
        if (!urlPath.startsWith(prefix)) continue;
        const file = path.join(target, urlPath.slice(prefix.length) || 'index.html');
        if (!file.startsWith(path.resolve(target) + path.sep)) return null; // no "..": outside the mount
        if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
      } else if (urlPath === prefix) {
        return target;
      }
    }
    return null;
  };
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = resolveFile(urlPath);
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}
