// A part that cannot run on this checkout (e.g. the storage entry is not built yet) throws
// Skipped: the run prints "skipped: <reason>", records it, and goes on with the other parts.
import fs from 'node:fs';
import path from 'node:path';
import { PKG } from './paths.mjs';

export class Skipped extends Error {}

/** Throws Skipped unless the storage entry (pkg/storage.js and its wasm) is built. */
export function needStorageEntry() {
  for (const f of ['storage.js', 'cognito_wasm_storage_bg.wasm']) {
    if (!fs.existsSync(path.join(PKG, f))) throw new Skipped(`pkg/${f} not built`);
  }
}
