//! The shared emulator state and the path every request takes: classify (service + operation),
//! count, apply faults, dispatch to the service, add CORS headers (`crate::cors`, or the
//! bucket's rules for S3).

use crate::clock::Clock;
use crate::config::Seed;
use crate::cors::Family;
use crate::faults::{FaultKind, Faults};
use crate::http::{Req, Resp};
use crate::tokens::Signer;
use crate::userpool::UserPools;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Mutex;

/// Everything the services share.
pub struct App {
    /// The seed the emulator started from (and resets to).
    pub seed: Seed,
    /// Where state is persisted, when it is.
    pub data_dir: Option<PathBuf>,
    /// The one clock.
    pub clock: Clock,
    /// Installed faults and request counters.
    pub faults: Faults,
    /// The token signing key.
    pub signer: Signer,
    /// User pools, their users, sessions, refresh tokens and hosted-UI state.
    pub user_pools: Mutex<UserPools>,
    /// Identity pools: identities and the credentials issued (`crate::identity`).
    pub identity_pools: Mutex<crate::identity::IdentityPools>,
    /// S3: buckets, objects, multipart uploads (`crate::s3`).
    pub s3: Mutex<crate::s3::S3>,
}

/// Which service a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// `X-Amz-Target: AWSCognitoIdentityProviderService.*`.
    UserPool,
    /// `X-Amz-Target: AWSCognitoIdentityService.*`.
    Identity,
    /// Paths under `/s3` (path-style: `/s3/<bucket>/<key>`).
    S3,
    /// Managed login: `/oauth2/*`, `/login`, `/logout`, `/.well-known/*`, `/<pool>/.well-known/*`.
    HostedUi,
    /// `/__admin/*`.
    Admin,
}

/// What the server should do with a request's answer.
pub enum Outcome {
    /// Send it.
    Reply(Resp),
    /// Send headers and half the body, then close the connection.
    DropMidBody(Resp),
    /// Close the connection without answering.
    Close,
}

/// A Cognito-style JSON error: `{"__type": kind, "message": message}` with `x-amzn-ErrorType`.
pub fn aws_json_error(status: u16, kind: &str, message: &str) -> Resp {
    Resp::new(status, "application/x-amz-json-1.1", json!({ "__type": kind, "message": message }).to_string())
        .with_header("x-amzn-errortype", format!("{kind}:"))
        .with_header("x-amzn-errormessage", message)
}

/// A JSON response.
pub fn json_resp(status: u16, v: &Value) -> Resp {
    Resp::new(status, "application/json", v.to_string())
}

/// An S3-style XML error.
pub fn s3_xml_error(status: u16, code: &str, message: &str) -> Resp {
    let request_id = crate::crypto::hex(&crate::crypto::random_bytes(8)).to_uppercase();
    Resp::new(
        status,
        "application/xml",
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{}</Message><RequestId>{request_id}</RequestId></Error>",
            crate::urlenc::html_escape(message)
        ),
    )
    .with_header("x-amz-request-id", request_id)
}

/// The S3 operation name of a request under `/s3` (for counters and faults).
pub fn s3_operation(req: &Req) -> String {
    let q = crate::urlenc::parse_pairs(&req.raw_query);
    let has = |k: &str| q.iter().any(|(n, _)| n == k);
    let rest = req.raw_path.trim_start_matches("/s3").trim_start_matches('/');
    let is_bucket = !rest.contains('/') || rest.ends_with('/') && rest.matches('/').count() == 1;
    let op = match (req.method.as_str(), is_bucket) {
        ("GET", true) if has("list-type") => "ListObjectsV2",
        ("GET", true) if has("uploads") => "ListMultipartUploads",
        ("GET", true) => "ListObjects",
        ("HEAD", true) => "HeadBucket",
        ("PUT", false) if has("partNumber") && has("uploadId") => "UploadPart",
        ("PUT", false) => "PutObject",
        ("GET", false) if has("uploadId") => "ListParts",
        ("GET", false) => "GetObject",
        ("HEAD", false) => "HeadObject",
        ("DELETE", false) if has("uploadId") => "AbortMultipartUpload",
        ("DELETE", false) => "DeleteObject",
        ("POST", false) if has("uploads") => "CreateMultipartUpload",
        ("POST", false) if has("uploadId") => "CompleteMultipartUpload",
        ("POST", true) if has("delete") => "DeleteObjects",
        _ => "S3",
    };
    op.to_string()
}

/// The service and operation name of a request.
pub fn classify(req: &Req) -> (Service, String) {
    let path = req.raw_path.as_str();
    if path == "/__admin" || path.starts_with("/__admin/") {
        return (Service::Admin, path.to_string());
    }
    if let Some(target) = req.header("x-amz-target") {
        if let Some(op) = target.strip_prefix("AWSCognitoIdentityProviderService.") {
            return (Service::UserPool, op.to_string());
        }
        if let Some(op) = target.strip_prefix("AWSCognitoIdentityService.") {
            return (Service::Identity, op.to_string());
        }
    }
    if path == "/s3" || path.starts_with("/s3/") {
        return (Service::S3, s3_operation(req));
    }
    if req.method == "POST" && path == "/" {
        // A JSON API call without a known target: the user-pool service answers it.
        return (Service::UserPool, req.header("x-amz-target").unwrap_or("").to_string());
    }
    (Service::HostedUi, path.to_string())
}

