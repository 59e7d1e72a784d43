//! Signing in: `signIn` (SRP by default, or the password flow), the challenges Cognito answers
//! with, and `confirmSignIn`, which answers the step the app showed.

use crate::prelude::*;

use crate::core::error::{Error, ErrorCode, Result};
use crate::core::json::Json;
use crate::core::srp::SrpClient;
use crate::core::time::UtcDateTime;
use crate::core::user_pool::{self as up, ApiCall, AuthOutcome, Caller, Challenge, Step};

use super::args::{self, Flow};
use super::verify::Then;
use super::{invalid_state, tokens, InFlight, Next, OpenChallenge, Session};

impl Session {
    /// `signIn`: `USER_SRP_AUTH` by default, `USER_PASSWORD_AUTH` on request. `InvalidState`
    /// while a user is signed in.
    pub(super) fn sign_in(&mut self, a: args::SignIn) -> Result<Next> {
        if self.tokens.is_some() {
            return Err(invalid_state(
                "a user is already signed in: call signOut first",
            ));
        }
        self.open = None;
        Ok(match a.flow {
            Flow::Password => {
                let call = up::initiate_password(&self.cfg, &a.username, &a.password);
                let state = InFlight::Authenticate {
                    user: a.username,
                    answering: None,
                    timestamped: false,
                };
                self.send(state, call)
            }
            Flow::Srp => {
                // A is computed before InitiateAuth is sent, off the critical path of the answer.
                let srp = SrpClient::new()?;
                let call = up::initiate_srp(&self.cfg, &a.username, &srp.srp_a_hex());
                let state = InFlight::SrpInitiate {
                    srp: Box::new(srp),
                    user: a.username,
                    password: a.password,
                };
                self.send(state, call)
            }
        })
    }

    /// The answer to `InitiateAuth` `USER_SRP_AUTH`: SRP's `PASSWORD_VERIFIER` challenge is
    /// answered with the password claim, timestamped by the servers' clock (this device's,
    /// corrected by the offset the answer's `Date` gave).
    pub(super) fn on_srp_initiated(
        &mut self,
        srp: &SrpClient,
        user: &str,
        password: &str,
        answer: Result<Json>,
    ) -> Result<Next> {
        let ch = match up::parse_auth_outcome(&answer?)? {
            AuthOutcome::Challenge(ch) if ch.name == "PASSWORD_VERIFIER" => ch,
            other => return self.on_outcome(other, user, None),
        };
        let user_id = ch.username(user);
        let secret_block = ch.required("SECRET_BLOCK")?;
        let timestamp = UtcDateTime::from_unix_ms(self.server_now_ms()).cognito_timestamp();
        let claim = srp.password_claim(
            self.cfg.pool_name(),
            user_id,
            password,
            ch.required("SALT")?,
            ch.required("SRP_B")?,
            secret_block,
            &timestamp,
        )?;
        let call = up::respond_to_challenge(
            &self.cfg,
            "PASSWORD_VERIFIER",
            ch.session.as_deref(),
            user_id,
            &[
                ("PASSWORD_CLAIM_SECRET_BLOCK", secret_block),
                ("PASSWORD_CLAIM_SIGNATURE", &claim.signature_b64),
                ("TIMESTAMP", &claim.timestamp),
            ],
        );
        let state = InFlight::Authenticate {
            user: user.to_string(),
            answering: None,
            timestamped: true,
        };
        Ok(self.send(state, call))
    }

    /// An answer that is tokens or a challenge.
    pub(super) fn on_auth_answer(
        &mut self,
        json: &Json,
        user: &str,
        answering: Option<OpenChallenge>,
    ) -> Result<Next> {
        self.on_outcome(up::parse_auth_outcome(json)?, user, answering)
    }

    /// Tokens → signed in; a challenge → the step the app shows (Cognito's session kept), after
    /// asking Cognito for a TOTP secret when the challenge is `MFA_SETUP`.
    fn on_outcome(
        &mut self,
        outcome: AuthOutcome,
        user: &str,
        answering: Option<OpenChallenge>,
    ) -> Result<Next> {
        let ch = match outcome {
            AuthOutcome::Tokens(t) => {
                let set = tokens::receive(&self.cfg, t, None, None, self.now_ms, self.server_now_ms())?;
                return Ok(self.accept(set, Then::SignIn));
            }
            AuthOutcome::Challenge(ch) => ch,
        };
        if ch.name == "MFA_SETUP" {
            up::mfa_setup_supported(&ch)?;
            let session = ch
                .session
                .as_deref()
                .ok_or_else(|| Error::response("MFA_SETUP came without a Session"))?;
            let call = up::associate_software_token(Caller::Session(session));
            let state = InFlight::MfaSetupSecret {
                challenge: ch,
                user: user.to_string(),
                answering,
            };
            return Ok(self.send(state, call));
        }
        let step = up::step_for_challenge(&ch)?;
        let session = ch.session.clone();
        Ok(self.open_step(ch, session, user, step))
    }

    /// The TOTP secret for `MFA_SETUP`: the step shows it with its `otpauth://` URI.
    pub(super) fn on_mfa_setup_secret(
        &mut self,
        json: &Json,
        ch: Challenge,
        user: &str,
    ) -> Result<Next> {
        let (secret, next) = up::parse_associate(json)?;
        let otpauth_uri = up::otpauth_uri(self.cfg.totp_issuer(), user, &secret);
        let session = next.or_else(|| ch.session.clone());
        let step = Step::MfaSetupTotp {
            secret,
            otpauth_uri,
        };
        Ok(self.open_step(ch, session, user, step))
    }

