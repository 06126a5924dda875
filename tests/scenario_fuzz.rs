//! A fuzz target as a proptest: arbitrary bytes and mutated shipped scenarios (numbers set
//! to extremes, lines dropped, duplicated or swapped, hostile lines inserted) are fed to
//! the parser and validator ([`Scenario::from_toml`]); each accepted scenario is built and
//! run for [`RUN_NS`] of virtual time, and must stay below [`PEAK_BYTES`] of heap (a
//! counting global allocator measures the peak). Nothing may panic.
//!
//! A few thousand cases run in the normal suite; `RINGSIDE_FUZZ_CASES=100000 cargo test
//! --release --test scenario_fuzz` runs more (each of the two inputs gets that many).
//!
//! This file is its own test binary with a single test, so the heap peak is this test's.

// A global allocator is an `unsafe` trait; the crate's lints deny unsafe code elsewhere.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use ringside::sim::scenario::BUILTIN;
use ringside::sim::{Engine, Scenario};

/// Virtual time each accepted scenario runs.
const RUN_NS: u64 = 1_000_000_000;
/// Heap peak allowed while one case parses, builds and runs.
const PEAK_BYTES: usize = 512 * 1024 * 1024;
/// Cases per input kind when `RINGSIDE_FUZZ_CASES` is unset.
const DEFAULT_CASES: u32 = 1500;

struct Counting;

/// Cases that the validator accepted and the engine ran.
static RAN: AtomicUsize = AtomicUsize::new(0);
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        grew(new_size);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Values a mutation writes in place of a line's value: extremes, the declared limits and
/// one past them, wrong types.
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "1e308",
    "-1e308",
    "5e-324",
    "nan",
    "inf",
    "-inf",
    "0.5",
    "20000",
    "20001",
    "10000",
    "10001",
    "100000",
    "100001",
    "1000000",
    "1000001",
    "50000000",
    "50000001",
    "\"0s\"",
    "\"1ns\"",
    "\"24h\"",
    "\"24h1ns\"",
    "\"18446744073s\"",
    "\"zipf:1e308\"",
    "\"zipf:-1\"",
    "\"\"",
    "\"\\u001b[2J\"",
    "\"redis+cluster://h\"",
    "\"http://:s3cret@h\"",
    "true",
    "[]",
    "{}",
    "[[[[[[[[1]]]]]]]]",
];

/// Whole lines a mutation may insert.
const LINES: &[&str] = &[
    "[[servers]]",
    "name = \"alpha\"",
    "weight = 1e9",
    "[[events]]",
    "at = \"1s\"",
    "at = \"23h\"",
    "action = \"burst\"",
    "requests = 1000000",
    "action = \"add_server\"",
    "action = \"remove_server\"",
    "server = \"alpha\"",
    "action = \"scale_rate\"",
    "factor = 1e300",
    "action = \"set_weight\"",
    "action = \"inject_fault\"",
    "fault = \"flapping\"",
    "period = \"2ms\"",
    "live = true",
    "[traffic]",
    "[limiter]",
    "backend = \"unix:///tmp/x\"",
    "[breaker]",
    "[server_defaults]",
    "x = 1",
    "",
];

/// One edit of a scenario's lines; indices are taken modulo the current line count.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the value after `=` with one of [`EXTREMES`].
    Extreme(usize, usize),
    Drop(usize),
    Duplicate(usize),
    /// Exchange the values of two `key = value` lines.
    SwapValues(usize, usize),
    /// Insert one of [`LINES`].
    Insert(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let i = any::<usize>();
    prop_oneof![
        4 => (i, 0..EXTREMES.len()).prop_map(|(l, v)| Mutation::Extreme(l, v)),
        1 => i.prop_map(Mutation::Drop),
        1 => i.prop_map(Mutation::Duplicate),
        1 => (i, any::<usize>()).prop_map(|(a, b)| Mutation::SwapValues(a, b)),
        2 => (i, 0..LINES.len()).prop_map(|(l, v)| Mutation::Insert(l, v)),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for m in mutations {
        let n = lines.len().max(1);
        match *m {
            Mutation::Extreme(l, v) => {
                if let Some((key, _)) = lines.get(l % n).and_then(|s| s.split_once('=')) {
                    lines[l % n] = format!("{key}= {}", EXTREMES[v]);
                }
            }
            Mutation::Drop(l) if !lines.is_empty() => {
                lines.remove(l % n);
            }
            Mutation::Duplicate(l) if !lines.is_empty() => {
                let line = lines[l % n].clone();
                lines.insert(l % n, line);
            }
            Mutation::SwapValues(a, b) => {
                let (a, b) = (a % n, b % n);
                let split = |s: &str| {
                    s.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                };
                if let (Some((ka, va)), Some((kb, vb))) = (
                    lines.get(a).and_then(|s| split(s)),
                    lines.get(b).and_then(|s| split(s)),
                ) {
                    lines[a] = format!("{ka}={vb}");
                    lines[b] = format!("{kb}={va}");
                }
            }
            Mutation::Insert(l, v) => lines.insert(l % (lines.len() + 1), LINES[v].to_string()),
            _ => {}
        }
    }
    lines.join("\n")
}

/// Parse, validate and (when accepted) build and run `text` within the heap cap.
fn check(text: &str) -> Result<(), TestCaseError> {
    PEAK.store(CURRENT.load(Ordering::Relaxed), Ordering::Relaxed);
    let before = CURRENT.load(Ordering::Relaxed);
    if let Ok(scenario) = Scenario::from_toml(text, "fuzz.toml") {
        // A valid scenario may still be refused by the engine (e.g. a Redis backend it
        // cannot reach is not attached here); it must never panic.
        if let Ok(mut engine) = Engine::from_scenario(&scenario, None) {
            let end = RUN_NS.min(scenario.duration_ns);
            while engine.now() < end {
                engine.advance((end - engine.now()).min(RUN_NS / 10));
            }
            let _ = engine.snapshot();
            RAN.fetch_add(1, Ordering::Relaxed);
        }
    }
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    prop_assert!(peak < PEAK_BYTES, "heap peak {peak} bytes for:\n{text}");
    Ok(())
}

fn cases() -> u32 {
    std::env::var("RINGSIDE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn parser_validator_and_engine_survive_hostile_scenarios() {
    let scenario = (0..BUILTIN.len(), prop::collection::vec(mutation(), 1..4))
        .prop_map(|(i, ms)| apply(BUILTIN[i].1, &ms));
    runner()
        .run(&scenario, |text| check(&text))
        .unwrap_or_else(|e| panic!("mutated scenario: {e}"));
    // The mutations keep enough scenarios valid for the engine part to be exercised.
    let ran = RAN.load(Ordering::Relaxed);
    eprintln!("{ran} of {} mutated scenarios accepted and run", cases());
    assert!(
        ran as u32 >= cases() / 10,
        "only {ran} mutated scenarios ran"
    );

    let bytes = prop::collection::vec(any::<u8>(), 0..2048);
    runner()
        .run(&bytes, |b| check(&String::from_utf8_lossy(&b)))
        .unwrap_or_else(|e| panic!("arbitrary bytes: {e}"));
}