impl App {
    /// Builds the state from a seed (and the persisted state in `data_dir`, when there is one).
    pub fn new(seed: Seed, data_dir: Option<PathBuf>) -> Result<App, String> {
        if let Some(d) = &data_dir {
            std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
        }
        let mut pools = UserPools::from_seed(&seed);
        if let Some(d) = &data_dir {
            pools.load(d)?;
        }
        let mut identity_pools = crate::identity::IdentityPools::from_seed(&seed)?;
        if let Some(d) = &data_dir {
            identity_pools.load(d)?;
        }
        let s3 = crate::s3::S3::new(&seed, data_dir.as_deref())?;
        Ok(App {
            seed,
            data_dir,
            clock: Clock::default(),
            faults: Faults::default(),
            signer: Signer::dev_key(),
            user_pools: Mutex::new(pools),
            identity_pools: Mutex::new(identity_pools),
            s3: Mutex::new(s3),
        })
    }

    /// Back to the seed: users, sessions, tokens, codes, faults, counters and clock skew;
    /// identities, S3 objects and multipart uploads are cleared.
    pub fn reset(&self) {
        let pools = UserPools::from_seed(&self.seed);
        *self.user_pools.lock().unwrap() = pools;
        self.save_user_pools();
        self.faults.clear();
        self.faults.reset_counters();
        self.clock.set_skew_secs(0);
        self.identity_pools.lock().unwrap().clear();
        crate::identity::save(self);
        self.s3.lock().unwrap().clear();
    }

    /// Writes the user-pool state to the data directory (no-op without one).
    pub fn save_user_pools(&self) {
        if let Some(d) = &self.data_dir {
            if let Err(e) = self.user_pools.lock().unwrap().save(d) {
                eprintln!("emulator: cannot persist user pools: {e}");
            }
        }
    }

    /// Verifies a user-pool JWT issued by this emulator (RS256 signature and expiry at the
    /// emulator's clock) and returns its claims; the caller checks `iss`, `aud` and `token_use`.
    pub fn verify_token(&self, token: &str) -> Result<Value, String> {
        self.signer.verify_token(token, self.clock.now_secs())
    }

    /// The issuer of pool `pool_id`: `https://cognito-idp.<region>.amazonaws.com/<pool_id>`.
    pub fn issuer(&self, pool_id: &str) -> String {
        format!("https://cognito-idp.{}.amazonaws.com/{pool_id}", self.seed.region)
    }

    /// Handles one request end to end.
    pub fn handle(&self, req: &Req) -> Outcome {
        let origin = req.header("origin").map(str::to_string);
        if req.method == "OPTIONS" {
            return Outcome::Reply(match crate::cors::preflight_family(req) {
                Some(family) => crate::cors::preflight(family, req),
                None => crate::s3::preflight(self, req),
            });
        }
        let (service, op) = classify(req);
        // Each family of endpoints exposes what Cognito's does (`crate::cors`); S3 answers carry
        // the bucket's CORS rules.
        let cors = |resp: Resp, origin: Option<&str>| match service {
            Service::S3 => crate::s3::finish(self, req, resp),
            Service::UserPool | Service::Identity => crate::cors::apply(Family::AwsJson, resp, origin),
            Service::HostedUi => crate::cors::apply(Family::HostedUi, resp, origin),
            Service::Admin => crate::cors::apply(Family::Admin, resp, origin),
        };
        let mut drop_mid_body = false;
        if service != Service::Admin {
            self.faults.count(&op);
            let decision = self.faults.decide(&op, &req.raw_path);
            if decision.latency_ms > 0 {
                std::thread::sleep(std::time::Duration::from_millis(decision.latency_ms));
            }
            match decision.action {
                Some((FaultKind::Close, _)) => return Outcome::Close,
                Some((FaultKind::Drop, _)) => drop_mid_body = true,
                Some((FaultKind::Throttle, _)) => return Outcome::Reply(cors(throttled(service), origin.as_deref())),
                Some((FaultKind::Error, status)) => {
                    return Outcome::Reply(cors(server_error(service, status), origin.as_deref()))
                }
                Some((FaultKind::Latency, _)) | None => {}
            }
        }
        let resp = self.dispatch(service, &op, req);
        let resp = cors(resp, origin.as_deref());
        if drop_mid_body {
            Outcome::DropMidBody(resp)
        } else {
            Outcome::Reply(resp)
        }
    }

    fn dispatch(&self, service: Service, op: &str, req: &Req) -> Resp {
        match service {
            Service::Admin => crate::admin::handle(self, req),
            Service::UserPool => {
                let resp = crate::userpool::handle(self, op, req);
                self.save_user_pools();
                resp
            }
            Service::HostedUi => {
                let resp = crate::hostedui::handle(self, req);
                if req.method == "POST" || req.raw_path == "/logout" {
                    self.save_user_pools();
                }
                resp
            }
            Service::Identity => crate::identity::handle(self, op, req),
            Service::S3 => crate::s3::handle(self, op, req),
        }
    }
}

fn throttled(service: Service) -> Resp {
    match service {
        Service::S3 => s3_xml_error(503, "SlowDown", "Please reduce your request rate."),
        Service::HostedUi => json_resp(429, &json!({ "error": "too_many_requests" })),
        _ => aws_json_error(400, "TooManyRequestsException", "Rate exceeded"),
    }
}

fn server_error(service: Service, status: u16) -> Resp {
    match service {
        Service::S3 => s3_xml_error(status, "InternalError", "We encountered an internal error. Please try again."),
        Service::HostedUi => json_resp(status, &json!({ "error": "server_error" })),
        _ => aws_json_error(status, "InternalErrorException", "Internal error (injected by the emulator)"),
    }
}
