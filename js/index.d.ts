// Type declarations for cognito-wasm's npm entry (index.js). No `any` in the public surface.

/** What `init()` can load instead of the bundled `cognito_wasm_bg.wasm`. */
// Written structurally, so the declarations compile with or without the DOM lib (a Node-only
// TypeScript project has no `RequestInfo`, `BufferSource` or `WebAssembly`).
export type InitInput =
  | string
  | { readonly href: string }
  | ArrayBuffer
  | ArrayBufferView
  | { arrayBuffer(): Promise<ArrayBuffer> }
  | { readonly [Symbol.toStringTag]: 'WebAssembly.Module' };

/**
 * Loads the WebAssembly module; call (and await) once before `new CognitoAuth(config)`. Rejects
 * with a `WasmLoadError` that says what went wrong (e.g. a dev server answering with a web page).
 * Works in browsers, bundlers (Vite, webpack) and Node 20+. Later calls return the same promise.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;
export { init };

// ---------------------------------------------------------------------------------------------
// Configuration

/** Where the session (tokens, and the username used for refresh) is kept. */
export type StorageOption = 'local' | 'session' | 'memory';

/** Service URL overrides: a local emulator, a VPC endpoint, a proxy. */
export interface Endpoints {
  /** The user-pool API (default `https://cognito-idp.<region>.amazonaws.com/`). */
  userPool?: string;
  /** The identity-pool API (default `https://cognito-identity.<region>.amazonaws.com/`). */
  identityPool?: string;
  /** S3 (default: the regional endpoint). */
  s3?: string;
  /** The hosted UI (managed login), when it differs from `oauth.domain`. */
  hostedUi?: string;
}

/** Hosted UI (managed login) settings, for `signInWithRedirect`. */
export interface OAuthConfig {
  /** The hosted UI's domain, e.g. `https://myapp.auth.us-east-1.amazoncognito.com`. */
  domain: string;
  /** Where the hosted UI sends the browser back with the code: one of the app client's callback URLs. */
  redirectSignIn: string;
  /**
   * Where Cognito's `/logout` sends the browser after `signOut` of a hosted-UI session: one of the
   * app client's sign-out URLs. Without it, sign-out does not visit the hosted UI (its own session
   * then lives on until it expires).
   */
  redirectSignOut?: string;
  /** Scopes to request (default: every scope the app client allows). */
  scopes?: string[];
}

/**
 * The SDK configuration. Validated up front: a missing or malformed field, or an unknown
 * option, throws an Error named `InvalidConfig` whose message starts with the field's name.
 */
