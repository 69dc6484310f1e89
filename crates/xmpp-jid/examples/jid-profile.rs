//! Instruction counts per parse, for `valgrind --tool=callgrind` (which does not depend
//! on the machine's load, unlike wall-clock benchmarks).
//!
//! ```text
//! cargo build --release -p xmpp-jid --example jid-profile
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/jid-profile ours plain-ascii 0
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/jid-profile ours plain-ascii 10000
//! ```
//!
//! The difference of the two totals (`Collected`), divided by the count, is the cost of
//! one parse including dropping the result. `ours` is `xmpp-jid`, `theirs` the `jid`
//! crate 0.12; the inputs are those of `benches/jid.rs`.

use std::hint::black_box;
use std::process::ExitCode;

/// The bench inputs, by name.
const INPUTS: [(&str, &str); 4] = [
    ("plain-ascii", "user@example.com/res"),
    ("ascii-capitals", "User@Example.COM/Res"),
    ("non-ascii", "Ünïcödé@éxample.com/Résource"),
    ("already-normal", "ünïcödé@éxample.com/Résource"),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [which, name, count] = args.as_slice() else {
        eprintln!("usage: jid-profile ours|theirs <input name> <count>");
        return ExitCode::FAILURE;
    };
    let Some(&(_, input)) = INPUTS.iter().find(|(n, _)| n == name) else {
        eprintln!("inputs: plain-ascii, ascii-capitals, non-ascii, already-normal");
        return ExitCode::FAILURE;
    };
    let Ok(count) = count.parse::<u32>() else {
        eprintln!("count: a number");
        return ExitCode::FAILURE;
    };
    let parse: fn(&str) -> bool = match which.as_str() {
        "ours" => |s| xmpp_jid::Jid::new(s).is_ok(),
        "theirs" => |s| jid::Jid::new(s).is_ok(),
        _ => {
            eprintln!("ours or theirs");
            return ExitCode::FAILURE;
        }
    };
    // One call outside the count, so that lazy initialisation is in both totals.
    let mut ok = parse(black_box(input));
    for _ in 0..count {
        ok &= parse(black_box(input));
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
