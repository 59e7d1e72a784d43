// Nothing here is for cognito-wasm: webpack 5 emits each .wasm the package references with
// `new URL('./….wasm', import.meta.url)` as an asset on its own.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: { auth: './src/auth.js', storage: './src/storage.js' },
  output: { path: fileURLToPath(new URL('./dist/', import.meta.url)), clean: true },
};
