// Amplify v6 auth plus Storage's uploadData (identity-pool credentials, S3 multipart uploads).
export { Amplify } from 'aws-amplify';
export { signIn, confirmSignIn, signOut, fetchAuthSession, signInWithRedirect } from 'aws-amplify/auth';
export { uploadData } from 'aws-amplify/storage';
