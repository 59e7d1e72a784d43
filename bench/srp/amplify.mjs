// Amplify v6's own SRP client math, taken from @aws-amplify/auth's published dist files (the
// code its signIn runs for USER_SRP_AUTH → PASSWORD_VERIFIER), bundled by esbuild.
import AuthenticationHelper from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/AuthenticationHelper/AuthenticationHelper.mjs';
import BigInteger from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/BigInteger/BigInteger.mjs';
import { calculateA } from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/calculate/calculateA.mjs';
import { INIT_N } from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/constants.mjs';
import { getAuthenticationHelper } from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/getAuthenticationHelper.mjs';
import { getSignatureString } from '../node_modules/@aws-amplify/auth/dist/esm/providers/cognito/utils/srp/getSignatureString.mjs';

/** Amplify's helper with its own random 1024-bit a (what signIn does), A included. */
export const amplifyRandomHelper = (poolName) => getAuthenticationHelper(poolName);

/** Amplify's helper with a given a (hex), A included. */
export async function amplifyHelper(poolName, smallAHex) {
  const N = new BigInteger(INIT_N, 16);
  const g = new BigInteger('2', 16);
  const a = new BigInteger(smallAHex, 16);
  const A = await calculateA({ a, g, N });
  return new AuthenticationHelper({ userPoolName: poolName, a, g, A, N });
}

export const amplifyA = (helper) => helper.A.toString(16);

/** Everything after the server's reply, as handlePasswordVerifierChallenge does it. */
export async function amplifyClaim(helper, poolName, v, timestamp) {
  const hkdf = await helper.getPasswordAuthenticationKey({
    username: v.username,
    password: v.password,
    serverBValue: new BigInteger(v.srpB, 16),
    salt: new BigInteger(v.salt, 16),
  });
  return getSignatureString({
    userPoolName: poolName,
    username: v.username,
    challengeParameters: { SECRET_BLOCK: v.secretBlock },
    dateNow: timestamp,
    hkdf,
  });
}
