// The `cognito-wasm/storage` entry: init() (its own wasm as a webpack asset), a sign-in, then an
// upload with progress and a presigned GET of it.
import init, { CognitoAuth, IdentityCredentials, S3Bucket } from 'cognito-wasm/storage';

const { emulator, username, password, pool, client, identityPool, bucket: name } = window.__args;
window.result = (async () => {
  await init();
  const auth = new CognitoAuth({
    region: 'us-east-1', userPoolId: pool, clientId: client, identityPoolId: identityPool,
    endpoints: { userPool: emulator, identityPool: emulator, s3: emulator + '/s3' },
  });
  await auth.signIn({ username, password });
  const bucket = new S3Bucket(new IdentityCredentials(auth), { bucket: name });
  const data = new TextEncoder().encode('hello from webpack');
  const progress = [];
  const done = await bucket.upload(data, { key: 'webpack.txt', contentType: 'text/plain', onProgress: (p) => progress.push(p.loaded) }).done;
  const body = await (await fetch(await bucket.presignGet('webpack.txt'))).text();
  return { user: auth.user.username, key: done.key, size: done.size, last: progress.at(-1), body };
})().catch((e) => ({ error: `${e.name}: ${e.message}` }));
