// Whether bench/node_modules holds every devDependency of bench/package.json at its pinned
// version: exits 0 if so, 1 (naming what is missing) if scripts/bench.sh must run `npm ci`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wanted = JSON.parse(fs.readFileSync(path.join(bench, 'package.json'), 'utf8')).devDependencies;
const missing = Object.entries(wanted).filter(([name, version]) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(bench, 'node_modules', name, 'package.json'), 'utf8')).version !== version;
  } catch {
    return true;
  }
});
if (missing.length) {
  console.log(`bench: missing npm packages: ${missing.map(([n, v]) => `${n}@${v}`).join(', ')}`);
  process.exit(1);
}
