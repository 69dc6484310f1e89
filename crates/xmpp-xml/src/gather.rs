//! Gathering a top-level element: finding where it ends without parsing it, so that it
//! can then be parsed whole, in one pass, by the element parser
//! (`parser/whole.rs`).
//!
//! The gatherer looks only at `<` and `>`: the byte after `<` opens an element (a name
//! start), closes one (`/`) or is markup the element parser does not take (`!`, `?`,
//! anything else: give up); `/>` closes an empty element; the `>` after the end tag that
//! closes the outermost element ends it. It ignores quotes, so a `/>` inside an
//! attribute value or text makes it report an end too early; the element parser then
//! finds no complete element and leaves the bytes to the general parser, which is
//! slower but exact. For every element without that sequence the end it reports is
//! exact, so no element is ever held back. It checks a little, so that errors of
//! structure are reported as soon as they are read rather than when the element ends:
//! an end tag's name must start with the same byte as its start tag's, `/` must come
//! right before `>`. Its state is a few words, carried from piece to piece, so every
//! byte is looked at once however the input is split.

/// Where the scan is inside the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum At {
    /// Right after a `<`.
    #[default]
    Lt,
    /// Right after `</`.
    EndFirst,
    /// Anywhere else before the outermost end tag: tags, values and text alike.
    Inside,
    /// In the end tag of the outermost element, before its `>`.
    Last,
}

/// Deepest nesting gathered (the element parser takes no deeper).
const MAX_DEPTH: usize = 16;

/// What a scan found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The element ends after this many bytes of the scanned piece.
    Done(usize),
    /// The whole piece belongs to the element, which goes on.
    More,
    /// Not for the element parser: markup it does not take (`<!`, `<?`), an end tag
    /// at the top (the stream's close tag), too deep, or too long.
    GiveUp,
}

