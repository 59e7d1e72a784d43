// oidc-client-ts: the hosted UI (OAuth code flow with PKCE) only.
export { UserManager } from 'oidc-client-ts';
