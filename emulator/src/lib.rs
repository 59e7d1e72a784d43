//! A strict local stand-in for Amazon Cognito and S3, for cognito-wasm's tests and demo.
//!
//! Layout (one concept per module):
//! - [`server`]: HTTP/1.1 over `std::net`, turns bytes into [`http::Req`] and back;
//! - [`app`]: the shared [`app::App`] state, request classification (which service, which
//!   operation), fault injection, counters and CORS around every answer;
//! - [`userpool`]: the `AWSCognitoIdentityProviderService` JSON API (SRP in [`srp`]);
//! - [`hostedui`]: managed login (`/oauth2/*`, `/login`, `/logout`, `/.well-known/*`);
//! - [`identity`]: the identity-pool API (`AWSCognitoIdentityService`: `GetId`,
//!   `GetCredentialsForIdentity`);
//! - [`s3`]: S3, path-style under `/s3`, with SigV4 verified as S3 does;
//! - [`tokens`]: RS256 JWTs and the JWKS; [`admin`]: `/__admin/*` for tests;
//! - [`cors`]: what each endpoint family lets a browser read (S3: the bucket's rules);
//! - [`config`]: the seed file; [`clock`]: the one `now()` (also the `Date` header); [`faults`];
//!   [`crypto`]; [`urlenc`].
//!
//! [`app`] classifies, counts, faults and gives CORS headers to every request before a service
//! module sees it. A service reads the time from `app.clock.now_ms()` and checks user-pool tokens
//! with `app.verify_token(token)`; a new service gets a module declared here, its state in
//! [`app::App`], an arm in `App::dispatch` and a line in `App::reset`.

pub mod admin;
pub mod app;
pub mod clock;
pub mod config;
pub mod cors;
pub mod crypto;
pub mod faults;
pub mod hostedui;
pub mod http;
pub mod identity;
pub mod s3;
pub mod server;
pub mod srp;
pub mod tokens;
pub mod urlenc;
pub mod userpool;

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;

/// The built-in demo seed, used when no `--config` is given.
pub const DEMO_SEED: &str = include_str!("../seeds/demo.toml");

/// Command-line options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seed file; the built-in demo seed when `None`.
    pub config: Option<PathBuf>,
    /// Port on 127.0.0.1 (0 = any free port).
    pub port: u16,
    /// Directory to persist state in.
    pub data_dir: Option<PathBuf>,
    /// Exit when stdin is a pipe and reaches end of file.
    pub stdin_watch: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { config: None, port: 9229, data_dir: None, stdin_watch: true }
    }
}

/// A started emulator.
pub struct Running {
    /// The port it listens on.
    pub port: u16,
    /// Its state (for in-process tests).
    pub app: Arc<app::App>,
    thread: std::thread::JoinHandle<()>,
}

impl Running {
    /// Blocks while the server runs.
    pub fn wait(self) {
        let _ = self.thread.join();
    }
}

/// Loads the seed, binds 127.0.0.1:`port` and serves on a background thread.
pub fn start(opts: Options) -> Result<Running, String> {
    let text = match &opts.config {
        Some(p) => std::fs::read_to_string(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?,
        None => DEMO_SEED.to_string(),
    };
    let seed = config::Seed::parse(&text)?;
    let app = Arc::new(app::App::new(seed, opts.data_dir.clone())?);
    let listener = TcpListener::bind(("127.0.0.1", opts.port)).map_err(|e| format!("cannot bind 127.0.0.1:{}: {e}", opts.port))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    if opts.stdin_watch && stdin_is_pipe() {
        std::thread::spawn(|| {
            let mut sink = [0u8; 256];
            let mut stdin = std::io::stdin().lock();
            while std::io::Read::read(&mut stdin, &mut sink).is_ok_and(|n| n > 0) {}
            eprintln!("emulator: stdin closed, exiting");
            std::process::exit(0);
        });
    }
    let served = app.clone();
    let thread = std::thread::spawn(move || server::serve(listener, served));
    Ok(Running { port, app, thread })
}

fn stdin_is_pipe() -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::metadata("/proc/self/fd/0").is_ok_and(|m| m.file_type().is_fifo())
}