/// The state of gathering one element, from its `<` on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Gather {
    at: At,
    depth: u32,
    /// First bytes of the names of the open elements: an end tag whose name starts
    /// with another gives up at once, so that the general parser reports the mismatch
    /// as soon as it is read (the element parser compares whole names).
    open: [u8; MAX_DEPTH],
}

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl Gather {
    /// Starts gathering at a `<` (already read).
    #[inline]
    pub(crate) fn new() -> Self {
        Gather {
            at: At::Lt,
            depth: 0,
            open: [0; MAX_DEPTH],
        }
    }

    /// Whether a byte other than `<` and `>` only extends the element (the scan is
    /// anywhere but right after `<` or `</`): then [`Gather::byte`] would change nothing
    /// for it, and the caller, which keeps the length, may skip the call.
    #[inline]
    pub(crate) fn takes_plain_bytes(&self) -> bool {
        matches!(self.at, At::Inside | At::Last)
    }

    /// Reads one byte of the element, `before` being the bytes of it before this one (the
    /// one-byte-piece path of [`Gather::scan`], with the same result): `More`, `Done(1)`
    /// or `GiveUp`.
    #[inline]
    pub(crate) fn byte(&mut self, b: u8, before: &[u8], max_len: usize, max_depth: u32) -> Scan {
        if before.len() >= max_len {
            return GiveUp;
        }
        match self.at {
            At::Inside => match b {
                b'<' => {
                    self.at = At::Lt;
                    More
                }
                b'>' => gt(&mut self.depth, &[], before, 1),
                _ => More,
            },
            At::Lt => self.lt(b, max_depth),
            At::EndFirst => self.end_first(b),
            At::Last => {
                if b == b'>' {
                    Done(1)
                } else {
                    More
                }
            }
        }
    }

    /// The common state, in a loop of its own with the depth in a local: from `*i`,
    /// every `<` and `>` up to the end of `input`, the end of the element, or the
    /// outermost end tag (then the state is [`At::Last`] and the result `More`). The
    /// bytes are tested sixteen at a time, and all the hits of a block are taken from
    /// its mask.
    #[inline]
    fn inside(&mut self, input: &[u8], i: &mut usize, before: &[u8], max_depth: u32) -> Scan {
        let mut depth = self.depth;
        // The bytes before `from` are read.
        let mut from = *i;
        let r = 'scan: loop {
            let Some((base, mut hits)) = simd::next_block(input, from, 0, simd::angles) else {
                *i = input.len();
                break More;
            };
            while hits != 0 {
                let at = base + hits.trailing_zeros() as usize;
                hits &= hits - 1;
                // Read already as part of a tag (which then goes to the general parser).
                if at < from {
                    continue;
                }
                if input[at] == b'>' {
                    match gt(&mut depth, &input[..at], before, at + 1) {
                        More => continue,
                        r => break 'scan r,
                    }
                }
                let Some(&b) = input.get(at + 1) else {
                    self.at = At::Lt;
                    *i = input.len();
                    break 'scan More;
                };
                if b == b'/' {
                    let Some(&c) = input.get(at + 2) else {
                        self.at = At::EndFirst;
                        *i = input.len();
                        break 'scan More;
                    };
                    let Some(top) = (depth as usize).checked_sub(1) else {
                        break 'scan GiveUp;
                    };
                    if self.open[top] != c {
                        break 'scan GiveUp;
                    }
                    depth -= 1;
                    from = at + 3;
                    if depth == 0 {
                        self.at = At::Last;
                        *i = from;
                        break 'scan More;
                    }
                } else if b.is_ascii_alphabetic() || b == b'_' {
                    depth += 1;
                    if depth > max_depth || depth as usize > MAX_DEPTH {
                        break 'scan GiveUp;
                    }
                    self.open[depth as usize - 1] = b;
                    from = at + 2;
                } else {
                    break 'scan GiveUp;
                }
            }
            from = from.max(base + simd::BLOCK);
        };
        self.depth = depth;
        r
    }

    /// The byte after a `<`.
    #[inline]
    fn lt(&mut self, b: u8, max_depth: u32) -> Scan {
        match b {
            b'/' if self.depth > 0 => self.at = At::EndFirst,
            // A name the element parser takes starts with a letter or `_`; anything
            // else (`<!`, `<?`, the stream's end tag, a non-ASCII name) is left to the
            // general parser.
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                self.depth += 1;
                if self.depth > max_depth || self.depth as usize > MAX_DEPTH {
                    return GiveUp;
                }
                self.open[self.depth as usize - 1] = b;
                self.at = At::Inside;
            }
            _ => return GiveUp,
        }
        More
    }

    /// The first byte of an end tag's name: it closes the innermost open element.
    #[inline]
    fn end_first(&mut self, b: u8) -> Scan {
        if self.open[self.depth as usize - 1] != b {
            return GiveUp;
        }
        self.depth -= 1;
        self.at = if self.depth == 0 {
            At::Last
        } else {
            At::Inside
        };
        More
    }

    /// Scans `input`, the next bytes of the element, `before` being all the bytes of it
    /// before them (from its `<`). `max_len` bounds the element's length and
    /// `max_depth` its nesting; beyond either the scan gives up.
    pub(crate) fn scan(
        &mut self,
        input: &[u8],
        before: &[u8],
        max_len: usize,
        max_depth: u32,
    ) -> Scan {
        let room = max_len.saturating_sub(before.len());
        let (input, cut) = if input.len() > room {
            (&input[..room], true)
        } else {
            (input, false)
        };
        let mut i = 0;
        let r = loop {
            let Some(rest) = input.get(i..).filter(|r| !r.is_empty()) else {
                break More;
            };
            let r = match self.at {
                At::Inside => self.inside(input, &mut i, before, max_depth),
                At::Last => {
                    let Some(k) = find(rest, b'>') else {
                        break More;
                    };
                    i += k + 1;
                    Done(i)
                }
                At::Lt => {
                    i += 1;
                    self.lt(rest[0], max_depth)
                }
                At::EndFirst => {
                    i += 1;
                    self.end_first(rest[0])
                }
            };
            if r != More {
                break r;
            }
        };
        match r {
            More if cut => GiveUp,
            r => r,
        }
    }
}

use Scan::{Done, GiveUp, More};

use crate::simd::{self, find};

