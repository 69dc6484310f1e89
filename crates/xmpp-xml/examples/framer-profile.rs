//! Profiling driver: frames the benchmark's generated client stream with the framing
//! loop of `benches/framer.rs`, for instruction counts under callgrind (wall-clock
//! benchmarks are too noisy on a shared machine to judge small changes).
//!
//! ```text
//! cargo build --release -p xmpp-xml --example framer-profile
//! valgrind --tool=callgrind --dump-instr=no --toggle-collect='*frame_all*' \
//!     target/release/examples/framer-profile PIECE [MIB [ROUNDS]]
//! ```
//!
//! `PIECE` is the piece size in bytes (`0` for the whole input in one `feed`), `MIB`
//! the input size in MiB (default 1), `ROUNDS` how many times the stream is framed
//! (default 1; more make a sampling profiler's picture mostly framing). Instructions per byte are the collected total
//! divided by the printed input size. Run natively, it also prints the throughput of
//! the one framing run (a quick, noisy check; the benchmark is the measure).
#![allow(missing_docs)]

#[path = "../tests/common/gen.rs"]
mod generator;

use std::process::ExitCode;

use xmpp_xml::{Frame, Framer, Limits};

/// The measured region: everything the framer does for the whole stream.
#[inline(never)]
fn frame_all(data: &[u8], piece: usize) -> usize {
    let mut f = Framer::new(Limits::default());
    let mut n = 0;
    for chunk in data.chunks(piece) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let k = f.feed(rest);
            rest = &rest[k..];
            while let Some(r) = f.poll() {
                match r {
                    Ok(Frame::Element(e)) => {
                        n += 1;
                        std::hint::black_box(e);
                    }
                    Ok(_) => {}
                    Err(e) => panic!("{e}"),
                }
            }
        }
    }
    n
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(piece) = args.next().and_then(|a| a.parse::<usize>().ok()) else {
        eprintln!("usage: framer-profile PIECE [MIB [ROUNDS]]  (PIECE 0 = whole input)");
        return ExitCode::FAILURE;
    };
    let mib = args
        .next()
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(1);
    let rounds = args
        .next()
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(1);
    let (data, stanzas) = generator::client_stream(mib << 20, 42);
    let piece = if piece == 0 { data.len() } else { piece };
    #[expect(
        clippy::disallowed_methods,
        reason = "an example, not the library: timing one run is its job"
    )]
    let started = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..rounds.max(1) {
        n = frame_all(&data, piece);
    }
    let took = started.elapsed() / u32::try_from(rounds.max(1)).unwrap_or(u32::MAX);
    assert_eq!(n, stanzas, "every stanza framed");
    println!(
        "input: {} bytes, {stanzas} stanzas, piece {piece}: {:.1} MiB/s",
        data.len(),
        data.len() as f64 / took.as_secs_f64() / f64::from(1 << 20)
    );
    ExitCode::SUCCESS
}
