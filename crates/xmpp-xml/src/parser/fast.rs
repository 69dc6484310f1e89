//! Bulk fast paths: runs of text, attribute values, names, end-tag names and start-tag
//! structure handled in one go when a piece holds them, with exactly the checks and state
//! changes of the character-at-a-time path (which handles everything unusual).

use alloc::vec::Vec;

use super::{NameState, Parser, State};
use crate::chars::is_ncname_start;
use crate::error::Error;
use crate::swar::{HI, LO, zero_bytes};

/// Bytes that may appear literally in a fast text run (ASCII only; non-ASCII passes).
const fn ascii_table(extra_excl: [u8; 3], allow_ws: bool) -> [bool; 128] {
    let mut t = [false; 128];
    let mut i = 0x20;
    while i < 128 {
        t[i] = true;
        i += 1;
    }
    t[b'<' as usize] = false;
    t[b'&' as usize] = false;
    let mut k = 0;
    while k < 3 {
        t[extra_excl[k] as usize] = false;
        k += 1;
    }
    if allow_ws {
        t[0x09] = true;
        t[0x0A] = true;
    }
    t
}
/// ASCII `NameChar`s other than the colon.
pub(super) static NAME_ASCII: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.';
        i += 1;
    }
    t
};
pub(super) static TEXT_SAFE: [bool; 128] = ascii_table([b']', b'<', b'<'], true);
pub(super) static ATTR_SAFE_DQ: [bool; 128] = ascii_table([b'"', b'<', b'<'], false);
pub(super) static ATTR_SAFE_SQ: [bool; 128] = ascii_table([b'\'', b'<', b'<'], false);
/// Bit 7 of every byte of `w` below 0x20 or equal to `a`, `b` or `c` (bytes >= 0x80
/// never match). Borrows only propagate above a byte that matches, so the lowest bit
/// set is always exact.
#[inline]
pub(super) fn special_mask(w: u64, a: u8, b: u8, c: u8) -> u64 {
    let less = w.wrapping_sub(LO * 0x20) & !w & HI;
    less | zero_bytes(w ^ (LO * u64::from(a)))
        | zero_bytes(w ^ (LO * u64::from(b)))
        | zero_bytes(w ^ (LO * u64::from(c)))
}
/// Whether any byte of `w` is below 0x20 or equal to `a`, `b` or `c`.
#[cfg(test)]
fn swar_special(w: u64, a: u8, b: u8, c: u8) -> bool {
    special_mask(w, a, b, c) != 0
}
/// Length of the prefix of `input[..lim]` free of bytes below 0x20 and of `a`, `b`, `c`,
/// eight bytes at a time (up to the first such byte when it is in a whole word, else up
/// to the last whole word); also whether a byte >= 0x80 may be in that prefix (a
/// conservative answer: the bytes after the stop in its word count too).
#[inline]
pub(super) fn scan_words(input: &[u8], lim: usize, a: u8, b: u8, c: u8) -> (usize, bool) {
    let mut n = 0;
    let mut high = 0u64;
    while n + 8 <= lim {
        let Some(Ok(word)) = input.get(n..n + 8).map(<[u8; 8]>::try_from) else {
            break;
        };
        let w = u64::from_le_bytes(word);
        let special = special_mask(w, a, b, c);
        high |= w;
        if special != 0 {
            // The lowest bit of the mask is exact.
            n += (special.trailing_zeros() / 8) as usize;
            break;
        }
        n += 8;
    }
    (n, high & HI != 0)
}
/// Appends `src[..n]` to `buf`. Short strings (names, most values) are copied as one
/// fixed-size block when `src` has that many bytes and `buf` that much spare capacity,
/// and the length is then cut back to `n`: a few moves instead of a `memcpy` call. The
/// length and capacity of `buf` end exactly as with `extend_from_slice` (the memory
/// budget sees no difference).
#[inline(always)]
pub(super) fn append(buf: &mut Vec<u8>, src: &[u8], n: usize) {
    debug_assert!(n <= src.len());
    let len = buf.len();
    let spare = buf.capacity() - len;
    // Copies of constant size, kept apart from the general case so that they are
    // compiled as a few moves.
    if n <= 16
        && spare >= 16
        && let Some(block) = src.first_chunk::<16>()
    {
        buf.extend_from_slice(block);
        buf.truncate(len + n);
    } else if n <= 32
        && spare >= 32
        && let Some(block) = src.first_chunk::<32>()
    {
        buf.extend_from_slice(block);
        buf.truncate(len + n);
    } else {
        append_long(buf, src, n);
    }
}

