//! `emulator --config FILE [--port N] [--data-dir DIR] [--no-stdin-watch]`: a strict local
//! stand-in for Amazon Cognito (user pools, hosted UI) and, through its extension modules, identity
//! pools and S3. Binds 127.0.0.1 only and prints `emulator listening on http://127.0.0.1:PORT`.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: emulator --config FILE [--port N] [--data-dir DIR] [--no-stdin-watch]
  --config FILE     seed file (TOML): region, user pools, app clients, users, ...
  --port N          port on 127.0.0.1 (default 9229; 0 = any free port)
  --data-dir DIR    persist state in DIR (default: memory only)
  --no-stdin-watch  keep running when stdin reaches end of file (by default the emulator exits
                    when its stdin is a pipe and the writer closes it, so a test runner that
                    dies never leaves it behind)";

fn main() -> ExitCode {
    let mut opts = emulator::Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| match args.next() {
            Some(v) => Ok(v),
            None => Err(format!("{name} needs a value")),
        };
        let parsed: Result<(), String> = match arg.as_str() {
            "--config" => value("--config").map(|v| opts.config = Some(v.into())),
            "--port" => value("--port").and_then(|v| {
                v.parse()
                    .map(|p| opts.port = p)
                    .map_err(|_| format!("--port: not a port number: {v}"))
            }),
            "--data-dir" => value("--data-dir").map(|v| opts.data_dir = Some(v.into())),
            "--no-stdin-watch" => {
                opts.stdin_watch = false;
                Ok(())
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other}")),
        };
        if let Err(e) = parsed {
            eprintln!("emulator: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    match emulator::start(opts) {
        Ok(running) => {
            println!("emulator listening on http://127.0.0.1:{}", running.port);
            let _ = std::io::stdout().flush();
            running.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
