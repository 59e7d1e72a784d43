//! What one step of the session asks of its driver: the next thing to do ([`Next`]) and the
//! effects of the step (a storage write, events), and their JSON form for the JS driver
//! (`js/auth.js`).

use crate::prelude::*;

use crate::core::error::Error;
use crate::core::jwks::SignatureCheck;
use crate::core::json::JsonObject;

use super::events::AuthEvent;

/// An HTTP request for the driver to send (the session only sends `POST`s with a text body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `POST` (every API call) or `GET` (the JWKS).
    pub method: &'static str,
    /// The absolute URL.
    pub url: String,
    /// Header names and values.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: String,
}

/// What the driver does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Send `request`, then hand its answer to `Session::resume` with this `flow` id.
    Send {
        /// The flow waiting for the answer.
        flow: u32,
        /// The request.
        request: HttpRequest,
    },
    /// The operation finished; its result as JSON text (`""`: no result).
    Done(String),
    /// The operation failed.
    Fail(Error),
    /// The operation's result is that of flow `flow`, still in progress (a token refresh that
    /// another caller started): wait for it instead of starting a second one.
    Join(u32),
    /// Verify these RS256 signatures (Web Crypto), then hand `Session::verified` whether all
    /// of them check out.
    Verify {
        /// The flow waiting for the verdict.
        flow: u32,
        /// The signatures to check.
        checks: Vec<SignatureCheck>,
    },
    /// Take the refresh lock (held by one tab of the origin at a time, until this flow ends),
    /// then hand `Session::locked` what the session's storage entry holds.
    Lock {
        /// The flow waiting for the lock.
        flow: u32,
    },
}

/// Where the session's stored form goes after a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreWrite {
    /// Store this text (JSON) under the session's key.
    Set(String),
    /// Remove the session's key.
    Remove,
}

/// The outcome of one step: what to do next, and what the step changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// What the driver does next.
    pub next: Next,
    /// The storage write the step made, if any (only the last one of a step counts).
    pub store: Option<StoreWrite>,
    /// The write to this tab's record of a redirect sign-in in progress (`signInWithRedirect`
    /// sets it, `handleRedirectCallback` removes it): session storage, per tab.
    pub redirect: Option<StoreWrite>,
    /// Where the browser goes after this step (the hosted UI), if anywhere.
    pub navigate: Option<String>,
    /// Events to deliver to the app's listeners, in order, after the storage write.
    pub events: Vec<(AuthEvent, Option<Error>)>,
}

/// `{ name, message, status? }`: an error as the driver turns it into a JS `Error`.
pub fn error_json(e: &Error) -> JsonObject {
    let o = JsonObject::new()
        .str("name", e.name())
        .str("message", &e.message);
    match e.status {
        Some(s) => o.num("status", u64::from(s)),
        None => o,
    }
}

impl Output {
    /// An output that only fails with `e`.
    pub fn failed(e: Error) -> Output {
        Output {
            next: Next::Fail(e),
            store: None,
            redirect: None,
            navigate: None,
            events: Vec::new(),
        }
    }

