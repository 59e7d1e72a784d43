//! The session's flows against a scripted user-pool API, driven the way `js/auth.js` drives
//! them (the browser tests run the same flows through that driver against the emulator).

use std::collections::VecDeque;

use super::tokens::tests::{pair, ISS};
use super::*;
use crate::core::user_pool::Step;

const NOW: i64 = 1_700_000_000_000;
const EXP: u64 = 1_700_003_600;

/// A user-pool API that answers from a script, and the driver's side of the session: its
/// clock, its storage entry and the events it delivered.
struct Env {
    answers: VecDeque<(&'static str, u16, String)>,
    sent: Vec<HttpRequest>,
    now: i64,
    /// The session's storage entry (`None`: absent).
    stored: Option<String>,
    /// This tab's redirect sign-in record (session storage).
    pending_redirect: Option<String>,
    /// Where the browser was sent.
    navigated: Vec<String>,
    /// The `Date` header of every answer (`None`: unreadable).
    server_date: Option<String>,
    /// What Web Crypto says of the signatures, and how many it was asked to check each time.
    signatures_valid: bool,
    verified: Vec<usize>,
    events: Vec<&'static str>,
}

impl Env {
    fn new() -> Env {
        Env {
            answers: VecDeque::new(),
            sent: Vec::new(),
            now: NOW,
            stored: None,
            pending_redirect: None,
            navigated: Vec::new(),
            server_date: None,
            signatures_valid: true,
            verified: Vec::new(),
            events: Vec::new(),
        }
    }

    fn answer(&mut self, op: &'static str, status: u16, body: &str) -> &mut Self {
        self.answers.push_back((op, status, body.to_string()));
        self
    }

    fn body(&self, i: usize) -> Json {
        Json::parse(&self.sent[i].body).unwrap()
    }

    fn done(&self) {
        assert!(self.answers.is_empty(), "the script has unused answers");
    }

    /// Applies a step's effects, as the driver does.
    fn apply(&mut self, out: &Output) {
        match &out.store {
            Some(StoreWrite::Set(text)) => self.stored = Some(text.clone()),
            Some(StoreWrite::Remove) => self.stored = None,
            None => {}
        }
        for (ev, _) in &out.events {
            self.events.push(ev.name());
        }
        match &out.redirect {
            Some(StoreWrite::Set(text)) => self.pending_redirect = Some(text.clone()),
            Some(StoreWrite::Remove) => self.pending_redirect = None,
            None => {}
        }
        if let Some(url) = &out.navigate {
            self.navigated.push(url.clone());
        }
    }

    /// Answers a request from the script (status 0: no answer arrived), checking its operation.
    fn serve(&mut self, request: HttpRequest) -> (u16, String) {
        let (op, status, body) = self
            .answers
            .pop_front()
            .expect("a request the script did not expect");
        // A user-pool call by its X-Amz-Target; the hosted UI's endpoints by their URL.
        match request.headers.iter().find(|(k, _)| *k == "X-Amz-Target") {
            Some((_, target)) => assert_eq!(*target, up::TARGET_PREFIX.to_string() + op),
            None => assert!(request.url.ends_with(op), "{} is not {op}", request.url),
        }
        let url = request.url.clone();
        self.sent.push(request);
        if status == 0 {
            // What js/auth.js hands the session when fetch rejects.
            (0, format!("request to {url} failed: Failed to fetch"))
        } else {
            (status, body)
        }
    }

    /// Drives `out` to the operation's result, answering each request from the script.
    fn drive(&mut self, s: &mut Session, mut out: Output) -> Result<String> {
        loop {
            self.apply(&out);
            match out.next {
                Next::Done(result) => return Ok(result),
                Next::Fail(e) => return Err(e),
                Next::Join(flow) => panic!("unexpected join of flow {flow}"),
                // One tab: the lock is free; storage holds what this session stored.
                Next::Lock { flow } => out = s.locked(flow, self.stored.as_deref(), self.now),
                // Web Crypto's verdict, from the script.
                Next::Verify { flow, checks } => {
                    self.verified.push(checks.len());
                    out = s.verified(flow, self.signatures_valid, self.now);
                }
                Next::Send { flow, request } => {
                    let (status, body) = self.serve(request);
                    let date = self.server_date.clone();
                    out = s.resume(flow, status, &body, date.as_deref(), self.now);
                }
            }
        }
    }

    /// Runs `op` with `input` to its result.
    fn run(&mut self, s: &mut Session, op: Op, input: Option<&str>) -> Result<String> {
        let out = s.start(op, input, self.now);
        self.drive(s, out)
    }

    /// A session for the config with `extra` members, restored from storage as on page load.
    fn session(&mut self, extra: &str) -> Session {
        let mut s = Session::new(config(extra));
        if let Some(text) = &self.stored {
            if !s.restore(text) {
                self.stored = None;
            }
        }
        s
    }

