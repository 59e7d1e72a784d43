//! The session: user-pool sign-in and account flows over the protocol core, the token set and
//! its refresh, storage of the session, and events.
//!
//! Host-compilable: the environment (HTTP, clock) is a [`Platform`] and storage a [`Store`], so
//! the flows are tested natively against a scripted server; the browser/Node implementations
//! live in `platform`, and the JS facade in `js`.
//!
//! The session is single-threaded (wasm32) and shared by the facade's pending promises, so every
//! method takes `&self`; state sits in `RefCell`s that are never borrowed across an `.await`,
//! and listeners are called with no borrow held.

use crate::prelude::*;

pub mod args;
pub mod events;
pub mod single_flight;
pub mod store;
pub mod tokens;
pub mod transport;

use ::core::cell::{Cell, RefCell};
use ::core::future::Future;
use ::core::pin::Pin;
use alloc::rc::Rc;

use crate::core::config::Config;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::srp::SrpClient;
use crate::core::time::UtcDateTime;
use crate::core::user_pool::{
    self as up, ApiCall, AuthOutcome, AuthTokens, Caller, Challenge, MfaType, Step,
};

pub use events::{AuthEvent, Listener, Listeners};
pub use store::{MemoryStore, Store};
pub use tokens::TokenSet;
pub use transport::{HttpRequest, HttpResponse, Platform};

use args::Flow;
use single_flight::Flight;

/// Tokens are refreshed when they expire within this margin (or have expired).
pub const REFRESH_MARGIN_MS: i64 = 2 * 60 * 1000;

/// The name of the storage entry (after the pool/client prefix) holding the session.
pub const STORAGE_ENTRY: &str = "session";

/// A boxed future. The session's shared steps (one API call, getting fresh tokens, handling an
/// authentication answer) are boxed so that their state machines exist once in the wasm instead
/// of being inlined into every flow that awaits them (measured: tens of KB).
pub type Task<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + 'a>>;

/// The operations apps call (the JS facade passes one with the arguments as JSON).
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `signIn({ username, password, flow? })` → a step.
    SignIn,
    /// `confirmSignIn({ code | newPassword, attributes | mfaType, deviceName })` → a step.
    ConfirmSignIn,
    /// `signUp({ username, password, attributes })` → `{ userConfirmed, userSub, codeDelivery? }`.
    SignUp,
    /// `confirmSignUp({ username, code })`.
    ConfirmSignUp,
    /// `resendSignUpCode({ username })` → `{ codeDelivery? }`.
    ResendSignUpCode,
    /// `forgotPassword({ username })` → `{ codeDelivery? }`.
    ForgotPassword,
    /// `confirmForgotPassword({ username, code, newPassword })`.
    ConfirmForgotPassword,
    /// `changePassword({ oldPassword, newPassword })`.
    ChangePassword,
    /// `fetchUserAttributes()` → `{ name: value, ... }`.
    FetchUserAttributes,
    /// `setUpTotp()` → `{ secret, otpauthUri }`.
    SetUpTotp,
    /// `verifyTotp({ code, deviceName? })`.
    VerifyTotp,
    /// `setMfaPreference({ totp?, sms?, email? })`.
    SetMfaPreference,
    /// `getTokens({ forceRefresh? })` → `{ idToken, accessToken, expiresAt }`.
    GetTokens,
    /// `signOut({ global?, strict? })`.
    SignOut,
}

impl Op {
    /// Whether the operation acts for the signed-in user (with its access token).
    pub fn needs_user(self) -> bool {
        matches!(
            self,
            Op::ChangePassword
                | Op::FetchUserAttributes
                | Op::SetUpTotp
                | Op::VerifyTotp
                | Op::SetMfaPreference
        )
    }
}

/// A sign-in waiting for the user's answer to a challenge. Cognito's `Session` stays here and
/// is never shown to the app.
#[derive(Debug, Clone)]
struct Pending {
    /// Cognito's challenge name.
    challenge: String,
    /// Cognito's opaque session for the answer.
    session: Option<String>,
    /// The user the challenge is for, as Cognito names it (for USERNAME and SECRET_HASH).
    challenge_user: String,
    /// The name the user typed (for step details such as the TOTP account label).
    typed_user: String,
    /// For SELECT_MFA_TYPE: the factors offered.
    allowed: Vec<MfaType>,
}

