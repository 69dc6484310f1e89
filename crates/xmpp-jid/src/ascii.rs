//! The ASCII fast path: one byte-class table and the "already normal" check.
//!
//! For ASCII input every rule of RFC 7622 reduces to byte classes:
//!
//! - localpart (`UsernameCaseMapped`): the IdentifierClass allows every printable ASCII
//!   character `!`..`~` ([RFC 8264 §9.11](https://www.rfc-editor.org/rfc/rfc8264#section-9.11)),
//!   case mapping lowers `A`-`Z`, width mapping and NFC change nothing, the Bidi Rule does
//!   not apply to strings without right-to-left characters; RFC 7622 then excludes
//!   `" & ' / : < > @` ([§3.3.1](https://www.rfc-editor.org/rfc/rfc7622#section-3.3.1));
//! - resourcepart (`OpaqueString`): the FreeformClass allows space and every printable
//!   ASCII character, and nothing is mapped;
//! - domainpart: UTS #46 with STD3 rules maps `A`-`Z` to lower case and allows only
//!   letters, digits, hyphen and dot; IDNA2008 adds the hyphen placement rules.
//!
//! No Unicode table is consulted on this path.

use crate::ip;

/// Byte allowed in a localpart, already in normal form.
pub(crate) const LOCAL: u8 = 1;
/// Byte allowed in a localpart or domainpart, needing case mapping (`A`-`Z`).
pub(crate) const UPPER: u8 = 2;
/// Byte allowed in a resourcepart (no mapping ever).
pub(crate) const RESOURCE: u8 = 4;
/// Byte allowed in a domain label or as the label separator, already in normal form.
pub(crate) const DOMAIN: u8 = 8;
/// The part separators `@` and `/`.
const SEP: u8 = 16;
/// The label separator `.` and the hyphen `-`, which have placement rules.
const PUNCT: u8 = 32;
/// A byte of a non-ASCII code point.
const HIGH: u8 = 128;

/// The byte-class table. Bytes 0x80 and above (non-ASCII) are only [`HIGH`].
pub(crate) static CLASS: [u8; 256] = build_classes();

const fn build_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut h = 0x80usize;
    while h <= 0xff {
        t[h] = HIGH;
        h += 1;
    }
    let mut b = 0x20usize;
    while b <= 0x7e {
        let mut c = RESOURCE;
        let ch = b as u8;
        if ch != b' ' {
            if ch.is_ascii_uppercase() {
                c |= UPPER;
            } else if !is_excluded_ascii(ch) {
                c |= LOCAL;
            }
        }
        if ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == b'-' || ch == b'.' {
            c |= DOMAIN;
        }
        if ch == b'@' || ch == b'/' {
            c |= SEP;
        }
        if ch == b'.' || ch == b'-' {
            c |= PUNCT;
        }

        t[b] = c;
        b += 1;
    }
    t
}

/// The characters that RFC 7622 §3.3.1 excludes from localparts.
pub(crate) const fn is_excluded_ascii(b: u8) -> bool {
    matches!(b, b'"' | b'&' | b'\'' | b'/' | b':' | b'<' | b'>' | b'@')
}

/// Do all bytes of `s` have one of the classes in `mask`?
#[inline]
pub(crate) fn all_in(s: &[u8], mask: u8) -> bool {
    s.iter().all(|&b| CLASS[b as usize] & mask != 0)
}

/// Is `label` (ASCII, lower case) a valid LDH label that needs no IDNA processing?
/// False for hyphens at the start or end or in positions 3 and 4 (which includes the
/// `xn--` A-labels: those are decoded to U-labels on the full path).
#[inline]
pub(crate) fn ldh_label_ok(label: &[u8]) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && label[0] != b'-'
        && label[label.len() - 1] != b'-'
        && !(label.len() >= 4 && label[2] == b'-' && label[3] == b'-')
}

/// Offsets of the parts inside a normalised JID string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Layout {
    /// Start of the domainpart: 0 without a localpart, else one past the `@`.
    pub(crate) domain_start: u16,
    /// End of the domainpart: the index of the `/`, or the string length.
    pub(crate) domain_end: u16,
}

/// Is this ASCII domainpart already in normal form?
///
/// One pass of byte classes, then the label rules.
pub(crate) fn domain_is_normal(d: &[u8]) -> bool {
    if d.is_empty() || d.len() > 253 {
        return false;
    }
    if d[0] == b'[' {
        return ip::canonical_ip_literal(d).is_ok_and(|t| t.as_str().as_bytes() == d);
    }
    if !all_in(d, DOMAIN) || !d.split(|&b| b == b'.').all(ldh_label_ok) {
        return false;
    }
    if ip::looks_like_ipv4(d) {
        return ip::parse_ipv4(d).is_some();
    }
    true
}

