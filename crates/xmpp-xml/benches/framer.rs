//! Framer throughput on a generated ~10 MiB client stream (messages with bodies,
//! presences with caps, roster pushes), fed in pieces of 1, 64, 4096 bytes and whole,
//! against the peers in the same run:
//!
//! * `ours`: [`xmpp_xml::Framer`], full validation, namespace resolution, trees;
//! * `rxml+minidom`: rxml 0.14 `RawParser` feeding minidom 0.19's `TreeBuilder`
//!   (xmpp-rs's pipeline: trees of every top-level element);
//! * `rxml`: rxml 0.14 `Parser` (namespace-resolved events, no trees);
//! * `quick-xml`: quick-xml 0.42 `NsReader` (namespace-resolved events, no trees; it
//!   does not validate characters or UTF-8 in names and it is not sans-IO, so pieces
//!   are emulated with a reader returning at most N bytes per read).
//!
//! Set `XMPP_XML_BENCH_MIB` to change the input size (default 10), and
//! `XMPP_XML_BENCH_TABLE=1` to also print the README table (interleaved best-of-N
//! timing, `XMPP_XML_BENCH_ROUNDS` rounds, default 7).
#![allow(missing_docs)]

#[path = "../tests/common/gen.rs"]
mod generator;

use std::io::{BufReader, Read};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use xmpp_xml::{Frame, Framer, Limits};

fn ours(data: &[u8], piece: usize) -> usize {
    let mut f = Framer::new(Limits::default());
    let mut n = 0;
    for chunk in data.chunks(piece) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let k = f.feed(rest);
            rest = &rest[k..];
            while let Some(r) = f.poll() {
                if let Ok(Frame::Element(e)) = r {
                    n += 1;
                    std::hint::black_box(e);
                } else if let Err(e) = r {
                    panic!("{e}");
                }
            }
        }
    }
    n
}

fn rxml_minidom(data: &[u8], piece: usize) -> usize {
    use rxml::{Parse, RawEvent, RawParser, error::EndOrError};
    let mut p = RawParser::new();
    let mut tb = minidom::tree_builder::TreeBuilder::new();
    let mut n = 0;
    for chunk in data.chunks(piece) {
        let mut buf = chunk;
        loop {
            match p.parse(&mut buf, false) {
                Ok(Some(ev)) => {
                    let foot = matches!(ev, RawEvent::ElementFoot(_));
                    tb.process_event(ev).expect("minidom");
                    if foot && tb.depth() == 1 {
                        let el = tb.unshift_child().expect("stanza");
                        n += 1;
                        std::hint::black_box(el);
                    }
                }
                Ok(None) | Err(EndOrError::NeedMoreData) => break,
                Err(EndOrError::Error(e)) => panic!("{e}"),
            }
        }
    }
    n
}

fn rxml_events(data: &[u8], piece: usize) -> usize {
    use rxml::{Event, Parse, Parser, error::EndOrError};
    let mut p = Parser::new();
    let mut depth = 0usize;
    let mut n = 0;
    for chunk in data.chunks(piece) {
        let mut buf = chunk;
        loop {
            match p.parse(&mut buf, false) {
                Ok(Some(ev)) => match ev {
                    Event::StartElement(..) => depth += 1,
                    Event::EndElement(..) => {
                        depth -= 1;
                        if depth == 1 {
                            n += 1;
                        }
                    }
                    other => {
                        std::hint::black_box(other);
                    }
                },
                Ok(None) | Err(EndOrError::NeedMoreData) => break,
                Err(EndOrError::Error(e)) => panic!("{e}"),
            }
        }
    }
    n
}

/// A reader that returns at most `n` bytes per `read`.
struct Pieces<'a> {
    data: &'a [u8],
    n: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let k = self.n.min(out.len()).min(self.data.len());
        out[..k].copy_from_slice(&self.data[..k]);
        self.data = &self.data[k..];
        Ok(k)
    }
}

fn quick_xml(data: &[u8], piece: usize) -> usize {
    use quick_xml::events::Event;
    fn drive<R: std::io::BufRead>(mut r: quick_xml::reader::NsReader<R>) -> usize {
        let mut buf = Vec::new();
        let mut depth = 0usize;
        let mut n = 0;
        loop {
            match r.read_resolved_event_into(&mut buf) {
                Ok((ns, Event::Start(_))) => {
                    std::hint::black_box(ns);
                    depth += 1;
                }
                Ok((_, Event::End(_))) => {
                    depth -= 1;
                    if depth == 1 {
                        n += 1;
                    }
                }
                Ok((ns, Event::Empty(_))) => {
                    std::hint::black_box(ns);
                    if depth == 1 {
                        n += 1;
                    }
                }
                Ok((_, Event::Eof)) => break,
                Ok((_, ev)) => {
                    std::hint::black_box(ev);
                }
                Err(e) => panic!("{e}"),
            }
            buf.clear();
        }
        n
    }
    if piece >= data.len() {
        drive(quick_xml::reader::NsReader::from_reader(data))
    } else {
        let r = BufReader::with_capacity(piece.max(1), Pieces { data, n: piece });
        drive(quick_xml::reader::NsReader::from_reader(r))
    }
}

