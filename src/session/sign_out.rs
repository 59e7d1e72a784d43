//! `signOut`: the local session is cleared first and always, and `signedOut` emitted; then
//! Cognito is told — `GlobalSignOut` with `global` (which invalidates every refresh token of
//! the user), else (or if that failed) `RevokeToken` for this refresh token. A failure to tell
//! Cognito is returned only with `strict`; otherwise the call succeeds, since the user *is*
//! signed out on this device.

use crate::prelude::*;

use crate::core::error::{Error, Result};
use crate::core::json::Json;
use crate::core::user_pool as up;

use super::{args, AuthEvent, InFlight, Next, Session};

impl Session {
    /// Starts `signOut`.
    pub(super) fn sign_out(&mut self, a: args::SignOut) -> Next {
        let Some(t) = self.clear() else {
            return Next::Done(String::new());
        };
        self.emit(AuthEvent::SignedOut, None);
        if a.global {
            let state = InFlight::GlobalSignOut {
                refresh_token: t.refresh_token,
                strict: a.strict,
            };
            return self.send(state, up::global_sign_out(&t.access_token));
        }
        self.revoke(t.refresh_token, a.strict, None)
    }

    /// `GlobalSignOut`'s answer: done, or `RevokeToken` when it failed.
    pub(super) fn on_global_sign_out(
        &mut self,
        refresh_token: Option<String>,
        strict: bool,
        answer: Result<Json>,
    ) -> Next {
        match answer {
            Ok(_) => result(strict, None),
            Err(e) => self.revoke(refresh_token, strict, Some(e)),
        }
    }

    fn revoke(&mut self, refresh_token: Option<String>, strict: bool, failure: Option<Error>) -> Next {
        match refresh_token {
            Some(rt) => {
                let call = up::revoke_token(&self.cfg, &rt);
                self.send(InFlight::Revoke { strict, failure }, call)
            }
            None => result(strict, failure),
        }
    }
}

/// The end of `signOut`: the first failure to tell Cognito, with `strict`; else done.
pub(super) fn result(strict: bool, failure: Option<Error>) -> Next {
    match failure {
        Some(e) if strict => Next::Fail(e),
        _ => Next::Done(String::new()),
    }
}
