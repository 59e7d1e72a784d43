// Compiled by tests/node/types.test.mjs against pkg/index.d.ts (tsc --noEmit --strict): every
// public call as an app writes it, so a wrong or missing declaration fails the build.
import init, { CognitoAuth, isCognitoError, type CognitoError, type SignInStep } from 'cognito-wasm';

export async function app(): Promise<void> {
  await init();
  const auth = new CognitoAuth({
    region: 'us-east-1',
    userPoolId: 'us-east-1_AbC123',
    clientId: 'client',
    storage: 'session',
    oauth: {
      domain: 'https://myapp.auth.us-east-1.amazoncognito.com',
      redirectSignIn: 'http://localhost:5173/callback',
      redirectSignOut: 'http://localhost:5173/',
      scopes: ['openid', 'email'],
    },
  });
  const step: SignInStep = await auth.signIn({ username: 'alice', password: 'pw' });
  if (step.step === 'MFA_TOTP') await auth.confirmSignIn({ code: '123456' });
  const { url } = await auth.signInWithRedirect({ provider: 'Google', state: '/photos' });
  const back: { state?: string } = await auth.handleRedirectCallback();
  const tokens = await auth.getTokens({ forceRefresh: false });
  const idToken: string = tokens.idToken;
  const name: string | undefined = auth.user?.name;
  const off: () => void = auth.on('refreshFailed', (e) => {
    const err: CognitoError = e.error;
    if (err.code === 'NotAuthorizedException' || err.code === 'OAuthInvalidGrant') off();
  });
  try {
    await auth.signOut({ global: true });
  } catch (e) {
    // The guard narrows `unknown` without a cast.
    if (isCognitoError(e) && (e.name === 'OAuthStateMismatch' || e.code === 'NetworkError')) {
      const status: number | undefined = e.status;
      void status;
    }
  }
  await init(new Uint8Array([0, 97, 115, 109]));
  void [url, back, idToken, name];
}