/// If `s` is all ASCII and already a normalised JID, returns its layout.
///
/// This is the fast path: byte-class checks only, no allocation, no Unicode tables.
/// `None` means "take the full path" (which may still succeed).
pub(crate) fn normal_layout(s: &str) -> Option<Layout> {
    let b = s.as_bytes();
    // One pass over the head (up to the first '/'): the last '@', the classes of what is
    // before it (an earlier '@' has no LOCAL bit, so it fails there), and the classes and
    // labels of what is after it (the domainpart candidate).
    // `seg_and` folds (ANDs) the byte classes since the last '@'; `bad_label` records a
    // label rule broken since then (checked at each `.` and `-`).
    let mut seg_and = LOCAL | DOMAIN;
    let mut local_and = LOCAL;
    let mut at = None;
    let mut slash = b.len();
    let mut label_start = 0;
    let mut bad_label = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let k = CLASS[c as usize];
        if k & (SEP | PUNCT | HIGH) != 0 {
            if k & HIGH != 0 {
                // Non-ASCII: the full path.
                return None;
            }
            match c {
                b'/' => {
                    slash = i;
                    break;
                }
                b'@' => {
                    // A second '@' leaves the first in the localpart, where it fails.
                    local_and = if at.is_none() { seg_and } else { 0 };
                    at = Some(i);
                    seg_and = LOCAL | DOMAIN;
                    label_start = i + 1;
                    bad_label = false;
                    i += 1;
                    continue;
                }
                b'.' => {
                    // End of a label: not empty, at most 63, no final hyphen.
                    let len = i - label_start;
                    bad_label |= len == 0 || len > 63 || b[i - 1] == b'-';
                    label_start = i + 1;
                }
                _ => {
                    // A hyphen: not first, and not both third and fourth.
                    let pos = i - label_start;
                    bad_label |= pos == 0 || (pos == 3 && b[i - 1] == b'-');
                }
            }
        }
        seg_and &= k;
        i += 1;
    }
    let d_and = seg_and;
    let domain_start = match at {
        Some(a) if a == 0 || a > 1023 || local_and & LOCAL == 0 => return None,
        Some(a) => a + 1,
        None => 0,
    };
    let domain = b.get(domain_start..slash)?;
    if d_and & DOMAIN != 0 {
        let last = slash - label_start;
        if bad_label || last == 0 || last > 63 || b[slash - 1] == b'-' || domain.len() > 253 {
            return None;
        }
        // Digits and dots only, with at least one dot: an IPv4 literal. (Looked at only
        // when the name ends in a digit, as such a name does.)
        if domain.last().is_some_and(u8::is_ascii_digit) && ip::looks_like_ipv4(domain) {
            ip::parse_ipv4(domain)?;
        }
    } else if domain.first() != Some(&b'[') || !domain_is_normal(domain) {
        return None;
    }
    if slash < b.len() {
        let res = b.get(slash + 1..)?;
        if res.is_empty() || res.len() > 1023 || !all_in(res, RESOURCE) {
            return None;
        }
    }
    Some(Layout {
        domain_start: u16::try_from(domain_start).ok()?,
        domain_end: u16::try_from(slash).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(CLASS[b'a' as usize], LOCAL | RESOURCE | DOMAIN);
        assert_eq!(CLASS[b'A' as usize], UPPER | RESOURCE);
        assert_eq!(CLASS[b' ' as usize], RESOURCE);
        assert_eq!(CLASS[b'"' as usize], RESOURCE);
        assert_eq!(CLASS[b'_' as usize], LOCAL | RESOURCE);
        assert_eq!(CLASS[b'.' as usize], LOCAL | RESOURCE | DOMAIN | PUNCT);
        assert_eq!(CLASS[b'-' as usize], LOCAL | RESOURCE | DOMAIN | PUNCT);
        assert_eq!(CLASS[b'7' as usize], LOCAL | RESOURCE | DOMAIN);
        assert_eq!(CLASS[b'@' as usize], RESOURCE | SEP);
        assert_eq!(CLASS[0x7f], 0);
        assert_eq!(CLASS[0x1f], 0);
        assert_eq!(CLASS[0xc3], HIGH);
    }

    #[test]
    fn fast_path_decisions() {
        assert!(normal_layout("user@example.com/res").is_some());
        assert!(normal_layout("example.com").is_some());
        assert!(normal_layout("a@192.0.2.1").is_some());
        assert!(normal_layout("a@[2001:db8::1]/x").is_some());
        for s in [
            "User@example.com",
            "user@Example.com",
            "user@example.com.",
            "user@xn--tda.com",
            "user@-a.com",
            "user@ab--c.com",
            "@example.com",
            "user@",
            "user@example.com/",
            "user@1.2.3",
            "user@[2001:DB8::1]",
            "us er@example.com",
            "u\"@example.com",
            "ü@example.com",
            "user@exa_mple.com",
        ] {
            assert!(normal_layout(s).is_none(), "{s}");
        }
        let l = normal_layout("ab@cd/ef").unwrap_or(Layout {
            domain_start: 0,
            domain_end: 0,
        });
        assert_eq!((l.domain_start, l.domain_end), (3, 5));
    }
}