/// [`append`] for longer strings, or when `src` or the spare capacity is short.
#[inline(never)]
fn append_long(buf: &mut Vec<u8>, src: &[u8], n: usize) {
    if let Some(s) = src.get(..n) {
        buf.extend_from_slice(s);
    }
}

/// Appends the longest prefix of `rest[..m]` that is valid UTF-8 made of XML `Char`s
/// only (the caller has excluded ASCII controls) and returns its length; stops before a
/// character split by the piece boundary. `ascii` says the run has no byte >= 0x80, so
/// there is nothing to decode.
#[inline]
fn push_run(buf: &mut Vec<u8>, rest: &[u8], m: usize, ascii: bool) -> usize {
    let n = if ascii { m } else { utf8_prefix(&rest[..m]) };
    append(buf, rest, n);
    n
}

/// Length of the longest prefix of `run` that is UTF-8 made of XML `Char`s.
pub(super) fn utf8_prefix(run: &[u8]) -> usize {
    let valid = match core::str::from_utf8(run) {
        Ok(s) => s.len(),
        Err(e) => e.valid_up_to(),
    };
    // U+FFFE and U+FFFF are valid UTF-8 but not XML characters: EF BF BE / EF BF BF.
    let b = &run[..valid];
    // A plain loop rather than `contains` (a `memchr` call): runs are short.
    if !b.iter().fold(false, |seen, &x| seen | (x == 0xEF)) {
        return valid;
    }
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == 0xEF && b[i + 1] == 0xBF && b[i + 2] >= 0xBE {
            return i;
        }
        i += 1;
    }
    valid
}

/// The character and length of the complete predefined entity reference (`&lt;`,
/// `&gt;`, `&amp;`, `&apos;`, `&quot;`) at the start of `input`, if there is one.
#[inline]
pub(super) fn predefined_ref(input: &[u8]) -> Option<(u8, usize)> {
    match input.get(1..4)? {
        b"lt;" => Some((b'<', 4)),
        b"gt;" => Some((b'>', 4)),
        b"amp" if input.get(4) == Some(&b';') => Some((b'&', 5)),
        b"apo" if input.get(4..6) == Some(b"s;") => Some((b'\'', 6)),
        b"quo" if input.get(4..6) == Some(b"t;") => Some((b'"', 6)),
        _ => None,
    }
}

