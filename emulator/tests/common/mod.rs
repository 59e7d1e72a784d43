//! Test harness: starts the real emulator binary on a free port, a raw HTTP/1.1 client (also used
//! by the in-process identity and S3 tests), and an
//! independent Cognito SRP client (num-bigint) checked against the JS reference vectors.
#![allow(dead_code)]

use num_bigint::BigUint;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdin, Command, Stdio};

pub const SPA: &str = "testclient0000000000000001";
pub const SECRET_CLIENT: &str = "testclient0000000000000002";
pub const SECRET: &str = "test-client-secret-do-not-use";
pub const ROTATING: &str = "testclient0000000000000003";
pub const MFA_CLIENT: &str = "testclient0000000000000004";
pub const POOL: &str = "us-east-1_TestPool1";
pub const MFA_POOL: &str = "us-east-1_MfaPool01";
pub const CALLBACK: &str = "http://localhost:8000/callback";

/// A running emulator process; killed on drop.
pub struct Emulator {
    pub port: u16,
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Emulator {
    pub fn start() -> Emulator {
        Self::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Emulator {
        let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/test.toml");
        let mut child = Command::new(env!("CARGO_BIN_EXE_emulator"))
            .args(["--config", seed, "--port", "0"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("emulator listening on http://127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        let stdin = child.stdin.take();
        Emulator { port, child, stdin }
    }

    /// Closes the emulator's stdin (it should exit).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits up to `ms` for the process to exit; returns whether it did.
    pub fn exited_within(&mut self, ms: u64) -> bool {
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(ms);
        while std::time::Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        false
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> HttpResp {
        request(self.port, method, path, headers, body)
    }

    /// A user-pool JSON API call.
    pub fn api(&self, op: &str, body: Value) -> (u16, Value) {
        let target = format!("AWSCognitoIdentityProviderService.{op}");
        let r = self.request(
            "POST",
            "/",
            &[
                ("x-amz-target", &target),
                ("content-type", "application/x-amz-json-1.1"),
            ],
            body.to_string().as_bytes(),
        );
        (r.status, r.json())
    }

    /// An API call that must succeed.
    pub fn ok(&self, op: &str, body: Value) -> Value {
        let (s, v) = self.api(op, body);
        assert_eq!(s, 200, "{op} failed: {v}");
        v
    }

    /// An API call that must fail with `kind`; returns the message.
    pub fn fails(&self, op: &str, body: Value, kind: &str) -> String {
        let (s, v) = self.api(op, body);
        assert_eq!(
            (s, v["__type"].as_str().unwrap_or("")),
            (400, kind),
            "{op}: {v}"
        );
        v["message"].as_str().unwrap_or("").to_string()
    }

    pub fn admin_get(&self, path_and_query: &str) -> Value {
        let r = self.request("GET", path_and_query, &[], b"");
        assert_eq!(r.status, 200, "{path_and_query}: {}", r.text());
        r.json()
    }

    pub fn admin_post(&self, path: &str, body: Value) -> Value {
        let r = self.request(
            "POST",
            path,
            &[("content-type", "application/json")],
            body.to_string().as_bytes(),
        );
        assert!(
            r.status == 200 || r.status == 201,
            "{path}: {} {}",
            r.status,
            r.text()
        );
        r.json()
    }

    /// Creates a fresh confirmed user (unique name) and returns its username.
    pub fn new_user(&self, prefix: &str, extra: Value) -> String {
        let username = format!("{prefix}{}", emulator::crypto::random_u64() % 1_000_000_000);
        let mut body = json!({
            "username": username, "password": "Passw0rd!",
            "attributes": { "email": format!("{username}@example.com"), "name": "Test User" },
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        self.admin_post("/__admin/users", body);
        username
    }

    /// The last code "sent" to a user.
    pub fn last_code(&self, username: &str, pool: &str) -> String {
        self.admin_get(&format!("/__admin/codes?username={username}&pool={pool}"))["code"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The current TOTP code for a secret, from the emulator.
    pub fn totp(&self, secret: &str) -> String {
        self.admin_get(&format!("/__admin/totp?secret={secret}"))["code"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// USER_PASSWORD_AUTH with the SPA client; returns the InitiateAuth result.
    pub fn password_auth(&self, client: &str, username: &str, password: &str) -> (u16, Value) {
        self.api(
            "InitiateAuth",
            json!({ "ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
                    "AuthParameters": { "USERNAME": username, "PASSWORD": password } }),
        )
    }

    /// Full SRP sign-in with the reference client; returns RespondToAuthChallenge's answer.
    pub fn srp_sign_in(
        &self,
        client: &str,
        pool: &str,
        username: &str,
        password: &str,
    ) -> (u16, Value) {
        self.srp_sign_in_with(client, pool, username, password, None, |c| c)
    }

    /// SRP sign-in with a SECRET_HASH (when `secret`) and a hook to alter the responses.
    pub fn srp_sign_in_with(
        &self,
        client: &str,
        pool: &str,
        username: &str,
        password: &str,
        secret: Option<&str>,
        alter: impl FnOnce(Value) -> Value,
    ) -> (u16, Value) {
        let srp = RefSrp::new();
        let mut params = json!({ "USERNAME": username, "SRP_A": srp.a_hex() });
        if let Some(s) = secret {
            params["SECRET_HASH"] = json!(emulator::crypto::secret_hash(s, username, client));
        }
        let ch = self.ok(
            "InitiateAuth",
            json!({ "ClientId": client, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": params }),
        );
        assert_eq!(ch["ChallengeName"], "PASSWORD_VERIFIER", "{ch}");
        let p = &ch["ChallengeParameters"];
        let user_id = p["USER_ID_FOR_SRP"].as_str().unwrap();
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let timestamp = emulator::clock::cognito_timestamp(now_ms);
        let pool_name = pool.split_once('_').unwrap().1;
        let sig = srp.signature(
            pool_name,
            user_id,
            password,
            p["SALT"].as_str().unwrap(),
            p["SRP_B"].as_str().unwrap(),
            p["SECRET_BLOCK"].as_str().unwrap(),
            &timestamp,
        );
        let mut responses = json!({
            "USERNAME": user_id,
            "PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": sig,
            "TIMESTAMP": timestamp,
        });
        if let Some(s) = secret {
            responses["SECRET_HASH"] = json!(emulator::crypto::secret_hash(s, user_id, client));
        }
        let body = alter(json!({
            "ClientId": client, "ChallengeName": "PASSWORD_VERIFIER",
            "Session": ch["Session"], "ChallengeResponses": responses,
        }));
        self.api("RespondToAuthChallenge", body)
    }

    /// Signs in (password auth, SPA client) and returns AuthenticationResult.
    pub fn tokens(&self, username: &str) -> Value {
        let (s, v) = self.password_auth(SPA, username, "Passw0rd!");
        assert_eq!(s, 200, "{v}");
        v["AuthenticationResult"].clone()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct HttpResp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The connection ended before Content-Length bytes arrived.
    pub truncated: bool,
}

impl HttpResp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text()))
    }
}

/// One request on a fresh connection (`Connection: close`).
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> HttpResp {
    try_request(port, method, path, headers, body).expect("no HTTP response")
}

/// Like [`request`]; `None` when the connection closed without a status line.
pub fn try_request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Option<HttpResp> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nconnection: close\r\n");
    // Signed requests (S3) bring their own, signed, host header.
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("host: 127.0.0.1:{port}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" || method == "PUT" {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
        }
    }
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let body = raw[split + 4..].to_vec();
    let declared = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok());
    let truncated = method != "HEAD" && declared.is_some_and(|n| body.len() < n);
    Some(HttpResp {
        status,
        headers,
        body,
        truncated,
    })
}

// ---------------------------------------------------------------------------------------------
// An independent Cognito SRP client (the math of amazon-cognito-identity-js AuthenticationHelper),
// checked against the JS reference vectors in tests/fixtures.

pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"
);

fn pad(v: &BigUint) -> Vec<u8> {
    let bytes = v.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
        let mut out = vec![0u8];
        out.extend(bytes);
        out
    } else {
        bytes
    }
}

fn h(parts: &[&[u8]]) -> BigUint {
    let joined: Vec<u8> = parts.concat();
    BigUint::from_bytes_be(&emulator::crypto::sha256(&joined))
}

fn big(hex: &str) -> BigUint {
    BigUint::parse_bytes(hex.as_bytes(), 16).unwrap()
}

/// The client side of Cognito SRP.
pub struct RefSrp {
    pub a: BigUint,
    n: BigUint,
    g: BigUint,
}

impl RefSrp {
    pub fn new() -> RefSrp {
        Self::with_a(BigUint::from_bytes_be(&emulator::crypto::random_bytes(128)))
    }
    pub fn with_a(a: BigUint) -> RefSrp {
        RefSrp {
            a,
            n: big(N_HEX),
            g: BigUint::from(2u32),
        }
    }
    pub fn big_a(&self) -> BigUint {
        self.g.modpow(&self.a, &self.n)
    }
    pub fn a_hex(&self) -> String {
        self.big_a().to_str_radix(16)
    }
    /// The 16-byte password-authentication key.
    pub fn auth_key(
        &self,
        pool_name: &str,
        user_id: &str,
        password: &str,
        salt_hex: &str,
        b_hex: &str,
    ) -> Vec<u8> {
        let (n, g) = (&self.n, &self.g);
        let k = h(&[&pad(n), &pad(g)]);
        let big_b = big(b_hex);
        let big_a = self.big_a();
        let u = h(&[&pad(&big_a), &pad(&big_b)]);
        let inner = emulator::crypto::sha256(format!("{pool_name}{user_id}:{password}").as_bytes());
        let x = h(&[&pad(&big(salt_hex)), &inner]);
        let gx = g.modpow(&x, n);
        let base = ((&big_b % n) + n * &k - (&k * gx) % n) % n; // (B - k·g^x) mod N, kept positive
        let s = base.modpow(&(&self.a + &u * &x), n);
        let prk = emulator::crypto::hmac_sha256(&pad(&u), &[&pad(&s)]);
        emulator::crypto::hmac_sha256(&prk, &[b"Caldera Derived Key", &[1]])[..16].to_vec()
    }
    /// PASSWORD_CLAIM_SIGNATURE, base64.
    #[allow(clippy::too_many_arguments)]
    pub fn signature(
        &self,
        pool_name: &str,
        user_id: &str,
        password: &str,
        salt_hex: &str,
        b_hex: &str,
        block_b64: &str,
        timestamp: &str,
    ) -> String {
        let key = self.auth_key(pool_name, user_id, password, salt_hex, b_hex);
        let block = emulator::crypto::b64_decode(block_b64).unwrap();
        let sig = emulator::crypto::hmac_sha256(
            &key,
            &[
                pool_name.as_bytes(),
                user_id.as_bytes(),
                &block,
                timestamp.as_bytes(),
            ],
        );
        emulator::crypto::b64(&sig)
    }
}

/// Decodes a JWT payload (no verification).
pub fn claims(jwt: &str) -> Value {
    let p = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&emulator::crypto::b64url_decode(p).unwrap()).unwrap()
}
