//! A whole attribute (`name='value'` or `name="value"`, ASCII name, value free of
//! references, `<` and characters that need normalising) taken in one step when a piece
//! holds all of it, instead of one state transition per byte. Anything else, or anything
//! that does not fit the limits and the buffers' capacity as they are, is left to the
//! byte-wise start-tag path, which makes the same changes.

use super::fast::{NAME_ASCII, append, special_mask, utf8_prefix};
use super::{NameState, Parser, RawAttr, State};
use crate::element::Span;
use crate::swar::HI;

impl Parser {
    /// `input[0]` is an ASCII name start in a start tag, `lim` the bytes the element may
    /// still use. Returns the bytes consumed through the closing quote (the state is then
    /// `AfterValue`) or, when the piece ends inside the value, through the end of the
    /// piece (the state is then `AttrValue`), or 0 with nothing changed.
    #[inline]
    pub(super) fn whole_attr(&mut self, input: &[u8], lim: usize) -> usize {
        let lim = lim.min(input.len());
        if self.attrs.len() >= self.limits.max_attributes
            || self.attrs.len() >= self.attrs.capacity()
        {
            return 0;
        }
        let scratch_room = self.scratch.capacity() - self.scratch.len();
        let name_end = lim.min(self.limits.max_name_bytes).min(scratch_room);
        if name_end == 0 {
            return 0;
        }
        let mut k = 1;
        while k < name_end && NAME_ASCII[usize::from(input[k])] {
            k += 1;
        }
        let (Some(&b'='), Some(&q)) = (input.get(k), input.get(k + 1)) else {
            return 0;
        };
        if (q != b'\'' && q != b'"') || k + 2 >= lim {
            return 0;
        }
        // Where the value goes (as `begin_value` decides): the tree, or `scratch` after
        // the name for namespace declarations and the stream header.
        let decl = &input[..k] == b"xmlns";
        let to_tree = !decl && !self.open.is_empty();
        let value_room = if to_tree {
            self.cur.buf.capacity() - self.cur.buf.len()
        } else {
            scratch_room - k
        };
        let start = k + 2;
        let vlim = (lim - start).min(value_room);
        let value = &input[start..];
        let (m, high) = value_run(value, vlim, q);
        let closed = m < vlim && value[m] == q && start + m < lim;
        // The piece ends inside the value: take what there is, as the byte-wise path
        // would, and stay inside the value.
        let open = start + m == input.len();
        if !closed && !open {
            return 0;
        }
        let value = &value[..m];
        let take = if high { utf8_prefix(value) } else { m };
        // A closed value must be made of XML characters throughout.
        if closed && take != m {
            return 0;
        }
        // What `begin_value`, the value path and `end_value` would do.
        // The name goes to `scratch` as on the byte-wise path, so that every buffer
        // grows at the same point however the input was split.
        self.attr_start = self.scratch.len() as u32;
        self.attr_name = NameState::default();
        append(&mut self.scratch, input, k);
        self.value_tree = to_tree;
        let buf = if to_tree {
            &mut self.cur.buf
        } else {
            &mut self.scratch
        };
        let vstart = buf.len() as u32;
        append(buf, value, take);
        self.attrs.push(RawAttr {
            name: Span {
                start: self.attr_start,
                len: k as u32,
            },
            colon: None,
            value: Span {
                start: vstart,
                len: take as u32,
            },
            tree: to_tree,
            decl,
        });
        if closed {
            self.state = State::AfterValue;
            start + m + 1
        } else {
            self.state = State::AttrValue(q);
            start + take
        }
    }
}

/// Length of the prefix of `value[..lim]` free of bytes below 0x20 and of `q`, `<`, `&`
/// (exactly the bytes an attribute value cannot take as they are), and whether a
/// non-ASCII byte may be in it (a conservative answer: a few bytes past it may count).
/// Whole words are read as long as the input has them, even past `lim`, so the end of
/// the run is found without a byte-wise tail.
#[inline]
fn value_run(value: &[u8], lim: usize, q: u8) -> (usize, bool) {
    let mut m = 0;
    let mut high = 0u64;
    while m < lim {
        let Some(Ok(word)) = value.get(m..m + 8).map(<[u8; 8]>::try_from) else {
            let mut hb = 0u8;
            while m < lim {
                let b = value[m];
                if b < 0x20 || b == q || b == b'<' || b == b'&' {
                    break;
                }
                hb |= b;
                m += 1;
            }
            return (m, high & HI != 0 || hb >= 0x80);
        };
        let w = u64::from_le_bytes(word);
        let special = special_mask(w, q, b'<', b'&');
        high |= w;
        if special != 0 {
            m += (special.trailing_zeros() / 8) as usize;
            break;
        }
        m += 8;
    }
    (m.min(lim), high & HI != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_run_matches_bytewise() {
        let special = |b: u8, q: u8| b < 0x20 || b == q || b == b'<' || b == b'&';
        for len in 0..=20usize {
            for bg in [b'a', 0xC3] {
                for at in 0..len.max(1) {
                    for x in [
                        0x00, 0x09, 0x0A, 0x1F, b'"', b'\'', b'<', b'&', b'>', 0x80, 0xFF,
                    ] {
                        let mut v = vec![bg; len];
                        if at < len {
                            v[at] = x;
                        }
                        for lim in 0..=len {
                            for q in [b'"', b'\''] {
                                let (m, high) = value_run(&v, lim, q);
                                let want = v[..lim].iter().position(|&b| special(b, q));
                                assert_eq!(m, want.unwrap_or(lim), "{v:02x?} lim {lim}");
                                // Conservative: never misses a byte >= 0x80 in the run.
                                if v[..m].iter().any(|&b| b >= 0x80) {
                                    assert!(high, "{v:02x?} lim {lim}");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
