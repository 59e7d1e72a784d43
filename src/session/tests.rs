//! The session's flows against a scripted user-pool API (the browser tests run the same flows
//! against the emulator).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use super::single_flight::tests::poll_once;
use super::single_flight::{Flight, Lead};
use super::tokens::tests::{pair, ISS};
use super::*;

const NOW: i64 = 1_700_000_000_000;
const EXP: u64 = 1_700_003_600;

/// A user-pool API that answers from a script, checking each request's operation.
struct Script {
    answers: RefCell<VecDeque<(&'static str, u16, String)>>,
    sent: RefCell<Vec<HttpRequest>>,
    now: Cell<i64>,
    /// While set, answers wait until the gate is opened (requests are matched to answers in
    /// the order they are sent).
    gate: RefCell<Option<Rc<Flight<()>>>>,
}

#[derive(Clone)]
struct Env(Rc<Script>);

impl Platform for Env {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        self.0.sent.borrow_mut().push(request.clone());
        let (op, status, body) = self
            .0
            .answers
            .borrow_mut()
            .pop_front()
            .expect("a request the script did not expect");
        let target = request
            .headers
            .iter()
            .find(|(k, _)| *k == "X-Amz-Target")
            .map(|(_, v)| v.clone())
            .unwrap();
        assert_eq!(target, up::TARGET_PREFIX.to_string() + op);
        let gate = self.0.gate.borrow().clone();
        if let Some(g) = gate {
            g.wait().await?;
        }
        if status == 0 {
            return Err(Error::new(ErrorCode::NetworkError, "Failed to fetch"));
        }
        Ok(HttpResponse { status, body })
    }

    fn now_ms(&self) -> i64 {
        self.0.now.get()
    }
}

impl Env {
    fn new() -> Env {
        Env(Rc::new(Script {
            answers: RefCell::new(VecDeque::new()),
            sent: RefCell::new(Vec::new()),
            now: Cell::new(NOW),
            gate: RefCell::new(None),
        }))
    }

    fn answer(&self, op: &'static str, status: u16, body: &str) -> &Self {
        self.0
            .answers
            .borrow_mut()
            .push_back((op, status, body.to_string()));
        self
    }

    fn body(&self, i: usize) -> Json {
        Json::parse(&self.0.sent.borrow()[i].body).unwrap()
    }

    fn sent(&self) -> usize {
        self.0.sent.borrow().len()
    }

    fn done(&self) {
        assert!(
            self.0.answers.borrow().is_empty(),
            "the script has unused answers"
        );
    }
}

/// Shares one `MemoryStore` between sessions (a page reload).
#[derive(Clone, Default)]
struct SharedStore(Rc<MemoryStore>);

impl Store for SharedStore {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.0.set(key, value)
    }
    fn remove(&self, key: &str) {
        self.0.remove(key)
    }
}

const KEY: &str = "cognito-wasm.us-east-1_AbC123.client1.session";

fn config(extra: &str) -> Config {
    let mut t = String::from(
        r#"{"region":"us-east-1","userPoolId":"us-east-1_AbC123","clientId":"client1""#,
    );
    t.push_str(extra);
    t.push('}');
    Config::from_json_text(&t).unwrap()
}

fn session(env: &Env, store: &SharedStore, extra: &str) -> Session<Env> {
    Session::new(config(extra), env.clone(), Box::new(store.clone()))
}

/// Runs a future whose requests are all answered synchronously.
fn run<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match poll_once(f.as_mut()) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("the future did not complete"),
    }
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

fn sign_in_args(flow: Flow) -> args::SignIn {
    args::SignIn {
        username: "alice".into(),
        password: "pw".into(),
        flow,
    }
}

fn confirm(code: Option<&str>) -> args::ConfirmSignIn {
    args::ConfirmSignIn {
        code: code.map(str::to_string),
        ..Default::default()
    }
}

fn record(s: &Session<Env>) -> Rc<RefCell<Vec<&'static str>>> {
    let seen = Rc::new(RefCell::new(Vec::new()));
    for ev in [
        AuthEvent::SignedIn,
        AuthEvent::SignedOut,
        AuthEvent::TokenRefreshed,
        AuthEvent::RefreshFailed,
    ] {
        let seen = seen.clone();
        s.listeners()
            .add(ev, Rc::new(move |e, _| seen.borrow_mut().push(e.name())));
    }
    seen
}

