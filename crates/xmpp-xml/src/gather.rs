//! Gathering a top-level element: finding where it ends without parsing it, so that it
//! can then be parsed whole, in one pass, by the element parser
//! (`parser/whole.rs`).
//!
//! The gatherer only tracks what decides where an element ends: `<` in content, quotes and
//! `>` in tags, and the nesting depth. It validates almost nothing: for a well-formed
//! element it finds the exact end, and the element parser (or, when that gives up, the
//! general parser) then finds any error. It gives up itself, at once, on markup the
//! element parser would not take (`<!`, `<?`, a non-ASCII byte in a tag, `<` in a tag or
//! a value, `/` not before `>`), so that the errors hidden there are reported as soon
//! as they are read. Its state is a few words, carried from piece to piece, so every
//! byte is looked at once however the input is split.

/// Where the scan is inside the element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum At {
    /// Right after a `<`.
    #[default]
    Lt,
    /// Right after `</`.
    EndFirst,
    /// Character data.
    Text,
    /// Inside a start tag; `slash` when the last byte read was `/`.
    Tag { slash: bool },
    /// Inside an attribute value delimited by this quote.
    Quote(u8),
    /// Inside an end tag, after its name's first byte.
    End,
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
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Gather {
    at: At,
    depth: u32,
    /// Bytes gathered so far, the opening `<` included.
    len: usize,
    /// First bytes of the names of the open elements: an end tag whose name starts
    /// with another gives up at once, so that the general parser reports the mismatch
    /// as soon as it is read (the element parser compares whole names).
    open: [u8; MAX_DEPTH],
}

impl Gather {
    /// Starts gathering at a `<` (already read).
    #[inline]
    pub(crate) fn new() -> Self {
        Gather {
            at: At::Lt,
            depth: 0,
            len: 1,
            open: [0; MAX_DEPTH],
        }
    }

