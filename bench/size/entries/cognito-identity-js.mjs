// amazon-cognito-identity-js: user-pool sign-in only (no hosted UI, identity pools or uploads).
export { CognitoUserPool, CognitoUser, AuthenticationDetails } from 'amazon-cognito-identity-js';
