//! `getTokens`: the tokens as they are while fresh; otherwise one refresh, which concurrent
//! callers join rather than sending their own (with rotating refresh tokens a second use of
//! the old token would be refused).

use crate::core::error::{Error, ErrorCode, Result};
use crate::core::oauth;
use crate::core::user_pool::{self as up, AuthOutcome};

use super::verify::Then;
use super::{not_signed_in, tokens, Answer, AuthEvent, HttpRequest, InFlight, Next, Session, TokenSet};

pub(super) fn cleared_during_refresh() -> Error {
    Error::new(ErrorCode::NotSignedIn, "the session was cleared during the refresh")
}

impl Session {
    /// The refresh margin: tokens that expire within it are refreshed (`refreshMargin`).
    fn margin_ms(&self) -> i64 {
        self.cfg.refresh_margin_secs as i64 * 1000
    }

    /// The tokens as `{ idToken, accessToken, expiresAt }`, refreshed first when they are due
    /// (see `TokenSet::refresh_due`; always with `force`). `NotSignedIn` without a session.
    ///
    /// A refresh first takes the refresh lock (`Next::Lock`; one tab of the origin at a time),
    /// then goes on in [`Session::on_locked`]; calls meanwhile join it.
    pub(super) fn get_tokens(&mut self, force: bool) -> Result<Next> {
        let current = self.tokens.as_ref().ok_or_else(not_signed_in)?;
        if !self.tokens_verified && self.cfg.verify_signatures {
            // Read from storage (at start-up, or written by another tab): checked first, once:
            // calls meanwhile join the check (and what follows it, a refresh if due).
            if let (Some(flow), false) = (self.checking_stored, force) {
                return Ok(Next::Join(flow));
            }
            let stored = current.clone();
            let next = self.accept(stored, Then::Stored { force });
            if let Next::Send { flow, .. } | Next::Verify { flow, .. } = &next {
                self.checking_stored = Some(*flow);
            }
            return Ok(next);
        }
        let backing_off = self.now_ms < self.retry_at_ms && self.now_ms < current.expires_at_ms;
        if !force && (!current.refresh_due(self.now_ms, self.margin_ms()) || backing_off) {
            return Ok(Next::Done(current.to_app_json()));
        }
        if let Some(flow) = self.refreshing {
            return Ok(Next::Join(flow));
        }
        let state = InFlight::AwaitLock {
            started_with: current.clone(),
            force,
            generation: self.generation,
        };
        let flow = self.register(state);
        self.refreshing = Some(flow);
        Ok(Next::Lock { flow })
    }

    /// The refresh lock is held and `stored` is what the session's storage entry holds now.
    /// When another tab refreshed while this one waited (the stored tokens are not those this
    /// refresh started from), they are adopted — a second use of a rotated refresh token would
    /// sign the user out — and are the result if fresh. Otherwise the refresh is sent.
    pub(super) fn on_locked(
        &mut self,
        flow: u32,
        started_with: TokenSet,
        force: bool,
        generation: u64,
        stored: Option<&str>,
    ) -> Next {
        if self.generation != generation {
            self.refreshing = None;
            return Next::Fail(cleared_during_refresh());
        }
        let newer = stored
            .and_then(|text| TokenSet::from_storage_json(&self.cfg, text).ok())
            .filter(|t| *t != started_with);
        if let Some(t) = newer {
            let fresh = !t.refresh_due(self.now_ms, self.margin_ms());
            // Already followed when the other tab's write arrived as a storage event.
            if self.tokens.as_ref() != Some(&t) {
                self.tokens = Some(t.clone());
                self.tokens_verified = false;
                self.emit(AuthEvent::TokenRefreshed, None);
            }
            if fresh {
                self.refreshing = None;
                // Another tab's tokens, read from storage: checked before they are handed out.
                return match self.get_tokens(false) {
                    Ok(next) => next,
                    Err(e) => Next::Fail(e),
                };
            }
        }
        match self.refresh_request() {
            Ok((current, request)) => {
                // Calls that joined this refresh go on joining it under its first id.
                let state = InFlight::Refresh {
                    current,
                    force,
                    generation,
                    join: flow,
                };
                self.send_request(state, request)
            }
            Err(e) => {
                self.refreshing = None;
                Next::Fail(e)
            }
        }
    }