fn signed_in(env: &Env, store: &SharedStore, extra: &str) -> Session<Env> {
    env.answer("InitiateAuth", 200, &tokens_body(Some("rt-1"), "sub-1"));
    let s = session(env, store, extra);
    assert_eq!(
        run(s.sign_in(sign_in_args(Flow::Password))).unwrap(),
        Step::Done
    );
    s
}

#[test]
fn password_sign_in_stores_tokens_and_emits_signed_in() {
    let env = Env::new();
    let store = SharedStore::default();
    env.answer("InitiateAuth", 200, &tokens_body(Some("rt-1"), "sub-1"));
    let s = session(&env, &store, "");
    let seen = record(&s);
    assert!(!s.is_signed_in());
    assert_eq!(s.user_json(), None);
    assert_eq!(
        run(s.sign_in(sign_in_args(Flow::Password))).unwrap(),
        Step::Done
    );
    let b = env.body(0);
    assert_eq!(
        b.get("AuthFlow").and_then(Json::as_str),
        Some("USER_PASSWORD_AUTH")
    );
    assert_eq!(
        env.0.sent.borrow()[0].headers[0],
        ("Content-Type", "application/x-amz-json-1.1".to_string())
    );
    assert!(s.is_signed_in());
    assert!(s.user_json().unwrap().contains(r#""username":"alice""#));
    assert_eq!(*seen.borrow(), ["signedIn"]);
    let stored = TokenSet::from_storage_json(s.config(), &store.get(KEY).unwrap()).unwrap();
    assert_eq!(stored.refresh_token.as_deref(), Some("rt-1"));
    // A reload restores the session.
    let again = session(&env, &store, "");
    assert!(again.is_signed_in());
    // Signing in again while signed in is refused.
    assert_eq!(
        run(again.sign_in(sign_in_args(Flow::Password)))
            .unwrap_err()
            .name(),
        "InvalidState"
    );
    env.done();
}

#[test]
fn a_corrupt_or_foreign_stored_session_is_dropped() {
    let env = Env::new();
    let store = SharedStore::default();
    store.set(KEY, "{\"idToken\":1}").unwrap();
    let s = session(&env, &store, "");
    assert!(!s.is_signed_in());
    assert_eq!(store.get(KEY), None);
}

#[test]
fn tokens_that_fail_the_checks_are_not_stored() {
    let env = Env::new();
    let store = SharedStore::default();
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
    let s = session(&env, &store, "");
    let e = run(s.sign_in(sign_in_args(Flow::Password))).unwrap_err();
    assert_eq!(e.name(), "TokenVerificationFailed");
    assert!(!s.is_signed_in());
    assert_eq!(store.get(KEY), None);
}

#[test]
fn refusals_become_steps_or_typed_errors() {
    let env = Env::new();
    let store = SharedStore::default();
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
    let s = session(&env, &store, "");
    let step = run(s.sign_in(sign_in_args(Flow::Password))).unwrap();
    assert_eq!(
        step,
        Step::ConfirmSignUp {
            username: "alice".into()
        }
    );
    assert_eq!(
        run(s.sign_in(sign_in_args(Flow::Password))).unwrap().name(),
        "RESET_PASSWORD"
    );
    let e = run(s.sign_in(sign_in_args(Flow::Password))).unwrap_err();
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
        run(s.confirm_sign_in(confirm(Some("1"))))
            .unwrap_err()
            .name(),
        "InvalidState"
    );
    env.done();
}

#[test]
fn new_password_required_with_attributes_and_a_client_secret() {
    let env = Env::new();
    let store = SharedStore::default();
    env.answer(
        "InitiateAuth",
        200,
        r#"{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"S1","ChallengeParameters":{"USER_ID_FOR_SRP":"alice-id","requiredAttributes":"[\"userAttributes.name\"]","userAttributes":"{}"}}"#,
    )
    .answer("RespondToAuthChallenge", 200, &tokens_body(Some("rt"), "sub-1"));
    let s = session(&env, &store, r#","clientSecret":"topsecret""#);
    let step = run(s.sign_in(sign_in_args(Flow::Password))).unwrap();
    assert_eq!(
        step.to_json(),
        r#"{"step":"NEW_PASSWORD_REQUIRED","requiredAttributes":["name"]}"#
    );
    // The wrong kind of answer is refused and the step stays open.
    let e = run(s.confirm_sign_in(confirm(Some("123")))).unwrap_err();
    assert_eq!(
        (e.name(), e.message.as_str()),
        (
            "InvalidParameter",
            "newPassword: is required to answer NEW_PASSWORD_REQUIRED"
        )
    );
    let answer = args::ConfirmSignIn {
        new_password: Some("N3w!pass".into()),
        attributes: vec![("name".into(), "Alice".into())],
        ..Default::default()
    };
    assert_eq!(run(s.confirm_sign_in(answer)).unwrap(), Step::Done);
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
    let env = Env::new();
    let store = SharedStore::default();
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
    let s = session(&env, &store, "");
    assert_eq!(
        run(s.sign_in(sign_in_args(Flow::Password))).unwrap(),
        Step::MfaTotp
    );
    assert_eq!(
        run(s.confirm_sign_in(confirm(None))).unwrap_err().message,
        "code: is required to answer this step"
    );
    assert_eq!(
        run(s.confirm_sign_in(confirm(Some("000000"))))
            .unwrap_err()
            .name(),
        "CodeMismatchException"
    );
    assert_eq!(
        run(s.confirm_sign_in(confirm(Some("123456")))).unwrap(),
        Step::Done
    );
    let r = env.body(2);
    let r = r.get("ChallengeResponses").unwrap();
    assert_eq!(
        r.get("SOFTWARE_TOKEN_MFA_CODE").and_then(Json::as_str),
        Some("123456")
    );
    assert_eq!(r.get("USERNAME").and_then(Json::as_str), Some("alice"));
    assert_eq!(
        run(s.confirm_sign_in(confirm(Some("1"))))
            .unwrap_err()
            .name(),
        "InvalidState"
    );
    env.done();
}

#[test]
fn an_expired_session_ends_the_sign_in() {
    let env = Env::new();
    let store = SharedStore::default();
    env.answer("InitiateAuth", 200, r#"{"ChallengeName":"SMS_MFA","Session":"S1","ChallengeParameters":{"CODE_DELIVERY_DELIVERY_MEDIUM":"SMS","CODE_DELIVERY_DESTINATION":"+***12"}}"#)
        .answer("RespondToAuthChallenge", 400, r#"{"__type":"NotAuthorizedException","message":"Invalid session for the user, session is expired."}"#);
    let s = session(&env, &store, "");
    assert_eq!(
        run(s.sign_in(sign_in_args(Flow::Password))).unwrap().name(),
        "MFA_SMS"
    );
    assert_eq!(
        run(s.confirm_sign_in(confirm(Some("1"))))
            .unwrap_err()
            .name(),
        "NotAuthorizedException"
    );
    assert_eq!(
        run(s.confirm_sign_in(confirm(Some("1"))))
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
    let env = Env::new();
    let store = SharedStore::default();
    env.answer("InitiateAuth", 200, r#"{"ChallengeName":"MFA_SETUP","Session":"S1","ChallengeParameters":{"MFAS_CAN_SETUP":"[\"SOFTWARE_TOKEN_MFA\"]"}}"#)
        .answer("AssociateSoftwareToken", 200, r#"{"SecretCode":"JBSWY3DPEHPK3PXP","Session":"S2"}"#)
        .answer("VerifySoftwareToken", 200, r#"{"Status":"SUCCESS","Session":"S3"}"#)
        .answer("RespondToAuthChallenge", 200, &tokens_body(Some("rt"), "sub-1"));
    let s = session(&env, &store, r#","totpIssuer":"My App""#);
    let step = run(s.sign_in(sign_in_args(Flow::Password))).unwrap();
    assert_eq!(
        step.to_json(),
        r#"{"step":"MFA_SETUP_TOTP","secret":"JBSWY3DPEHPK3PXP","otpauthUri":"otpauth://totp/My%20App:alice?secret=JBSWY3DPEHPK3PXP&issuer=My%20App"}"#
    );
    assert_eq!(env.body(1).to_string(), r#"{"Session":"S1"}"#);
    let answer = args::ConfirmSignIn {
        code: Some("123456".into()),
        device_name: Some("phone".into()),
        ..Default::default()
    };
    assert_eq!(run(s.confirm_sign_in(answer)).unwrap(), Step::Done);
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
    let env = Env::new();
    let store = SharedStore::default();
    env.answer("InitiateAuth", 200, r#"{"ChallengeName":"SELECT_MFA_TYPE","Session":"S1","ChallengeParameters":{"MFAS_CAN_CHOOSE":"[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"}}"#)
        .answer("RespondToAuthChallenge", 200, r#"{"ChallengeName":"SOFTWARE_TOKEN_MFA","Session":"S2","ChallengeParameters":{}}"#);
    let s = session(&env, &store, "");
    assert_eq!(
        run(s.sign_in(sign_in_args(Flow::Password))).unwrap().name(),
        "SELECT_MFA_TYPE"
    );
    let pick = |m| args::ConfirmSignIn {
        mfa_type: Some(m),
        ..Default::default()
    };
    assert_eq!(
        run(s.confirm_sign_in(pick(MfaType::Email)))
            .unwrap_err()
            .message,
        "mfaType: is not one of the allowed types"
    );
    assert_eq!(
        run(s.confirm_sign_in(pick(MfaType::Totp))).unwrap(),
        Step::MfaTotp
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
    let env = Env::new();
    let store = SharedStore::default();
    let s = signed_in(&env, &store, r#","clientSecret":"topsecret""#);
    let seen = record(&s);
    let t = run(s.get_tokens(false)).unwrap();
    assert_eq!(env.sent(), 1);
    assert_eq!(t.expires_at_ms, NOW + 3_600_000);
    env.0.now.set(NOW + 3_600_000 - REFRESH_MARGIN_MS + 1);
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"));
    let t = run(s.get_tokens(false)).unwrap();
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
    assert_eq!(t.refresh_token.as_deref(), Some("rt-1"));
    assert!(t.expires_at_ms > NOW + 3_600_000);
    assert_eq!(*seen.borrow(), ["tokenRefreshed"]);
    env.done();
}

#[test]
fn rotating_clients_refresh_with_get_tokens_from_refresh_token() {
    let env = Env::new();
    let store = SharedStore::default();
    let s = signed_in(&env, &store, r#","refreshTokenRotation":true"#);
    env.answer(
        "GetTokensFromRefreshToken",
        200,
        &tokens_body(Some("rt-2"), "sub-1"),
    );
    let t = run(s.get_tokens(true)).unwrap();
    assert_eq!(t.refresh_token.as_deref(), Some("rt-2"));
    assert_eq!(
        env.body(1).to_string(),
        r#"{"RefreshToken":"rt-1","ClientId":"client1"}"#
    );
    let stored = TokenSet::from_storage_json(s.config(), &store.get(KEY).unwrap()).unwrap();
    assert_eq!(stored.refresh_token.as_deref(), Some("rt-2"));
    env.done();
}

#[test]
fn concurrent_refreshes_share_one_request() {
    let env = Env::new();
    let store = SharedStore::default();
    let s = signed_in(&env, &store, "");
    let (gate, open): (Rc<Flight<()>>, Lead<()>) = Flight::start();
    env.0.gate.replace(Some(gate));
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"));
    let mut a = pin!(s.get_tokens(true));
    let mut b = pin!(s.get_tokens(true));
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(poll_once(b.as_mut()).is_pending());
    open.finish(Ok(()));
    let (Poll::Ready(ta), Poll::Ready(tb)) = (poll_once(a.as_mut()), poll_once(b.as_mut())) else {
        panic!("not done")
    };
    assert_eq!(ta.unwrap(), tb.unwrap());
    assert_eq!(env.sent(), 2, "one sign-in and one refresh");
    env.done();
}

#[test]
fn a_rejected_refresh_token_signs_out() {
    let env = Env::new();
    let store = SharedStore::default();
    let s = signed_in(&env, &store, "");
    let seen = record(&s);
    env.answer(
        "InitiateAuth",
        400,
        r#"{"__type":"NotAuthorizedException","message":"Refresh Token has been revoked"}"#,
    );
    assert_eq!(
        run(s.get_tokens(true)).unwrap_err().name(),
        "NotAuthorizedException"
    );
    assert!(!s.is_signed_in());
    assert_eq!(store.get(KEY), None);
    assert_eq!(*seen.borrow(), ["refreshFailed", "signedOut"]);
    assert_eq!(run(s.get_tokens(false)).unwrap_err().name(), "NotSignedIn");
    env.done();
}

#[test]
fn a_network_failure_keeps_still_valid_tokens() {
    let env = Env::new();
    let store = SharedStore::default();
    let s = signed_in(&env, &store, "");
    let seen = record(&s);
    env.0.now.set(NOW + 3_600_000 - 1000);
    env.answer("InitiateAuth", 0, "");
    let t = run(s.get_tokens(false)).unwrap();
    assert_eq!(t.refresh_token.as_deref(), Some("rt-1"));
    env.answer("InitiateAuth", 0, "");
    assert_eq!(run(s.get_tokens(true)).unwrap_err().name(), "NetworkError");
    assert!(s.is_signed_in());
    assert_eq!(*seen.borrow(), ["refreshFailed", "refreshFailed"]);
    env.done();
}

#[test]
fn sign_out_clears_even_when_cognito_is_unreachable() {
    let env = Env::new();
    let store = SharedStore::default();
    let s = signed_in(&env, &store, "");
    let seen = record(&s);
    env.answer("RevokeToken", 0, "");
    run(s.sign_out(args::SignOut::default())).unwrap();
    assert!(!s.is_signed_in());
    assert_eq!(store.get(KEY), None);
    assert_eq!(*seen.borrow(), ["signedOut"]);
    assert_eq!(
        env.body(1).to_string(),
        r#"{"Token":"rt-1","ClientId":"client1"}"#
    );

    let s = signed_in(&env, &store, "");
    env.answer("RevokeToken", 0, "");
    let e = run(s.sign_out(args::SignOut {
        global: false,
        strict: true,
    }))
    .unwrap_err();
    assert_eq!(e.name(), "NetworkError");
    assert!(!s.is_signed_in());
    assert_eq!(store.get(KEY), None);

    let s = signed_in(&env, &store, "");
    env.answer("GlobalSignOut", 200, "{}");
    run(s.sign_out(args::SignOut {
        global: true,
        strict: true,
    }))
    .unwrap();
    assert_eq!(env.sent(), 6);
    // Signing out twice is harmless.
    run(s.sign_out(args::SignOut::default())).unwrap();
    env.done();
}

#[test]
fn a_refresh_finishing_after_sign_out_does_not_sign_back_in() {
    let env = Env::new();
    let store = SharedStore::default();
    let s = signed_in(&env, &store, "");
    let (gate, open): (Rc<Flight<()>>, Lead<()>) = Flight::start();
    env.0.gate.replace(Some(gate));
    env.answer("InitiateAuth", 200, &tokens_body(None, "sub-1"))
        .answer("RevokeToken", 200, "{}");
    let mut refresh = pin!(s.get_tokens(true));
    assert!(poll_once(refresh.as_mut()).is_pending());
    let mut out = pin!(s.sign_out(args::SignOut::default()));
    assert!(poll_once(out.as_mut()).is_pending());
    open.finish(Ok(()));
    assert!(matches!(poll_once(out.as_mut()), Poll::Ready(Ok(()))));
    match poll_once(refresh.as_mut()) {
        Poll::Ready(Err(e)) => assert_eq!(e.name(), "NotSignedIn"),
        _ => panic!("the refresh should fail"),
    }
    assert!(!s.is_signed_in());
    assert_eq!(store.get(KEY), None);
    env.done();
}

#[test]
fn account_calls() {
    let env = Env::new();
    let store = SharedStore::default();
    env.answer("SignUp", 200, r#"{"UserConfirmed":false,"UserSub":"u-1","CodeDeliveryDetails":{"DeliveryMedium":"EMAIL","Destination":"a***@e***","AttributeName":"email"}}"#)
        .answer("ConfirmSignUp", 200, "{}")
        .answer("ResendConfirmationCode", 200, r#"{"CodeDeliveryDetails":{"DeliveryMedium":"EMAIL"}}"#)
        .answer("ForgotPassword", 400, r#"{"__type":"LimitExceededException","message":"Attempt limit exceeded"}"#)
        .answer("ConfirmForgotPassword", 400, r#"{"__type":"ExpiredCodeException","message":"Invalid code provided, please request a code again."}"#);
    let s = session(&env, &store, "");
    let r = run(s.run(
        Op::SignUp,
        Some(r#"{"username":"a","password":"p","attributes":{"email":"a@e.com"}}"#),
    ))
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
        run(s.run(Op::ConfirmSignUp, Some(r#"{"username":"a","code":"123"}"#))).unwrap(),
        ""
    );
    assert_eq!(
        run(s.run(Op::ResendSignUpCode, Some(r#"{"username":"a"}"#))).unwrap(),
        r#"{"codeDelivery":{"deliveryMedium":"EMAIL"}}"#
    );
    assert_eq!(
        run(s.run(Op::ForgotPassword, Some(r#"{"username":"a"}"#)))
            .unwrap_err()
            .name(),
        "LimitExceededException"
    );
    let e = run(s.run(
        Op::ConfirmForgotPassword,
        Some(r#"{"username":"a","code":"1","newPassword":"n"}"#),
    ))
    .unwrap_err();
    assert_eq!(e.name(), "ExpiredCodeException");
    // Argument errors need no request.
    let e = run(s.run(Op::ConfirmSignUp, Some(r#"{"username":"a"}"#))).unwrap_err();
    assert_eq!(
        (e.name(), e.message.as_str()),
        ("InvalidParameter", "code: is required")
    );
    assert_eq!(
        run(s.run(Op::SignIn, Some("{nope"))).unwrap_err().message,
        "arguments: are not JSON"
    );
    // Calls that need a user.
    assert_eq!(
        run(s.run(Op::FetchUserAttributes, None))
            .unwrap_err()
            .name(),
        "NotSignedIn"
    );
    assert_eq!(
        run(s.run(Op::SetUpTotp, None)).unwrap_err().name(),
        "NotSignedIn"
    );
    assert_eq!(
        run(s.run(Op::GetTokens, None)).unwrap_err().name(),
        "NotSignedIn"
    );
    env.done();

    let s = signed_in(&env, &store, "");
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
        run(s.run(Op::FetchUserAttributes, None)).unwrap(),
        r#"{"email":"a@example.com"}"#
    );
    assert_eq!(
        run(s.run(Op::SetUpTotp, Some("{}"))).unwrap(),
        r#"{"secret":"ABC","otpauthUri":"otpauth://totp/AWSCognito:a%40example.com?secret=ABC&issuer=AWSCognito"}"#
    );
    assert_eq!(
        run(s.run(Op::VerifyTotp, Some(r#"{"code":"123456"}"#))).unwrap(),
        ""
    );
    assert_eq!(
        run(s.run(Op::SetMfaPreference, Some(r#"{"totp":"PREFERRED"}"#))).unwrap(),
        ""
    );
    assert_eq!(
        run(s.run(
            Op::ChangePassword,
            Some(r#"{"oldPassword":"o","newPassword":"n"}"#)
        ))
        .unwrap(),
        ""
    );
    let n = env.sent();
    let b = env.body(n - 1);
    assert_eq!(
        b.get("AccessToken")
            .and_then(Json::as_str)
            .map(|t| t.split('.').count()),
        Some(3)
    );
    assert_eq!(b.get("ProposedPassword").and_then(Json::as_str), Some("n"));
    let t = Json::parse(&run(s.run(Op::GetTokens, None)).unwrap()).unwrap();
    assert_eq!(
        t.get("expiresAt").and_then(Json::as_i64),
        Some(NOW + 3_600_000)
    );
    assert_eq!(
        run(s.run(Op::SignOut, Some(r#"{"global":1}"#)))
            .unwrap_err()
            .name(),
        "InvalidParameter"
    );
    env.answer("RevokeToken", 200, "{}");
    assert_eq!(run(s.run(Op::SignOut, None)).unwrap(), "");
    env.done();
}
