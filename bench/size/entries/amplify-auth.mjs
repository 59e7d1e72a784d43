// Amplify v6 auth as an app uses it: configure, SRP sign-in with its challenges, the hosted UI,
// sessions, sign-out.
export { Amplify } from 'aws-amplify';
export { signIn, confirmSignIn, signOut, fetchAuthSession, signInWithRedirect } from 'aws-amplify/auth';