impl Parser {
    pub(super) fn fast_text(&mut self, input: &[u8]) -> usize {
        let mut n = 0;
        loop {
            let Some(top) = self.open.last() else {
                return n;
            };
            let text_room = self.limits.max_text_bytes.saturating_sub(top.text as usize);
            // Never grow a buffer here: stop where its capacity ends.
            let cap_room = self.cur.buf.capacity() - self.cur.buf.len();
            let byte_room = self.byte_room().saturating_sub(n);
            let rest = &input[n..];
            let lim = rest.len().min(text_room).min(byte_room).min(cap_room);
            let (mut m, wide) = scan_words(rest, lim, b'<', b'&', b']');
            let mut high = if wide { 0x80 } else { 0 };
            while m < lim {
                let b = rest[m];
                if b < 0x80 && !TEXT_SAFE[b as usize] {
                    break;
                }
                high |= b;
                m += 1;
            }
            if m > 0 {
                let before = self.cur.buf.len();
                m = push_run(&mut self.cur.buf, rest, m, high < 0x80);
                if m > 0 && self.text_open.is_none() {
                    self.text_open = Some(before as u32);
                }
                if let Some(top) = self.open.last_mut() {
                    top.text += m as u32;
                }
                n += m;
            }
            match rest.get(m) {
                // The `<` that ends the run (inside a stanza it only changes the state).
                Some(b'<') if m < byte_room => {
                    self.state = State::Lt;
                    return n + 1;
                }
                // A complete predefined entity reference: its character, as the
                // character path would add it.
                Some(b'&') => {
                    let Some((c, len)) = predefined_ref(&rest[m..]) else {
                        return n;
                    };
                    if m + len > byte_room
                        || text_room <= m
                        || self.cur.buf.len() == self.cur.buf.capacity()
                    {
                        return n;
                    }
                    if self.text_open.is_none() {
                        self.text_open = Some(self.cur.buf.len() as u32);
                    }
                    self.cur.buf.push(c);
                    if let Some(top) = self.open.last_mut() {
                        top.text += 1;
                    }
                    n += len;
                }
                _ => return n,
            }
        }
    }
    /// Bulk attribute value characters, at most `room` bytes.
    pub(super) fn fast_attr_in(&mut self, input: &[u8], q: u8, room: usize) -> usize {
        let buf = if self.value_tree {
            &self.cur.buf
        } else {
            &self.scratch
        };
        let lim = input.len().min(room).min(buf.capacity() - buf.len());
        let table = if q == b'"' {
            &ATTR_SAFE_DQ
        } else {
            &ATTR_SAFE_SQ
        };
        let (mut n, wide) = scan_words(input, lim, q, b'<', b'&');
        let mut high = if wide { 0x80 } else { 0 };
        while n < lim {
            let b = input[n];
            if b < 0x80 && !table[b as usize] {
                break;
            }
            high |= b;
            n += 1;
        }
        if n == 0 {
            return 0;
        }
        let buf = if self.value_tree {
            &mut self.cur.buf
        } else {
            &mut self.scratch
        };
        push_run(buf, input, n, high < 0x80)
    }

    /// Bulk start-tag structure: whitespace, ASCII unprefixed attribute names, `=`,
    /// quotes and values. Leaves anything unusual (and `/`, `>`) to the slow path, with
    /// the state always consistent.
    pub(super) fn fast_tag(&mut self, input: &[u8]) -> Result<usize, (usize, Error)> {
        let lim = input.len().min(self.byte_room());
        let max_attrs = self.limits.max_attributes;
        let max_name = self.limits.max_name_bytes;
        // The state lives in a local while looping and is stored back on every exit.
        let mut st = self.state;
        let mut n = 0;
        while n < lim {
            let b = input[n];
            match st {
                State::InTag | State::AfterValue => {
                    if b == b' ' || b == b'\t' || b == b'\n' {
                        st = State::InTag;
                    } else if b == b'>' {
                        self.state = st;
                        return self.fast_finish(n, false);
                    } else if b == b'/' && n + 1 < lim && input[n + 1] == b'>' {
                        self.state = State::EmptyTag;
                        return self.fast_finish(n + 1, true);
                    } else if matches!(st, State::InTag)
                        && (b.is_ascii_alphabetic() || b == b'_')
                        && let m = self.whole_attr(&input[n..], lim - n)
                        && m > 0
                    {
                        st = self.state;
                        n += m;
                        continue;
                    } else if matches!(st, State::InTag)
                        && (b.is_ascii_alphabetic() || b == b'_')
                        && self.attrs.len() < max_attrs
                        && max_name > 0
                        && self.scratch.len() < self.scratch.capacity()
                    {
                        self.attr_start = self.scratch.len() as u32;
                        self.attr_name = NameState::default();
                        self.scratch.push(b);
                        st = State::AttrName;
                    } else {
                        break;
                    }
                }
                State::AttrName => {
                    if self.attr_name.after_colon {
                        break;
                    } else if NAME_ASCII[b as usize]
                        && self.scratch.len() - (self.attr_start as usize) < max_name
                        && self.scratch.len() < self.scratch.capacity()
                    {
                        self.scratch.push(b);
                    } else if b == b'=' {
                        st = State::AttrQuote;
                    } else if b == b' ' {
                        st = State::AttrEq;
                    } else {
                        break;
                    }
                }
                State::AttrEq => {
                    if b == b'=' {
                        st = State::AttrQuote;
                    } else if b != b' ' {
                        break;
                    }
                }
                State::AttrQuote => {
                    if (b == b'\'' || b == b'"')
                        && self.attrs.len() < self.attrs.capacity()
                        && self.begin_value(b).is_ok()
                    {
                        st = State::AttrValue(b);
                    } else if b != b' ' {
                        break;
                    }
                }
                State::AttrValue(q) => {
                    if b == q {
                        self.end_value();
                        st = State::AfterValue;
                    } else {
                        let m = self.fast_attr_in(&input[n..], q, lim - n);
                        if m == 0 {
                            break;
                        }
                        n += m;
                        continue;
                    }
                }
                _ => break,
            }
            n += 1;
        }
        self.state = st;
        Ok(n)
    }

