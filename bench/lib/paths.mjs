// Where things are: the repository, bench/, the built package, and the run's output directory.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ */
export const BENCH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The repository root. */
export const ROOT = path.dirname(BENCH);
/** The built npm package (make build). */
export const PKG = path.join(ROOT, 'pkg');
/** Builds and bundles of a full run (scripts/bench.sh puts its wasm builds here too). */
export const OUT = path.join(BENCH, 'out');

/** The output directory of this run: bench/out, or bench/out/smoke for BENCH_SMOKE=1. */
export const outDir = (smoke) => (smoke ? path.join(OUT, 'smoke') : OUT);
