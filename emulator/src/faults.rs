//! Fault injection and observation for tests: faults that match an operation name or a path
//! prefix (throttling, server errors, dropped connections, added latency), each for a number of
//! requests or until cleared; and per-operation request counters.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// What a fault does to a matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FaultKind {
    /// The service's throttling error: Cognito `TooManyRequestsException` (400), S3 `SlowDown`
    /// (503), hosted UI 429.
    Throttle,
    /// A server error (status 500 unless `status` says otherwise).
    #[serde(alias = "500")]
    Error,
    /// The request is processed, the response headers and half the body are sent, then the
    /// connection is closed.
    Drop,
    /// The connection is closed without any response (the request is not processed).
    Close,
    /// The response is delayed by `latency_ms` (combines with another matching fault).
    Latency,
}

/// One fault as the admin API receives it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSpec {
    /// An operation name (`InitiateAuth`, `GetId`, `PutObject`, ...), a path prefix starting
    /// with `/` (`/oauth2/token`, `/s3/photos/`), or `*` for every request but the admin API.
    pub target: String,
    /// What to do.
    pub kind: FaultKind,
    /// Added delay for `latency`.
    #[serde(default)]
    pub latency_ms: u64,
    /// Status for `error` (default 500).
    #[serde(default)]
    pub status: Option<u16>,
    /// How many matching requests it applies to; absent = until cleared.
    #[serde(default)]
    pub count: Option<u32>,
}

/// An installed fault.
#[derive(Debug, Clone, Serialize)]
pub struct Fault {
    /// Id for deletion.
    pub id: u64,
    /// The spec.
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Requests it still applies to (`None` = unlimited).
    pub remaining: Option<u32>,
}

/// What the matching faults decided for one request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Total delay before answering.
    pub latency_ms: u64,
    /// The first matching non-latency fault, with the error status for `Error`.
    pub action: Option<(FaultKind, u16)>,
}

/// Installed faults and request counters.
#[derive(Debug, Default)]
pub struct Faults {
    installed: Mutex<(u64, Vec<Fault>)>,
    counters: Mutex<BTreeMap<String, u64>>,
}

impl Faults {
    /// Installs a fault and returns its id.
    pub fn add(&self, spec: FaultSpec) -> u64 {
        let mut g = self.installed.lock().unwrap();
        g.0 += 1;
        let id = g.0;
        let remaining = spec.count;
        g.1.push(Fault {
            id,
            spec,
            remaining,
        });
        id
    }

    /// Removes one fault; false when there is none with that id.
    pub fn remove(&self, id: u64) -> bool {
        let mut g = self.installed.lock().unwrap();
        let before = g.1.len();
        g.1.retain(|f| f.id != id);
        g.1.len() != before
    }

    /// Removes every fault.
    pub fn clear(&self) {
        self.installed.lock().unwrap().1.clear();
    }

    /// The installed faults.
    pub fn list(&self) -> Vec<Fault> {
        self.installed.lock().unwrap().1.clone()
    }

    /// Consumes the faults matching a request (`op` = its operation name, `path` = raw path).
    pub fn decide(&self, op: &str, path: &str) -> Decision {
        let mut g = self.installed.lock().unwrap();
        let mut d = Decision::default();
        for f in g.1.iter_mut() {
            let t = &f.spec.target;
            let matches =
                t == "*" || t == op || (t.starts_with('/') && path.starts_with(t.as_str()));
            if !matches || f.remaining == Some(0) {
                continue;
            }
            match f.spec.kind {
                FaultKind::Latency => d.latency_ms += f.spec.latency_ms,
                kind if d.action.is_none() => d.action = Some((kind, f.spec.status.unwrap_or(500))),
                _ => continue,
            }
            if let Some(n) = f.remaining.as_mut() {
                *n -= 1;
            }
        }
        g.1.retain(|f| f.remaining != Some(0));
        d
    }

    /// Counts one request for `op`.
    pub fn count(&self, op: &str) {
        *self
            .counters
            .lock()
            .unwrap()
            .entry(op.to_string())
            .or_insert(0) += 1;
    }

    /// The counters.
    pub fn counters(&self) -> BTreeMap<String, u64> {
        self.counters.lock().unwrap().clone()
    }

    /// Zeroes the counters.
    pub fn reset_counters(&self) {
        self.counters.lock().unwrap().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(target: &str, kind: FaultKind, count: Option<u32>) -> FaultSpec {
        FaultSpec {
            target: target.into(),
            kind,
            latency_ms: 5,
            status: None,
            count,
        }
    }

    #[test]
    fn counted_faults_run_out_and_latency_combines() {
        let f = Faults::default();
        f.add(spec("InitiateAuth", FaultKind::Throttle, Some(2)));
        f.add(spec("/oauth2/", FaultKind::Latency, None));
        assert_eq!(
            f.decide("InitiateAuth", "/").action,
            Some((FaultKind::Throttle, 500))
        );
        assert_eq!(f.decide("SignUp", "/").action, None);
        assert_eq!(
            f.decide("InitiateAuth", "/").action,
            Some((FaultKind::Throttle, 500))
        );
        assert_eq!(f.decide("InitiateAuth", "/"), Decision::default());
        assert_eq!(f.decide("/oauth2/token", "/oauth2/token").latency_ms, 5);
        assert_eq!(f.list().len(), 1);
    }
}