fn bench(c: &mut Criterion) {
    let mib: usize = std::env::var("XMPP_XML_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let (data, stanzas) = generator::client_stream(mib << 20, 42);
    // Sanity: every implementation sees every stanza.
    assert_eq!(ours(&data, 4096), stanzas);
    assert_eq!(rxml_minidom(&data, 4096), stanzas);
    assert_eq!(rxml_events(&data, 4096), stanzas);
    assert_eq!(quick_xml(&data, 4096), stanzas);
    println!(
        "input: {} bytes, {stanzas} stanzas ({:.1} bytes/stanza)",
        data.len(),
        data.len() as f64 / stanzas as f64
    );
    for piece in [1usize, 64, 4096, usize::MAX] {
        let label = if piece == usize::MAX {
            "whole".to_string()
        } else {
            piece.to_string()
        };
        let mut g = c.benchmark_group(format!("framer/{label}"));
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.sample_size(10);
        g.warm_up_time(std::time::Duration::from_millis(500));
        g.measurement_time(std::time::Duration::from_secs(2));
        let p = piece.min(data.len());
        g.bench_with_input(BenchmarkId::new("ours", &label), &p, |b, &p| {
            b.iter(|| ours(&data, p))
        });
        g.bench_with_input(BenchmarkId::new("rxml+minidom", &label), &p, |b, &p| {
            b.iter(|| rxml_minidom(&data, p))
        });
        g.bench_with_input(BenchmarkId::new("rxml", &label), &p, |b, &p| {
            b.iter(|| rxml_events(&data, p))
        });
        g.bench_with_input(BenchmarkId::new("quick-xml", &label), &p, |b, &p| {
            b.iter(|| quick_xml(&data, p))
        });
        g.finish();
    }
}

/// With `XMPP_XML_BENCH_TABLE=1`: after criterion, time every implementation at every
/// piece size round-robin for several rounds and print the best time of each as a
/// Markdown table. Interleaving plus best-of-N keeps the ratios meaningful on a shared,
/// noisy machine (criterion runs each implementation in its own time window).
#[allow(clippy::disallowed_methods, reason = "benchmark timing")]
fn table() {
    use std::time::{Duration, Instant};
    let mib: usize = std::env::var("XMPP_XML_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let rounds: usize = std::env::var("XMPP_XML_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(7);
    let (data, stanzas) = generator::client_stream(mib << 20, 42);
    type Run = fn(&[u8], usize) -> usize;
    let impls: [(&str, Run); 4] = [
        ("ours", ours),
        ("rxml+minidom", rxml_minidom),
        ("rxml", rxml_events),
        ("quick-xml", quick_xml),
    ];
    let pieces = [1usize, 64, 4096, data.len()];
    let mut best = [[Duration::MAX; 4]; 4];
    for _ in 0..rounds {
        for (pi, &piece) in pieces.iter().enumerate() {
            for (ii, (_, f)) in impls.iter().enumerate() {
                let t = Instant::now();
                let n = f(&data, piece);
                let dt = t.elapsed();
                assert_eq!(n, stanzas);
                best[pi][ii] = best[pi][ii].min(dt);
            }
        }
    }
    let mibs = |d: Duration| data.len() as f64 / d.as_secs_f64() / f64::from(1u32 << 20);
    let kst = |d: Duration| stanzas as f64 / d.as_secs_f64() / 1e3;
    println!(
        "\ninput: {} bytes, {stanzas} stanzas; best of {rounds} interleaved rounds",
        data.len()
    );
    print!("| piece |");
    for (name, _) in &impls {
        print!(" {name} MiB/s (kstanzas/s) |");
    }
    println!(" ours / rxml+minidom | ours / rxml | ours / quick-xml |");
    println!("|---|---|---|---|---|---|---|---|");
    for (pi, &piece) in pieces.iter().enumerate() {
        let label = if piece == data.len() {
            "whole".to_string()
        } else {
            piece.to_string()
        };
        print!("| {label} |");
        for d in best[pi] {
            print!(" {:.0} ({:.0}) |", mibs(d), kst(d));
        }
        let r = |k: usize| best[pi][k].as_secs_f64() / best[pi][0].as_secs_f64();
        println!(" {:.1}x | {:.1}x | {:.2}x |", r(1), r(2), r(3));
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    if std::env::var_os("XMPP_XML_BENCH_TABLE").is_some() {
        table();
    }
}
