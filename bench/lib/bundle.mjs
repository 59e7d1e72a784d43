// esbuild, as the size figures are taken and as an app's bundler would ship a library:
// --bundle --minify --format=esm --platform=browser.
import { buildSync } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const OPTIONS = { bundle: true, minify: true, format: 'esm', platform: 'browser', logLevel: 'error' };

/** The bundle of `entry` as a Buffer (nothing written). */
export function bundleBytes(entry) {
  const out = buildSync({ ...OPTIONS, entryPoints: [entry], write: false });
  return Buffer.from(out.outputFiles[0].contents);
}

/** Bundles `entry` into the file `outfile` (for the benchmark pages). */
export function bundleTo(entry, outfile) {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  buildSync({ ...OPTIONS, entryPoints: [entry], outfile });
}
