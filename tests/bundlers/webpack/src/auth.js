// The `cognito-wasm` entry: init() (the wasm as a webpack asset), then an SRP sign-in.
import init, { CognitoAuth } from 'cognito-wasm';

const { emulator, username, password, pool, client } = window.__args;
window.result = (async () => {
  await init();
  const auth = new CognitoAuth({ region: 'us-east-1', userPoolId: pool, clientId: client, endpoints: { userPool: emulator } });
  await auth.signIn({ username, password });
  return { user: auth.user.username };
})().catch((e) => ({ error: `${e.name}: ${e.message}` }));
