// The SDK configuration, from the .env files (Vite's import.meta.env; see ../.env).
const env = import.meta.env;
const emulator = env.VITE_EMULATOR || '';

/** For `new CognitoAuth(...)`. */
export const authConfig = {
  region: env.VITE_REGION,
  userPoolId: env.VITE_USER_POOL_ID,
  clientId: env.VITE_CLIENT_ID,
  identityPoolId: env.VITE_IDENTITY_POOL_ID,
  ...(emulator ? { endpoints: { userPool: emulator, identityPool: emulator, s3: emulator + '/s3' } } : {}),
  oauth: {
    domain: env.VITE_HOSTED_UI_DOMAIN || emulator,
    // Both must be listed in the app client (callback and sign-out URLs).
    redirectSignIn: location.origin + '/callback',
    redirectSignOut: location.origin + '/',
  },
};

/** For `new S3Bucket(credentials, ...)`: each user writes under private/<their identity id>/. */
export const bucketConfig = { bucket: env.VITE_BUCKET };