    /// The refresh request for the session's tokens: the hosted UI's token endpoint for a session
    /// that signed in there, else `GetTokensFromRefreshToken` (rotating clients) or
    /// `InitiateAuth` `REFRESH_TOKEN_AUTH`; with the tokens it refreshes.
    fn refresh_request(&self) -> Result<(TokenSet, HttpRequest)> {
        let current = self.tokens.clone().ok_or_else(not_signed_in)?;
        let refresh_token = current.refresh_token.as_deref().ok_or_else(not_signed_in)?;
        let request = if current.hosted_ui {
            self.token_request(oauth::refresh_grant_form(&self.cfg.client_id, refresh_token))?
        } else if self.cfg.refresh_token_rotation {
            self.api_request(up::get_tokens_from_refresh_token(&self.cfg, refresh_token))
        } else {
            self.api_request(up::initiate_refresh(&self.cfg, refresh_token, &current.username))
        };
        Ok((current, request))
    }

    /// Another tab changed the session's storage entry: `None` (removed) signs this tab out,
    /// a session where there was none signs it in, other tokens of the same user are a refresh.
    /// Stored text that does not check out is ignored.
    pub(super) fn follow_storage(&mut self, stored: Option<&str>) {
        let Some(text) = stored else {
            if self.tokens.is_some() {
                self.generation = self.generation.wrapping_add(1);
                self.open = None;
                self.tokens = None;
                self.emit(AuthEvent::SignedOut, None);
            }
            return;
        };
        let Ok(t) = TokenSet::from_storage_json(&self.cfg, text) else {
            return;
        };
        let event = match &self.tokens {
            Some(current) if *current == t => return,
            Some(current) if current.sub() == t.sub() => AuthEvent::TokenRefreshed,
            _ => AuthEvent::SignedIn,
        };
        self.open = None;
        self.tokens = Some(t);
        self.tokens_verified = false;
        self.emit(event, None);
    }

    /// The refresh's answer (from the user-pool API, or the hosted UI's token endpoint for a
    /// session that signed in there). New tokens for the same user go on to be accepted (their
    /// signatures checked; then kept, with `tokenRefreshed`); a failure is [`Session::refresh_failed`].
    pub(super) fn on_refreshed(
        &mut self,
        current: TokenSet,
        force: bool,
        generation: u64,
        join: u32,
        answer: Answer,
    ) -> Next {
        if self.generation != generation {
            if self.refreshing == Some(join) {
                self.refreshing = None;
            }
            return Next::Fail(cleared_during_refresh());
        }
        let received = answer.and_then(|(status, body)| {
            let t = if current.hosted_ui {
                oauth::parse_token_response(status, body)?
            } else {
                match up::parse_auth_outcome(&up::parse_response(status, body)?)? {
                    AuthOutcome::Tokens(t) => t,
                    AuthOutcome::Challenge(_) => {
                        return Err(Error::response("the refresh was answered with a challenge"))
                    }
                }
            };
            let sub = current.sub();
            let mut set = tokens::receive(
                &self.cfg,
                t,
                current.refresh_token.as_deref(),
                sub.as_deref(),
                self.now_ms,
                self.server_now_ms(),
            )?;
            set.hosted_ui = current.hosted_ui;
            Ok(set)
        });
        match received {
            Ok(set) => {
                let then = Then::Refresh {
                    current,
                    force,
                    generation,
                    join,
                };
                self.accept(set, then)
            }
            Err(e) => {
                if self.refreshing == Some(join) {
                    self.refreshing = None;
                }
                self.refresh_failed(current, force, e)
            }
        }
    }

    /// A refresh that failed with `e`. A network failure backs the next refresh off. A refusal (`NotAuthorizedException`, or
    /// `OAuthInvalidGrant` from the token endpoint: the refresh token was revoked or has
    /// expired) signs out, with `refreshFailed` then `signedOut`. Any other failure emits
    /// `refreshFailed` and, unless forced, still returns the current tokens while they are
    /// valid, so the app keeps working and a later call retries.
    pub(super) fn refresh_failed(&mut self, current: TokenSet, force: bool, e: Error) -> Next {
        if e.code == ErrorCode::NetworkError {
            // Offline: the next refresh waits 1 s, then 2, 4 … up to a minute (while the tokens
            // last; a forced refresh tries at once).
            self.backoff_ms = (self.backoff_ms * 2).clamp(1_000, 60_000);
            self.retry_at_ms = self.now_ms.saturating_add(self.backoff_ms);
        }
        let rejected = matches!(e.name(), "NotAuthorizedException" | "OAuthInvalidGrant");
        if rejected {
            self.clear();
        }
        self.emit(AuthEvent::RefreshFailed, Some(e.clone()));
        if rejected {
            self.emit(AuthEvent::SignedOut, None);
        } else if !force && self.now_ms < current.expires_at_ms {
            // The tokens are still valid: the app keeps working and a later call retries.
            return Next::Done(current.to_app_json());
        }
        Next::Fail(e)
    }
}