/// A user-pool session.
pub struct Session<P: Platform> {
    cfg: Config,
    platform: P,
    store: Box<dyn Store>,
    storage_key: String,
    tokens: RefCell<Option<TokenSet>>,
    pending: RefCell<Option<Pending>>,
    refresh: RefCell<Option<Rc<Flight<TokenSet>>>>,
    /// Bumped whenever the session is cleared, so a refresh that was in flight cannot bring a
    /// signed-out session back.
    generation: Cell<u64>,
    listeners: Listeners,
}

fn invalid_state(what: &str) -> Error {
    Error::new(ErrorCode::InvalidState, what)
}

fn not_signed_in() -> Error {
    Error::new(ErrorCode::NotSignedIn, "no user is signed in")
}

impl<P: Platform> Session<P> {
    /// A session for `cfg`, restoring a stored one (a page reload keeps the user signed in).
    /// A stored session that does not check out for this pool and client is removed.
    pub fn new(cfg: Config, platform: P, store: Box<dyn Store>) -> Self {
        let mut storage_key = cfg.storage_prefix();
        storage_key.push_str(STORAGE_ENTRY);
        let restored = store.get(&storage_key).and_then(|text| {
            match TokenSet::from_storage_json(&cfg, &text) {
                Ok(t) => Some(t),
                Err(_) => {
                    store.remove(&storage_key);
                    None
                }
            }
        });
        Session {
            cfg,
            platform,
            store,
            storage_key,
            tokens: RefCell::new(restored),
            pending: RefCell::new(None),
            refresh: RefCell::new(None),
            generation: Cell::new(0),
            listeners: Listeners::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The event listeners.
    pub fn listeners(&self) -> &Listeners {
        &self.listeners
    }

    /// Whether a user is signed in (tokens are held; they may need a refresh).
    pub fn is_signed_in(&self) -> bool {
        self.tokens.borrow().is_some()
    }

    /// The signed-in user's display claims as JSON (see [`TokenSet::user_json`]), or `None`.
    pub fn user_json(&self) -> Option<String> {
        self.tokens
            .borrow()
            .as_ref()
            .and_then(|t| t.user_json().ok())
    }

    /// Sends one user-pool API call and reads the answer (boxed: see [`Task`]).
    fn call(&self, call: ApiCall) -> Task<'_, Json> {
        let request = HttpRequest {
            method: "POST",
            url: self.cfg.user_pool_url(),
            headers: vec![
                ("Content-Type", up::CONTENT_TYPE.to_string()),
                ("X-Amz-Target", call.target()),
            ],
            body: call.body,
        };
        Box::pin(async move {
            let response = self.platform.send(request).await?;
            up::parse_response(response.status, &response.body)
        })
    }

    fn save(&self, set: &TokenSet) {
        // A storage that refuses (quota, privacy mode) leaves the session in memory only.
        let _ = self.store.set(&self.storage_key, &set.to_storage_json());
    }

    /// Forgets the tokens and any pending sign-in, in memory and in storage. Returns whether a
    /// user was signed in.
    fn clear(&self) -> Option<TokenSet> {
        self.generation.set(self.generation.get().wrapping_add(1));
        self.pending.replace(None);
        self.store.remove(&self.storage_key);
        self.tokens.replace(None)
    }

    fn accept_sign_in(&self, t: AuthTokens) -> Result<Step> {
        let set = tokens::receive(&self.cfg, t, None, None, self.platform.now_ms())?;
        self.pending.replace(None);
        self.save(&set);
        self.tokens.replace(Some(set));
        self.listeners.emit(AuthEvent::SignedIn, None);
        Ok(Step::Done)
    }

    /// Signs in: `USER_SRP_AUTH` by default, `USER_PASSWORD_AUTH` on request. Returns the next
    /// step; `UserNotConfirmedException` and `PasswordResetRequiredException` become the steps
    /// `CONFIRM_SIGN_UP` and `RESET_PASSWORD`. `InvalidState` while a user is signed in.
    fn sign_in(&self, a: args::SignIn) -> Task<'_, Step> {
        Box::pin(self.sign_in_inner(a))
    }

