// <AuthProvider> and useAuth(): cognito-wasm as React state.
//
// The SDK is set up once per page (init() loads the wasm; then one CognitoAuth, its
// IdentityCredentials and an S3Bucket), outside React, so StrictMode's double mount and any
// re-render share it. The provider mirrors `auth.user` into state through the SDK's events,
// which also fire when another tab signs in or out.
import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import init, { CognitoAuth, IdentityCredentials, S3Bucket } from 'cognito-wasm/storage';

const AuthContext = createContext(null);

let sdk = null;
/** The page's SDK objects (created on first use; the config of the first call wins). */
function loadSdk(config, bucket) {
  sdk ??= init().then(() => {
    const auth = new CognitoAuth(config);
    const credentials = new IdentityCredentials(auth);
    return { auth, credentials, bucket: new S3Bucket(credentials, bucket) };
  });
  return sdk;
}

export function AuthProvider({ config, bucket, children }) {
  const [objects, setObjects] = useState(null);
  const [user, setUser] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    let live = true;
    let unsubscribe = [];
    loadSdk(config, bucket).then(
      (o) => {
        if (!live) return;
        const sync = () => setUser(o.auth.user);
        unsubscribe = ['signedIn', 'signedOut', 'tokenRefreshed'].map((event) => o.auth.on(event, sync));
        sync();
        setObjects(o);
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
      unsubscribe.forEach((off) => off());
    };
    // The SDK is made once per page; a later config is not applied.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const value = useMemo(() => {
    if (!objects) return { ready: false, error, user: null, isSignedIn: false };
    const { auth, credentials, bucket } = objects;
    const synced = (promise) => promise.finally(() => setUser(auth.user));
    return {
      ready: true,
      error,
      user,
      isSignedIn: user !== null,
      auth,
      credentials,
      bucket,
      signIn: (input) => synced(auth.signIn(input)),
      confirmSignIn: (input) => synced(auth.confirmSignIn(input)),
      signInWithRedirect: (input) => auth.signInWithRedirect(input),
      handleRedirectCallback: () => synced(auth.handleRedirectCallback()),
      signOut: (input) => synced(auth.signOut(input)),
    };
  }, [objects, user, error]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** `{ ready, error, user, isSignedIn, signIn, confirmSignIn, signInWithRedirect, handleRedirectCallback, signOut, auth, credentials, bucket }`. */
export function useAuth() {
  const value = useContext(AuthContext);
  if (value === null) throw new Error('useAuth() is used outside <AuthProvider>');
  return value;
}