/// A `>` outside the last end tag, `i` bytes into the piece, after the bytes `head` of
/// this piece and `before` of earlier ones: `/>` closes an element (one less in
/// `depth`); `/`, then whitespace, then `>` is an error, which the general parser
/// reports at once.
#[inline]
fn gt(depth: &mut u32, head: &[u8], before: &[u8], i: usize) -> Scan {
    let last = head.last().or(before.last()).copied().unwrap_or(0);
    if last == b'/' {
        *depth -= 1;
        if *depth == 0 {
            return Done(i);
        }
    } else if is_ws(last) {
        let solid = head
            .iter()
            .rev()
            .chain(before.iter().rev())
            .find(|&&b| !is_ws(b));
        if solid == Some(&b'/') {
            return GiveUp;
        }
    }
    More
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scans `input` (from its `<`) in pieces of `piece` bytes (0: one byte at a time
    /// through [`Gather::byte`]).
    fn scan_pieces(input: &[u8], piece: usize) -> Scan {
        let mut g = Gather::new();
        let mut at = 1;
        while at < input.len() {
            let end = (at + piece.max(1)).min(input.len());
            let before = &input[..at];
            let r = if piece == 0 {
                let b = input[at];
                let plain = g.takes_plain_bytes() && b != b'<' && b != b'>';
                let was = g;
                let r = g.byte(b, before, 1 << 20, 64);
                // The framer skips `byte` for these: it must change nothing.
                if plain {
                    assert_eq!((r, g), (More, was));
                }
                r
            } else {
                g.scan(&input[at..end], before, 1 << 20, 64)
            };
            match r {
                Done(k) => return Done(at + k),
                GiveUp => return GiveUp,
                More => at = end,
            }
        }
        More
    }

    #[test]
    fn finds_the_end_whatever_the_split() {
        let cases: &[(&[u8], Scan)] = &[
            (b"<a/>rest", Done(4)),
            (b"<a b='>' c='x'/>x", Done(16)),
            (b"<a><b>x > y</b><c/></a><d/>", Done(23)),
            (b"<a x='1'>t</a >", Done(15)),
            (b"<a><b></b>", More),
            (b"<a><!-- x --></a>", GiveUp),
            (b"<a b='1' / >", GiveUp),
            (b"<a b='<'/>", GiveUp),
            // `/>` in a value: reported too early, so the element parser finds no
            // whole element and the general parser takes it.
            (b"<a b='/>' c='1'/>", Done(8)),
            (b"<m><\xC0\xAFm>", GiveUp),
            // Found by the element parser, then reported by the general one.
            (b"<m></m\xC2\xA0>", Done(9)),
            (b"<message><body>hi</message>", GiveUp),
            (b"<m><b>x</m>", GiveUp),
            (b"<m></m x>", Done(9)),
            (b"<m></ m>", GiveUp),
            (b"<ab><ac/></ab \n>", Done(16)),
            (b"<a><?pi?></a>", GiveUp),
            (b"</stream:stream>", GiveUp),
            (b"<a b='x/'>", More),
        ];
        for &(input, want) in cases {
            for piece in 0..=input.len() {
                let got = scan_pieces(input, piece);
                assert_eq!(
                    got,
                    want,
                    "{:?} in pieces of {piece}",
                    String::from_utf8_lossy(input)
                );
            }
        }
    }

    #[test]
    fn gives_up_beyond_the_limits() {
        let mut g = Gather::new();
        assert_eq!(g.scan(b"a>0123456789", b"<", 8, 64), GiveUp);
        let mut g = Gather::new();
        assert_eq!(g.scan(b"a><b><c>", b"<", 100, 2), GiveUp);
        let mut g = Gather::new();
        assert_eq!(g.scan(b"a><b/></a>", b"<", 100, 2), Done(10));
        // One byte at a time: the length is that of the bytes before.
        let mut g = Gather::new();
        assert_eq!(g.byte(b'a', b"<", 3, 64), More);
        assert_eq!(g.byte(b'b', b"<a", 3, 64), More);
        assert_eq!(g.byte(b'c', b"<ab", 3, 64), GiveUp);
    }
}
