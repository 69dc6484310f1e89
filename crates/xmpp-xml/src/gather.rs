//! Gathering a top-level element: finding where it ends without parsing it, so that it
//! can then be parsed whole, in one pass, by the element parser
//! (`parser/whole.rs`).
//!
//! The gatherer looks only at `<` and `>`. A `<` starts a tag; the tag's `>` decides
//! what it was from the bytes after the `<`: a start tag (a name start), an end tag
//! (`/`, then the first byte of the name) or markup the element parser does not take
//! (`!`, `?`, anything else: give up). A start tag that ends in `/>` is empty, and the
//! `>` of the end tag that closes the outermost element ends it. Between tags, a `/>`
//! closes an element too (it may end a start tag whose attribute value held a `>`).
//! The gatherer ignores quotes, so a `/>` inside an attribute value or text makes it
//! report an end too early; the element parser then finds no complete element and
//! leaves the bytes to the general parser, which is slower but exact. For every element
//! without that sequence the end it reports is exact, so no element is ever held back.
//! It checks a little, so that errors of structure are reported at the end of their tag
//! rather than when the element ends: an end tag's name must start with the same byte
//! as its start tag's, `/` must come right before `>`. Its state is a few words,
//! carried from piece to piece, so every byte is looked at once however the input is
//! split; and one-byte pieces other than `<` and `>` need no look at all.

/// Where the scan is inside the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum At {
    /// In a tag: after its `<`, before its `>`.
    #[default]
    Tag,
    /// Between tags: text, or a start tag's attribute value after a `>` in it.
    Between,
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
    /// Where the `<` of the tag being read is, from the element's first byte.
    lt: usize,
    /// First bytes of the names of the open elements: an end tag whose name starts
    /// with another gives up at its `>`, so that the general parser reports the
    /// mismatch then (the element parser compares whole names).
    open: [u8; MAX_DEPTH],
}

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The bytes of the element read so far: `before` (of earlier pieces), then `input`.
#[derive(Clone, Copy)]
struct Bytes<'a> {
    before: &'a [u8],
    input: &'a [u8],
}

impl Bytes<'_> {
    /// The byte at `k` from the element's first byte.
    #[inline]
    fn at(self, k: usize) -> u8 {
        match k.checked_sub(self.before.len()) {
            Some(i) => self.input.get(i),
            None => self.before.get(k),
        }
        .copied()
        .unwrap_or(0)
    }

    /// Whether the whitespace before the `>` at `k` (in `input`) follows a `/`: `/`,
    /// whitespace, `>` is an error, which the general parser reports at once.
    #[cold]
    fn slash_then_space(self, k: usize) -> bool {
        let head = self
            .input
            .get(..k.saturating_sub(self.before.len()))
            .unwrap_or(&[]);
        let solid = head
            .iter()
            .rev()
            .chain(self.before.iter().rev())
            .find(|&&b| !is_ws(b));
        solid == Some(&b'/')
    }
}

impl Gather {
    /// Starts gathering at a `<` (already read).
    #[inline]
    pub(crate) fn new() -> Self {
        Gather {
            at: At::Tag,
            depth: 0,
            lt: 0,
            open: [0; MAX_DEPTH],
        }
    }

    /// A `<` at `k` (from the element's first byte).
    #[inline]
    fn lt(&mut self, k: usize) -> Scan {
        if self.at == At::Tag {
            // A `<` in a tag: an error, or markup the element parser does not take.
            return GiveUp;
        }
        self.at = At::Tag;
        self.lt = k;
        More
    }

    /// A `>` at `k` (from the element's first byte) of `bytes`.
    #[inline]
    fn gt(&mut self, bytes: Bytes<'_>, k: usize, max_depth: u32) -> Scan {
        let last = bytes.at(k.wrapping_sub(1));
        if is_ws(last) && bytes.slash_then_space(k) {
            return GiveUp;
        }
        if self.at == At::Between {
            // Text, or the rest of a start tag after a `>` in an attribute value: only
            // `/>` counts, as the end of an empty element.
            if last == b'/' {
                // Between tags the depth is at least 1 (at 0 the element has ended).
                let Some(depth) = self.depth.checked_sub(1) else {
                    return GiveUp;
                };
                self.depth = depth;
                if depth == 0 {
                    return Done(k + 1);
                }
            }
            return More;
        }
        self.at = At::Between;
        match bytes.at(self.lt + 1) {
            b'/' => {
                // An end tag: it closes the innermost open element.
                let Some(top) = (self.depth as usize).checked_sub(1) else {
                    return GiveUp;
                };
                if self.open[top] != bytes.at(self.lt + 2) {
                    return GiveUp;
                }
                self.depth -= 1;
                if self.depth == 0 {
                    return Done(k + 1);
                }
            }
            // A name the element parser takes starts with a letter or `_`; anything else
            // (`<!`, `<?`, a non-ASCII name) is left to the general parser.
            b @ (b'a'..=b'z' | b'A'..=b'Z' | b'_') => {
                if self.depth >= max_depth || self.depth as usize >= MAX_DEPTH {
                    return GiveUp;
                }
                if last == b'/' {
                    // An empty element.
                    if self.depth == 0 {
                        return Done(k + 1);
                    }
                } else {
                    self.open[self.depth as usize] = b;
                    self.depth += 1;
                }
            }
            _ => return GiveUp,
        }
        More
    }

    /// Reads one byte of the element, `before` being the bytes of it before this one (the
    /// one-byte-piece path of [`Gather::scan`], with the same result): `More`, `Done(1)`
    /// or `GiveUp`. Bytes other than `<` and `>` change nothing but the length.
    #[inline]
    pub(crate) fn byte(&mut self, b: u8, before: &[u8], max_len: usize, max_depth: u32) -> Scan {
        if before.len() >= max_len {
            return GiveUp;
        }
        let k = before.len();
        match b {
            b'<' => self.lt(k),
            b'>' => match self.gt(
                Bytes {
                    before,
                    input: &[b],
                },
                k,
                max_depth,
            ) {
                Done(_) => Done(1),
                r => r,
            },
            _ => More,
        }
    }

    /// Scans `input`, the next bytes of the element, `before` being all the bytes of it
    /// before them (from its `<`). `max_len` bounds the element's length and
    /// `max_depth` its nesting; beyond either the scan gives up. Every `<` and `>` of a
    /// 16-byte block is taken from one SIMD mask.
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
        let bytes = Bytes { before, input };
        let base = before.len();
        let mut from = 0;
        let r = 'scan: loop {
            let Some((block, mut hits)) = simd::next_block(input, from, simd::angles) else {
                break More;
            };
            while hits != 0 {
                let at = block + hits.trailing_zeros() as usize;
                hits &= hits - 1;
                let r = if input[at] == b'<' {
                    self.lt(base + at)
                } else {
                    match self.gt(bytes, base + at, max_depth) {
                        Done(k) => Done(k - base),
                        r => r,
                    }
                };
                if r != More {
                    break 'scan r;
                }
            }
            from = block + simd::BLOCK;
        };
        match r {
            More if cut => GiveUp,
            r => r,
        }
    }
}

use Scan::{Done, GiveUp, More};

use crate::simd;

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
                let plain = b != b'<' && b != b'>';
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
