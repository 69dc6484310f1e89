//! Incremental strict UTF-8 decoding (RFC 3629): no overlong forms, no surrogates, nothing
//! above U+10FFFF, no stray continuation bytes. State survives across input pieces, so a
//! character split over any number of feeds costs the same as a whole one.

/// Result of pushing one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A complete scalar value and its encoded length.
    Char(u32, u8),
    /// The sequence needs more bytes.
    More,
    /// The byte cannot appear here.
    Invalid,
}

/// Decoder state between bytes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Utf8 {
    need: u8,
    len: u8,
    lo: u8,
    hi: u8,
    cp: u32,
}

impl Utf8 {
    /// Whether a multi-byte sequence is in progress.
    #[inline]
    pub(crate) fn idle(&self) -> bool {
        self.need == 0
    }

    /// Feeds one byte.
    #[inline]
    pub(crate) fn push(&mut self, b: u8) -> Step {
        if self.need == 0 {
            match b {
                0x00..=0x7F => Step::Char(u32::from(b), 1),
                0xC2..=0xDF => self.start(u32::from(b & 0x1F), 1, 2, 0x80, 0xBF),
                0xE0 => self.start(0, 2, 3, 0xA0, 0xBF),
                0xED => self.start(0x0D, 2, 3, 0x80, 0x9F),
                0xE1..=0xEF => self.start(u32::from(b & 0x0F), 2, 3, 0x80, 0xBF),
                0xF0 => self.start(0, 3, 4, 0x90, 0xBF),
                0xF1..=0xF3 => self.start(u32::from(b & 0x07), 3, 4, 0x80, 0xBF),
                0xF4 => self.start(4, 3, 4, 0x80, 0x8F),
                _ => Step::Invalid,
            }
        } else {
            if b < self.lo || b > self.hi {
                return Step::Invalid;
            }
            self.lo = 0x80;
            self.hi = 0xBF;
            self.cp = (self.cp << 6) | u32::from(b & 0x3F);
            self.need -= 1;
            if self.need == 0 {
                Step::Char(self.cp, self.len)
            } else {
                Step::More
            }
        }
    }

    #[inline]
    fn start(&mut self, cp: u32, need: u8, len: u8, lo: u8, hi: u8) -> Step {
        self.cp = cp;
        self.need = need;
        self.len = len;
        self.lo = lo;
        self.hi = hi;
        Step::More
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Option<Vec<u32>> {
        let mut d = Utf8::default();
        let mut out = Vec::new();
        for &b in bytes {
            match d.push(b) {
                Step::Char(c, _) => out.push(c),
                Step::More => {}
                Step::Invalid => return None,
            }
        }
        d.idle().then_some(out)
    }

    #[test]
    fn agrees_with_core_on_all_short_sequences() {
        // Every 1- and 2-byte sequence, and every 3-byte sequence with a lead >= 0xE0.
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                let s = [a, b];
                let ours = decode(&s);
                let core = core::str::from_utf8(&s)
                    .ok()
                    .map(|s| s.chars().map(u32::from).collect());
                assert_eq!(ours, core, "{s:02x?}");
            }
        }
        for a in 0xE0..=0xF4u8 {
            for b in 0x70..=0xC0u8 {
                for c in [0x7F, 0x80, 0xBF, 0xC0] {
                    let s = [a, b, c];
                    let ours = decode(&s);
                    let core = core::str::from_utf8(&s)
                        .ok()
                        .map(|s| s.chars().map(u32::from).collect());
                    assert_eq!(ours, core, "{s:02x?}");
                    if a >= 0xF0 {
                        let s = [a, b, c, 0x80];
                        let ours = decode(&s);
                        let core = core::str::from_utf8(&s)
                            .ok()
                            .map(|s| s.chars().map(u32::from).collect());
                        assert_eq!(ours, core, "{s:02x?}");
                    }
                }
            }
        }
    }
}
