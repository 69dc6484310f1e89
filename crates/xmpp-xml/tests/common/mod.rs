//! Helpers shared by the integration tests.
#![allow(dead_code)]

use xmpp_xml::{Error, Frame, Framer, Limits};

/// The usual client stream header.
pub const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>";

/// Everything a framer produced: frames in order and the error, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub frames: Vec<Frame>,
    pub error: Option<Error>,
}

/// Feeds `pieces` one after another, draining `poll` after every `feed`.
pub fn run_pieces<'a>(pieces: impl IntoIterator<Item = &'a [u8]>, limits: Limits) -> Outcome {
    run_framer(&mut Framer::new(limits), pieces)
}

/// [`run_pieces`] with the general incremental parser alone (no whole-element parsing).
pub fn run_general<'a>(pieces: impl IntoIterator<Item = &'a [u8]>, limits: Limits) -> Outcome {
    let mut f = Framer::new(limits);
    f.general_parser_only();
    run_framer(&mut f, pieces)
}

/// [`run_pieces`] (or [`run_general`] when `general_only`), also returning
/// [`Framer::gathered_bytes`] at the end: while an element is still being gathered, an
/// error inside it is not reported yet, so only a prefix of the outcome is comparable.
pub fn run_pieces_gathered<'a>(
    pieces: impl IntoIterator<Item = &'a [u8]>,
    limits: Limits,
    general_only: bool,
) -> (Outcome, usize) {
    let mut f = Framer::new(limits);
    if general_only {
        f.general_parser_only();
    }
    let o = run_framer(&mut f, pieces);
    (o, f.gathered_bytes())
}

fn run_framer<'a>(f: &mut Framer, pieces: impl IntoIterator<Item = &'a [u8]>) -> Outcome {
    let mut frames = Vec::new();
    for piece in pieces {
        let mut rest = piece;
        loop {
            let n = f.feed(rest);
            assert!(n <= rest.len());
            rest = &rest[n..];
            while let Some(r) = f.poll() {
                match r {
                    Ok(fr) => frames.push(fr),
                    Err(e) => {
                        assert_eq!(f.feed(b"<"), 0, "no input accepted after an error");
                        assert!(f.poll().is_none());
                        assert_eq!(f.error(), Some(&e));
                        return Outcome {
                            frames,
                            error: Some(e),
                        };
                    }
                }
            }
            assert_eq!(
                f.unprocessed(),
                f.gathered_bytes(),
                "poll drains the input buffer but for an element being gathered"
            );
            if rest.is_empty() {
                break;
            }
        }
    }
    Outcome {
        frames,
        error: None,
    }
}

/// Whole input, one piece.
pub fn run(input: &[u8], limits: Limits) -> Outcome {
    run_pieces([input], limits)
}

/// Fixed-size pieces.
pub fn run_chunked(input: &[u8], chunk: usize, limits: Limits) -> Outcome {
    run_pieces(input.chunks(chunk.max(1)), limits)
}

/// Runs `input` whole, in 1-byte pieces, and split in two at every offset, asserting the
/// same outcome every time, and the same as the general parser's alone; returns it.
pub fn run_all_splits(input: &[u8], limits: Limits) -> Outcome {
    let whole = run(input, limits);
    assert_eq!(run_general([input], limits), whole, "general parser alone");
    assert_eq!(
        run_general(input.chunks(1), limits),
        whole,
        "general parser alone, 1-byte pieces"
    );
    assert_eq!(run_chunked(input, 1, limits), whole, "1-byte pieces");
    for at in 0..=input.len() {
        let (a, b) = input.split_at(at);
        assert_eq!(run_pieces([a, b], limits), whole, "split at {at}");
    }
    whole
}

/// The stream header followed by `body`.
pub fn stream(body: &str) -> Vec<u8> {
    let mut v = HEADER.as_bytes().to_vec();
    v.extend_from_slice(body.as_bytes());
    v
}

/// The stream header followed by raw bytes.
pub fn stream_bytes(body: &[u8]) -> Vec<u8> {
    let mut v = HEADER.as_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

/// The elements of an outcome, serialised.
pub fn elements(o: &Outcome) -> Vec<String> {
    o.frames
        .iter()
        .filter_map(|f| match f {
            Frame::Element(e) => Some(e.to_string()),
            _ => None,
        })
        .collect()
}
