// esbuild entry for the cold-start page: Amplify v6 auth as an app bundles it.
import { Amplify } from 'aws-amplify';
import { signIn, fetchAuthSession } from 'aws-amplify/auth';

/** Signs `username` in once; Amplify keeps the tokens in localStorage (to seed the cold loads). */
export async function signInOnce(config, username, password) {
  Amplify.configure(config);
  const r = await signIn({ username, password });
  return r.isSignedIn;
}

/** The timed start: Amplify.configure() → first fetchAuthSession() from the stored tokens. */
export async function start(config) {
  Amplify.configure(config);
  const ready = performance.now();
  const session = await fetchAuthSession();
  return { ready, tokens: performance.now(), ok: typeof session.tokens?.idToken?.toString() === 'string' };
}
