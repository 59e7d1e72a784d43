//! Verified tokens: every token pair the session takes — from a sign-in, the hosted UI's code
//! exchange, a refresh, or storage (on its first use) — is accepted only once both RS256
//! signatures check out with the pool's JWKS. The keys are fetched once and kept by `kid`; an
//! unknown `kid` fetches them again, at most once a minute. The driver verifies with Web Crypto
//! (`Next::Verify`) and answers `Session::verified`.
//!
//! Claims (issuer, audience, token use, expiry, nonce) are checked before this, where the tokens
//! are read; `verifyTokenSignatures: false` turns the signature check off.

use crate::prelude::*;

use crate::core::error::{Error, ErrorCode};
use crate::core::jwks::{self, Jwks, SignatureCheck};
use crate::core::json::JsonObject;
use crate::core::user_pool::Step;

use super::{Answer, AuthEvent, HttpRequest, InFlight, Next, Session, TokenSet};

/// What taking a verified token pair leads to.
#[derive(Debug)]
pub(super) enum Then {
    /// A sign-in completes.
    SignIn,
    /// The hosted UI's sign-in completes, with the app's state as the result.
    CodeExchange { app_state: Option<String> },
    /// A refresh completes (of the session of `generation`; calls joined it as `join`).
    Refresh {
        current: TokenSet,
        force: bool,
        generation: u64,
        join: u32,
    },
    /// Tokens read from storage were checked; `getTokens` goes on.
    Stored { force: bool },
}

fn bad_signature() -> Error {
    Error::new(
        ErrorCode::TokenVerificationFailed,
        "signature: the tokens' RS256 signatures do not check out with the pool's keys",
    )
}

fn unknown_key() -> Error {
    Error::new(
        ErrorCode::TokenVerificationFailed,
        "kid: the tokens are signed by a key the pool's JWKS does not have",
    )
}

impl Session {
    /// Takes `set` once its signatures check out: at once when they are not checked; else the
    /// keys are fetched (when the `kid` is unknown) or the driver verifies.
    pub(super) fn accept(&mut self, set: TokenSet, then: Then) -> Next {
        if !self.cfg.verify_signatures {
            return self.accepted(set, then);
        }
        match self.signature_checks(&set) {
            Ok(Some(checks)) => {
                let flow = self.register(InFlight::Verify { set, then });
                Next::Verify { flow, checks }
            }
            Ok(None) if jwks::may_refetch(self.jwks_fetched_at_ms, self.now_ms) => {
                let request = HttpRequest {
                    method: "GET",
                    url: jwks::jwks_url(&self.cfg),
                    headers: Vec::new(),
                    body: String::new(),
                };
                self.send_request(InFlight::Jwks { set, then }, request)
            }
            Ok(None) => self.rejected(then, unknown_key()),
            Err(e) => self.rejected(then, e),
        }
    }

    /// Both tokens' checks, or `None` when a `kid` is not among the keys held.
    fn signature_checks(&self, set: &TokenSet) -> crate::Result<Option<Vec<SignatureCheck>>> {
        let id = jwks::signature_check(&set.id_token, &self.jwks)?;
        let access = jwks::signature_check(&set.access_token, &self.jwks)?;
        Ok(id.zip(access).map(|(i, a)| vec![i, a]))
    }

    /// The JWKS arrived: the keys are kept and the tokens checked with them.
    pub(super) fn on_jwks(&mut self, set: TokenSet, then: Then, answer: Answer) -> Next {
        let keys = answer.and_then(|(status, body)| {
            if status == 200 {
                Jwks::parse(body)
            } else {
                Err(Error::response("the pool's JWKS could not be fetched").with_status(status))
            }
        });
        match keys {
            Ok(keys) => {
                self.jwks = keys;
                // Only a fetch that brought keys counts against the once-a-minute limit.
                self.jwks_fetched_at_ms = Some(self.now_ms);
                match self.signature_checks(&set) {
                    Ok(Some(checks)) => {
                        let flow = self.register(InFlight::Verify { set, then });
                        Next::Verify { flow, checks }
                    }
                    Ok(None) => self.rejected(then, unknown_key()),
                    Err(e) => self.rejected(then, e),
                }
            }
            Err(e) => self.rejected(then, e),
        }
    }

    /// The driver's verdict on the signatures.
    pub(super) fn on_verified(&mut self, set: TokenSet, then: Then, ok: bool) -> Next {
        if ok {
            self.accepted(set, then)
        } else {
            self.rejected(then, bad_signature())
        }
    }

    fn accepted(&mut self, set: TokenSet, then: Then) -> Next {
        match then {
            Then::SignIn => {
                self.open = None;
                self.keep(set);
                self.emit(AuthEvent::SignedIn, None);
                Next::Done(Step::Done.to_json())
            }
            Then::CodeExchange { app_state } => {
                self.open = None;
                self.keep(set);
                self.emit(AuthEvent::SignedIn, None);
                Next::Done(JsonObject::new().opt_str("state", app_state.as_deref()).to_string())
            }
            Then::Refresh {
                generation, join, ..
            } => {
                if self.refreshing == Some(join) {
                    self.refreshing = None;
                }
                if self.generation != generation {
                    return Next::Fail(super::refresh::cleared_during_refresh());
                }
                let app = set.to_app_json();
                self.keep(set);
                self.backoff_ms = 0;
                self.retry_at_ms = 0;
                self.emit(AuthEvent::TokenRefreshed, None);
                Next::Done(app)
            }
            Then::Stored { force } => {
                self.checking_stored = None;
                if self.tokens.as_ref() == Some(&set) {
                    self.tokens_verified = true;
                }
                self.get_tokens(force).unwrap_or_else(Next::Fail)
            }
        }
    }

    fn rejected(&mut self, then: Then, e: Error) -> Next {
        match then {
            Then::SignIn | Then::CodeExchange { .. } => Next::Fail(e),
            Then::Refresh {
                current,
                force,
                join,
                ..
            } => {
                if self.refreshing == Some(join) {
                    self.refreshing = None;
                }
                self.refresh_failed(current, force, e)
            }
            Then::Stored { .. } => {
                self.checking_stored = None;
                // Stored tokens that are not the pool's end the session; a failure to fetch the
                // keys (offline) keeps it, still unchecked, for the next call to try again.
                let verdict = matches!(e.code, ErrorCode::TokenVerificationFailed | ErrorCode::InvalidToken);
                if verdict && self.clear().is_some() {
                    self.emit(AuthEvent::SignedOut, None);
                }
                Next::Fail(e)
            }
        }
    }
}
