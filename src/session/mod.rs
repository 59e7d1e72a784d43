//! The session: user-pool sign-in and account flows over the protocol core, the token set and
//! its refresh, and the stored form of the session — as a synchronous state machine that does
//! no I/O.
//!
//! A driver (the JS in `js/auth.js`; a scripted server in the native tests) runs each
//! operation: [`Session::start`] returns an [`Output`] whose [`Next`] says what to do — send
//! this request, verify these signatures, take the refresh lock, done with this result, failed,
//! or join a refresh already in flight — and the driver hands back what it got
//! ([`Session::resume`] with the answer, [`Session::verified`] with Web Crypto's verdict,
//! [`Session::locked`] with what storage holds once the lock is held) with the flow id it was
//! given, until the operation is done. Each output also carries the step's effects: the
//! session's new stored form (or its removal), this tab's redirect record, the events to
//! deliver, where the browser goes. [`Session::sync`] follows the storage entry when another
//! tab changes it. The clock is an argument of every step, so the session has no environment
//! at all.
//!
//! The shape is that of rustls's unbuffered API and quinn-proto: no `async` inside, the runtime
//! outside. Measured against the earlier `async` session (whose generated state machines were
//! ~36 KB of the wasm), see docs/size.md.

use crate::prelude::*;

pub mod args;
mod account;
pub mod events;
mod hosted_ui;
pub mod output;
mod refresh;
mod sign_in;
mod sign_out;
pub mod tokens;
mod verify;

use crate::core::config::Config;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::pkce::Nonce;
use crate::core::srp::SrpClient;
use crate::core::time::parse_http_date;
use crate::core::user_pool::{self as up, ApiCall, Challenge, MfaType};

pub use events::AuthEvent;
pub use output::{HttpRequest, Next, Output, StoreWrite};
pub use tokens::TokenSet;

/// The operations apps call (the JS driver starts one by its method name, with the arguments
/// as JSON).
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
    /// `changePassword({ oldPassword, newPassword })` (signed in).
    ChangePassword,
    /// `fetchUserAttributes()` → `{ name: value, ... }` (signed in).
    FetchUserAttributes,
    /// `setUpTotp()` → `{ secret, otpauthUri }` (signed in).
    SetUpTotp,
    /// `verifyTotp({ code, deviceName? })` (signed in).
    VerifyTotp,
    /// `setMfaPreference({ totp?, sms?, email? })` (signed in).
    SetMfaPreference,
    /// `getTokens({ forceRefresh? })` → `{ idToken, accessToken, expiresAt }`.
    GetTokens,
    /// `signOut({ global?, strict? })`.
    SignOut,
    /// `signInWithRedirect({ provider?, idpIdentifier?, prompt?, lang?, loginHint?, scopes?,
    /// state? })` → `{ url }` (and the browser goes there).
    SignInWithRedirect,
    /// `handleRedirectCallback(url)` → `{ state? }`.
    HandleRedirectCallback,
}

const OPS: [(&str, Op); 16] = [
    ("signIn", Op::SignIn),
    ("confirmSignIn", Op::ConfirmSignIn),
    ("signUp", Op::SignUp),
    ("confirmSignUp", Op::ConfirmSignUp),
    ("resendSignUpCode", Op::ResendSignUpCode),
    ("forgotPassword", Op::ForgotPassword),
    ("confirmForgotPassword", Op::ConfirmForgotPassword),
    ("changePassword", Op::ChangePassword),
    ("fetchUserAttributes", Op::FetchUserAttributes),
    ("setUpTotp", Op::SetUpTotp),
    ("verifyTotp", Op::VerifyTotp),
    ("setMfaPreference", Op::SetMfaPreference),
    ("getTokens", Op::GetTokens),
    ("signOut", Op::SignOut),
    ("signInWithRedirect", Op::SignInWithRedirect),
    ("handleRedirectCallback", Op::HandleRedirectCallback),
];

