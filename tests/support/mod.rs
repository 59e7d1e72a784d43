//! Shared by the differential property tests (`tests/differential_*.rs`): the runner that gives
//! every property its case count or time budget, and the `serde_json` oracle for JSON text.
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

// ---------------------------------------------------------------------------------------------
// JSON: an exact tree of a document (duplicate members and number literals kept), read with
// serde_json.

/// A JSON document as written: members in order (duplicates kept), numbers as their literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tree {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Tree>),
    Obj(Vec<(String, Tree)>),
}

impl Tree {
    /// The last member named `key` (what `serde_json::Map` keeps for a duplicated name).
    pub fn get(&self, key: &str) -> Option<&Tree> {
        match self {
            Tree::Obj(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Nesting depth: 0 for a scalar, 1 for `[]`.
    pub fn depth(&self) -> usize {
        match self {
            Tree::Arr(items) => 1 + items.iter().map(Tree::depth).max().unwrap_or(0),
            Tree::Obj(m) => 1 + m.iter().map(|(_, v)| v.depth()).max().unwrap_or(0),
            _ => 0,
        }
    }
}

/// The SDK's value as a [`Tree`].
pub fn sdk_tree(v: &cognito_wasm::core::json::Json) -> Tree {
    use cognito_wasm::core::json::Json;
    match v {
        Json::Null => Tree::Null,
        Json::Bool(b) => Tree::Bool(*b),
        Json::Number(n) => Tree::Num(n.clone()),
        Json::String(s) => Tree::Str(s.clone()),
        Json::Array(items) => Tree::Arr(items.iter().map(sdk_tree).collect()),
        Json::Object(m) => Tree::Obj(m.iter().map(|(k, v)| (k.clone(), sdk_tree(v))).collect()),
    }
}

/// `text` read by serde_json into a [`Tree`], or serde_json's error.
///
/// The document is read as a `RawValue` (serde_json's full RFC 8259 scan, numbers kept as
/// text, no depth limit), then each container level from its raw text: objects member by
/// member in order, strings and keys decoded by serde_json (escapes, surrogates), numbers as
/// the exact literal serde_json scanned.
pub fn oracle_parse(text: &str) -> Result<Tree, String> {
    let raw: &serde_json::value::RawValue =
        serde_json::from_str(text).map_err(|e| e.to_string())?;
    tree(raw)
}

fn tree(raw: &serde_json::value::RawValue) -> Result<Tree, String> {
    let t = raw.get();
    let e = |e: serde_json::Error| e.to_string();
    Ok(match t.as_bytes().first() {
        Some(b'{') => {
            let m: Members<'_> = serde_json::from_str(t).map_err(e)?;
            Tree::Obj(
                m.0.into_iter()
                    .map(|(k, v)| Ok((k, tree(v)?)))
                    .collect::<Result<_, String>>()?,
            )
        }
        Some(b'[') => {
            let items: Vec<&serde_json::value::RawValue> = serde_json::from_str(t).map_err(e)?;
            Tree::Arr(items.into_iter().map(tree).collect::<Result<_, String>>()?)
        }
        Some(b'"') => Tree::Str(serde_json::from_str(t).map_err(e)?),
        Some(b't' | b'f') => Tree::Bool(serde_json::from_str(t).map_err(e)?),
        Some(b'n') => Tree::Null,
        _ => Tree::Num(t.to_owned()),
    })
}

/// An object's members in document order, duplicates kept, values left raw.
struct Members<'a>(Vec<(String, &'a serde_json::value::RawValue)>);

impl<'de> serde::Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = a.next_entry::<String, &'de serde_json::value::RawValue>()? {
                    out.push(kv);
                }
                Ok(Members(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// JSON text for `s` with serde_json's writer (the oracle's spelling).
pub fn oracle_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}