export interface CognitoConfig {
  /** The AWS region, e.g. `us-east-1`. */
  region: string;
  /** The user pool id, `<region>_<id>`, in the same region. */
  userPoolId: string;
  /** The app client id. */
  clientId: string;
  /** The app client secret, for clients that have one (SECRET_HASH is then sent). */
  clientSecret?: string;
  /** The expected `iss` of tokens (default `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`). */
  issuer?: string;
  /** Where the session is kept (default `'local'`; memory where Web Storage is unavailable). */
  storage?: StorageOption;
  /** Service URL overrides. */
  endpoints?: Endpoints;
  /** Hosted UI settings. */
  oauth?: OAuthConfig;
  /** The identity pool id, `<region>:<uuid>`. */
  identityPoolId?: string;
  /** The issuer shown by authenticator apps for TOTP (default `AWSCognito`). */
  totpIssuer?: string;
  /** The app client rotates refresh tokens: refresh with GetTokensFromRefreshToken. */
  refreshTokenRotation?: boolean;
  /**
   * Refresh tokens that expire within this many seconds (0–3600, default 300), or within half
   * their lifetime when that is shorter.
   */
  refreshMargin?: number;
  /**
   * Check every token's RS256 signature with Web Crypto against the pool's JWKS before using it
   * (default `true`). Turning this off trusts whatever tokens arrive or are found in storage:
   * only for setups whose tokens the SDK cannot check.
   */
  verifyTokenSignatures?: boolean;
  /**
   * Refresh ahead of expiry without waiting for a `getTokens()` call: every 30 s while the page
   * is visible, and when it becomes visible again (default `false`).
   */
  autoRefresh?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Sign-in steps

/** An MFA factor. */
export type MfaType = 'TOTP' | 'SMS' | 'EMAIL';

/** Where Cognito sent a code. */
export interface CodeDelivery {
  /** `EMAIL` or `SMS`. */
  deliveryMedium?: string;
  /** The masked destination, e.g. `a***@e***`. */
  destination?: string;
  /** The attribute the code went to, e.g. `email`. */
  attributeName?: string;
}

/** Signed in. */
export interface DoneStep {
  step: 'DONE';
}
/** Choose a new password: `confirmSignIn({ newPassword, attributes })`. */
export interface NewPasswordRequiredStep {
  step: 'NEW_PASSWORD_REQUIRED';
  /** Attributes that must be given with the new password (e.g. `['name']`). */
  requiredAttributes: string[];
}
/** Enter the code from the authenticator app: `confirmSignIn({ code })`. */
export interface MfaTotpStep {
  step: 'MFA_TOTP';
}
/** Enter the code sent by SMS: `confirmSignIn({ code })`. */
export interface MfaSmsStep {
  step: 'MFA_SMS';
  codeDelivery?: CodeDelivery;
}
/** Enter the code sent by email: `confirmSignIn({ code })`. */
export interface MfaEmailStep {
  step: 'MFA_EMAIL';
  codeDelivery?: CodeDelivery;
}
/**
 * Set up an authenticator app: show `otpauthUri` as a QR code (or `secret` to type in), then
 * `confirmSignIn({ code, deviceName? })` with its first code.
 */
export interface MfaSetupTotpStep {
  step: 'MFA_SETUP_TOTP';
  /** The TOTP secret (base32). */
  secret: string;
  /** `otpauth://totp/<issuer>:<user>?secret=…&issuer=…`. */
  otpauthUri: string;
}
/** Pick a factor: `confirmSignIn({ mfaType })`. */
export interface SelectMfaTypeStep {
  step: 'SELECT_MFA_TYPE';
  allowedMfaTypes: MfaType[];
}
/**
 * The user has not confirmed the sign-up: `confirmSignUp({ username, code })` (and
 * `resendSignUpCode` for a new code), then sign in again.
 */
export interface ConfirmSignUpStep {
  step: 'CONFIRM_SIGN_UP';
  username: string;
}
/**
 * A password reset is required: `forgotPassword` then `confirmForgotPassword`, then sign in
 * again.
 */
export interface ResetPasswordStep {
  step: 'RESET_PASSWORD';
  username: string;
}

/** What `signIn` and `confirmSignIn` resolve to. */
export type SignInStep =
  | DoneStep
  | NewPasswordRequiredStep
  | MfaTotpStep
  | MfaSmsStep
  | MfaEmailStep
  | MfaSetupTotpStep
  | SelectMfaTypeStep
  | ConfirmSignUpStep
  | ResetPasswordStep;

// ---------------------------------------------------------------------------------------------
// Call arguments and results

/** User attributes by name, e.g. `{ email: 'a@example.com', 'custom:team': 'red' }`. */
export type UserAttributes = Record<string, string>;

export interface SignInInput {
  username: string;
  password: string;
  /** `USER_SRP_AUTH` (default: the password never leaves the browser) or `USER_PASSWORD_AUTH`. */
  flow?: 'USER_SRP_AUTH' | 'USER_PASSWORD_AUTH';
}

/** The answer to the current step; which fields are needed depends on the step. */
export interface ConfirmSignInInput {
  /** MFA_TOTP, MFA_SMS, MFA_EMAIL, MFA_SETUP_TOTP. */
  code?: string;
  /** NEW_PASSWORD_REQUIRED. */
  newPassword?: string;
  /** NEW_PASSWORD_REQUIRED: attributes to set (without the `userAttributes.` prefix). */
  attributes?: UserAttributes;
  /** SELECT_MFA_TYPE. */
  mfaType?: MfaType;
  /** MFA_SETUP_TOTP: a name for the authenticator. */
  deviceName?: string;
}

export interface SignUpInput {
  username: string;
  password: string;
  attributes?: UserAttributes;
}

export interface SignUpResult {
  /** Whether the user is already confirmed (e.g. by a pre-sign-up trigger). */
  userConfirmed: boolean;
  /** The new user's `sub`. */
  userSub: string;
  /** Where the confirmation code went. */
  codeDelivery?: CodeDelivery;
}

export interface ConfirmSignUpInput {
  username: string;
  code: string;
}

export interface UsernameInput {
  username: string;
}

/** Where a code went. */
export interface CodeDeliveryResult {
  codeDelivery?: CodeDelivery;
}

export interface ConfirmForgotPasswordInput {
  username: string;
  code: string;
  newPassword: string;
}

export interface ChangePasswordInput {
  oldPassword: string;
  newPassword: string;
}

/** A new TOTP secret for an authenticator app. */
export interface TotpSetup {
  /** The secret (base32). */
  secret: string;
  /** `otpauth://totp/<issuer>:<user>?secret=…&issuer=…`, for a QR code. */
  otpauthUri: string;
}

export interface VerifyTotpInput {
  code: string;
  deviceName?: string;
}

/** `PREFERRED` also enables; only one factor can be preferred. */
export type MfaPreferenceValue = 'PREFERRED' | 'ENABLED' | 'DISABLED';

/** At least one factor is required; factors left out are unchanged. */
export interface MfaPreferenceInput {
  totp?: MfaPreferenceValue;
  sms?: MfaPreferenceValue;
  email?: MfaPreferenceValue;
}

export interface GetTokensInput {
  /** Refresh even when the tokens are not near expiry. */
  forceRefresh?: boolean;
}

/** The current tokens (the refresh token stays inside the SDK). */
export interface Tokens {
  idToken: string;
  accessToken: string;
  /** When the access token expires, ms since the epoch (by this device's clock). */
  expiresAt: number;
}

export interface SignOutInput {
  /** Also sign out every other device (GlobalSignOut). */
  global?: boolean;
  /**
   * Reject when Cognito could not be told (RevokeToken / GlobalSignOut failed). The local
   * session is cleared either way; without `strict` such a failure is not reported.
   */
  strict?: boolean;
}

/** Display claims from the id token. */
export interface AuthUser {
  sub: string;
  /** `cognito:username`. */
  username: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  /** `cognito:groups`. */
  groups: string[];
  /** Every `custom:*` attribute, keyed without the `custom:` prefix. */
  custom: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Events

export type AuthEventName = 'signedIn' | 'signedOut' | 'tokenRefreshed' | 'refreshFailed';

export interface SignedInEvent {
  type: 'signedIn';
}
export interface SignedOutEvent {
  type: 'signedOut';
}
export interface TokenRefreshedEvent {
  type: 'tokenRefreshed';
}
export interface RefreshFailedEvent {
  type: 'refreshFailed';
  error: CognitoError;
}
export interface AuthEventMap {
  signedIn: SignedInEvent;
  signedOut: SignedOutEvent;
  tokenRefreshed: TokenRefreshedEvent;
  refreshFailed: RefreshFailedEvent;
}

/** `signInWithRedirect`'s options. */
export interface SignInWithRedirectInput {
  /** Go straight to a federated provider (`Google`, `SignInWithApple`, a SAML or OIDC provider name), or `COGNITO`. */
  provider?: string;
  /** Pick a provider by one of its identifiers (e.g. an email domain). */
  idpIdentifier?: string;
  /** `login`, `none`, `consent` or `select_account`. */
  prompt?: string;
  /** The managed login page's language, e.g. `fr`. */
  lang?: string;
  /** The user name to fill in. */
  loginHint?: string;
  /** Scopes for this sign-in (default: `oauth.scopes`). */
  scopes?: string[];
  /** The app's own state (e.g. the route to return to), given back by `handleRedirectCallback`. */
  state?: string;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Errors raised by the SDK itself. */
export type SdkErrorName =
  | 'InvalidConfig'
  | 'InvalidParameter'
  | 'NetworkError'
  | 'InvalidResponse'
  | 'InvalidToken'
  | 'TokenVerificationFailed'
  | 'SrpProtocolError'
  | 'InvalidState'
  | 'NotSignedIn'
  | 'OAuthStateMismatch'
  | 'AbortError'
  | 'StorageError'
  | 'InternalError'
  | 'WasmLoadError';

/** Common Cognito error types (any other `__type` Cognito sends is passed through as is). */
export type CognitoServiceErrorName =
  | 'NotAuthorizedException'
  | 'UserNotFoundException'
  | 'UserNotConfirmedException'
  | 'UsernameExistsException'
  | 'CodeMismatchException'
  | 'ExpiredCodeException'
  | 'PasswordResetRequiredException'
  | 'InvalidPasswordException'
  | 'InvalidParameterException'
  | 'LimitExceededException'
  | 'TooManyRequestsException'
  | 'TooManyFailedAttemptsException'
  | 'CodeDeliveryFailureException'
  | 'EnableSoftwareTokenMFAException'
  | 'SoftwareTokenMFANotFoundException'
  | 'ResourceNotFoundException'
  | 'InternalErrorException';

/**
 * OAuth errors from the hosted UI (a callback's `error`, or the token endpoint's): `OAuth` + the
 * OAuth error code in PascalCase, with Cognito's `error_description` as the message.
 */
export type OAuthErrorName =
  | 'OAuthAccessDenied'
  | 'OAuthInvalidRequest'
  | 'OAuthInvalidGrant'
  | 'OAuthInvalidClient'
  | 'OAuthInvalidScope'
  | 'OAuthUnauthorizedClient'
  | 'OAuthUnsupportedGrantType'
  | 'OAuthServerError'
  | 'OAuthTemporarilyUnavailable'
  | 'OAuthError';

/** Every name a `CognitoError` can have (any other Cognito `__type` is passed through as is). */
export type CognitoErrorName = SdkErrorName | CognitoServiceErrorName | OAuthErrorName;

/**
 * Every error the SDK rejects or throws with: `name` and `code` are the same string — an SDK
 * error name, Cognito's `__type` (e.g. `NotAuthorizedException`) with Cognito's message, or an
 * OAuth error of the hosted UI.
 */
export declare class CognitoError extends Error {
  private constructor();
  name: CognitoErrorName | (string & {});
  code: CognitoErrorName | (string & {});
  /** The HTTP status, when a service answered. */
  status?: number;
}

/**
 * Whether `e` is an error of the SDK (a `CognitoError`), narrowing it in a `catch`:
 * `catch (e) { if (isCognitoError(e) && e.code === 'NotAuthorizedException') … }`.
 */
export function isCognitoError(e: unknown): e is CognitoError;

// ---------------------------------------------------------------------------------------------
// The client

/** Amazon Cognito user-pool authentication for one pool and app client. */
export class CognitoAuth {
  /**
   * Validates `config` (throws `InvalidConfig` naming the field) and restores a stored
   * session. Throws `InvalidState` if `init()` has not completed.
   */
  constructor(config: CognitoConfig);