    /// Bytes of the element gathered so far.
    #[inline]
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Reads one byte of the element (the one-byte-piece path of [`Gather::scan`], with
    /// the same result): `More`, `Done(1)` or `GiveUp`.
    #[inline]
    pub(crate) fn byte(&mut self, b: u8, max_len: usize, max_depth: u32) -> Scan {
        if self.len >= max_len {
            return GiveUp;
        }
        self.len += 1;
        match self.at {
            At::Text => {
                if b == b'<' {
                    self.at = At::Lt;
                }
                More
            }
            At::Quote(q) => self.quote_byte(q, b),
            At::Tag { slash: true } => self.after_slash(b, 1),
            At::Tag { slash: false } => self.tag_byte(b),
            At::End => self.end_byte(b, 1),
            At::Lt => self.lt(b, max_depth),
            At::EndFirst => self.end_first(b),
        }
    }

    /// The first byte of an end tag's name.
    #[inline]
    fn end_first(&mut self, b: u8) -> Scan {
        if self.open[self.depth as usize - 1] != b {
            return GiveUp;
        }
        self.at = At::End;
        More
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
                self.at = At::Tag { slash: false };
            }
            _ => return GiveUp,
        }
        More
    }

    /// A byte inside a start tag, `i` bytes into the piece. Markup that cannot be in a
    /// well-formed tag the element parser takes (`<`, a non-ASCII byte, `/` not before
    /// `>`) gives up at once, so that its error is reported as soon as it is read.
    #[inline]
    fn tag_byte(&mut self, b: u8) -> Scan {
        match b {
            b'>' => self.at = At::Text,
            b'\'' | b'"' => self.at = At::Quote(b),
            b'/' => self.at = At::Tag { slash: true },
            b'<' | 0x80.. => return GiveUp,
            _ => {}
        }
        More
    }

    /// The byte after `/` in a start tag: the `>` of an empty element.
    #[inline]
    fn after_slash(&mut self, b: u8, i: usize) -> Scan {
        if b == b'>' { self.close(i) } else { GiveUp }
    }

    /// A byte inside an attribute value.
    #[inline]
    fn quote_byte(&mut self, q: u8, b: u8) -> Scan {
        if b == q {
            self.at = At::Tag { slash: false };
        } else if b == b'<' {
            return GiveUp;
        }
        More
    }

    /// A byte inside an end tag.
    #[inline]
    fn end_byte(&mut self, b: u8, i: usize) -> Scan {
        match b {
            b'>' => self.close(i),
            b'<' | 0x80.. => GiveUp,
            _ => More,
        }
    }

    /// An element closed, `i` bytes into the piece: the end when it is the outermost.
    #[inline]
    fn close(&mut self, i: usize) -> Scan {
        self.depth -= 1;
        if self.depth == 0 {
            return Done(i);
        }
        self.at = At::Text;
        More
    }

    /// Scans `input`, the next bytes of the element. `max_len` bounds the element's
    /// length and `max_depth` its nesting; beyond either the scan gives up.
    pub(crate) fn scan(&mut self, input: &[u8], max_len: usize, max_depth: u32) -> Scan {
        let room = max_len.saturating_sub(self.len);
        let (input, cut) = if input.len() > room {
            (&input[..room], true)
        } else {
            (input, false)
        };
        // One dispatch per byte that matters; the bytes right after `<`, `</` and a
        // value's opening quote are handled where they are found.
        let mut i = 0;
        let r = loop {
            let Some(rest) = input.get(i..).filter(|r| !r.is_empty()) else {
                break More;
            };
            let r = match self.at {
                At::Text => {
                    let Some(k) = find(rest, [b'<'], false) else {
                        break More;
                    };
                    i += k + 1;
                    self.at = At::Lt;
                    match input.get(i) {
                        Some(&b) => {
                            i += 1;
                            self.lt(b, max_depth)
                        }
                        None => More,
                    }
                }
                At::Tag { slash: false } => {
                    let Some(k) = find(rest, [b'>', b'\'', b'"', b'/', b'<'], true) else {
                        break More;
                    };
                    i += k + 1;
                    let b = rest[k];
                    if b == b'\'' || b == b'"' {
                        // The value, up to its closing quote when that is at hand.
                        match find(&input[i..], [b, b'<'], false) {
                            Some(v) if input[i + v] == b => i += v + 1,
                            Some(_) => break GiveUp,
                            None => {
                                self.at = At::Quote(b);
                                break More;
                            }
                        }
                        More
                    } else {
                        self.tag_byte(b)
                    }
                }
                At::Quote(q) => {
                    let Some(k) = find(rest, [q, b'<'], false) else {
                        break More;
                    };
                    i += k + 1;
                    self.quote_byte(q, rest[k])
                }
                At::End => {
                    let Some(k) = find(rest, [b'>', b'<'], true) else {
                        break More;
                    };
                    i += k + 1;
                    self.end_byte(rest[k], i)
                }
                At::Tag { slash: true } => {
                    i += 1;
                    self.after_slash(rest[0], i)
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
            Done(n) => {
                self.len += n;
                return r;
            }
            GiveUp => return GiveUp,
            More => {}
        }
        self.len += input.len();
        if cut { GiveUp } else { More }
    }
}

use Scan::{Done, GiveUp, More};

/// Position of the first of the `needles` in `hay` (and, with `high`, of the first byte
/// of 0x80 or above), eight bytes at a time.
#[inline]
pub(crate) fn find<const N: usize>(hay: &[u8], needles: [u8; N], high: bool) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // The lowest bit of each term is exact (a borrow only spreads above a true hit),
    // so the lowest bit of their union is too.
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    let pats = needles.map(|n| LO * u64::from(n));
    let top = if high { HI } else { 0 };
    let mut words = hay.chunks_exact(8);
    let mut at = 0;
    for word in &mut words {
        let mut x = [0u8; 8];
        x.copy_from_slice(word);
        let w = u64::from_le_bytes(x);
        let hit = pats.iter().fold(w & top, |h, &p| h | zero(w ^ p));
        if hit != 0 {
            return Some(at + (hit.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&x| needles.contains(&x) || (high && x >= 0x80))
        .map(|k| at + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scans `input` (from its `<`) in pieces of `piece` bytes (0: one byte at a time
    /// through [`Gather::byte`]).
    fn scan_pieces(input: &[u8], piece: usize) -> (Scan, usize) {
        let mut g = Gather::new();
        let mut at = 1;
        while at < input.len() {
            let end = (at + piece.max(1)).min(input.len());
            let r = if piece == 0 {
                g.byte(input[at], 1 << 20, 64)
            } else {
                g.scan(&input[at..end], 1 << 20, 64)
            };
            match r {
                Done(k) => return (Done(at + k), g.len()),
                GiveUp => return (GiveUp, g.len()),
                More => at = end,
            }
        }
        (More, g.len())
    }

    #[test]
    fn finds_the_end_whatever_the_split() {
        let cases: &[(&[u8], Scan)] = &[
            (b"<a/>rest", Done(4)),
            (b"<a b='>' c=\"/>\"/>x", Done(17)),
            (b"<a><b>x > y</b><c/></a><d/>", Done(23)),
            (b"<a x='1'>t</a >", Done(15)),
            (b"<a><b></b>", More),
            (b"<a><!-- x --></a>", GiveUp),
            (b"<a b='1' / >", GiveUp),
            (b"<a b='<'/>", GiveUp),
            (b"<m><\xC0\xAFm>", GiveUp),
            (b"<m></m\xC2\xA0>", GiveUp),
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
                let (got, len) = scan_pieces(input, piece);
                assert_eq!(
                    got,
                    want,
                    "{:?} in pieces of {piece}",
                    String::from_utf8_lossy(input)
                );
                if let Done(n) = want {
                    assert_eq!(len, n);
                }
            }
        }
    }

    #[test]
    fn gives_up_beyond_the_limits() {
        let mut g = Gather::new();
        assert_eq!(g.scan(b"a>0123456789", 8, 64), GiveUp);
        let mut g = Gather::new();
        assert_eq!(g.scan(b"a><b><c>", 100, 2), GiveUp);
        let mut g = Gather::new();
        assert_eq!(g.scan(b"a><b/></a>", 100, 2), Done(10));
    }

    #[test]
    fn find_matches_position() {
        let hay = b"0123456789abcdef<ghijklmnopqrstuvwxyz<";
        for start in 0..hay.len() {
            let h = &hay[start..];
            assert_eq!(find(h, [b'<'], false), h.iter().position(|&b| b == b'<'));
            assert_eq!(
                find(h, [b'z', b'<'], false),
                h.iter().position(|&b| b == b'z' || b == b'<')
            );
        }
        assert_eq!(find(b"\x80\xbc<", [b'<'], false), Some(2));
        assert_eq!(find(b"ab\x80\xbc<", [b'<'], true), Some(2));
        assert_eq!(find(b"0123456789ab\x80\xbc<", [b'<'], true), Some(12));
    }
}
