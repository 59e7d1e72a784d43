// The built npm package (pkg/) in Node 20+, against the emulator:
//   scripts/build.sh && scripts/with-emulator.sh node --test tests/node/
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import init, { CognitoAuth } from '../../pkg/index.js';

const EMULATOR_URL = process.env.EMULATOR_URL ?? 'http://127.0.0.1:47291';
const POOL = 'us-east-1_TestPool1';
const CLIENT = 'testclient0000000000000001';

const config = (extra = {}) => ({
  region: 'us-east-1',
  userPoolId: POOL,
  clientId: CLIENT,
  storage: 'memory',
  endpoints: { userPool: EMULATOR_URL },
  ...extra,
});

let seq = 0;
/** A fresh confirmed user, so tests do not depend on each other. */
async function makeUser(attributes = {}) {
  const username = `node-${process.pid}-${Date.now()}-${seq++}`;
  const password = 'Passw0rd!node';
  const res = await fetch(`${EMULATOR_URL}/__admin/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      pool: POOL,
      username,
      password,
      attributes: { email: `${username}@example.com`, name: 'Node Tester', 'custom:plan': 'pro', ...attributes },
      groups: ['testers'],
    }),
  });
  assert.equal(res.status, 201, await res.text());
  return { username, password };
}

before(async () => {
  await init();
});

test('init() is idempotent', async () => {
  await init();
});

test('signs in with SRP, shows the id token claims, signs out', async () => {
  const { username, password } = await makeUser();
  const auth = new CognitoAuth(config());
  assert.equal(auth.isSignedIn, false);
  assert.equal(auth.user, null);
  const events = [];
  const off = auth.on('signedIn', (e) => events.push(e.type));
  auth.on('signedOut', (e) => events.push(e.type));

  const step = await auth.signIn({ username, password });
  assert.deepEqual(step, { step: 'DONE' });
  assert.equal(auth.isSignedIn, true);
  const user = auth.user;
  assert.equal(user.username, username);
  assert.equal(user.email, `${username}@example.com`);
  assert.equal(user.name, 'Node Tester');
  assert.deepEqual(user.groups, ['testers']);
  assert.deepEqual(user.custom, { plan: 'pro' });
  assert.match(user.sub, /^[0-9a-f-]{36}$/);

  const tokens = await auth.getTokens();
  assert.equal(tokens.idToken.split('.').length, 3);
  assert.equal(tokens.accessToken.split('.').length, 3);
  assert.ok(tokens.expiresAt > Date.now());
  assert.equal('refreshToken' in tokens, false);

  off();
  await auth.signOut();
  assert.equal(auth.isSignedIn, false);
  assert.equal(auth.user, null);
  assert.deepEqual(events, ['signedIn', 'signedOut']);
  await assert.rejects(auth.getTokens(), { name: 'NotSignedIn' });
});

test('a wrong password is a NotAuthorizedException', async () => {
  const { username } = await makeUser();
  const auth = new CognitoAuth(config());
  await assert.rejects(auth.signIn({ username, password: 'Wr0ng!password' }), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'NotAuthorizedException');
    assert.equal(e.code, 'NotAuthorizedException');
    assert.equal(e.status, 400);
    assert.ok(e.message.length > 0);
    assert.doesNotMatch(String(e), /object Object/);
    return true;
  });
  assert.equal(auth.isSignedIn, false);
});

test('USER_PASSWORD_AUTH on request', async () => {
  const { username, password } = await makeUser();
  const auth = new CognitoAuth(config());
  assert.deepEqual(await auth.signIn({ username, password, flow: 'USER_PASSWORD_AUTH' }), { step: 'DONE' });
  assert.equal(auth.user.username, username);
  await auth.signOut();
});

test('a bad config is an InvalidConfig naming the field', () => {
  assert.throws(() => new CognitoAuth(config({ userPoolId: 'eu-west-1_Nope' })), (e) => {
    assert.equal(e.name, 'InvalidConfig');
    assert.equal(e.code, 'InvalidConfig');
    assert.match(e.message, /^userPoolId: /);
    return true;
  });
  assert.throws(() => new CognitoAuth(config({ endpoints: { userPool: 'not a url' } })), {
    name: 'InvalidConfig',
    message: /^endpoints\.userPool: /,
  });
  assert.throws(() => new CognitoAuth(config({ clientID: 'x' })), { name: 'InvalidConfig', message: /^clientID: / });
  assert.throws(() => new CognitoAuth(), { name: 'InvalidConfig', message: /^config: / });
});

test('bad arguments and unknown events are InvalidParameter', async () => {
  const auth = new CognitoAuth(config());
  await assert.rejects(auth.signIn({ username: 'x' }), { name: 'InvalidParameter', message: /^password: / });
  await assert.rejects(auth.signIn({ username: 'x', password: 'y', flow: 'CUSTOM' }), { name: 'InvalidParameter' });
  assert.throws(() => auth.on('signedin', () => {}), { name: 'InvalidParameter' });
  await assert.rejects(auth.confirmSignIn({ code: '123456' }), { name: 'InvalidState' });
});

test('an unreachable endpoint is a NetworkError', async () => {
  const auth = new CognitoAuth(config({ endpoints: { userPool: 'http://127.0.0.1:9' } }));
  await assert.rejects(auth.signIn({ username: 'x', password: 'y' }), { name: 'NetworkError' });
});

test('concurrent getTokens share one refresh and emit tokenRefreshed once', async () => {
  const { username, password } = await makeUser();
  const auth = new CognitoAuth(config());
  await auth.signIn({ username, password });
  const seen = [];
  auth.on('tokenRefreshed', (e) => seen.push(e.type));
  const counters = async () => (await (await fetch(`${EMULATOR_URL}/__admin/counters`)).json()).InitiateAuth ?? 0;
  const before = await counters();
  const [a, b] = await Promise.all([auth.getTokens({ forceRefresh: true }), auth.getTokens({ forceRefresh: true })]);
  assert.deepEqual(a, b);
  assert.equal((await counters()) - before, 1);
  assert.deepEqual(seen, ['tokenRefreshed']);
  await auth.signOut({ strict: true });
});
