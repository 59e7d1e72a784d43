//! `getTokens`: the tokens as they are while fresh; otherwise one refresh, which concurrent
//! callers join rather than sending their own (with rotating refresh tokens a second use of
//! the old token would be refused).

use crate::core::error::{Error, ErrorCode, Result};
use crate::core::oauth;
use crate::core::user_pool::{self as up, AuthOutcome};

use super::{
    not_signed_in, tokens, Answer, AuthEvent, InFlight, Next, Session, TokenSet, REFRESH_MARGIN_MS,
};

impl Session {
    /// The tokens as `{ idToken, accessToken, expiresAt }`, refreshed first when they expire
    /// within [`REFRESH_MARGIN_MS`] (or always with `force`). `NotSignedIn` without a session.
    pub(super) fn get_tokens(&mut self, force: bool) -> Result<Next> {
        let current = self.tokens.as_ref().ok_or_else(not_signed_in)?;
        if !force && self.now_ms.saturating_add(REFRESH_MARGIN_MS) < current.expires_at_ms {
            return Ok(Next::Done(current.to_app_json()));
        }
        if let Some(flow) = self.refreshing {
            return Ok(Next::Join(flow));
        }
        let current = current.clone();
        let refresh_token = current.refresh_token.as_deref().ok_or_else(not_signed_in)?;
        let request = if current.hosted_ui {
            Err(self.token_request(oauth::refresh_grant_form(&self.cfg.client_id, refresh_token))?)
        } else if self.cfg.refresh_token_rotation {
            Ok(up::get_tokens_from_refresh_token(&self.cfg, refresh_token))
        } else {
            Ok(up::initiate_refresh(&self.cfg, refresh_token, &current.username))
        };
        let state = InFlight::Refresh {
            current,
            force,
            generation: self.generation,
        };
        let next = match request {
            Ok(call) => self.send(state, call),
            Err(token_endpoint) => self.send_request(state, token_endpoint),
        };
        self.refreshing = Some(self.last_flow);
        Ok(next)
    }

    /// The refresh's answer (from the user-pool API, or the hosted UI's token endpoint for a
    /// session that signed in there). New tokens (for the same user) are kept and
    /// `tokenRefreshed` emitted. A refusal (`NotAuthorizedException`, or `OAuthInvalidGrant` from
    /// the token endpoint: the refresh token was revoked or has expired) signs out, with
    /// `refreshFailed` then `signedOut`. Any other failure emits
    /// `refreshFailed` and, unless forced, still returns the current tokens while they are
    /// valid, so the app keeps working and a later call retries.
    pub(super) fn on_refreshed(
        &mut self,
        current: TokenSet,
        force: bool,
        generation: u64,
        answer: Answer,
    ) -> Next {
        if self.generation != generation {
            return Next::Fail(Error::new(
                ErrorCode::NotSignedIn,
                "the session was cleared during the refresh",
            ));
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
            )?;
            set.hosted_ui = current.hosted_ui;
            Ok(set)
        });
        match received {
            Ok(set) => {
                let app = set.to_app_json();
                self.keep(set);
                self.emit(AuthEvent::TokenRefreshed, None);
                Next::Done(app)
            }
            Err(e) => {
                let rejected = matches!(e.name(), "NotAuthorizedException" | "OAuthInvalidGrant");
                if rejected {
                    self.clear();
                }
                self.emit(AuthEvent::RefreshFailed, Some(e.clone()));
                if rejected {
                    self.emit(AuthEvent::SignedOut, None);
                } else if !force && self.now_ms < current.expires_at_ms {
                    return Next::Done(current.to_app_json());
                }
                Next::Fail(e)
            }
        }
    }
}
