// useAuth(): cognito-wasm as Vue state, one SDK per page shared by every component.
//
// The first call starts init() (loading the wasm) and then makes the CognitoAuth, its
// IdentityCredentials and an S3Bucket; `user` follows the SDK's events, which also fire when
// another tab signs in or out.
import { computed, shallowRef } from 'vue';
import init, { CognitoAuth, IdentityCredentials, S3Bucket } from 'cognito-wasm/storage';
import { authConfig, bucketConfig } from './config.js';

const objects = shallowRef(null);
const user = shallowRef(null);
const error = shallowRef(null);
let loading = null;

/** The page's SDK objects, made on first use. */
function load() {
  loading ??= init().then(
    () => {
      const auth = new CognitoAuth(authConfig);
      const credentials = new IdentityCredentials(auth);
      const sync = () => (user.value = auth.user);
      for (const event of ['signedIn', 'signedOut', 'tokenRefreshed']) auth.on(event, sync);
      sync();
      objects.value = { auth, credentials, bucket: new S3Bucket(credentials, bucketConfig) };
      return objects.value;
    },
    (e) => {
      error.value = e;
      throw e;
    },
  );
  return loading;
}

/** Runs `call(auth)` once the SDK is ready, and updates `user` after it. */
async function withAuth(call) {
  const { auth } = await load();
  try {
    return await call(auth);
  } finally {
    user.value = auth.user;
  }
}

export function useAuth() {
  load().catch(() => {}); // the failure is in `error`
  return {
    /** The SDK is loaded. */
    ready: computed(() => objects.value !== null),
    /** Why it did not load (a CognitoError named WasmLoadError, InvalidConfig, …), or null. */
    error: computed(() => error.value),
    /** The signed-in user's display claims (`name`, `email`, `groups`, …), or null. */
    user: computed(() => user.value),
    isSignedIn: computed(() => user.value !== null),
    /** The S3Bucket (null until ready). */
    bucket: computed(() => objects.value?.bucket ?? null),
    signIn: (input) => withAuth((auth) => auth.signIn(input)),
    confirmSignIn: (input) => withAuth((auth) => auth.confirmSignIn(input)),
    signInWithRedirect: (input) => withAuth((auth) => auth.signInWithRedirect(input)),
    handleRedirectCallback: () => withAuth((auth) => auth.handleRedirectCallback()),
    signOut: (input) => withAuth((auth) => auth.signOut(input)),
  };
}