    /// Keeps `ch` open for `confirmSignIn` and shows `step`.
    fn open_step(&mut self, ch: Challenge, session: Option<String>, user: &str, step: Step) -> Next {
        let allowed = match &step {
            Step::SelectMfaType { allowed } => allowed.clone(),
            _ => Vec::new(),
        };
        let challenge_user = ch.username(user).to_string();
        self.open = Some(OpenChallenge {
            challenge: ch.name,
            session,
            challenge_user,
            typed_user: user.to_string(),
            allowed,
        });
        Next::Done(step.to_json())
    }

    /// `confirmSignIn`: answers the open step. `InvalidState` when no step is open;
    /// `InvalidParameter` when the answer lacks what the step needs.
    pub(super) fn confirm_sign_in(&mut self, a: args::ConfirmSignIn) -> Next {
        let Some(open) = self.open.take() else {
            return Next::Fail(invalid_state("no sign-in step is waiting for an answer"));
        };
        match self.answer(&open, &a) {
            Ok((state, call)) => self.send(state, call),
            Err(e) => {
                let user = open.typed_user.clone();
                self.step_result(Err(e), &user, Some(open))
            }
        }
    }

    /// The request that answers `open` with `a`, and what its answer is for.
    fn answer(&self, open: &OpenChallenge, a: &args::ConfirmSignIn) -> Result<(InFlight, ApiCall)> {
        let code = || {
            a.code
                .as_deref()
                .ok_or_else(|| Error::param("code", "is required to answer this step"))
        };
        let mut answers: Vec<(String, String)> = Vec::new();
        match open.challenge.as_str() {
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
                if !open.allowed.contains(&m) {
                    return Err(Error::param("mfaType", "is not one of the allowed types"));
                }
                answers.push(("ANSWER".to_string(), m.challenge_name().to_string()));
            }
            "MFA_SETUP" => {
                let session = open
                    .session
                    .as_deref()
                    .ok_or_else(|| Error::response("MFA_SETUP has no Session"))?;
                let call = up::verify_software_token(
                    Caller::Session(session),
                    code()?,
                    a.device_name.as_deref(),
                );
                let state = InFlight::MfaSetupVerify { open: open.clone() };
                return Ok((state, call));
            }
            other => {
                let key = up::code_answer_key(other)
                    .ok_or_else(|| invalid_state("the pending step cannot be answered"))?;
                answers.push((key.to_string(), code()?.to_string()));
            }
        }
        let call = self.respond(open, open.session.as_deref(), &answers);
        let state = InFlight::Authenticate {
            user: open.typed_user.clone(),
            answering: Some(open.clone()),
            timestamped: false,
        };
        Ok((state, call))
    }

    /// The authenticator app is verified: `MFA_SETUP` is answered with the new session.
    pub(super) fn on_mfa_setup_verified(&mut self, json: &Json, open: &OpenChallenge) -> Result<Next> {
        let session = up::parse_verify(json)?.or_else(|| open.session.clone());
        let call = self.respond(open, session.as_deref(), &[]);
        let state = InFlight::Authenticate {
            user: open.typed_user.clone(),
            answering: Some(open.clone()),
            timestamped: false,
        };
        Ok(self.send(state, call))
    }

    fn respond(&self, open: &OpenChallenge, session: Option<&str>, answers: &[(String, String)]) -> ApiCall {
        let refs: Vec<(&str, &str)> = answers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        up::respond_to_challenge(&self.cfg, &open.challenge, session, &open.challenge_user, &refs)
    }

    /// A refusal of the SRP answer when no server time was readable to correct its
    /// `TIMESTAMP` with: the message says the device clock may be the cause.
    pub(super) fn clock_hint(&self, mut e: Error) -> Error {
        if self.clock_offset_ms.is_none() && e.name() == "NotAuthorizedException" {
            e.message.push_str(
                " (if the password is right, this device's clock may be wrong: Cognito refuses \
                 a sign-in timestamped more than a few minutes off)",
            );
        }
        e
    }

    /// The outcome of a sign-in step. Without `answering` (a `signIn`), the refusals that are
    /// steps — `UserNotConfirmedException` → `CONFIRM_SIGN_UP`, `PasswordResetRequiredException`
    /// → `RESET_PASSWORD` — become those steps. With `answering` (a `confirmSignIn`), a refusal
    /// the user can retry (a wrong code, a missing argument, a network failure) reopens the
    /// challenge; `NotAuthorizedException` (Cognito refused the session itself) does not.
    pub(super) fn step_result(
        &mut self,
        result: Result<Next>,
        user: &str,
        answering: Option<OpenChallenge>,
    ) -> Next {
        let e = match result {
            Ok(next) => return next,
            Err(e) => e,
        };
        match answering {
            None => match up::step_for_sign_in_error(&e, user) {
                Some(step) => Next::Done(step.to_json()),
                None => Next::Fail(e),
            },
            Some(open) => {
                let retry = match &e.code {
                    ErrorCode::InvalidParameter | ErrorCode::NetworkError => true,
                    ErrorCode::Service(name) => name != "NotAuthorizedException",
                    _ => false,
                };
                if retry && self.tokens.is_none() && self.open.is_none() {
                    self.open = Some(open);
                }
                Next::Fail(e)
            }
        }
    }
}
