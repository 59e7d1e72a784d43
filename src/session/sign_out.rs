//! `signOut`: the local session is cleared first and always, and `signedOut` emitted; then
//! Cognito is told — `GlobalSignOut` with `global` (which invalidates every refresh token of
//! the user), else (or if that failed) `RevokeToken` for this refresh token. A failure to tell
//! Cognito is returned only with `strict`; otherwise the call succeeds, since the user *is*
//! signed out on this device. A session that signed in through the hosted UI ends there too:
//! the browser goes to Cognito's `/logout` (which ends the hosted UI's own session) and from
//! there to `oauth.redirectSignOut`.

use crate::prelude::*;

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::oauth;
use crate::core::user_pool as up;

use super::{args, AuthEvent, InFlight, Next, Session};

/// How a sign-out ends: whether a failure to tell Cognito is returned, and where the browser
/// goes then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct End {
    strict: bool,
    logout_url: Option<String>,
}

impl Session {
    /// Starts `signOut`.
    pub(super) fn sign_out(&mut self, a: args::SignOut) -> Next {
        let Some(t) = self.clear() else {
            return Next::Done(String::new());
        };
        self.emit(AuthEvent::SignedOut, None);
        let logout_url = match (t.hosted_ui, &self.cfg.oauth, self.cfg.hosted_ui_base()) {
            (true, Some(oauth), Some(base)) => oauth
                .redirect_sign_out
                .as_deref()
                .map(|to| oauth::logout_url(base, &self.cfg.client_id, to)),
            _ => None,
        };
        let end = End {
            strict: a.strict,
            logout_url,
        };
        if a.global {
            let state = InFlight::GlobalSignOut {
                refresh_token: t.refresh_token,
                end,
            };
            return self.send(state, up::global_sign_out(&t.access_token));
        }
        self.revoke(t.refresh_token, end, None)
    }

    /// `GlobalSignOut`'s answer: done, or `RevokeToken` when it failed.
    pub(super) fn on_global_sign_out(
        &mut self,
        refresh_token: Option<String>,
        end: End,
        answer: Result<Json>,
    ) -> Next {
        match answer {
            Ok(_) => self.end_sign_out(end, None),
            Err(e) => self.revoke(refresh_token, end, Some(e)),
        }
    }

    fn revoke(&mut self, refresh_token: Option<String>, end: End, failure: Option<Error>) -> Next {
        match refresh_token {
            Some(rt) => {
                let call = up::revoke_token(&self.cfg, &rt);
                self.send(InFlight::Revoke { end, failure }, call)
            }
            None => self.end_sign_out(end, failure),
        }
    }

    /// The end of `signOut`: to the hosted UI's `/logout` when the session was its, and the
    /// first failure to tell Cognito with `strict`.
    pub(super) fn end_sign_out(&mut self, end: End, failure: Option<Error>) -> Next {
        self.navigate = end.logout_url;
        match failure {
            Some(e) if end.strict => Next::Fail(e),
            _ => Next::Done(String::new()),
        }
    }
}