impl Op {
    /// The operation whose JS method is `name` (e.g. `signIn`); `None` for any other name.
    pub fn from_name(name: &str) -> Option<Op> {
        OPS.iter().find(|(n, _)| *n == name).map(|(_, op)| *op)
    }

    /// The name of the operation's JS method (e.g. `signIn`).
    pub fn name(self) -> &'static str {
        OPS.iter().find(|(_, op)| *op == self).map_or("", |(n, _)| n)
    }
}

/// A sign-in step waiting for the user's answer (`confirmSignIn`). Cognito's `Session` stays
/// here and is never shown to the app.
#[derive(Debug, Clone)]
struct OpenChallenge {
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

/// A request in flight, and what its answer is for.
enum InFlight {
    /// `InitiateAuth` `USER_SRP_AUTH`: the answer is SRP's `PASSWORD_VERIFIER` challenge.
    SrpInitiate {
        // Boxed: the client's numbers would size every in-flight entry.
        srp: Box<SrpClient>,
        user: String,
        password: String,
    },
    /// A call whose answer is tokens or a challenge: `InitiateAuth` `USER_PASSWORD_AUTH`, the
    /// answer to `PASSWORD_VERIFIER` (`timestamped`: it carries the SRP `TIMESTAMP`), or (with
    /// `answering`) the answer to an open challenge, which is reopened if the answer is refused
    /// in a way the user can retry.
    Authenticate {
        user: String,
        answering: Option<OpenChallenge>,
        timestamped: bool,
    },
    /// `AssociateSoftwareToken` for an `MFA_SETUP` challenge: the answer is the TOTP secret.
    MfaSetupSecret {
        challenge: Challenge,
        user: String,
        answering: Option<OpenChallenge>,
    },
    /// `VerifySoftwareToken` while answering `MFA_SETUP`; then the challenge is answered.
    MfaSetupVerify { open: OpenChallenge },
    /// The one call of an account operation.
    Account { op: Op },
    /// The pool's JWKS, fetched to check `set`'s signatures; then `then`.
    Jwks { set: TokenSet, then: verify::Then },
    /// The driver verifying `set`'s signatures; then `then`.
    Verify { set: TokenSet, then: verify::Then },
    /// The hosted UI's token endpoint exchanging a code; the id token must carry `nonce`.
    CodeExchange {
        nonce: Nonce,
        app_state: Option<String>,
    },
    /// A refresh waiting for the refresh lock (one tab at a time), from the tokens this tab held
    /// when it began: once the lock is held, what storage holds then is adopted or refreshed.
    AwaitLock {
        started_with: TokenSet,
        force: bool,
        generation: u64,
    },
    /// A token refresh of the session of `generation`, from the token set `current`; calls that
    /// joined it know it as `join`.
    Refresh {
        current: TokenSet,
        force: bool,
        generation: u64,
        join: u32,
    },
    /// `GlobalSignOut`; then, if it failed, `RevokeToken` for `refresh_token`.
    GlobalSignOut {
        refresh_token: Option<String>,
        end: sign_out::End,
    },
    /// `RevokeToken`, after `failure` (of `GlobalSignOut`) if any.
    Revoke {
        end: sign_out::End,
        failure: Option<Error>,
    },
}

/// The answer to a request: its HTTP status and body, or `NetworkError` when none arrived.
type Answer<'a> = Result<(u16, &'a str)>;

/// A user-pool API answer read (see `user_pool::parse_response`).
fn api(answer: Answer) -> Result<Json> {
    answer.and_then(|(status, body)| up::parse_response(status, body))
}

