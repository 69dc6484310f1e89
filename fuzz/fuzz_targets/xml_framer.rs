//! Fuzz the XML stream framer: arbitrary bytes fed in pieces whose sizes are derived from
//! the first eight input bytes. Checks: no panic, `feed` never takes more than offered,
//! the buffered input stays within its limit, the frames and error are identical to a
//! one-piece run, and every delivered element round-trips through the writer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmpp_xml::{Element, Error, Frame, Framer, Limits};

const HEADER: &[u8] = b"<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

fn limits(tight: bool) -> Limits {
    if tight {
        let mut l = Limits::pre_auth();
        l.max_element_bytes = 512;
        l.max_depth = 4;
        l.max_attributes = 4;
        l.max_children = 4;
        l.max_text_bytes = 64;
        l.input_buffer = 100;
        l
    } else {
        Limits::default()
    }
}

fn run(pieces: &[&[u8]], limits: Limits) -> (Vec<Frame>, Option<Error>) {
    let mut f = Framer::new(limits);
    let mut frames = Vec::new();
    for piece in pieces {
        let mut rest = *piece;
        loop {
            let n = f.feed(rest);
            assert!(n <= rest.len(), "consumed more than fed");
            assert!(f.unprocessed() <= limits.input_buffer.max(1));
            assert!(
                f.memory_in_use()
                    <= 16 * limits.max_element_bytes + 2 * limits.input_buffer + 16 * 1024,
                "memory exceeds the bound"
            );
            rest = &rest[n..];
            while let Some(r) = f.poll() {
                match r {
                    Ok(fr) => {
                        if let Frame::Element(e) = &fr {
                            // Nodes are bounded by the element's byte size.
                            assert!(e.node_count() <= limits.max_element_bytes);
                        }
                        frames.push(fr);
                    }
                    Err(e) => {
                        assert_eq!(f.feed(b"x"), 0);
                        assert!(f.poll().is_none());
                        return (frames, Some(e));
                    }
                }
            }
            if rest.is_empty() {
                break;
            }
        }
    }
    (frames, None)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let (seed, data) = data.split_at(8);
    let mut seed = u64::from_le_bytes(seed.try_into().unwrap_or([0; 8]));
    let tight = seed & 1 == 1;
    // Usually start with a valid stream header so mutations explore stanzas.
    let owned;
    let data = if seed & 6 != 0 {
        owned = [HEADER, data].concat();
        &owned[..]
    } else {
        data
    };
    let limits = limits(tight);
    let mut pieces = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let n = 1 + ((seed >> 33) as usize % 17).min(rest.len() - 1);
        let (a, b) = rest.split_at(n);
        pieces.push(a);
        rest = b;
    }
    let split = run(&pieces, limits);
    let whole = run(&[data], limits);
    assert_eq!(split, whole, "result depends on the split");
    for f in &whole.0 {
        if let Frame::Element(e) = f {
            let text = e.to_string();
            let back = Element::parse(text.as_bytes()).expect("written element parses");
            assert_eq!(&back, e);
        }
    }
});