  /** Signs in (SRP by default) and resolves to the next step. */
  signIn(input: SignInInput): Promise<SignInStep>;
  /** Answers the current step; `InvalidState` when none is waiting. */
  confirmSignIn(input: ConfirmSignInInput): Promise<SignInStep>;

  signUp(input: SignUpInput): Promise<SignUpResult>;
  confirmSignUp(input: ConfirmSignUpInput): Promise<void>;
  resendSignUpCode(input: UsernameInput): Promise<CodeDeliveryResult>;
  forgotPassword(input: UsernameInput): Promise<CodeDeliveryResult>;
  confirmForgotPassword(input: ConfirmForgotPasswordInput): Promise<void>;

  /** For the signed-in user (`NotSignedIn` otherwise), as are the calls below. */
  changePassword(input: ChangePasswordInput): Promise<void>;
  /** The user's attributes, e.g. `{ sub, email, email_verified, 'custom:team' }`. */
  fetchUserAttributes(): Promise<UserAttributes>;
  setUpTotp(): Promise<TotpSetup>;
  verifyTotp(input: VerifyTotpInput): Promise<void>;
  setMfaPreference(input: MfaPreferenceInput): Promise<void>;

  /**
   * The tokens, refreshed first when they are near expiry (`refreshMargin`). One refresh for
   * any number of concurrent calls and tabs: a refresh holds a Web Lock, and a tab that waited
   * for it adopts what the tab before it stored (so a rotated refresh token is never used
   * twice). `NotSignedIn` without a session.
   */
  getTokens(input?: GetTokensInput): Promise<Tokens>;

