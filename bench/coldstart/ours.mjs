// esbuild entry for the cold-start page: cognito-wasm's `cognito-wasm` entry as an app bundles
// it (the .wasm is fetched beside the bundle, from `new URL(..., import.meta.url)`).
import init, { CognitoAuth } from '../../pkg/index.js';

/** Signs `username` in once, with the session kept in localStorage (to seed the cold loads). */
export async function signInOnce(config, username, password) {
  await init();
  const step = await new CognitoAuth(config).signIn({ username, password });
  return step.step === 'DONE';
}

/** The timed start: init() → new CognitoAuth() ready → first getTokens() from the stored session. */
export async function start(config) {
  await init();
  const auth = new CognitoAuth(config);
  const ready = performance.now();
  const tokens = await auth.getTokens();
  return { ready, tokens: performance.now(), ok: typeof tokens.idToken === 'string' };
}