    /// A session signed in with the password flow as `alice` (`sub-1`, refresh token `rt-1`).
    fn signed_in(&mut self, extra: &str) -> Session {
        self.answer("InitiateAuth", 200, &tokens_body(Some("rt-1"), "sub-1"));
        let mut s = self.session(extra);
        assert_eq!(self.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(), DONE);
        self.events.clear();
        s
    }
}

const DONE: &str = r#"{"step":"DONE"}"#;
const PASSWORD_SIGN_IN: &str = r#"{"username":"alice","password":"pw","flow":"USER_PASSWORD_AUTH"}"#;

/// The config with `extra` members. The flows' tests use unsigned stand-in tokens, so signatures
/// are not checked unless `extra` asks (the verification tests below).
fn config(extra: &str) -> Config {
    let mut t = String::from(
        r#"{"region":"us-east-1","userPoolId":"us-east-1_AbC123","clientId":"client1""#,
    );
    if !extra.contains("verifyTokenSignatures") {
        t.push_str(r#","verifyTokenSignatures":false"#);
    }
    t.push_str(extra);
    t.push('}');
    Config::from_json_text(&t).unwrap()
}

fn tokens_body(refresh: Option<&str>, sub: &str) -> String {
    let (id, access) = pair(sub, "alice", EXP, ISS, "client1");
    let mut b = String::from(r#"{"AuthenticationResult":{"IdToken":""#);
    b.push_str(&id);
    b.push_str(r#"","AccessToken":""#);
    b.push_str(&access);
    if let Some(r) = refresh {
        b.push_str(r#"","RefreshToken":""#);
        b.push_str(r);
    }
    b.push_str(r#"","ExpiresIn":3600,"TokenType":"Bearer"},"ChallengeParameters":{}}"#);
    b
}

fn stored_tokens(env: &Env, s: &Session) -> TokenSet {
    TokenSet::from_storage_json(s.config(), env.stored.as_deref().unwrap()).unwrap()
}

fn app_tokens(result: &str) -> Json {
    Json::parse(result).unwrap()
}

#[test]
fn op_names_are_the_js_method_names() {
    for (name, op) in OPS {
        assert_eq!(Op::from_name(name), Some(op));
        assert_eq!(op.name(), name);
    }
    assert_eq!(Op::from_name("signin"), None);
}

#[test]
fn password_sign_in_stores_tokens_and_emits_signed_in() {
    let mut env = Env::new();
    env.answer("InitiateAuth", 200, &tokens_body(Some("rt-1"), "sub-1"));
    let mut s = env.session("");
    assert!(!s.is_signed_in());
    assert_eq!(s.user_json(), None);
    assert_eq!(env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(), DONE);
    let b = env.body(0);
    assert_eq!(
        b.get("AuthFlow").and_then(Json::as_str),
        Some("USER_PASSWORD_AUTH")
    );
    assert_eq!(
        env.sent[0].headers[0],
        ("Content-Type", "application/x-amz-json-1.1".to_string())
    );
    assert!(s.is_signed_in());
    assert!(s.user_json().unwrap().contains(r#""username":"alice""#));
    assert_eq!(env.events, ["signedIn"]);
    assert_eq!(stored_tokens(&env, &s).refresh_token.as_deref(), Some("rt-1"));
    // A reload restores the session.
    let mut again = env.session("");
    assert!(again.is_signed_in());
    // Signing in again while signed in is refused.
    assert_eq!(
        env.run(&mut again, Op::SignIn, Some(PASSWORD_SIGN_IN))
            .unwrap_err()
            .name(),
        "InvalidState"
    );
    env.done();
}

#[test]
fn a_corrupt_or_foreign_stored_session_is_dropped() {
    let mut env = Env::new();
    env.stored = Some("{\"idToken\":1}".into());
    let s = env.session("");
    assert!(!s.is_signed_in());
    assert_eq!(env.stored, None);
}

#[test]
fn tokens_that_fail_the_checks_are_not_stored() {
    let mut env = Env::new();
    let (id, access) = pair("s", "alice", EXP, ISS, "another-client");
    let body = [
        r#"{"AuthenticationResult":{"IdToken":""#,
        &id,
        r#"","AccessToken":""#,
        &access,
        r#"","RefreshToken":"r","ExpiresIn":3600}}"#,
    ]
    .concat();
    env.answer("InitiateAuth", 200, &body);
    let mut s = env.session("");
    let e = env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap_err();
    assert_eq!(e.name(), "TokenVerificationFailed");
    assert!(!s.is_signed_in());
    assert_eq!(env.stored, None);
    assert!(env.events.is_empty());
}

#[test]
fn refusals_become_steps_or_typed_errors() {
    let mut env = Env::new();
    env.answer(
        "InitiateAuth",
        400,
        r#"{"__type":"UserNotConfirmedException","message":"User is not confirmed."}"#,
    )
    .answer(
        "InitiateAuth",
        400,
        r#"{"__type":"PasswordResetRequiredException","message":"Password reset required for the user"}"#,
    )
    .answer(
        "InitiateAuth",
        400,
        r#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#,
    );
    let mut s = env.session("");
    assert_eq!(
        env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(),
        Step::ConfirmSignUp {
            username: "alice".into()
        }
        .to_json()
    );
    assert_eq!(
        env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(),
        r#"{"step":"RESET_PASSWORD","username":"alice"}"#
    );
    let e = env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap_err();
    assert_eq!(
        (e.name(), e.message.as_str(), e.status),
        (
            "NotAuthorizedException",
            "Incorrect username or password.",
            Some(400)
        )
    );
    // Neither a step nor an error leaves something to confirm.
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some(r#"{"code":"1"}"#))
            .unwrap_err()
            .name(),
        "InvalidState"
    );
    env.done();
}

#[test]
fn new_password_required_with_attributes_and_a_client_secret() {
    let mut env = Env::new();
    env.answer(
        "InitiateAuth",
        200,
        r#"{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"S1","ChallengeParameters":{"USER_ID_FOR_SRP":"alice-id","requiredAttributes":"[\"userAttributes.name\"]","userAttributes":"{}"}}"#,
    )
    .answer("RespondToAuthChallenge", 200, &tokens_body(Some("rt"), "sub-1"));
    let mut s = env.session(r#","clientSecret":"topsecret""#);
    assert_eq!(
        env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(),
        r#"{"step":"NEW_PASSWORD_REQUIRED","requiredAttributes":["name"]}"#
    );
    // The wrong kind of answer is refused and the step stays open.
    let e = env
        .run(&mut s, Op::ConfirmSignIn, Some(r#"{"code":"123"}"#))
        .unwrap_err();
    assert_eq!(
        (e.name(), e.message.as_str()),
        (
            "InvalidParameter",
            "newPassword: is required to answer NEW_PASSWORD_REQUIRED"
        )
    );
    let answer = r#"{"newPassword":"N3w!pass","attributes":{"name":"Alice"}}"#;
    assert_eq!(env.run(&mut s, Op::ConfirmSignIn, Some(answer)).unwrap(), DONE);
    let b = env.body(1);
    assert_eq!(b.get("Session").and_then(Json::as_str), Some("S1"));
    let r = b.get("ChallengeResponses").unwrap();
    assert_eq!(r.get("USERNAME").and_then(Json::as_str), Some("alice-id"));
    assert_eq!(
        r.get("NEW_PASSWORD").and_then(Json::as_str),
        Some("N3w!pass")
    );
    assert_eq!(
        r.get("userAttributes.name").and_then(Json::as_str),
        Some("Alice")
    );
    assert_eq!(
        r.get("SECRET_HASH").and_then(Json::as_str),
        Some(up::secret_hash("topsecret", "alice-id", "client1").as_str())
    );
    env.done();
}

#[test]
fn a_wrong_mfa_code_can_be_retried() {
    let mut env = Env::new();
    env.answer(
        "InitiateAuth",
        200,
        r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"S1","ChallengeParameters":{}}"#,
    )
    .answer(
        "RespondToAuthChallenge",
        400,
        r#"{"__type":"CodeMismatchException","message":"Invalid code received for user"}"#,
    )
    .answer(
        "RespondToAuthChallenge",
        200,
        &tokens_body(Some("rt"), "sub-1"),
    );
    let mut s = env.session("");
    assert_eq!(
        env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(),
        r#"{"step":"MFA_TOTP"}"#
    );
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some("{}"))
            .unwrap_err()
            .message,
        "code: is required to answer this step"
    );
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some(r#"{"code":"000000"}"#))
            .unwrap_err()
            .name(),
        "CodeMismatchException"
    );
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some(r#"{"code":"123456"}"#))
            .unwrap(),
        DONE
    );
    let r = env.body(2);
    let r = r.get("ChallengeResponses").unwrap();
    assert_eq!(
        r.get("SOFTWARE_TOKEN_MFA_CODE").and_then(Json::as_str),
        Some("123456")
    );
    assert_eq!(r.get("USERNAME").and_then(Json::as_str), Some("alice"));
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some(r#"{"code":"1"}"#))
            .unwrap_err()
            .name(),
        "InvalidState"
    );
    env.done();
}

#[test]
fn a_network_failure_while_answering_keeps_the_step_open() {
    let mut env = Env::new();
    env.answer(
        "InitiateAuth",
        200,
        r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"S1","ChallengeParameters":{}}"#,
    )
    .answer("RespondToAuthChallenge", 0, "")
    .answer("RespondToAuthChallenge", 200, &tokens_body(Some("rt"), "sub-1"));
    let mut s = env.session("");
    env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap();
    let e = env
        .run(&mut s, Op::ConfirmSignIn, Some(r#"{"code":"123456"}"#))
        .unwrap_err();
    assert_eq!(e.name(), "NetworkError");
    assert!(e.message.ends_with("failed: Failed to fetch"), "{}", e.message);
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some(r#"{"code":"123456"}"#))
            .unwrap(),
        DONE
    );
    env.done();
}

#[test]
fn an_expired_session_ends_the_sign_in() {
    let mut env = Env::new();
    env.answer("InitiateAuth", 200, r#"{"ChallengeName":"SMS_MFA","Session":"S1","ChallengeParameters":{"CODE_DELIVERY_DELIVERY_MEDIUM":"SMS","CODE_DELIVERY_DESTINATION":"+***12"}}"#)
        .answer("RespondToAuthChallenge", 400, r#"{"__type":"NotAuthorizedException","message":"Invalid session for the user, session is expired."}"#);
    let mut s = env.session("");
    assert_eq!(
        env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(),
        r#"{"step":"MFA_SMS","codeDelivery":{"deliveryMedium":"SMS","destination":"+***12"}}"#
    );
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some(r#"{"code":"1"}"#))
            .unwrap_err()
            .name(),
        "NotAuthorizedException"
    );
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some(r#"{"code":"1"}"#))
            .unwrap_err()
            .name(),
        "InvalidState"
    );
    assert_eq!(
        env.body(1)
            .get("ChallengeResponses")
            .unwrap()
            .get("SMS_MFA_CODE")
            .and_then(Json::as_str),
        Some("1")
    );
    env.done();
}

#[test]
fn totp_setup_during_sign_in() {
    let mut env = Env::new();
    env.answer("InitiateAuth", 200, r#"{"ChallengeName":"MFA_SETUP","Session":"S1","ChallengeParameters":{"MFAS_CAN_SETUP":"[\"SOFTWARE_TOKEN_MFA\"]"}}"#)
        .answer("AssociateSoftwareToken", 200, r#"{"SecretCode":"JBSWY3DPEHPK3PXP","Session":"S2"}"#)
        .answer("VerifySoftwareToken", 200, r#"{"Status":"SUCCESS","Session":"S3"}"#)
        .answer("RespondToAuthChallenge", 200, &tokens_body(Some("rt"), "sub-1"));
    let mut s = env.session(r#","totpIssuer":"My App""#);
    assert_eq!(
        env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(),
        r#"{"step":"MFA_SETUP_TOTP","secret":"JBSWY3DPEHPK3PXP","otpauthUri":"otpauth://totp/My%20App:alice?secret=JBSWY3DPEHPK3PXP&issuer=My%20App"}"#
    );
    assert_eq!(env.body(1).to_string(), r#"{"Session":"S1"}"#);
    let answer = r#"{"code":"123456","deviceName":"phone"}"#;
    assert_eq!(env.run(&mut s, Op::ConfirmSignIn, Some(answer)).unwrap(), DONE);
    assert_eq!(
        env.body(2).to_string(),
        r#"{"Session":"S2","UserCode":"123456","FriendlyDeviceName":"phone"}"#
    );
    let b = env.body(3);
    assert_eq!(
        b.get("ChallengeName").and_then(Json::as_str),
        Some("MFA_SETUP")
    );
    assert_eq!(b.get("Session").and_then(Json::as_str), Some("S3"));
    env.done();
}

#[test]
fn select_mfa_type_then_totp() {
    let mut env = Env::new();
    env.answer("InitiateAuth", 200, r#"{"ChallengeName":"SELECT_MFA_TYPE","Session":"S1","ChallengeParameters":{"MFAS_CAN_CHOOSE":"[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"}}"#)
        .answer("RespondToAuthChallenge", 200, r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"S2","ChallengeParameters":{}}"#);
    let mut s = env.session("");
    assert_eq!(
        env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(),
        r#"{"step":"SELECT_MFA_TYPE","allowedMfaTypes":["SMS","TOTP"]}"#
    );
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some(r#"{"mfaType":"EMAIL"}"#))
            .unwrap_err()
            .message,
        "mfaType: is not one of the allowed types"
    );
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignIn, Some(r#"{"mfaType":"TOTP"}"#))
            .unwrap(),
        r#"{"step":"MFA_TOTP"}"#
    );
    assert_eq!(
        env.body(1)
            .get("ChallengeResponses")
            .unwrap()
            .get("ANSWER")
            .and_then(Json::as_str),
        Some("SOFTWARE_TOKEN_MFA")
    );
    env.done();
}

#[test]
fn fresh_tokens_need_no_request_and_near_expiry_refreshes_with_secret_hash() {
    let mut env = Env::new();
    let mut s = env.signed_in(r#","clientSecret":"topsecret""#);
    let t = app_tokens(&env.run(&mut s, Op::GetTokens, None).unwrap());
    assert_eq!(env.sent.len(), 1);
    assert_eq!(t.get("expiresAt").and_then(Json::as_i64), Some(NOW + 3_600_000));
    env.now = NOW + 3_600_000 - 5 * 60 * 1000 + 1; // the default refreshMargin: 300 s
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"));
    let t = app_tokens(&env.run(&mut s, Op::GetTokens, None).unwrap());
    let b = env.body(1);
    assert_eq!(
        b.get("AuthFlow").and_then(Json::as_str),
        Some("REFRESH_TOKEN_AUTH")
    );
    let p = b.get("AuthParameters").unwrap();
    assert_eq!(p.get("REFRESH_TOKEN").and_then(Json::as_str), Some("rt-1"));
    assert_eq!(
        p.get("SECRET_HASH").and_then(Json::as_str),
        Some(up::secret_hash("topsecret", "alice", "client1").as_str())
    );
    assert!(t.get("refreshToken").is_none());
    assert_eq!(stored_tokens(&env, &s).refresh_token.as_deref(), Some("rt-1"));
    assert!(t.get("expiresAt").and_then(Json::as_i64).unwrap() > NOW + 3_600_000);
    assert_eq!(env.events, ["tokenRefreshed"]);
    env.done();
}

#[test]
fn the_refresh_margin_is_at_most_half_the_tokens_lifetime() {
    let mut env = Env::new();
    // Five-minute tokens and the default five-minute margin: fresh when they arrive.
    let short = tokens_body(Some("rt-1"), "sub-1").replace(r#""ExpiresIn":3600"#, r#""ExpiresIn":300"#);
    env.answer("InitiateAuth", 200, &short);
    let mut s = env.session("");
    env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap();
    env.run(&mut s, Op::GetTokens, None).unwrap();
    env.now += 149_000;
    env.run(&mut s, Op::GetTokens, None).unwrap();
    assert_eq!(env.sent.len(), 1, "no refresh in the first half of their life");
    env.now += 2_000;
    env.answer("InitiateAuth", 200, &short);
    env.run(&mut s, Op::GetTokens, None).unwrap();
    assert_eq!(env.sent.len(), 2, "a refresh in the second half");
    // A configured margin shorter than that is used as is.
    let mut s = env.session(r#","refreshMargin":10"#);
    env.now += 150_000;
    env.run(&mut s, Op::GetTokens, None).unwrap();
    assert_eq!(env.sent.len(), 2);
    env.done();
}

#[test]
fn rotating_clients_refresh_with_get_tokens_from_refresh_token() {
    let mut env = Env::new();
    let mut s = env.signed_in(r#","refreshTokenRotation":true"#);
    env.answer(
        "GetTokensFromRefreshToken",
        200,
        &tokens_body(Some("rt-2"), "sub-1"),
    );
    env.run(&mut s, Op::GetTokens, Some(r#"{"forceRefresh":true}"#))
        .unwrap();
    assert_eq!(
        env.body(1).to_string(),
        r#"{"RefreshToken":"rt-1","ClientId":"client1"}"#
    );
    assert_eq!(stored_tokens(&env, &s).refresh_token.as_deref(), Some("rt-2"));
    env.done();
}

#[test]
fn concurrent_refreshes_share_one_request() {
    let mut env = Env::new();
    let mut s = env.signed_in("");
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"));
    let force = Some(r#"{"forceRefresh":true}"#);
    let a = s.start(Op::GetTokens, force, env.now);
    let Next::Lock { flow } = a.next else {
        panic!("the first caller refreshes, under the refresh lock")
    };
    // A second caller (forced or not) joins the refresh in flight instead of sending another.
    assert_eq!(s.start(Op::GetTokens, force, env.now).next, Next::Join(flow));
    env.now += 3_600_000;
    assert_eq!(s.start(Op::GetTokens, None, env.now).next, Next::Join(flow));
    let ta = env.drive(&mut s, a).unwrap();
    assert_eq!(env.sent.len(), 2, "one sign-in and one refresh");
    // Once it is done, a new call sees the refreshed tokens.
    env.now = NOW;
    assert_eq!(env.run(&mut s, Op::GetTokens, None).unwrap(), ta);
    env.done();
}

#[test]
fn a_rejected_refresh_token_signs_out() {
    let mut env = Env::new();
    let mut s = env.signed_in("");
    env.answer(
        "InitiateAuth",
        400,
        r#"{"__type":"NotAuthorizedException","message":"Refresh Token has been revoked"}"#,
    );
    assert_eq!(
        env.run(&mut s, Op::GetTokens, Some(r#"{"forceRefresh":true}"#))
            .unwrap_err()
            .name(),
        "NotAuthorizedException"
    );
    assert!(!s.is_signed_in());
    assert_eq!(env.stored, None);
    assert_eq!(env.events, ["refreshFailed", "signedOut"]);
    assert_eq!(
        env.run(&mut s, Op::GetTokens, None).unwrap_err().name(),
        "NotSignedIn"
    );
    env.done();
}

#[test]
fn a_network_failure_keeps_still_valid_tokens() {
    let mut env = Env::new();
    let mut s = env.signed_in("");
    env.now = NOW + 3_600_000 - 1000;
    env.answer("InitiateAuth", 0, "");
    let t = app_tokens(&env.run(&mut s, Op::GetTokens, None).unwrap());
    assert_eq!(t.get("expiresAt").and_then(Json::as_i64), Some(NOW + 3_600_000));
    env.answer("InitiateAuth", 0, "");
    assert_eq!(
        env.run(&mut s, Op::GetTokens, Some(r#"{"forceRefresh":true}"#))
            .unwrap_err()
            .name(),
        "NetworkError"
    );
    assert!(s.is_signed_in());
    assert_eq!(stored_tokens(&env, &s).refresh_token.as_deref(), Some("rt-1"));
    assert_eq!(env.events, ["refreshFailed", "refreshFailed"]);
    env.done();
}

#[test]
fn refreshes_back_off_while_offline_and_the_tokens_last() {
    let mut env = Env::new();
    let mut s = env.signed_in("");
    env.now = NOW + 3_600_000 - 60_000; // due: a minute left
    env.answer("InitiateAuth", 0, "");
    env.run(&mut s, Op::GetTokens, None).unwrap();
    // Within the second that follows, calls get the valid tokens without trying again.
    env.now += 500;
    env.run(&mut s, Op::GetTokens, None).unwrap();
    assert_eq!(env.sent.len(), 2, "one sign-in, one failed refresh");
    // Then it tries again; a second failure waits 2 s.
    env.now += 600;
    env.answer("InitiateAuth", 0, "");
    env.run(&mut s, Op::GetTokens, None).unwrap();
    env.now += 1_500;
    env.run(&mut s, Op::GetTokens, None).unwrap();
    assert_eq!(env.sent.len(), 3);
    // A forced refresh does not wait; a success ends the backoff.
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"));
    env.run(&mut s, Op::GetTokens, Some(r#"{"forceRefresh":true}"#)).unwrap();
    assert_eq!(env.events, ["refreshFailed", "refreshFailed", "tokenRefreshed"]);
    // Once the tokens have expired, waiting is no option: every call tries.
    env.answer("InitiateAuth", 0, "");
    env.now += 3_600_000;
    env.run(&mut s, Op::GetTokens, None).unwrap_err();
    env.answer("InitiateAuth", 0, "").answer("InitiateAuth", 0, "");
    assert_eq!(env.run(&mut s, Op::GetTokens, None).unwrap_err().name(), "NetworkError");
    assert_eq!(env.run(&mut s, Op::GetTokens, None).unwrap_err().name(), "NetworkError");
    assert!(s.is_signed_in());
    env.done();
}

#[test]
fn sign_out_clears_even_when_cognito_is_unreachable() {
    let mut env = Env::new();
    let mut s = env.signed_in("");
    env.answer("RevokeToken", 0, "");
    assert_eq!(env.run(&mut s, Op::SignOut, None).unwrap(), "");
    assert!(!s.is_signed_in());
    assert_eq!(env.stored, None);
    assert_eq!(env.events, ["signedOut"]);
    assert_eq!(
        env.body(1).to_string(),
        r#"{"Token":"rt-1","ClientId":"client1"}"#
    );

    let mut s = env.signed_in("");
    env.answer("RevokeToken", 0, "");
    let e = env
        .run(&mut s, Op::SignOut, Some(r#"{"strict":true}"#))
        .unwrap_err();
    assert_eq!(e.name(), "NetworkError");
    assert!(!s.is_signed_in());
    assert_eq!(env.stored, None);

    let mut s = env.signed_in("");
    env.answer("GlobalSignOut", 200, "{}");
    env.run(&mut s, Op::SignOut, Some(r#"{"global":true,"strict":true}"#))
        .unwrap();
    assert_eq!(env.sent.len(), 6);
    // Signing out twice is harmless.
    assert_eq!(env.run(&mut s, Op::SignOut, None).unwrap(), "");

    // A failed GlobalSignOut falls back to RevokeToken; strict reports the first failure.
    let mut s = env.signed_in("");
    env.answer("GlobalSignOut", 0, "")
        .answer("RevokeToken", 200, "{}");
    let e = env
        .run(&mut s, Op::SignOut, Some(r#"{"global":true,"strict":true}"#))
        .unwrap_err();
    assert_eq!(e.name(), "NetworkError");
    env.done();
}

#[test]
fn a_refresh_finishing_after_sign_out_does_not_sign_back_in() {
    let mut env = Env::new();
    let mut s = env.signed_in("");
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"))
        .answer("RevokeToken", 200, "{}");
    let lock = s.start(Op::GetTokens, Some(r#"{"forceRefresh":true}"#), env.now);
    let Next::Lock { flow } = lock.next else {
        panic!("a refresh")
    };
    let refresh = s.locked(flow, env.stored.as_deref(), env.now);
    let Next::Send {
        flow: refresh_flow,
        request,
    } = refresh.next
    else {
        panic!("a refresh")
    };
    let (status, body) = env.serve(request);
    // The user signs out while the refresh's answer is on its way.
    assert_eq!(env.run(&mut s, Op::SignOut, None).unwrap(), "");
    let late = s.resume(refresh_flow, status, &body, None, env.now);
    env.apply(&late);
    assert_eq!(
        late.next,
        Next::Fail(Error::new(
            ErrorCode::NotSignedIn,
            "the session was cleared during the refresh"
        ))
    );
    assert!(!s.is_signed_in());
    assert_eq!(env.stored, None);
    env.done();
}

#[test]
fn an_answer_for_no_flow_is_an_internal_error() {
    let mut env = Env::new();
    let mut s = env.session("");
    let out = s.resume(42, 200, "{}", None, NOW);
    assert!(matches!(out.next, Next::Fail(e) if e.name() == "InternalError"));
}

#[test]
fn account_calls() {
    let mut env = Env::new();
    env.answer("SignUp", 200, r#"{"UserConfirmed":false,"UserSub":"u-1","CodeDeliveryDetails":{"DeliveryMedium":"EMAIL","Destination":"a***@e***","AttributeName":"email"}}"#)
        .answer("ConfirmSignUp", 200, "{}")
        .answer("ResendConfirmationCode", 200, r#"{"CodeDeliveryDetails":{"DeliveryMedium":"EMAIL"}}"#)
        .answer("ForgotPassword", 400, r#"{"__type":"LimitExceededException","message":"Attempt limit exceeded"}"#)
        .answer("ConfirmForgotPassword", 400, r#"{"__type":"ExpiredCodeException","message":"Invalid code provided, please request a code again."}"#);
    let mut s = env.session("");
    let r = env
        .run(
            &mut s,
            Op::SignUp,
            Some(r#"{"username":"a","password":"p","attributes":{"email":"a@e.com"}}"#),
        )
        .unwrap();
    assert_eq!(
        r,
        r#"{"userConfirmed":false,"userSub":"u-1","codeDelivery":{"deliveryMedium":"EMAIL","destination":"a***@e***","attributeName":"email"}}"#
    );
    assert_eq!(
        env.body(0).get("UserAttributes").unwrap().to_string(),
        r#"[{"Name":"email","Value":"a@e.com"}]"#
    );
    assert_eq!(
        env.run(&mut s, Op::ConfirmSignUp, Some(r#"{"username":"a","code":"123"}"#))
            .unwrap(),
        ""
    );
    assert_eq!(
        env.run(&mut s, Op::ResendSignUpCode, Some(r#"{"username":"a"}"#))
            .unwrap(),
        r#"{"codeDelivery":{"deliveryMedium":"EMAIL"}}"#
    );
    assert_eq!(
        env.run(&mut s, Op::ForgotPassword, Some(r#"{"username":"a"}"#))
            .unwrap_err()
            .name(),
        "LimitExceededException"
    );
    let e = env
        .run(
            &mut s,
            Op::ConfirmForgotPassword,
            Some(r#"{"username":"a","code":"1","newPassword":"n"}"#),
        )
        .unwrap_err();
    assert_eq!(e.name(), "ExpiredCodeException");
    // Argument errors need no request.
    let e = env
        .run(&mut s, Op::ConfirmSignUp, Some(r#"{"username":"a"}"#))
        .unwrap_err();
    assert_eq!(
        (e.name(), e.message.as_str()),
        ("InvalidParameter", "code: is required")
    );
    assert_eq!(
        env.run(&mut s, Op::SignIn, Some("{nope")).unwrap_err().message,
        "arguments: are not JSON"
    );
    // Calls that need a user.
    assert_eq!(
        env.run(&mut s, Op::FetchUserAttributes, None)
            .unwrap_err()
            .name(),
        "NotSignedIn"
    );
    assert_eq!(
        env.run(&mut s, Op::SetUpTotp, None).unwrap_err().name(),
        "NotSignedIn"
    );
    assert_eq!(
        env.run(&mut s, Op::GetTokens, None).unwrap_err().name(),
        "NotSignedIn"
    );
    env.done();

    let mut s = env.signed_in("");
    env.answer(
        "GetUser",
        200,
        r#"{"Username":"alice","UserAttributes":[{"Name":"email","Value":"a@example.com"}]}"#,
    )
    .answer("AssociateSoftwareToken", 200, r#"{"SecretCode":"ABC"}"#)
    .answer("VerifySoftwareToken", 200, r#"{"Status":"SUCCESS"}"#)
    .answer("SetUserMFAPreference", 200, "{}")
    .answer("ChangePassword", 200, "{}");
    assert_eq!(
        env.run(&mut s, Op::FetchUserAttributes, None).unwrap(),
        r#"{"email":"a@example.com"}"#
    );
    assert_eq!(
        env.run(&mut s, Op::SetUpTotp, Some("{}")).unwrap(),
        r#"{"secret":"ABC","otpauthUri":"otpauth://totp/AWSCognito:a%40example.com?secret=ABC&issuer=AWSCognito"}"#
    );
    assert_eq!(
        env.run(&mut s, Op::VerifyTotp, Some(r#"{"code":"123456"}"#))
            .unwrap(),
        ""
    );
    assert_eq!(
        env.run(&mut s, Op::SetMfaPreference, Some(r#"{"totp":"PREFERRED"}"#))
            .unwrap(),
        ""
    );
    assert_eq!(
        env.run(
            &mut s,
            Op::ChangePassword,
            Some(r#"{"oldPassword":"o","newPassword":"n"}"#)
        )
        .unwrap(),
        ""
    );
    let b = env.body(env.sent.len() - 1);
    assert_eq!(
        b.get("AccessToken")
            .and_then(Json::as_str)
            .map(|t| t.split('.').count()),
        Some(3)
    );
    assert_eq!(b.get("ProposedPassword").and_then(Json::as_str), Some("n"));
    let t = app_tokens(&env.run(&mut s, Op::GetTokens, None).unwrap());
    assert_eq!(
        t.get("expiresAt").and_then(Json::as_i64),
        Some(NOW + 3_600_000)
    );
    assert_eq!(
        env.run(&mut s, Op::SignOut, Some(r#"{"global":1}"#))
            .unwrap_err()
            .name(),
        "InvalidParameter"
    );
    env.answer("RevokeToken", 200, "{}");
    assert_eq!(env.run(&mut s, Op::SignOut, None).unwrap(), "");
    env.done();
}

#[test]
fn the_srp_timestamp_follows_the_servers_clock_where_its_date_is_readable() {
    let challenge = r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"USER_ID_FOR_SRP":"alice-id","SALT":"8e1c","SRP_B":"5a3f9e","SECRET_BLOCK":"c2VjcmV0"}}"#;
    let srp = Some(r#"{"username":"alice","password":"pw"}"#);
    for (date, timestamp) in [
        // The device is 10 minutes behind the servers, then 10 minutes ahead.
        ("Tue, 14 Nov 2023 22:23:20 GMT", "Tue Nov 14 22:23:20 UTC 2023"),
        ("Tue, 14 Nov 2023 22:03:20 GMT", "Tue Nov 14 22:03:20 UTC 2023"),
    ] {
        let mut env = Env::new();
        env.server_date = Some(date.into());
        env.answer("InitiateAuth", 200, challenge)
            .answer("RespondToAuthChallenge", 200, &tokens_body(Some("rt"), "sub-1"));
        let mut s = env.session("");
        env.run(&mut s, Op::SignIn, srp).unwrap();
        let r = env.body(1);
        let r = r.get("ChallengeResponses").unwrap();
        assert_eq!(r.get("TIMESTAMP").and_then(Json::as_str), Some(timestamp));
    }
    // Without a readable Date, a refusal says the clock may be the cause.
    let mut env = Env::new();
    env.answer("InitiateAuth", 200, challenge).answer(
        "RespondToAuthChallenge",
        400,
        r#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#,
    );
    let mut s = env.session("");
    let e = env.run(&mut s, Op::SignIn, srp).unwrap_err();
    assert!(e.message.starts_with("Incorrect username or password. (if the password is right, this device's clock may be wrong"), "{}", e.message);
    env.done();
}

#[test]
fn srp_sign_in_answers_password_verifier_with_the_steps_clock() {
    let mut env = Env::new();
    // The server's B and salt are arbitrary here: the claim is checked against the vectors
    // elsewhere; this checks the flow (A sent, the verifier answered with this step's clock).
    env.answer("InitiateAuth", 200, r#"{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"USER_ID_FOR_SRP":"alice-id","SALT":"8e1c","SRP_B":"5a3f9e","SECRET_BLOCK":"c2VjcmV0"}}"#)
        .answer("RespondToAuthChallenge", 200, &tokens_body(Some("rt"), "sub-1"));
    let mut s = env.session("");
    assert_eq!(
        env.run(&mut s, Op::SignIn, Some(r#"{"username":"alice","password":"pw"}"#))
            .unwrap(),
        DONE
    );
    let p = env.body(0);
    let p = p.get("AuthParameters").unwrap();
    assert!(p.get("SRP_A").and_then(Json::as_str).unwrap().len() > 700);
    let r = env.body(1);
    let r = r.get("ChallengeResponses").unwrap();
    assert_eq!(r.get("USERNAME").and_then(Json::as_str), Some("alice-id"));
    assert_eq!(
        r.get("TIMESTAMP").and_then(Json::as_str),
        Some("Tue Nov 14 22:13:20 UTC 2023")
    );
    assert_eq!(
        r.get("PASSWORD_CLAIM_SECRET_BLOCK").and_then(Json::as_str),
        Some("c2VjcmV0")
    );
    env.done();
}

// ---------------------------------------------------------------------------------------------
// The hosted UI

const OAUTH: &str = r#","oauth":{"domain":"https://x.auth.us-east-1.amazoncognito.com","redirectSignIn":"http://localhost:8000/callback","redirectSignOut":"http://localhost:8000/","scopes":["openid","email"]}"#;

/// The token endpoint's answer for `alice`, with `nonce` in the id token.
fn token_endpoint_body(nonce: &str, refresh: Option<&str>) -> String {
    use super::tokens::tests::jwt;
    let (_, access) = pair("sub-1", "alice", EXP, ISS, "client1");
    let id = jwt(&[
        r#"{"sub":"sub-1","iss":""#,
        ISS,
        r#"","aud":"client1","token_use":"id","cognito:username":"alice","nonce":""#,
        nonce,
        r#"","exp":1700003600}"#,
    ]
    .concat());
    let mut o = crate::core::json::JsonObject::new()
        .str("id_token", &id)
        .str("access_token", &access);
    if let Some(r) = refresh {
        o = o.str("refresh_token", r);
    }
    o.str("token_type", "Bearer").num("expires_in", 3600).to_string()
}

/// Starts a redirect sign-in; returns (the authorize URL, its state, its nonce).
fn redirect(env: &mut Env, s: &mut Session, args: &str) -> (String, String, String) {
    let done = env.run(s, Op::SignInWithRedirect, Some(args)).unwrap();
    let url = Json::parse(&done).unwrap().str_field("url").unwrap().to_string();
    assert_eq!(env.navigated.last(), Some(&url));
    let pending = Json::parse(env.pending_redirect.as_deref().unwrap()).unwrap();
    let state = pending.str_field("state").unwrap().to_string();
    let nonce = pending.str_field("nonce").unwrap().to_string();
    assert!(url.contains(&["state=", &state].concat()));
    assert!(url.contains(&["nonce=", &nonce].concat()));
    assert!(!url.contains(pending.str_field("verifier").unwrap()));
    (url, state, nonce)
}

/// `handleRedirectCallback(url)` as the driver runs it: the query's parameters, decoded (the
/// test URLs need no decoding but `+`), and this tab's redirect record.
fn callback(env: &mut Env, s: &mut Session, url: &str) -> Result<String> {
    let mut args = crate::core::json::JsonObject::new();
    let query = url.split_once('?').map_or("", |(_, q)| q);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = if k == "error_description" { "errorDescription" } else { k };
        args = args.str(k, &v.replace('+', " "));
    }
    if let Some(p) = &env.pending_redirect {
        args = args.str("pending", p);
    }
    env.run(s, Op::HandleRedirectCallback, Some(&args.to_string()))
}

#[test]
fn the_hosted_ui_round_trip_exchanges_the_code_once_and_checks_the_nonce() {
    let mut env = Env::new();
    let mut s = env.session(OAUTH);
    let (url, state, nonce) = redirect(&mut env, &mut s, r#"{"state":"/photos","lang":"fr"}"#);
    assert!(url.starts_with("https://x.auth.us-east-1.amazoncognito.com/oauth2/authorize?response_type=code&client_id=client1"));
    assert!(url.contains("&scope=openid%20email&") && url.contains("&lang=fr"));
    env.answer("/oauth2/token", 200, &token_endpoint_body(&nonce, Some("rt-h")));
    let back = ["http://localhost:8000/callback?code=c0de&state=", &state].concat();
    assert_eq!(callback(&mut env, &mut s, &back).unwrap(), r#"{"state":"/photos"}"#);
    let form = &env.sent[0];
    assert_eq!(form.headers[0].1, "application/x-www-form-urlencoded");
    assert!(form.body.starts_with("grant_type=authorization_code&client_id=client1&code=c0de&redirect_uri=http%3A%2F%2Flocalhost%3A8000%2Fcallback&code_verifier="));
    assert!(s.is_signed_in());
    assert_eq!(env.events, ["signedIn"]);
    assert_eq!(env.pending_redirect, None, "the verifier is gone once the code is exchanged");
    let stored = stored_tokens(&env, &s);
    assert!(stored.hosted_ui);
    // The same callback again: nothing to exchange it with any more, and no request.
    let e = callback(&mut env, &mut s, &back).unwrap_err();
    assert_eq!(e.name(), "OAuthStateMismatch");
    assert_eq!(env.sent.len(), 1);
    env.done();
}

#[test]
fn a_forged_state_an_oauth_error_or_a_wrong_nonce_store_nothing() {
    let mut env = Env::new();
    let mut s = env.session(OAUTH);
    let (_, state, nonce) = redirect(&mut env, &mut s, "{}");
    let e = callback(&mut env, &mut s, "http://localhost:8000/callback?code=c&state=forged-state-0123456789").unwrap_err();
    assert_eq!(e.name(), "OAuthStateMismatch");
    assert!(env.pending_redirect.is_some(), "a forged callback does not cancel the real one");
    let e = callback(&mut env, &mut s, "http://localhost:8000/callback?code=c").unwrap_err();
    assert_eq!(e.name(), "OAuthStateMismatch");
    // The wrong nonce: the id token was minted for another sign-in.
    env.answer("/oauth2/token", 200, &token_endpoint_body("another-nonce-0123456789", Some("r")));
    let e = callback(&mut env, &mut s, &["http://localhost:8000/callback?code=c&state=", &state].concat()).unwrap_err();
    assert_eq!(e.name(), "TokenVerificationFailed");
    assert!(e.message.starts_with("nonce"));
    assert!(!s.is_signed_in());
    assert_eq!(env.stored, None);
    // An error on the callback.
    let (_, state, _) = redirect(&mut env, &mut s, "{}");
    let e = callback(
        &mut env,
        &mut s,
        &["http://localhost:8000/callback?error=access_denied&error_description=User+cancelled&state=", &state].concat(),
    )
    .unwrap_err();
    assert_eq!((e.name(), e.message.as_str()), ("OAuthAccessDenied", "User cancelled"));
    assert_eq!(env.pending_redirect, None);
    assert!(env.events.is_empty());
    assert_eq!(env.stored, None);
    // The token endpoint refusing the code.
    let (_, state, _) = redirect(&mut env, &mut s, "{}");
    env.answer("/oauth2/token", 400, r#"{"error":"invalid_grant","error_description":"unknown code"}"#);
    let e = callback(&mut env, &mut s, &["http://localhost:8000/callback?code=c&state=", &state].concat()).unwrap_err();
    assert_eq!((e.name(), e.status), ("OAuthInvalidGrant", Some(400)));
    let _ = nonce;
    env.done();
}

#[test]
fn a_hosted_ui_session_refreshes_at_the_token_endpoint_and_signs_out_at_logout() {
    let mut env = Env::new();
    let mut s = env.session(OAUTH);
    let (_, state, nonce) = redirect(&mut env, &mut s, "{}");
    env.answer("/oauth2/token", 200, &token_endpoint_body(&nonce, Some("rt-h")));
    callback(&mut env, &mut s, &["http://localhost:8000/callback?code=c&state=", &state].concat()).unwrap();
    // A reload keeps it a hosted-UI session.
    let mut s = env.session(OAUTH);
    env.answer("/oauth2/token", 200, &token_endpoint_body("not-checked-on-refresh", None));
    env.run(&mut s, Op::GetTokens, Some(r#"{"forceRefresh":true}"#)).unwrap();
    assert_eq!(env.sent[1].body, "grant_type=refresh_token&client_id=client1&refresh_token=rt-h");
    assert!(stored_tokens(&env, &s).hosted_ui);
    assert_eq!(stored_tokens(&env, &s).refresh_token.as_deref(), Some("rt-h"));
    env.answer("RevokeToken", 200, "{}");
    env.navigated.clear();
    env.run(&mut s, Op::SignOut, None).unwrap();
    assert_eq!(
        env.navigated,
        ["https://x.auth.us-east-1.amazoncognito.com/logout?client_id=client1&logout_uri=http%3A%2F%2Flocalhost%3A8000%2F"]
    );
    assert_eq!(env.stored, None);
    // A password sign-in's session does not visit the hosted UI on sign-out.
    let mut s = env.signed_in(OAUTH);
    env.answer("RevokeToken", 200, "{}");
    env.navigated.clear();
    env.run(&mut s, Op::SignOut, None).unwrap();
    assert!(env.navigated.is_empty());
    env.done();
}

#[test]
fn a_revoked_hosted_ui_refresh_token_signs_out() {
    let mut env = Env::new();
    let mut s = env.session(OAUTH);
    let (_, state, nonce) = redirect(&mut env, &mut s, "{}");
    env.answer("/oauth2/token", 200, &token_endpoint_body(&nonce, Some("rt-h")))
        .answer("/oauth2/token", 400, r#"{"error":"invalid_grant","error_description":"Refresh Token has been revoked"}"#);
    callback(&mut env, &mut s, &["http://localhost:8000/callback?code=c&state=", &state].concat()).unwrap();
    env.events.clear();
    let e = env.run(&mut s, Op::GetTokens, Some(r#"{"forceRefresh":true}"#)).unwrap_err();
    assert_eq!(e.name(), "OAuthInvalidGrant");
    assert!(!s.is_signed_in());
    assert_eq!(env.events, ["refreshFailed", "signedOut"]);
    env.done();
}

#[test]
fn the_hosted_ui_needs_its_config() {
    let mut env = Env::new();
    let mut s = env.session("");
    let e = env.run(&mut s, Op::SignInWithRedirect, None).unwrap_err();
    assert_eq!((e.name(), e.message.as_str()), ("InvalidConfig", "oauth: is required to sign in with the hosted UI"));
    let e = env.run(&mut s, Op::SignInWithRedirect, Some(r#"{"scopes":["a b"]}"#)).unwrap_err();
    assert_eq!(e.name(), "InvalidParameter");
    let mut s = env.signed_in(OAUTH);
    let e = env.run(&mut s, Op::SignInWithRedirect, None).unwrap_err();
    assert_eq!(e.name(), "InvalidState");
}

// ---------------------------------------------------------------------------------------------
// Tabs: the refresh lock and following the storage entry

#[test]
fn a_tab_that_waited_for_the_lock_adopts_the_refresh_another_tab_made() {
    let mut env = Env::new();
    let rotating = r#","refreshTokenRotation":true"#;
    let mut a = env.signed_in(rotating);
    let mut b = env.session(rotating);
    assert!(b.is_signed_in(), "tab B loaded the stored session");
    // Both tabs want fresh tokens; A asks for the lock first but gets it second.
    let force = Some(r#"{"forceRefresh":true}"#);
    let waiting = a.start(Op::GetTokens, force, env.now);
    let Next::Lock { flow } = waiting.next else {
        panic!("a lock")
    };
    env.answer("GetTokensFromRefreshToken", 200, &tokens_body(Some("rt-2"), "sub-1"));
    let from_b = app_tokens(&env.run(&mut b, Op::GetTokens, force).unwrap());
    assert_eq!(stored_tokens(&env, &b).refresh_token.as_deref(), Some("rt-2"));
    env.events.clear();
    // A holds the lock now: it adopts B's tokens instead of spending its rotated-away rt-1.
    let out = a.locked(flow, env.stored.as_deref(), env.now);
    env.apply(&out);
    let Next::Done(from_a) = out.next else {
        panic!("adopted, with no request: {:?}", out.next)
    };
    assert_eq!(app_tokens(&from_a).to_string(), from_b.to_string());
    assert_eq!(env.sent.len(), 2, "one sign-in and one refresh, for both tabs");
    assert_eq!(env.events, ["tokenRefreshed"]);
    // Had B's write reached A first as a storage event, A would not announce it twice.
    let waiting = a.start(Op::GetTokens, force, env.now);
    let Next::Lock { flow } = waiting.next else {
        panic!("a lock")
    };
    let mut b_again = env.session(rotating);
    env.answer("GetTokensFromRefreshToken", 200, &tokens_body(Some("rt-2b"), "sub-1"));
    env.run(&mut b_again, Op::GetTokens, force).unwrap();
    let synced = a.sync(env.stored.as_deref(), env.now);
    assert_eq!(synced.events.len(), 1);
    let out = a.locked(flow, env.stored.as_deref(), env.now);
    assert!(out.events.is_empty(), "{:?}", out.events);
    assert!(matches!(out.next, Next::Done(_)));
    // A's next refresh uses the latest rotated token.
    env.answer("GetTokensFromRefreshToken", 200, &tokens_body(Some("rt-3"), "sub-1"));
    env.run(&mut a, Op::GetTokens, force).unwrap();
    assert_eq!(
        env.body(3).get("RefreshToken").and_then(Json::as_str),
        Some("rt-2b")
    );
    env.done();
}

#[test]
fn a_tab_follows_sign_in_refresh_and_sign_out_made_in_another() {
    let mut env = Env::new();
    let mut watcher = env.session("");
    let mut other = env.signed_in("");
    // Signed in over there.
    let out = watcher.sync(env.stored.as_deref(), env.now);
    assert_eq!(out.events.iter().map(|(e, _)| e.name()).collect::<Vec<_>>(), ["signedIn"]);
    assert!(watcher.is_signed_in());
    assert_eq!(out.store, None, "following writes nothing back");
    // The same entry again is no change.
    assert!(watcher.sync(env.stored.as_deref(), env.now).events.is_empty());
    // Refreshed over there: new tokens, same user.
    env.answer("InitiateAuth", 200, &tokens_body(Some("rt-9"), "sub-1"));
    env.run(&mut other, Op::GetTokens, Some(r#"{"forceRefresh":true}"#)).unwrap();
    let out = watcher.sync(env.stored.as_deref(), env.now);
    assert_eq!(out.events.iter().map(|(e, _)| e.name()).collect::<Vec<_>>(), ["tokenRefreshed"]);
    // Something that does not check out is ignored.
    assert!(watcher.sync(Some("{}"), env.now).events.is_empty());
    assert!(watcher.is_signed_in());
    // Signed out over there.
    env.answer("RevokeToken", 200, "{}");
    env.run(&mut other, Op::SignOut, None).unwrap();
    let out = watcher.sync(env.stored.as_deref(), env.now);
    assert_eq!(out.events.iter().map(|(e, _)| e.name()).collect::<Vec<_>>(), ["signedOut"]);
    assert!(!watcher.is_signed_in());
    assert_eq!(
        env.run(&mut watcher, Op::GetTokens, None).unwrap_err().name(),
        "NotSignedIn"
    );
    env.done();
}

#[test]
fn a_lock_answer_for_the_wrong_flow_is_an_internal_error() {
    let mut env = Env::new();
    let mut s = env.signed_in("");
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"));
    let out = s.locked(99, None, env.now);
    assert!(matches!(out.next, Next::Fail(e) if e.name() == "InternalError"));
    env.run(&mut s, Op::GetTokens, Some(r#"{"forceRefresh":true}"#)).unwrap();
    env.done();
}

// ---------------------------------------------------------------------------------------------
// Verified tokens

const VERIFY: &str = r#","verifyTokenSignatures":true"#;
const JWKS: &str = r#"{"keys":[{"kid":"k1","kty":"RSA","alg":"RS256","use":"sig","n":"modulus","e":"AQAB"}]}"#;

#[test]
fn tokens_are_accepted_only_once_their_signatures_check_out() {
    let mut env = Env::new();
    env.answer("InitiateAuth", 200, &tokens_body(Some("rt-1"), "sub-1"))
        .answer("/us-east-1_AbC123/.well-known/jwks.json", 200, JWKS);
    let mut s = env.session(VERIFY);
    assert_eq!(env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap(), DONE);
    assert_eq!(env.sent[1].method, "GET");
    assert_eq!(
        env.sent[1].url,
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123/.well-known/jwks.json"
    );
    assert_eq!(env.verified, [2], "both tokens, with the fetched key");
    // The keys are kept: a refresh needs no second fetch.
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"));
    env.run(&mut s, Op::GetTokens, Some(r#"{"forceRefresh":true}"#)).unwrap();
    assert_eq!(env.sent.len(), 3);
    assert_eq!(env.verified, [2, 2]);
    env.done();
}

#[test]
fn a_bad_signature_is_refused_at_sign_in_at_refresh_and_from_storage() {
    let mut env = Env::new();
    env.signatures_valid = false;
    env.answer("InitiateAuth", 200, &tokens_body(Some("rt-1"), "sub-1"))
        .answer("/us-east-1_AbC123/.well-known/jwks.json", 200, JWKS);
    let mut s = env.session(VERIFY);
    let e = env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap_err();
    assert_eq!(e.name(), "TokenVerificationFailed");
    assert!(e.message.starts_with("signature:"));
    assert!(!s.is_signed_in());
    assert_eq!(env.stored, None);
    assert!(env.events.is_empty());

    // At refresh: refused, the valid tokens kept.
    env.signatures_valid = true;
    env.answer("InitiateAuth", 200, &tokens_body(Some("rt-1"), "sub-1"));
    env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap();
    let kept = env.stored.clone();
    env.signatures_valid = false;
    env.events.clear();
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"));
    let e = env.run(&mut s, Op::GetTokens, Some(r#"{"forceRefresh":true}"#)).unwrap_err();
    assert_eq!(e.name(), "TokenVerificationFailed");
    assert_eq!(env.stored, kept);
    assert_eq!(env.events, ["refreshFailed"]);
    assert!(s.is_signed_in());

    // From storage: checked on first use; forged ones end the session.
    let mut reloaded = env.session(VERIFY);
    assert!(reloaded.is_signed_in());
    env.answer("/us-east-1_AbC123/.well-known/jwks.json", 200, JWKS);
    env.events.clear();
    let e = env.run(&mut reloaded, Op::GetTokens, None).unwrap_err();
    assert_eq!(e.name(), "TokenVerificationFailed");
    assert!(!reloaded.is_signed_in());
    assert_eq!(env.stored, None);
    assert_eq!(env.events, ["signedOut"]);
    env.done();
}

#[test]
fn alg_none_an_unknown_key_and_an_unreachable_jwks() {
    let mut env = Env::new();
    // alg none: refused before any key is fetched.
    let none = tokens_body(Some("rt"), "sub-1").replace(
        &crate::core::encoding::base64url_encode(br#"{"alg":"RS256","kid":"k1"}"#),
        &crate::core::encoding::base64url_encode(br#"{"alg":"none"}"#),
    );
    env.answer("InitiateAuth", 200, &none);
    let mut s = env.session(VERIFY);
    let e = env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap_err();
    assert_eq!((e.name(), e.message.as_str()), ("TokenVerificationFailed", "alg: only RS256-signed tokens are accepted"));
    assert_eq!(env.sent.len(), 1);
    // A kid the JWKS does not have: fetched once, then refused; not fetched again within a minute.
    let other_keys = JWKS.replace("\"k1\"", "\"k2\"");
    env.answer("InitiateAuth", 200, &tokens_body(Some("rt"), "sub-1"))
        .answer("/us-east-1_AbC123/.well-known/jwks.json", 200, &other_keys)
        .answer("InitiateAuth", 200, &tokens_body(Some("rt"), "sub-1"));
    let e = env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap_err();
    assert!(e.message.starts_with("kid:"), "{}", e.message);
    let e = env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap_err();
    assert!(e.message.starts_with("kid:"));
    assert_eq!(env.sent.len(), 4, "no second JWKS fetch within the minute");
    // Offline at start-up: the stored session is kept, unchecked, for a later try.
    env.signatures_valid = true;
    let mut s = env.signed_in("");
    let mut reloaded = env.session(VERIFY);
    env.answer("/us-east-1_AbC123/.well-known/jwks.json", 0, "");
    let e = env.run(&mut reloaded, Op::GetTokens, None).unwrap_err();
    assert_eq!(e.name(), "NetworkError");
    assert!(reloaded.is_signed_in());
    assert!(env.stored.is_some());
    env.answer("/us-east-1_AbC123/.well-known/jwks.json", 200, JWKS);
    env.run(&mut reloaded, Op::GetTokens, None).unwrap();
    let _ = &mut s;
    env.done();
}

#[test]
fn concurrent_calls_on_a_restored_session_share_one_check_of_the_stored_tokens() {
    let mut env = Env::new();
    env.answer("InitiateAuth", 200, &tokens_body(Some("rt-1"), "sub-1"))
        .answer("/us-east-1_AbC123/.well-known/jwks.json", 200, JWKS);
    let mut s = env.session(VERIFY);
    env.run(&mut s, Op::SignIn, Some(PASSWORD_SIGN_IN)).unwrap();
    // A page load: the stored tokens are checked on first use, once for every caller.
    let mut reloaded = env.session(VERIFY);
    let first = reloaded.start(Op::GetTokens, None, env.now);
    let Next::Send { flow, .. } = first.next else { panic!("expected the JWKS fetch, got {:?}", first.next) };
    for _ in 0..3 {
        assert_eq!(reloaded.start(Op::GetTokens, None, env.now).next, Next::Join(flow));
    }
    // A forced refresh does not join a check: it starts its own.
    assert!(!matches!(reloaded.start(Op::GetTokens, Some(r#"{"forceRefresh":true}"#), env.now).next, Next::Join(_)));
    env.answer("/us-east-1_AbC123/.well-known/jwks.json", 200, JWKS);
    let tokens = env.drive(&mut reloaded, first).unwrap();
    assert!(tokens.contains("idToken"));
    // Checked: later calls are answered at once, nothing to join.
    assert_eq!(env.run(&mut reloaded, Op::GetTokens, None).unwrap(), tokens);
}