  /**
   * Clears the local session (always, even offline), emits `signedOut`, then revokes the
   * refresh token (or, with `global`, signs out every device).
   */
  signOut(input?: SignOutInput): Promise<void>;

  /**
   * Sends the browser to the hosted UI's sign-in (`/oauth2/authorize` with PKCE S256, a random
   * `state` and `nonce`, kept in this tab's session storage — never in the URL). Resolves to
   * `{ url }` as the browser leaves. `InvalidConfig` without `oauth` in the config.
   */
  signInWithRedirect(input?: SignInWithRedirectInput): Promise<{ url: string }>;

  /**
   * On the page the hosted UI redirected back to (`oauth.redirectSignIn`): checks `state`,
   * exchanges the code once, checks the id token's `nonce`, stores the session, emits
   * `signedIn`, removes `code` and `state` from the address bar, and resolves to the app's
   * `state`. Idempotent per callback URL: a second call (React StrictMode, a Vue double mount)
   * gets the same result and sends nothing. Rejects with `OAuthStateMismatch` for a callback this
   * tab did not start, and with `OAuth<Error>` (e.g. `OAuthAccessDenied`) for an error callback.
   */
  handleRedirectCallback(url?: string): Promise<{ state?: string }>;

  /** Display claims of the signed-in user, or `null`. */
  readonly user: AuthUser | null;
  readonly isSignedIn: boolean;

  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends AuthEventName>(event: E, listener: (event: AuthEventMap[E]) => void): () => void;
}