/// A user-pool session.
pub struct Session {
    cfg: Config,
    tokens: Option<TokenSet>,
    open: Option<OpenChallenge>,
    in_flight: Vec<(u32, InFlight)>,
    last_flow: u32,
    /// The flow of the refresh in progress, which other `getTokens` calls join.
    refreshing: Option<u32>,
    /// The flow checking stored tokens' signatures (the JWKS fetch, then Web Crypto), which
    /// other `getTokens` calls join: a thousand calls on a restored session make one check.
    checking_stored: Option<u32>,
    /// After refreshes failed for the network: the next one is not tried before `retry_at_ms`
    /// while the tokens are valid; `backoff_ms` doubles with each failure (1 s to 60 s).
    retry_at_ms: i64,
    backoff_ms: i64,
    /// Bumped whenever the session is cleared, so a refresh that was in flight cannot bring a
    /// signed-out session back.
    generation: u64,
    /// The clock of the current step (ms since the Unix epoch).
    now_ms: i64,
    /// The pool's signing keys, and when they were last fetched (ms).
    jwks: crate::core::jwks::Jwks,
    jwks_fetched_at_ms: Option<i64>,
    /// Whether the signatures of `tokens` were checked by this session (tokens read from
    /// storage are checked on first use).
    tokens_verified: bool,
    /// The servers' clock minus this device's, from the last `Date` header read (0 until one
    /// is): what the SRP `TIMESTAMP` is corrected by.
    clock_offset_ms: Option<i64>,
    store: Option<StoreWrite>,
    redirect: Option<StoreWrite>,
    navigate: Option<String>,
    events: Vec<(AuthEvent, Option<Error>)>,
}

fn invalid_state(what: &str) -> Error {
    Error::new(ErrorCode::InvalidState, what)
}

fn not_signed_in() -> Error {
    Error::new(ErrorCode::NotSignedIn, "no user is signed in")
}

impl Session {
    /// A signed-out session for `cfg`.
    pub fn new(cfg: Config) -> Self {
        Session {
            cfg,
            tokens: None,
            open: None,
            in_flight: Vec::new(),
            last_flow: 0,
            refreshing: None,
            checking_stored: None,
            retry_at_ms: 0,
            backoff_ms: 0,
            generation: 0,
            now_ms: 0,
            jwks: Default::default(),
            jwks_fetched_at_ms: None,
            tokens_verified: false,
            clock_offset_ms: None,
            store: None,
            redirect: None,
            navigate: None,
            events: Vec::new(),
        }
    }