    async fn sign_in_inner(&self, a: args::SignIn) -> Result<Step> {
        if self.is_signed_in() {
            return Err(invalid_state(
                "a user is already signed in: call signOut first",
            ));
        }
        self.pending.replace(None);
        // One `on_outcome` await for both flows and every SRP branch (each await of a boxed
        // step adds its own states and drop paths to this state machine).
        let result = match self.authenticate(&a).await {
            Ok(outcome) => self.on_outcome(outcome, &a.username).await,
            Err(e) => Err(e),
        };
        match result {
            Err(e) => up::step_for_sign_in_error(&e, &a.username).ok_or(e),
            ok => ok,
        }
    }

    /// The first outcome of a sign-in that is not SRP's own `PASSWORD_VERIFIER` challenge.
    async fn authenticate(&self, a: &args::SignIn) -> Result<AuthOutcome> {
        let (username, password) = (a.username.as_str(), a.password.as_str());
        let call = match a.flow {
            Flow::Password => up::initiate_password(&self.cfg, username, password),
            Flow::Srp => {
                // A is computed before InitiateAuth is sent, off the critical path of the answer.
                let srp = SrpClient::new()?;
                let json = self
                    .call(up::initiate_srp(&self.cfg, username, &srp.srp_a_hex()))
                    .await?;
                match up::parse_auth_outcome(&json)? {
                    AuthOutcome::Challenge(ch) if ch.name == "PASSWORD_VERIFIER" => {
                        self.password_verifier(&srp, &ch, username, password)?
                    }
                    other => return Ok(other),
                }
            }
        };
        up::parse_auth_outcome(&self.call(call).await?)
    }

    /// The answer to SRP's `PASSWORD_VERIFIER` challenge (plain code, outside the async flow).
    fn password_verifier(
        &self,
        srp: &SrpClient,
        ch: &Challenge,
        username: &str,
        password: &str,
    ) -> Result<ApiCall> {
        let user_id = ch.username(username);
        let secret_block = ch.required("SECRET_BLOCK")?;
        let timestamp = UtcDateTime::from_unix_ms(self.platform.now_ms()).cognito_timestamp();
        let claim = srp.password_claim(
            self.cfg.pool_name(),
            user_id,
            password,
            ch.required("SALT")?,
            ch.required("SRP_B")?,
            secret_block,
            &timestamp,
        )?;
        Ok(up::respond_to_challenge(
            &self.cfg,
            "PASSWORD_VERIFIER",
            ch.session.as_deref(),
            user_id,
            &[
                ("PASSWORD_CLAIM_SECRET_BLOCK", secret_block),
                ("PASSWORD_CLAIM_SIGNATURE", &claim.signature_b64),
                ("TIMESTAMP", &claim.timestamp),
            ],
        ))
    }

    /// Tokens → signed in; a challenge → the step the app shows (Cognito's session kept).
    fn on_outcome<'a>(&'a self, outcome: AuthOutcome, typed_user: &'a str) -> Task<'a, Step> {
        Box::pin(self.on_outcome_inner(outcome, typed_user))
    }

    async fn on_outcome_inner(&self, outcome: AuthOutcome, typed_user: &str) -> Result<Step> {
        let ch: Challenge = match outcome {
            AuthOutcome::Tokens(t) => return self.accept_sign_in(t),
            AuthOutcome::Challenge(ch) => ch,
        };
        let challenge_user = ch.username(typed_user).to_string();
        let (step, session) = if ch.name == "MFA_SETUP" {
            up::mfa_setup_supported(&ch)?;
            let session = ch
                .session
                .as_deref()
                .ok_or_else(|| Error::response("MFA_SETUP came without a Session"))?;
            let json = self
                .call(up::associate_software_token(Caller::Session(session)))
                .await?;
            let (secret, next) = up::parse_associate(&json)?;
            let otpauth_uri = up::otpauth_uri(self.cfg.totp_issuer(), typed_user, &secret);
            (
                Step::MfaSetupTotp {
                    secret,
                    otpauth_uri,
                },
                next.or(ch.session),
            )
        } else {
            (up::step_for_challenge(&ch)?, ch.session)
        };
        let allowed = match &step {
            Step::SelectMfaType { allowed } => allowed.clone(),
            _ => Vec::new(),
        };
        self.pending.replace(Some(Pending {
            challenge: ch.name,
            session,
            challenge_user,
            typed_user: typed_user.to_string(),
            allowed,
        }));
        Ok(step)
    }