    /// The `>` at `input[at]` ends a start tag (`empty` after `/`): as the character
    /// path would, with the error (if any) at that byte.
    fn fast_finish(&mut self, at: usize, empty: bool) -> Result<usize, (usize, Error)> {
        self.char_start = self.pos + at as u64;
        match self.finish_start(empty) {
            Ok(()) => Ok(at + 1),
            Err(e) => Err((at + 1, e)),
        }
    }

    /// After `<`: the first byte of an ASCII element name or the `/` of an end tag.
    #[inline]
    pub(super) fn fast_lt(&mut self, b: u8) -> usize {
        if self.byte_room() == 0
            || (self.text_open.is_some() && self.cur.nodes.len() == self.cur.nodes.capacity())
        {
            return 0;
        }
        if b == b'/' {
            if self.flush_text().is_err() {
                return 0;
            }
            self.state = State::EndName(0);
        } else if b.is_ascii_alphabetic() || b == b'_' {
            if self.limits.max_name_bytes == 0 || self.tag.capacity() == 0 {
                return 0;
            }
            if self.flush_text().is_err() {
                return 0;
            }
            self.tag.clear();
            self.scratch.clear();
            self.attrs.clear();
            self.tag_name = NameState::default();
            self.tag.push(b);
            self.state = State::StartName;
        } else {
            return 0;
        }
        1
    }
    /// Bytes the current top-level element may still grow by.
    #[inline]
    pub(super) fn byte_room(&self) -> usize {
        let used = (self.pos - self.stanza_start) as usize;
        self.limits.max_element_bytes.saturating_sub(used)
    }
    /// Bulk ASCII name characters (no colon) of an element or attribute name.
    pub(super) fn fast_name(&mut self, input: &[u8], attr: bool) -> Result<usize, (usize, Error)> {
        let (buf, st, base) = if attr {
            (
                &mut self.scratch,
                &mut self.attr_name,
                self.attr_start as usize,
            )
        } else {
            (&mut self.tag, &mut self.tag_name, 0)
        };
        let len = buf.len() - base;
        let room = self.limits.max_name_bytes.saturating_sub(len).min(
            self.limits
                .max_element_bytes
                .saturating_sub((self.pos - self.stanza_start) as usize),
        );
        let lim = input.len().min(room).min(buf.capacity() - buf.len());
        let mut n = 0;
        while n < lim && NAME_ASCII[input[n] as usize] {
            n += 1;
        }
        if n > 0 {
            if st.after_colon && !is_ncname_start(u32::from(input[0])) {
                return Ok(0);
            }
            st.after_colon = false;
            append(buf, input, n);
        } else if attr || st.after_colon {
            return Ok(0);
        }
        // What ends an element name: whitespace, `>` or `/>`.
        if attr || n >= self.byte_room() {
            return Ok(n);
        }
        match input.get(n) {
            Some(b' ' | b'\t' | b'\n') => {
                self.state = State::InTag;
                Ok(n + 1)
            }
            Some(b'>') => self.fast_finish(n, false),
            Some(b'/') if n + 1 < self.byte_room() && input.get(n + 1) == Some(&b'>') => {
                self.state = State::EmptyTag;
                self.fast_finish(n + 1, true)
            }
            _ => Ok(n),
        }
    }
    /// Bulk ASCII comparison of an end tag name with the open element's name.
    pub(super) fn fast_end(&mut self, input: &[u8], k: u32) -> usize {
        let Some(top) = self.open.last() else {
            return 0;
        };
        let start = top.qname_start as usize + k as usize;
        let end = top.qname_start as usize + top.qname_len as usize;
        let expected = self.qnames.get(start..end).unwrap_or(&[]);
        let lim = input.len().min(expected.len()).min(self.byte_room());
        let (got, want) = (&input[..lim], &expected[..lim]);
        let mut n = 0;
        // Eight bytes at a time while they are equal and ASCII.
        for (a, b) in got.chunks_exact(8).zip(want.chunks_exact(8)) {
            let (Ok(a), Ok(b)) = (<[u8; 8]>::try_from(a), <[u8; 8]>::try_from(b)) else {
                break;
            };
            let a = u64::from_le_bytes(a);
            if a != u64::from_le_bytes(b) || a & HI != 0 {
                break;
            }
            n += 8;
        }
        while n < lim && got[n] == want[n] && got[n] < 0x80 {
            n += 1;
        }
        let full = n == expected.len();
        if n > 0 {
            self.state = State::EndName(k + n as u32);
        }
        // The whole name matched and `>` follows: the element is complete.
        if full && input.get(n) == Some(&b'>') && n < self.byte_room() {
            // `open` is not empty here, so `finish_end` cannot fail.
            if self.finish_end().is_ok() {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_is_extend_from_slice() {
        let src: Vec<u8> = (0..48u8).collect();
        for cap in [0usize, 8, 16, 20, 40, 64] {
            for pre in 0..=cap.min(24) {
                for avail in [0usize, 5, 16, 31, 32, 48] {
                    for n in 0..=avail {
                        let mut a = Vec::with_capacity(cap);
                        a.extend(core::iter::repeat_n(7u8, pre));
                        let mut b = Vec::with_capacity(cap);
                        b.extend(core::iter::repeat_n(7u8, pre));
                        append(&mut a, &src[..avail], n);
                        b.extend_from_slice(&src[..n]);
                        assert_eq!(a, b, "cap {cap} pre {pre} avail {avail} n {n}");
                        // The memory budget sees the same capacity.
                        assert_eq!(a.capacity(), b.capacity());
                    }
                }
            }
        }
    }

    #[test]
    fn swar_matches_bytewise() {
        for x in 0..=255u8 {
            for pos in 0..8 {
                let mut w = [b'a'; 8];
                w[pos] = x;
                let word = u64::from_le_bytes(w);
                let expect = x < 0x20 || x == b'<' || x == b'&' || x == b']';
                assert_eq!(
                    swar_special(word, b'<', b'&', b']'),
                    expect,
                    "{x:#x} at {pos}"
                );
            }
        }
        let mut w = [0xC3u8; 8];
        w[7] = b'<';
        assert!(swar_special(u64::from_le_bytes(w), b'<', b'&', b']'));
        assert!(!swar_special(
            u64::from_le_bytes([0xE2; 8]),
            b'<',
            b'&',
            b']'
        ));
    }
}
