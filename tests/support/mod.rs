//! Shared by the differential property tests (`tests/differential_*.rs`): the runner that gives
//! every property its case count or time budget, and (in `oracle.rs`, shared with the libFuzzer
//! targets in `fuzz/`) the oracles and the agreement checks.
//!
//! - `cargo test` (the "fuzz smoke" of `make test`): each property runs its small default case
//!   count, or `PROPTEST_CASES`, from a fixed seed, so the run is fast and reproducible.
//! - `make fuzz` sets `FUZZ_SECONDS`: each test file (a fuzz *target*) runs for about that long,
//!   split among its properties by their `share`, in batches from fresh random seeds, up to
//!   `PROPTEST_CASES` cases when that is set too. Each property prints
//!   `fuzz <name>: <cases> cases in <minutes> min` (visible with `--nocapture`).
//! - `FUZZ_SEED=<u64>` replays one batch seed (printed with every failure).
//!
//! A failure panics with proptest's shrunk input and the seed; every failure found this way is
//! kept as a named regression test next to the property.
#![allow(dead_code)]

use std::fmt::Debug;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};

mod oracle;
#[allow(unused_imports)]
pub use oracle::*;

/// An agreement check's verdict as a proptest case result.
pub fn case(verdict: Result<(), String>) -> Result<(), TestCaseError> {
    verdict.map_err(TestCaseError::fail)
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// Runs the property `test` over `strategy`: `default_cases` cases from a fixed seed under
/// `cargo test`, or `share` (0..=1) of `FUZZ_SECONDS` under `make fuzz`.
pub fn check<S>(
    name: &str,
    default_cases: u32,
    share: f64,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let started = Instant::now();
    let fuzz_seconds = env_u64("FUZZ_SECONDS").filter(|&s| s > 0);
    let max_cases = env_u64("PROPTEST_CASES");
    let replay = env_u64("FUZZ_SEED");
    let mut total: u64 = 0;
    let mut batch_no: u64 = 0;
    match (fuzz_seconds, replay) {
        (Some(seconds), None) => {
            let budget = seconds as f64 * share;
            let cap = max_cases.unwrap_or(u64::MAX);
            // Batches grow while they are quick, so slow properties still stop near the budget.
            let mut batch: u64 = 16;
            while started.elapsed().as_secs_f64() < budget && total < cap {
                let n = batch.min(cap - total);
                let t = Instant::now();
                run_batch(name, n as u32, fresh_seed(batch_no), &strategy, &test);
                total += n;
                batch_no += 1;
                if t.elapsed().as_secs_f64() < budget / 50.0 {
                    batch = (batch * 2).min(1 << 16);
                }
            }
        }
        _ => {
            let n = max_cases.unwrap_or(u64::from(default_cases)) as u32;
            let seed = replay.unwrap_or_else(|| fixed_seed(name));
            run_batch(name, n, seed, &strategy, &test);
            total = u64::from(n);
        }
    }
    eprintln!(
        "fuzz {name}: {total} cases in {:.2} min",
        started.elapsed().as_secs_f64() / 60.0
    );
}

fn fixed_seed(name: &str) -> u64 {
    // FNV-1a of the property's name: each property its own fixed sequence.
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

fn fresh_seed(batch: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    (nanos ^ u64::from(std::process::id()).rotate_left(32))
        .wrapping_add(batch.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

fn run_batch<S>(
    name: &str,
    cases: u32,
    seed: u64,
    strategy: &S,
    test: &impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S: Strategy,
    S::Value: Debug,
{
    let config = Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        max_shrink_iters: 4096,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    match runner.run(strategy, test) {
        Ok(()) => {}
        Err(TestError::Fail(why, input)) => panic!(
            "{name}: disagreement (replay: FUZZ_SEED={seed} PROPTEST_CASES={cases}): {why}\n\
             minimal input: {input:#?}"
        ),
        Err(TestError::Abort(why)) => panic!("{name}: aborted (seed {seed}): {why}"),
    }
}
