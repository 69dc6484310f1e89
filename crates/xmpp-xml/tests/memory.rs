//! Memory stays bounded by the limits whatever the input: hostile streams of many MiB
//! in every shape never make the framer hold more than the element limit plus the input
//! buffer plus a small constant (2 KiB of bookkeeping slack charged with the element,
//! 256 bytes for the XML declaration).

mod common;

use common::HEADER;
use xmpp_xml::{Framer, Limits};

fn bound(l: &Limits) -> usize {
    l.max_element_bytes + l.input_buffer + 2048 + 256
}

/// Feeds `prefix` then `unit` repeated until `total` bytes, in `piece`-byte pieces;
/// returns the peak memory and whether an error stopped the stream.
fn pump(prefix: &[u8], unit: &[u8], total: usize, piece: usize, limits: Limits) -> (usize, bool) {
    let mut f = Framer::new(limits);
    let mut peak = 0;
    let mut sent = 0;
    let mut data = prefix.to_vec();
    while data.len() - prefix.len() < piece.max(unit.len()).max(4096) * 2 {
        data.extend_from_slice(unit);
    }
    let mut first = true;
    while sent < total {
        let chunk: &[u8] = if first {
            &data[..]
        } else {
            // Keep repeating the unit (aligned on unit boundaries after the prefix).
            &data
                [prefix.len()..prefix.len() + (data.len() - prefix.len()) / unit.len() * unit.len()]
        };
        first = false;
        for p in chunk.chunks(piece) {
            let mut rest = p;
            while !rest.is_empty() {
                let n = f.feed(rest);
                if n == 0 {
                    return (peak.max(f.memory_in_use()), true);
                }
                rest = &rest[n..];
                while let Some(r) = f.poll() {
                    peak = peak.max(f.memory_in_use());
                    if r.is_err() {
                        return (peak, true);
                    }
                }
                peak = peak.max(f.memory_in_use());
            }
            sent += p.len();
        }
    }
    (peak, false)
}

fn check(prefix: &str, unit: &str, expect_error: bool) {
    for limits in [Limits::pre_auth(), Limits::default()] {
        for piece in [1usize, 4096, 65536] {
            let total = if piece == 1 { 256 << 10 } else { 2 << 20 };
            let mut p = HEADER.as_bytes().to_vec();
            p.extend_from_slice(prefix.as_bytes());
            let (peak, failed) = pump(&p, unit.as_bytes(), total, piece, limits);
            assert!(
                peak <= bound(&limits),
                "{prefix:?}+{unit:?}: {peak} bytes held, bound {}",
                bound(&limits)
            );
            assert_eq!(failed, expect_error, "{prefix:?}+{unit:?} piece {piece}");
        }
    }
}

#[test]
fn endless_text() {
    check("<message><body>", "hello world ", true);
}

#[test]
fn endless_attribute_value() {
    check("<message to='", "x", true);
}

#[test]
fn endless_attributes() {
    check(
        "<message",
        " a='1' b='2' c='3' d='4' e='5' f='6' g='7' h='8'",
        true,
    );
}

#[test]
fn endless_nesting() {
    check("", "<a>", true);
}

#[test]
fn endless_name() {
    check("<", "abcdefgh", true);
}

#[test]
fn endless_namespace_declarations() {
    check("<a", " xmlns:p='urn:x'", true);
}

#[test]
fn endless_children() {
    check("<a>", "<b/>", true);
}

#[test]
fn endless_cdata() {
    check("<a><![CDATA[", "xyz", true);
}

#[test]
fn endless_char_refs() {
    check("<a>", "&#x41;&amp;", true);
}

#[test]
fn endless_keepalives() {
    check("", " \n\t", false);
}

#[test]
fn endless_small_stanzas() {
    check("", "<message to='a@b'><body>hi</body></message>", false);
}

#[test]
fn endless_tiny_elements() {
    // The worst case for the node array: about 7 bytes of node per input byte.
    check("<a>", "<c><b/><b/><b/><b/><b/><b/><b/></c>", true);
}

#[test]
fn endless_prefixed_children() {
    // Each `<p:b/>` makes the tree hold the (long) namespace name once more.
    let uri = format!("urn:{}", "x".repeat(900));
    check(&format!("<a xmlns:p='{uri}'>"), "<p:b/>", true);
}

#[test]
fn endless_prefixed_attributes() {
    // Each `p:aN='1'` makes the tree hold the namespace name of `p` once more.
    let uri = format!("urn:{}", "y".repeat(900));
    let unit: String = (0..200).map(|i| format!(" p:a{i}='1'")).collect();
    check(&format!("<a xmlns='urn:z' xmlns:p='{uri}'><b"), &unit, true);
}

#[test]
fn a_full_size_element_of_text_fits() {
    // Charging memory against the element limit does not cut real stanzas short: an
    // element of text just under the byte limit is accepted, in any piece size.
    for limits in [Limits::pre_auth(), Limits::default()] {
        let body = "x".repeat(limits.max_element_bytes.min(limits.max_text_bytes) - 64);
        let mut v = HEADER.as_bytes().to_vec();
        v.extend_from_slice(format!("<message><body>{body}</body></message>").as_bytes());
        for piece in [1usize, 7, 4096, v.len()] {
            let (peak, failed) = pump(&v, b" ", v.len() + 1, piece, limits);
            assert!(!failed, "piece {piece}");
            assert!(peak <= bound(&limits), "{peak} > {}", bound(&limits));
        }
    }
}

/// A piece that fills the input buffer, then one-byte pieces: the framer compacts the
/// buffer while an element is being gathered after a frame, and the gathering bound
/// must move with it (a stale bound once let one-byte pieces extend the element past
/// it; `feed` checks the bound against the state in debug builds). Every split of the
/// first piece, then single bytes, with tight limits; same frames and error as one
/// piece.
#[test]
fn gathering_bound_follows_buffer_compaction() {
    let mut limits = Limits::pre_auth();
    limits.max_element_bytes = 512;
    limits.input_buffer = 100;
    let mut stream = HEADER.as_bytes().to_vec();
    for _ in 0..4 {
        stream.extend_from_slice(b"<q9999999999999999 Q='\tSQ'/><M");
        stream.extend_from_slice(&[b'M'; 40]);
        stream.extend_from_slice(b"p999999999999999999999 Q='\tSQ'/>");
    }
    let one_piece = common::run_pieces([&stream[..]], limits);
    for first in HEADER.len()..stream.len() {
        let (head, tail) = stream.split_at(first);
        let mut pieces: Vec<&[u8]> = vec![head];
        pieces.extend(tail.chunks(1));
        let split = common::run_pieces(pieces, limits);
        assert_eq!(split, one_piece, "first piece {first}");
    }
}
