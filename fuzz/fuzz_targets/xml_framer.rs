//! Fuzz the XML stream framer: arbitrary bytes fed in pieces whose sizes are derived from
//! the first eight input bytes. Checks: no panic, `feed` never takes more than offered,
//! the buffered input stays within its limit, the frames and error are identical to a
//! one-piece run and to the general incremental parser alone (whole-element parsing
//! off), and every delivered element round-trips through the writer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xmpp_xml::{Element, Error, Frame, Framer, Limits};

const HEADER: &[u8] = b"<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

/// Tight limits (bit 0 of the seed), medium ones (bit 3), or the defaults. The medium set
/// lets inputs of a few KiB reach the memory budget and elements outgrow the gathering
/// bound (64 bytes), which the defaults need hundreds of KiB for.
fn limits(seed: u64) -> Limits {
    if seed & 1 == 1 {
        let mut l = Limits::pre_auth();
        l.max_element_bytes = 512;
        l.max_depth = 4;
        l.max_attributes = 4;
        l.max_children = 4;
        l.max_text_bytes = 64;
        l.input_buffer = 100;
        l
    } else if seed & 8 != 0 {
        let mut l = Limits::pre_auth();
        l.max_element_bytes = 1024;
        l.input_buffer = 64;
        l
    } else {
        Limits::default()
    }
}

/// Frames, the error if any, and the bytes of an element still being gathered at the end.
struct Outcome {
    frames: Vec<Frame>,
    error: Option<Error>,
    gathered: usize,
}

fn run(pieces: &[&[u8]], limits: Limits, general_only: bool) -> Outcome {
    let mut f = Framer::new(limits);
    if general_only {
        f.general_parser_only();
    }
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
                        return Outcome {
                            frames,
                            error: Some(e),
                            gathered: f.gathered_bytes(),
                        };
                    }
                }
            }
            if general_only {
                assert_eq!(
                    f.gathered_bytes(),
                    0,
                    "the general parser alone gathers nothing"
                );
            }
            if rest.is_empty() {
                break;
            }
        }
    }
    Outcome {
        frames,
        error: None,
        gathered: f.gathered_bytes(),
    }
}

/// The whole-element path agrees with the general parser alone: exactly when no element
/// is still being gathered; otherwise (an error in the element being gathered is only
/// reported once it is complete) its frames so far are a prefix of the general parser's
/// and it has no error that the general parser lacks.
fn check_against_general(new: &Outcome, general: &Outcome) {
    if new.gathered == 0 {
        assert_eq!(
            new.frames, general.frames,
            "frames differ from the general parser's"
        );
        assert_eq!(
            new.error, general.error,
            "error differs from the general parser's"
        );
    } else {
        assert!(
            general.frames.starts_with(&new.frames),
            "frames so far are not a prefix of the general parser's"
        );
        if new.error.is_some() {
            assert_eq!(new.error, general.error, "error the general parser lacks");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 9 {
        return;
    }
    let (seed, data) = data.split_at(8);
    let mut seed = u64::from_le_bytes(seed.try_into().unwrap_or([0; 8]));
    // Usually start with a valid stream header so mutations explore stanzas.
    let owned;
    let data = if seed & 6 != 0 {
        owned = [HEADER, data].concat();
        &owned[..]
    } else {
        data
    };
    let limits = limits(seed);
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
    let split = run(&pieces, limits, false);
    let whole = run(&[data], limits, false);
    assert_eq!(
        (&split.frames, &split.error),
        (&whole.frames, &whole.error),
        "result depends on the split"
    );
    let general = run(&pieces, limits, true);
    check_against_general(&split, &general);
    check_against_general(&whole, &run(&[data], limits, true));
    for f in &whole.frames {
        if let Frame::Element(e) = f {
            let text = e.to_string();
            let back = Element::parse(text.as_bytes()).expect("written element parses");
            assert_eq!(&back, e);
        }
    }
});