    /// The JSON text the JS driver reads. One object with some of:
    /// - `send: { url, headers, body }` and `flow`: send it, then resume `flow` with the answer;
    /// - `done`: the result (absent: none), or `error: { name, message, status? }`;
    /// - `join`: the id of the flow whose result this operation shares;
    /// - `lock` (with `flow`): take the refresh lock, then call `locked(flow, stored, now)`;
    /// - `verify: [{ n, e, data, sig }]` (with `flow`): check each RS256 signature with Web
    ///   Crypto, then call `verified(flow, allValid, now)`;
    /// - `store`: the text to store under the session's key, or `null` to remove it;
    /// - `redirect`: likewise for this tab's redirect sign-in record (session storage);
    /// - `navigate`: the URL the browser goes to after the step;
    /// - `events: [{ type, error? }]`.
    pub fn to_json(&self) -> String {
        let mut o = JsonObject::new();
        for (key, write) in [("store", &self.store), ("redirect", &self.redirect)] {
            match write {
                Some(StoreWrite::Set(text)) => o = o.str(key, text),
                Some(StoreWrite::Remove) => o = o.value(key, crate::core::json::Json::Null),
                None => {}
            }
        }
        o = o.opt_str("navigate", self.navigate.as_deref());
        if !self.events.is_empty() {
            o = o.objects(
                "events",
                self.events.iter().map(|(ev, err)| {
                    let e = JsonObject::new().str("type", ev.name());
                    match err {
                        Some(err) => e.obj("error", error_json(err)),
                        None => e,
                    }
                }),
            );
        }
        let mut text = match &self.next {
            Next::Send { flow, request } => {
                let mut headers = JsonObject::new();
                for (name, value) in &request.headers {
                    headers = headers.str(name, value);
                }
                o.num("flow", u64::from(*flow))
                    .obj(
                        "send",
                        JsonObject::new()
                            .str("method", request.method)
                            .str("url", &request.url)
                            .obj("headers", headers)
                            .str("body", &request.body),
                    )
                    .to_string()
            }
            Next::Fail(e) => o.obj("error", error_json(e)).to_string(),
            Next::Join(flow) => o.num("join", u64::from(*flow)).to_string(),
            Next::Lock { flow } => o.num("flow", u64::from(*flow)).bool("lock", true).to_string(),
            Next::Verify { flow, checks } => o
                .num("flow", u64::from(*flow))
                .objects("verify", checks.iter().map(SignatureCheck::to_json))
                .to_string(),
            Next::Done(_) => o.to_string(),
        };
        // The result is already JSON text: spliced in as the last member, not re-encoded.
        if let Next::Done(result) = &self.next {
            if !result.is_empty() {
                text.pop();
                if text.len() > 1 {
                    text.push(',');
                }
                text.push_str("\"done\":");
                text.push_str(result);
                text.push('}');
            }
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::error::ErrorCode;
    use crate::core::json::Json;

    fn out(next: Next) -> Output {
        Output {
            next,
            ..Output::failed(Error::internal(""))
        }
    }

    #[test]
    fn each_next_has_one_json_shape() {
        assert_eq!(out(Next::Done(String::new())).to_json(), "{}");
        assert_eq!(
            out(Next::Done(r#"{"step":"DONE"}"#.into())).to_json(),
            r#"{"done":{"step":"DONE"}}"#
        );
        assert_eq!(out(Next::Join(3)).to_json(), r#"{"join":3}"#);
        assert_eq!(out(Next::Lock { flow: 4 }).to_json(), r#"{"flow":4,"lock":true}"#);
        let send = out(Next::Send {
            flow: 7,
            request: HttpRequest {
                method: "POST",
                url: "http://x/".into(),
                headers: vec![("X-Amz-Target", "T".into())],
                body: "{\"a\":1}".into(),
            },
        });
        assert_eq!(
            send.to_json(),
            r#"{"flow":7,"send":{"method":"POST","url":"http://x/","headers":{"X-Amz-Target":"T"},"body":"{\"a\":1}"}}"#
        );
        let e = Error::service("NotAuthorizedException", "no", 400);
        assert_eq!(
            out(Next::Fail(e)).to_json(),
            r#"{"error":{"name":"NotAuthorizedException","message":"no","status":400}}"#
        );
    }

    #[test]
    fn effects_come_with_any_next() {
        let o = Output {
            next: Next::Done("1".into()),
            store: Some(StoreWrite::Remove),
            redirect: Some(StoreWrite::Set("r".into())),
            navigate: Some("https://x/logout".into()),
            events: vec![
                (
                    AuthEvent::RefreshFailed,
                    Some(Error::new(ErrorCode::NetworkError, "offline")),
                ),
                (AuthEvent::SignedOut, None),
            ],
        };
        let j = Json::parse(&o.to_json()).unwrap();
        assert!(j.get("store").unwrap().is_null());
        assert_eq!(j.get("redirect").and_then(Json::as_str), Some("r"));
        assert_eq!(j.get("navigate").and_then(Json::as_str), Some("https://x/logout"));
        assert_eq!(j.get("done").and_then(Json::as_u64), Some(1));
        assert_eq!(
            j.get("events").unwrap().to_string(),
            r#"[{"type":"refreshFailed","error":{"name":"NetworkError","message":"offline"}},{"type":"signedOut"}]"#
        );
        let set = Output {
            store: Some(StoreWrite::Set("{}".into())),
            ..out(Next::Done(String::new()))
        };
        assert_eq!(set.to_json(), r#"{"store":"{}"}"#);
    }
}
