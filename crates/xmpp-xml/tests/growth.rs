//! Growth: the cost of framing is linear in the input whatever the piece size. Work is
//! counted by the framer's step counter (deterministic), not by wall time.

mod common;

#[path = "common/gen.rs"]
mod generator;

use xmpp_xml::{Frame, Framer, Limits};

/// Frames `input` in pieces of `piece` bytes; returns (work steps, elements, peak
/// unprocessed bytes).
fn frame(input: &[u8], piece: usize) -> (u64, usize, usize) {
    let mut f = Framer::new(Limits::default());
    let mut elements = 0;
    let mut peak = 0;
    for chunk in input.chunks(piece) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let n = f.feed(rest);
            rest = &rest[n..];
            peak = peak.max(f.unprocessed());
            while let Some(r) = f.poll() {
                if let Frame::Element(_) = r.expect("valid stream") {
                    elements += 1;
                }
            }
        }
    }
    (f.work_counter(), elements, peak)
}

#[test]
fn linear_in_size_and_independent_of_piece_size() {
    let mib = 1 << 20;
    let mut per_byte = Vec::new();
    for size in [mib, 4 * mib, 16 * mib] {
        let (input, stanzas) = generator::client_stream(size, 7);
        for piece in [1, 64 * 1024] {
            let (work, elements, peak) = frame(&input, piece);
            assert_eq!(elements, stanzas);
            assert!(peak <= Limits::default().input_buffer);
            // At most one step per byte, whatever the split: nothing is re-scanned.
            assert!(
                work <= input.len() as u64,
                "{work} steps for {} bytes",
                input.len()
            );
            per_byte.push((size, piece, work as f64 / input.len() as f64));
        }
    }
    println!("steps per byte (size, piece, steps/byte): {per_byte:?}");
    for piece in [1, 64 * 1024] {
        let rates: Vec<f64> = per_byte
            .iter()
            .filter(|(_, p, _)| *p == piece)
            .map(|(_, _, r)| *r)
            .collect();
        let (lo, hi) = rates
            .iter()
            .fold((f64::MAX, 0f64), |(lo, hi), r| (lo.min(*r), hi.max(*r)));
        assert!(hi / lo < 1.1, "cost per byte grows with size: {rates:?}");
    }
}

#[test]
fn one_element_in_100_000_pieces() {
    let mut input = common::HEADER.as_bytes().to_vec();
    input.extend_from_slice(b"<message><body>");
    input.extend(std::iter::repeat_n(b'x', 100_000));
    input.extend_from_slice(b"</body></message>");
    let (whole, n1, _) = frame(&input, input.len());
    let (bytes, n2, _) = frame(&input, 1);
    assert_eq!((n1, n2), (1, 1));
    // One piece: bulk text runs; one-byte pieces: one step per byte, never more.
    assert!(whole < 1_000, "{whole}");
    assert!(bytes <= input.len() as u64, "{bytes}");
}
