//! Signing in through the hosted UI (managed login): `signInWithRedirect` sends the browser to
//! `/oauth2/authorize` with PKCE, `state` and `nonce`, and `handleRedirectCallback` checks the
//! `state` the browser comes back with, exchanges the code once at `/oauth2/token`, and checks
//! the id token's `nonce`. The refresh and sign-out of such a session are in `refresh` and
//! `sign_out`.

use crate::prelude::*;

use crate::core::config::OAuth;
use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::JsonObject;
use crate::core::jwt::{self, ClaimsView};
use crate::core::oauth::{self, Callback, PendingRedirect};
use crate::core::pkce::Nonce;

use super::verify::Then;
use super::{args, invalid_state, tokens, Answer, HttpRequest, InFlight, Next, Session, StoreWrite};

fn no_oauth() -> Error {
    Error::config("oauth", "is required to sign in with the hosted UI")
}

impl Session {
    /// The hosted UI's settings and base URL; `InvalidConfig` when the app configured none.
    fn oauth(&self) -> Result<(&OAuth, &str)> {
        let oauth = self.cfg.oauth.as_ref().ok_or_else(no_oauth)?;
        Ok((oauth, self.cfg.hosted_ui_base().ok_or_else(no_oauth)?))
    }

    /// A `POST` of `form` to the hosted UI's token endpoint (with the client secret as Basic
    /// authentication for clients that have one).
    pub(super) fn token_request(&self, form: String) -> Result<HttpRequest> {
        let (_, base) = self.oauth()?;
        let mut headers = vec![("Content-Type", oauth::FORM_CONTENT_TYPE.to_string())];
        if let Some(secret) = &self.cfg.client_secret {
            headers.push(("Authorization", oauth::basic_auth(&self.cfg.client_id, secret)));
        }
        Ok(HttpRequest {
            method: "POST",
            url: oauth::token_url(base),
            headers,
            body: form,
        })
    }

    /// `signInWithRedirect`: keeps a new verifier, state and nonce in this tab's session
    /// storage and sends the browser to the authorize URL (also the result, `{ url }`).
    pub(super) fn sign_in_with_redirect(&mut self, a: args::SignInWithRedirect) -> Result<Next> {
        let (oauth, base) = self.oauth()?;
        if self.tokens.is_some() {
            return Err(invalid_state("a user is already signed in: call signOut first"));
        }
        let pending = PendingRedirect::new(a.state)?;
        let scopes = if a.options.scopes.is_empty() {
            &oauth.scopes
        } else {
            &a.options.scopes
        };
        let url = oauth::authorize_url(
            base,
            &self.cfg.client_id,
            &oauth.redirect_sign_in,
            scopes,
            &a.options,
            &pending,
        );
        self.redirect = Some(StoreWrite::Set(pending.to_storage_json()));
        self.navigate = Some(url.clone());
        Ok(Next::Done(JsonObject::new().str("url", &url).to_string()))
    }

    /// `handleRedirectCallback`: an `error` on the callback is that OAuth error; a code whose
    /// `state` is not the one this tab sent is `OAuthStateMismatch` (nothing stored, nothing
    /// sent); otherwise the code is exchanged, once.
    pub(super) fn handle_redirect_callback(&mut self, a: args::RedirectCallback) -> Result<Next> {
        let (oauth, _) = self.oauth()?;
        let redirect_uri = oauth.redirect_sign_in.clone();
        let pending = a
            .pending
            .as_deref()
            .and_then(|text| PendingRedirect::from_storage_json(text).ok());
        let ours = |state: &Option<String>| match (&pending, state) {
            (Some(p), Some(s)) => p.state.matches(s),
            _ => false,
        };
        let received = oauth::callback(
            a.code.as_deref(),
            a.state.as_deref(),
            a.error.as_deref(),
            a.error_description.as_deref(),
        )?;
        let code = match received {
            Callback::Error { error, state } => {
                if ours(&state) {
                    self.redirect = Some(StoreWrite::Remove);
                }
                return Err(error);
            }
            Callback::Code { code, state } if ours(&state) => code,
            Callback::Code { .. } => {
                return Err(Error::new(
                    ErrorCode::OAuthStateMismatch,
                    "state: the callback's state is not the one this tab sent (a forged or stale \
                     callback, or a sign-in started in another tab)",
                ))
            }
        };
        if self.tokens.is_some() {
            return Err(invalid_state("a user is already signed in: call signOut first"));
        }
        let Some(p) = pending else {
            return Err(Error::internal("a matched state without its pending sign-in"));
        };
        // The code is exchanged once: what would let it be sent again goes now.
        self.redirect = Some(StoreWrite::Remove);
        let form = oauth::code_grant_form(&self.cfg.client_id, &code, &redirect_uri, &p.verifier);
        let request = self.token_request(form)?;
        let state = InFlight::CodeExchange {
            nonce: p.nonce,
            app_state: p.app_state,
        };
        Ok(self.send_request(state, request))
    }

    /// The token endpoint's answer to the code: the tokens are checked, the id token must carry
    /// this sign-in's `nonce`; then signed in, with the app's state as the result.
    pub(super) fn on_code_exchanged(
        &mut self,
        nonce: &Nonce,
        app_state: Option<&str>,
        answer: Answer,
    ) -> Result<Next> {
        let t = answer.and_then(|(status, body)| oauth::parse_token_response(status, body))?;
        let id = jwt::decode(&t.id_token)?;
        let claims = ClaimsView::new(id.claims())?;
        if !claims.nonce.is_some_and(|n| nonce.matches(n)) {
            return Err(Error::new(
                ErrorCode::TokenVerificationFailed,
                "nonce: the id token was not issued for this sign-in",
            ));
        }
        let mut set = tokens::receive(&self.cfg, t, None, None, self.now_ms, self.server_now_ms())?;
        set.hosted_ui = true;
        let app_state = app_state.map(str::to_string);
        Ok(self.accept(set, Then::CodeExchange { app_state }))
    }
}
