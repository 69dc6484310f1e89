//! Character classes of [XML 1.0 (Fifth Edition)](https://www.w3.org/TR/xml/#charsets):
//! `Char`, `NameStartChar`, `NameChar`, `S`, restricted to the colon-free names of
//! [Namespaces in XML](https://www.w3.org/TR/xml-names/#NT-NCName).

/// `Char` production (surrogates are already excluded by the UTF-8 decoder).
#[inline]
pub(crate) fn is_char(c: u32) -> bool {
    matches!(c, 0x20..=0xD7FF | 0x09 | 0x0A | 0x0D | 0xE000..=0xFFFD | 0x1_0000..=0x10_FFFF)
}

/// `S` production.
#[inline]
pub(crate) fn is_ws(c: u32) -> bool {
    matches!(c, 0x20 | 0x09 | 0x0A | 0x0D)
}

/// `NameStartChar` without the colon.
#[inline]
pub(crate) fn is_ncname_start(c: u32) -> bool {
    match c {
        0x61..=0x7A | 0x41..=0x5A | 0x5F => true,
        0..=0xBF => false,
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x2FF => true,
        0x370..=0x37D | 0x37F..=0x1FFF | 0x200C..=0x200D => true,
        0x2070..=0x218F | 0x2C00..=0x2FEF | 0x3001..=0xD7FF => true,
        0xF900..=0xFDCF | 0xFDF0..=0xFFFD | 0x1_0000..=0xE_FFFF => true,
        _ => false,
    }
}

/// `NameChar` without the colon.
#[inline]
pub(crate) fn is_ncname_char(c: u32) -> bool {
    match c {
        0x61..=0x7A | 0x41..=0x5A | 0x5F | 0x30..=0x39 | 0x2D | 0x2E => true,
        0xB7 | 0x300..=0x36F | 0x203F..=0x2040 => true,
        _ => is_ncname_start(c),
    }
}

/// Whether `s` is a non-empty `NCName`.
pub(crate) fn is_ncname(s: &str) -> bool {
    let mut it = s.chars();
    match it.next() {
        Some(c) if is_ncname_start(u32::from(c)) => it.all(|c| is_ncname_char(u32::from(c))),
        _ => false,
    }
}

/// Whether every character of `s` is an XML `Char`.
pub(crate) fn all_chars(s: &str) -> bool {
    s.chars().all(|c| is_char(u32::from(c)))
}

/// Whether `s` is acceptable as a namespace name: we additionally refuse whitespace and
/// control characters, which no URI contains (RFC 3986) and which only serve to confuse
/// implementations that compare namespace names differently.
pub(crate) fn is_namespace_name(s: &str) -> bool {
    if s.bytes().all(|b| b > 0x20 && b < 0x7F) {
        return true;
    }
    s.chars().all(|c| {
        let c = u32::from(c);
        c > 0x20 && !(0x7F..=0x9F).contains(&c) && is_char(c)
    })
}

/// [`is_namespace_name`] for bytes the parser has already checked as UTF-8.
pub(crate) fn is_namespace_name_bytes(s: &[u8]) -> bool {
    if printable_ascii(s) {
        return true;
    }
    core::str::from_utf8(s).is_ok_and(is_namespace_name)
}

/// Whether every byte of `s` is in 0x21..=0x7E, eight bytes at a time: a byte below
/// 0x21 borrows in `w - 0x21..`, a byte of 0x7F or more has bit 7 set in `w` or in
/// `w + 1..` (a carry out of a byte only comes from 0xFF, itself a hit), so the answer
/// for a whole word is exact.
/// A ragged end is read as the last eight bytes (overlapping the previous word) rather
/// than byte by byte.
fn printable_ascii(s: &[u8]) -> bool {
    use crate::swar::{HI, LO};
    let bad = |word: &[u8]| {
        let mut a = [0u8; 8];
        a.copy_from_slice(word);
        let w = u64::from_le_bytes(a);
        (w.wrapping_sub(LO * 0x21) & !w) | w | w.wrapping_add(LO)
    };
    let Some(last) = s.len().checked_sub(8) else {
        return s.iter().all(|&b| b.wrapping_sub(0x21) < 0x5E);
    };
    let mut acc = s.get(last..).map_or(HI, bad);
    for word in s.chunks_exact(8) {
        acc |= bad(word);
    }
    acc & HI == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_char(0x9) && is_char(0xA) && is_char(0xD) && is_char(0x20));
        assert!(!is_char(0) && !is_char(0x1F) && !is_char(0xFFFE) && !is_char(0xFFFF));
        assert!(is_char(0x10_FFFF) && !is_char(0x11_0000));
        assert!(is_ncname("a") && is_ncname("_x-1.2") && is_ncname("é"));
        assert!(!is_ncname("") && !is_ncname("1a") && !is_ncname("a:b") && !is_ncname("-a"));
        assert!(!is_ncname("a\u{37E}") && is_ncname("a\u{B7}"));
        assert!(is_namespace_name("jabber:client") && is_namespace_name(""));
        assert!(!is_namespace_name("a b") && !is_namespace_name("a\u{85}"));
        assert!(
            is_namespace_name_bytes(b"urn:x") && is_namespace_name_bytes("urn:\u{E9}".as_bytes())
        );
        assert!(!is_namespace_name_bytes(b"a b") && !is_namespace_name_bytes("a\u{85}".as_bytes()));
        assert!(!is_namespace_name_bytes(b"\xFF"));
        // Every byte value at every position of a word and of the tail.
        for len in 1..=17usize {
            for at in 0..len {
                for x in 0..=255u8 {
                    let mut v = vec![b'a'; len];
                    v[at] = x;
                    let want = (0x21..=0x7E).contains(&x);
                    assert_eq!(printable_ascii(&v), want, "{x:#x} at {at} of {len}");
                }
            }
        }
    }
}