    /// Answers the current sign-in step and returns the next one. `InvalidState` when no step
    /// is waiting; `InvalidParameter` when the answer lacks what the step needs. After a
    /// refused answer (e.g. `CodeMismatchException`) the step stays open for another try,
    /// except when Cognito refuses the session itself (`NotAuthorizedException`: start over).
    fn confirm_sign_in(&self, a: args::ConfirmSignIn) -> Task<'_, Step> {
        Box::pin(self.confirm_sign_in_inner(a))
    }

    async fn confirm_sign_in_inner(&self, a: args::ConfirmSignIn) -> Result<Step> {
        let p = self
            .pending
            .borrow_mut()
            .take()
            .ok_or_else(|| invalid_state("no sign-in step is waiting for an answer"))?;
        let result = self.answer(&p, &a).await;
        if let Err(e) = &result {
            let retry = match &e.code {
                ErrorCode::InvalidParameter | ErrorCode::NetworkError => true,
                ErrorCode::Service(name) => name != "NotAuthorizedException",
                _ => false,
            };
            if retry && !self.is_signed_in() && self.pending.borrow().is_none() {
                self.pending.replace(Some(p));
            }
        }
        result
    }

    async fn answer(&self, p: &Pending, a: &args::ConfirmSignIn) -> Result<Step> {
        let code = || {
            a.code
                .as_deref()
                .ok_or_else(|| Error::param("code", "is required to answer this step"))
        };
        let mut answers: Vec<(String, String)> = Vec::new();
        let mut session = p.session.clone();
        match p.challenge.as_str() {
            "NEW_PASSWORD_REQUIRED" => {
                let new_password = a.new_password.as_deref().ok_or_else(|| {
                    Error::param("newPassword", "is required to answer NEW_PASSWORD_REQUIRED")
                })?;
                answers.push(("NEW_PASSWORD".to_string(), new_password.to_string()));
                for (name, value) in &a.attributes {
                    let mut key = String::from("userAttributes.");
                    key.push_str(name);
                    answers.push((key, value.clone()));
                }
            }
            "SELECT_MFA_TYPE" => {
                let m = a.mfa_type.ok_or_else(|| {
                    Error::param("mfaType", "is required to answer SELECT_MFA_TYPE")
                })?;
                if !p.allowed.contains(&m) {
                    return Err(Error::param("mfaType", "is not one of the allowed types"));
                }
                answers.push(("ANSWER".to_string(), m.challenge_name().to_string()));
            }
            "MFA_SETUP" => {
                let code = code()?;
                let s = session
                    .as_deref()
                    .ok_or_else(|| Error::response("MFA_SETUP has no Session"))?;
                let json = self
                    .call(up::verify_software_token(
                        Caller::Session(s),
                        code,
                        a.device_name.as_deref(),
                    ))
                    .await?;
                if let Some(next) = up::parse_verify(&json)? {
                    session = Some(next);
                }
            }
            other => {
                let key = up::code_answer_key(other)
                    .ok_or_else(|| invalid_state("the pending step cannot be answered"))?;
                answers.push((key.to_string(), code()?.to_string()));
            }
        }
        let refs: Vec<(&str, &str)> = answers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let call = up::respond_to_challenge(
            &self.cfg,
            &p.challenge,
            session.as_deref(),
            &p.challenge_user,
            &refs,
        );
        let json = self.call(call).await?;
        self.on_outcome(up::parse_auth_outcome(&json)?, &p.typed_user)
            .await
    }

    /// The one API call of a single-call operation, from its arguments (and, for operations
    /// of the signed-in user, the tokens).
    fn prepare(&self, op: Op, a: Option<&Json>, t: Option<&TokenSet>) -> Result<ApiCall> {
        let cfg = &self.cfg;
        let access = t.map_or("", |t| t.access_token.as_str());
        Ok(match op {
            Op::SignUp => {
                let x = args::SignUp::from_json(a)?;
                up::sign_up(cfg, &x.username, &x.password, &x.attributes)
            }
            Op::ConfirmSignUp => {
                let x = args::UsernameCode::from_json(a)?;
                up::confirm_sign_up(cfg, &x.username, &x.code)
            }
            Op::ResendSignUpCode => up::resend_confirmation_code(cfg, &args::username(a)?),
            Op::ForgotPassword => up::forgot_password(cfg, &args::username(a)?),
            Op::ConfirmForgotPassword => {
                let x = args::ConfirmForgotPassword::from_json(a)?;
                up::confirm_forgot_password(cfg, &x.username, &x.code, &x.new_password)
            }
            Op::ChangePassword => {
                let x = args::ChangePassword::from_json(a)?;
                up::change_password(access, &x.old_password, &x.new_password)
            }
            Op::FetchUserAttributes => {
                args::none(a)?;
                up::get_user(access)
            }
            Op::SetUpTotp => {
                args::none(a)?;
                up::associate_software_token(Caller::AccessToken(access))
            }
            Op::VerifyTotp => {
                let x = args::VerifyTotp::from_json(a)?;
                up::verify_software_token(
                    Caller::AccessToken(access),
                    &x.code,
                    x.device_name.as_deref(),
                )
            }
            Op::SetMfaPreference => {
                let x = args::MfaPreferences::from_json(a)?;
                up::set_mfa_preference(access, x.totp, x.sms, x.email)
            }
            _ => return Err(Error::internal("not a single-call operation")),
        })
    }

    /// The result JSON of a single-call operation from Cognito's answer (`""` for none).
    fn finish(&self, op: Op, json: &Json, t: Option<&TokenSet>) -> Result<String> {
        Ok(match op {
            Op::SignUp => up::parse_sign_up(json)?.to_json(),
            Op::ResendSignUpCode | Op::ForgotPassword => {
                up::code_delivery_result(up::parse_code_delivery(json)?.as_ref())
            }
            Op::FetchUserAttributes => up::user_attributes_json(json)?,
            Op::SetUpTotp => {
                let (secret, _) = up::parse_associate(json)?;
                let account = t.map(TokenSet::account_label).unwrap_or_default();
                up::totp_setup_json(self.cfg.totp_issuer(), &account, &secret).to_string()
            }
            Op::VerifyTotp => {
                up::parse_verify(json)?;
                String::new()
            }
            _ => String::new(),
        })
    }

    /// A single-call operation: arguments → (tokens →) one API call → result.
    async fn single_call(&self, op: Op, a: Option<&Json>) -> Result<String> {
        let t = if op.needs_user() {
            Some(self.get_tokens(false).await?)
        } else {
            None
        };
        let call = self.prepare(op, a, t.as_ref())?;
        let json = self.call(call).await?;
        self.finish(op, &json, t.as_ref())
    }

    /// Runs `op` with its arguments as JSON text (`None`: no arguments) and resolves to the
    /// result as JSON text (`""` when the operation returns nothing). Argument errors are
    /// `InvalidParameter` naming the argument.
    pub fn run<'a>(&'a self, op: Op, input: Option<&str>) -> Task<'a, String> {
        let parsed = input.map(Json::parse).transpose();
        Box::pin(async move {
            let args = parsed.map_err(|_| Error::param("arguments", "are not JSON"))?;
            let a = args.as_ref();
            match op {
                Op::SignIn => Ok(self.sign_in(args::SignIn::from_json(a)?).await?.to_json()),
                Op::ConfirmSignIn => Ok(self
                    .confirm_sign_in(args::ConfirmSignIn::from_json(a)?)
                    .await?
                    .to_json()),
                Op::GetTokens => Ok(self
                    .get_tokens(args::force_refresh(a)?)
                    .await?
                    .to_app_json()),
                Op::SignOut => {
                    self.sign_out(args::SignOut::from_json(a)?).await?;
                    Ok(String::new())
                }
                _ => self.single_call(op, a).await,
            }
        })
    }

    /// The tokens, refreshed first when they expire within [`REFRESH_MARGIN_MS`] (or always with
    /// `force`). Concurrent callers share one refresh. `NotSignedIn` without a session.
    pub fn get_tokens(&self, force: bool) -> Task<'_, TokenSet> {
        Box::pin(self.get_tokens_inner(force))
    }

    async fn get_tokens_inner(&self, force: bool) -> Result<TokenSet> {
        let current = self.tokens.borrow().clone().ok_or_else(not_signed_in)?;
        if !force
            && self.platform.now_ms().saturating_add(REFRESH_MARGIN_MS) < current.expires_at_ms
        {
            return Ok(current);
        }
        let in_flight = self.refresh.borrow().clone();
        if let Some(flight) = in_flight {
            return flight.wait().await;
        }
        let (flight, lead) = Flight::start();
        self.refresh.replace(Some(flight));
        let result = self.refresh_once(current, force).await;
        self.refresh.replace(None);
        lead.finish(result.clone());
        result
    }

    async fn refresh_once(&self, current: TokenSet, force: bool) -> Result<TokenSet> {
        let generation = self.generation.get();
        let refresh_token = current.refresh_token.clone().ok_or_else(not_signed_in)?;
        let call = if self.cfg.refresh_token_rotation {
            up::get_tokens_from_refresh_token(&self.cfg, &refresh_token)
        } else {
            up::initiate_refresh(&self.cfg, &refresh_token, &current.username)
        };
        let received = match self.call(call).await {
            Ok(json) => up::parse_auth_outcome(&json),
            Err(e) => Err(e),
        };
        if self.generation.get() != generation {
            return Err(Error::new(
                ErrorCode::NotSignedIn,
                "the session was cleared during the refresh",
            ));
        }
        let now = self.platform.now_ms();
        let result = match received {
            Ok(AuthOutcome::Tokens(t)) => {
                let sub = current.sub();
                tokens::receive(&self.cfg, t, Some(&refresh_token), sub.as_deref(), now)
            }
            Ok(AuthOutcome::Challenge(_)) => {
                Err(Error::response("the refresh was answered with a challenge"))
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(set) => {
                self.save(&set);
                self.tokens.replace(Some(set.clone()));
                self.listeners.emit(AuthEvent::TokenRefreshed, None);
                Ok(set)
            }
            Err(e) => {
                let rejected = e.name() == "NotAuthorizedException";
                if rejected {
                    self.clear();
                }
                self.listeners.emit(AuthEvent::RefreshFailed, Some(&e));
                if rejected {
                    self.listeners.emit(AuthEvent::SignedOut, None);
                } else if !force
                    && now < current.expires_at_ms
                    && self.generation.get() == generation
                {
                    // The tokens are still valid: the app keeps working and a later call retries.
                    return Ok(current);
                }
                Err(e)
            }
        }
    }

    /// Signs out: the local session (tokens, pending sign-in, storage) is cleared first and
    /// always, and `signedOut` is emitted; then Cognito is told — `GlobalSignOut` with `global`
    /// (which invalidates every refresh token of the user), else (or if that failed)
    /// `RevokeToken` for this refresh token. A failure to tell Cognito is returned only with
    /// `strict`; otherwise the call succeeds, since the user *is* signed out on this device.
    fn sign_out(&self, a: args::SignOut) -> Task<'_, ()> {
        Box::pin(self.sign_out_inner(a))
    }

    async fn sign_out_inner(&self, a: args::SignOut) -> Result<()> {
        let Some(t) = self.clear() else { return Ok(()) };
        self.listeners.emit(AuthEvent::SignedOut, None);
        let mut failure = None;
        let mut revoked = false;
        if a.global {
            match self.call(up::global_sign_out(&t.access_token)).await {
                Ok(_) => revoked = true,
                Err(e) => failure = Some(e),
            }
        }
        if let (false, Some(rt)) = (revoked, &t.refresh_token) {
            if let Err(e) = self.call(up::revoke_token(&self.cfg, rt)).await {
                failure = failure.or(Some(e));
            }
        }
        match failure {
            Some(e) if a.strict => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests;
