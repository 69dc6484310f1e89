//! Parsing throughput of `xmpp-jid` against the `jid` crate 0.12 (xmpp-rs), in the same
//! run on the same inputs.
//!
//! `cargo bench -p xmpp-jid --bench jid`. Criterion prints the time of each; a ratio
//! table follows at the end (from a separate, simpler timing loop over the same calls,
//! interleaving the two crates and keeping the fastest round of each).
//! Note that the two do different work: `xmpp-jid` applies the PRECIS profiles (RFC 7622)
//! and UTS #46 + IDNA2008 to the domainpart; `jid` 0.12 applies stringprep (RFC 6122).

#![allow(missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};

/// (name, input). The plain ASCII input is already normal too; the last one is the
/// already-normal form of the non-ASCII input.
const INPUTS: [(&str, &str); 4] = [
    ("plain-ascii", "user@example.com/res"),
    ("ascii-capitals", "User@Example.COM/Res"),
    ("non-ascii", "Ünïcödé@éxample.com/Résource"),
    ("already-normal", "ünïcödé@éxample.com/Résource"),
];

fn ours(s: &str) -> bool {
    xmpp_jid::Jid::new(s).is_ok()
}

fn theirs(s: &str) -> bool {
    jid::Jid::new(s).is_ok()
}

fn bench(c: &mut Criterion) {
    for (name, input) in INPUTS {
        assert!(ours(input) && theirs(input), "{input}");
        let mut group = c.benchmark_group(name);
        group.bench_function("xmpp-jid", |b| b.iter(|| ours(black_box(input))));
        group.bench_function("jid-0.12", |b| b.iter(|| theirs(black_box(input))));
        group.finish();
    }
}

/// Nanoseconds per call of `f` in one round of many calls.
#[allow(clippy::disallowed_methods, reason = "a benchmark reads the clock")]
fn round(f: fn(&str) -> bool, input: &str) -> f64 {
    const CALLS: u32 = 20_000;
    let start = Instant::now();
    for _ in 0..CALLS {
        black_box(f(black_box(input)));
    }
    start.elapsed().as_secs_f64() * 1e9 / f64::from(CALLS)
}

/// The ratio table: rounds of the two crates interleaved, the fastest round of each
/// kept (on a shared machine the fastest round is the least disturbed one).
fn ratio_table() {
    println!();
    println!("| input | xmpp-jid ns/iter | jid 0.12 ns/iter | speed-up |");
    println!("|---|---:|---:|---:|");
    for (name, input) in INPUTS {
        let (mut a, mut b) = (f64::MAX, f64::MAX);
        for _ in 0..25 {
            a = a.min(round(ours, input));
            b = b.min(round(theirs, input));
        }
        println!("| {name} `{input}` | {a:.0} | {b:.0} | {:.1}x |", b / a);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50);
    targets = bench
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Only under `cargo bench` (not when `cargo test --benches` runs this as a test).
    if std::env::args().any(|a| a == "--bench") {
        ratio_table();
    }
}