    /// Restores the session from its stored form (a page reload keeps the user signed in).
    /// Returns false when the stored text does not check out for this pool and client (the
    /// driver then removes it); the session stays signed out.
    pub fn restore(&mut self, stored: &str) -> bool {
        match TokenSet::from_storage_json(&self.cfg, stored) {
            Ok(t) => {
                self.tokens = Some(t);
                true
            }
            Err(_) => false,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Whether a user is signed in (tokens are held; they may need a refresh).
    pub fn is_signed_in(&self) -> bool {
        self.tokens.is_some()
    }

    /// The signed-in user's display claims as JSON (see [`TokenSet::user_json`]), or `None`.
    pub fn user_json(&self) -> Option<String> {
        self.tokens.as_ref().and_then(|t| t.user_json().ok())
    }

    /// Starts `op` with its arguments as JSON text (`None`: no arguments) at `now_ms`.
    /// Argument errors are `InvalidParameter` naming the argument, with no request sent.
    pub fn start(&mut self, op: Op, input: Option<&str>, now_ms: i64) -> Output {
        self.now_ms = now_ms;
        let next = self.begin(op, input).unwrap_or_else(Next::Fail);
        self.output(next)
    }

    /// Hands flow `flow`, which asked for the refresh lock, what the session's storage entry
    /// holds now that the lock is held (`None`: nothing). See `refresh`.
    pub fn locked(&mut self, flow: u32, stored: Option<&str>, now_ms: i64) -> Output {
        self.now_ms = now_ms;
        let next = match self.take_in_flight(flow) {
            Some(InFlight::AwaitLock {
                started_with,
                force,
                generation,
            }) => self.on_locked(flow, started_with, force, generation, stored),
            Some(other) => {
                self.in_flight.push((flow, other));
                Next::Fail(Error::internal("that flow is not waiting for the lock"))
            }
            None => Next::Fail(Error::internal("no flow is waiting for the lock")),
        };
        self.output(next)
    }

    /// The driver's verdict on the signatures flow `flow` asked it to check (`Next::Verify`):
    /// whether every one checks out.
    pub fn verified(&mut self, flow: u32, ok: bool, now_ms: i64) -> Output {
        self.now_ms = now_ms;
        let next = match self.take_in_flight(flow) {
            Some(InFlight::Verify { set, then }) => self.on_verified(set, then, ok),
            Some(other) => {
                self.in_flight.push((flow, other));
                Next::Fail(Error::internal("that flow is not waiting for a verdict"))
            }
            None => Next::Fail(Error::internal("no flow is waiting for a verdict")),
        };
        self.output(next)
    }

    /// Another tab changed the session's storage entry to `stored` (`None`: removed): the session
    /// follows — signed out, signed in, or refreshed there — with the events of the change.
    pub fn sync(&mut self, stored: Option<&str>, now_ms: i64) -> Output {
        self.now_ms = now_ms;
        self.follow_storage(stored);
        self.output(Next::Done(String::new()))
    }

    fn take_in_flight(&mut self, flow: u32) -> Option<InFlight> {
        let i = self.in_flight.iter().position(|(id, _)| *id == flow)?;
        Some(self.in_flight.swap_remove(i).1)
    }

    /// Hands the answer to the request of `flow` to the session at `now_ms`: its HTTP `status`
    /// and body, or `status` 0 when no HTTP answer arrived (offline, refused connection, CORS),
    /// with the driver's message as `body` (it names the URL; it becomes the `NetworkError`).
    /// `date` is the answer's `Date` header where the driver could read it: the servers' clock,
    /// which corrects the SRP `TIMESTAMP` of a device whose clock is wrong.
    pub fn resume(
        &mut self,
        flow: u32,
        status: u16,
        body: &str,
        date: Option<&str>,
        now_ms: i64,
    ) -> Output {
        self.now_ms = now_ms;
        if let Some(server_ms) = date.and_then(parse_http_date) {
            // `Date` has whole seconds: the server's instant lies in the second after it.
            self.clock_offset_ms = Some(server_ms + 500 - now_ms);
        }
        let next = match self.take_in_flight(flow) {
            None => Next::Fail(Error::internal("no request is waiting for that answer")),
            Some(state) => {
                let answer = if status == 0 {
                    Err(Error::new(ErrorCode::NetworkError, body))
                } else {
                    Ok((status, body))
                };
                self.advance(flow, state, answer)
            }
        };
        self.output(next)
    }

    fn begin(&mut self, op: Op, input: Option<&str>) -> Result<Next> {
        let parsed = input
            .map(Json::parse)
            .transpose()
            .map_err(|_| Error::param("arguments", "are not JSON"))?;
        let a = parsed.as_ref();
        match op {
            Op::SignIn => self.sign_in(args::SignIn::from_json(a)?),
            Op::ConfirmSignIn => Ok(self.confirm_sign_in(args::ConfirmSignIn::from_json(a)?)),
            Op::GetTokens => self.get_tokens(args::force_refresh(a)?),
            Op::SignOut => Ok(self.sign_out(args::SignOut::from_json(a)?)),
            Op::SignInWithRedirect => {
                self.sign_in_with_redirect(args::SignInWithRedirect::from_json(a)?)
            }
            Op::HandleRedirectCallback => {
                self.handle_redirect_callback(args::RedirectCallback::from_json(a)?)
            }
            _ => self.account_call(op, a),
        }
    }

    fn advance(&mut self, flow: u32, state: InFlight, answer: Answer) -> Next {
        match state {
            InFlight::SrpInitiate {
                srp,
                user,
                password,
            } => {
                let r = self.on_srp_initiated(&srp, &user, &password, api(answer));
                self.step_result(r, &user, None)
            }
            InFlight::Authenticate {
                user,
                answering,
                timestamped,
            } => {
                let r =
                    api(answer).and_then(|json| self.on_auth_answer(&json, &user, answering.clone()));
                let r = if timestamped { r.map_err(|e| self.clock_hint(e)) } else { r };
                self.step_result(r, &user, answering)
            }
            InFlight::MfaSetupSecret {
                challenge,
                user,
                answering,
            } => {
                let r = api(answer)
                    .and_then(|json| self.on_mfa_setup_secret(&json, challenge, &user));
                self.step_result(r, &user, answering)
            }
            InFlight::MfaSetupVerify { open } => {
                let r = api(answer).and_then(|json| self.on_mfa_setup_verified(&json, &open));
                let user = open.typed_user.clone();
                self.step_result(r, &user, Some(open))
            }
            InFlight::Account { op } => api(answer)
                .and_then(|json| self.account_result(op, &json))
                .map_or_else(Next::Fail, Next::Done),
            InFlight::CodeExchange { nonce, app_state } => self
                .on_code_exchanged(&nonce, app_state.as_deref(), answer)
                .unwrap_or_else(Next::Fail),
            InFlight::AwaitLock { .. } | InFlight::Verify { .. } => {
                self.in_flight.push((flow, state));
                Next::Fail(Error::internal("that flow is not waiting for an answer"))
            }
            InFlight::Jwks { set, then } => self.on_jwks(set, then, answer),
            InFlight::Refresh {
                current,
                force,
                generation,
                join,
            } => self.on_refreshed(current, force, generation, join, answer),
            InFlight::GlobalSignOut { refresh_token, end } => {
                self.on_global_sign_out(refresh_token, end, api(answer))
            }
            InFlight::Revoke { end, failure } => self.end_sign_out(end, failure.or(api(answer).err())),
        }
    }

    /// The request of a user-pool API call.
    fn api_request(&self, call: ApiCall) -> HttpRequest {
        HttpRequest {
            method: "POST",
            url: self.cfg.user_pool_url(),
            headers: vec![
                ("Content-Type", up::CONTENT_TYPE.to_string()),
                ("X-Amz-Target", call.target()),
            ],
            body: call.body,
        }
    }

    /// Sends `call` to the user-pool API; its answer goes to `state`.
    fn send(&mut self, state: InFlight, call: ApiCall) -> Next {
        let request = self.api_request(call);
        self.send_request(state, request)
    }

    /// Sends `request`; its answer goes to `state`.
    fn send_request(&mut self, state: InFlight, request: HttpRequest) -> Next {
        let flow = self.register(state);
        Next::Send { flow, request }
    }

    /// Keeps `state` as a new flow in progress; returns its id.
    fn register(&mut self, state: InFlight) -> u32 {
        self.last_flow = self.last_flow.wrapping_add(1);
        self.in_flight.push((self.last_flow, state));
        self.last_flow
    }

    fn output(&mut self, next: Next) -> Output {
        Output {
            next,
            store: self.store.take(),
            redirect: self.redirect.take(),
            navigate: self.navigate.take(),
            events: ::core::mem::take(&mut self.events),
        }
    }

    fn emit(&mut self, event: AuthEvent, error: Option<Error>) {
        self.events.push((event, error));
    }

    /// The servers' time now: this step's clock corrected by the last offset measured.
    fn server_now_ms(&self) -> i64 {
        self.now_ms.saturating_add(self.clock_offset_ms.unwrap_or(0))
    }

    /// Keeps `set` (accepted: its signatures checked, or not asked for) as the session's tokens
    /// and stores it.
    fn keep(&mut self, set: TokenSet) {
        self.store = Some(StoreWrite::Set(set.to_storage_json()));
        self.tokens = Some(set);
        self.tokens_verified = true;
    }

    /// Forgets the tokens and any open sign-in step, in memory and in storage. Returns the
    /// tokens that were held.
    fn clear(&mut self) -> Option<TokenSet> {
        self.generation = self.generation.wrapping_add(1);
        // A refresh in flight ends as `NotSignedIn` (its generation is gone); later calls must
        // not join it.
        self.refreshing = None;
        self.checking_stored = None;
        self.open = None;
        self.store = Some(StoreWrite::Remove);
        self.tokens.take()
    }
}

#[cfg(test)]
mod tests;
