//! The ASCII fast path: one byte-class table and one pass that accepts the ASCII JIDs
//! whose normal form is themselves, or themselves with `A`-`Z` lowered before the `/`.
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
//! No Unicode table is consulted on this path, and there is no allocation but the result.

use crate::domain::{MAX_LABEL, MAX_NAME, MAX_PART};
use crate::ip;

/// Byte allowed in a localpart, already in normal form.
pub(crate) const LOCAL: u8 = 1;
/// Byte allowed in a localpart or domainpart, needing case mapping (`A`-`Z`).
pub(crate) const UPPER: u8 = 2;
/// Byte allowed in a resourcepart (no mapping ever).
pub(crate) const RESOURCE: u8 = 4;
/// Byte allowed in a domain label or as the label separator, already in normal form.
pub(crate) const DOMAIN: u8 = 8;
/// `a`-`z`: normal in all three parts and under no rule, so the fast path steps over
/// them.
const PLAIN: u8 = 16;
/// `-`, which has placement rules in domain labels.
const HYPHEN: u8 = 32;
/// Allowed in a localpart but not in a domainpart (`!`, `_`, `+`, ...).
const NOT_DOMAIN: u8 = 64;
/// `0`-`9`: a name whose last label has one may be an IPv4 literal.
const DIGIT: u8 = 128;

/// The byte-class table: for each byte, the parts it may appear in and what the fast
/// path has to note about it. Bytes that are valid nowhere (controls, DEL, non-ASCII)
/// have no bit.
pub(crate) static CLASS: [u8; 256] = build_classes();

const fn build_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
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
        if ch.is_ascii_lowercase() {
            c |= DOMAIN | PLAIN;
        } else if ch.is_ascii_digit() {
            c |= DOMAIN | DIGIT;
        } else if ch == b'-' {
            c |= DOMAIN | HYPHEN;
        } else if ch == b'.' {
            c |= DOMAIN;
        } else if c & LOCAL != 0 {
            c |= NOT_DOMAIN;
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
        && label.len() <= MAX_LABEL
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

/// An input the fast path accepts: its layout, and whether it needs lowering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fast {
    /// Where the parts are (the same before and after lowering).
    pub(crate) layout: Layout,
    /// The localpart or domainpart has `A`-`Z`, which both map to lower case.
    lower: bool,
}

impl Fast {
    /// Turns the accepted input `s` into its normal form, in place: lowers `A`-`Z` up to
    /// the end of the domainpart (the resourcepart keeps its case).
    #[inline]
    pub(crate) fn normalise(self, s: &mut str) -> Layout {
        if self.lower {
            lower_head(s, usize::from(self.layout.domain_end));
        }
        self.layout
    }
}

/// Lowers `A`-`Z` in `s` up to `end`. Out of line, so that an input already in lower
/// case, the usual one, pays only for the test of `lower`.
#[inline(never)]
fn lower_head(s: &mut str, end: usize) {
    if let Some(head) = s.get_mut(..end) {
        head.make_ascii_lowercase();
    }
}

/// Is this domainpart already in normal form by the fast path's rules? (`false` also
/// for some normal ones, such as IPv6 literals: the caller then takes the full path.)
pub(crate) fn domain_is_normal(d: &str) -> bool {
    let whole = Layout {
        domain_start: 0,
        domain_end: u16::try_from(d.len()).unwrap_or(0),
    };
    scan(d).is_some_and(|f| !f.lower && f.layout == whole)
}

/// The fast path: accepts an all-ASCII JID whose normal form is the input with `A`-`Z`
/// lowered in the localpart and domainpart. `None` means "take the full path" (which
/// may still succeed): for non-ASCII, IP literals (`[`), a final or doubled dot, labels
/// that need IDNA (`xn--`) or break the hyphen rules, excluded or disallowed
/// characters, and every length over a limit.
///
/// For ASCII every rule of RFC 7622 reduces to byte classes (see the module docs), plus
/// the DNS label rules in the domainpart: labels of 1 to 63 octets, no hyphen first,
/// last, or in both positions 3 and 4, at most 253 octets in all, and a name of digits
/// and dots is an IPv4 literal.
///
/// One pass over the head (the part before the first `/`). The lower-case letters that
/// make up most of any JID are skipped eight at a time ([`skip_plain`]); each other
/// byte is classified with the table: `/`, `@` and `.` move the split points, and any
/// other byte either ends the fast path or only adds its class bits to `seen`, checked
/// once at the end. The domain rules that need more than that are checked only for the
/// few names they may concern ([`rare_domain_rules`]): those with a hyphen, a label
/// that might be too long, or a digit in the last label (which an IPv4 literal has).
/// The resourcepart only has to be printable, eight bytes at a time, and a short one
/// is one word ([`printable`]). This path runs for nearly every JID a server sees, so
/// it is kept to a few instructions per byte (`examples/jid-profile.rs` counts them).
#[inline]
pub(crate) fn scan(s: &str) -> Option<Fast> {
    let b = s.as_bytes();
    // One past the '@' (0 before one is seen), and the start of the current label.
    let (mut domain_start, mut label_start) = (0, 0);
    // The class bits of the other bytes since the '@' (UPPER: since the start; DIGIT:
    // since the last '.'), and NOT_DOMAIN for an empty label. Checked at the end, since
    // a later '@' turns what came before into the localpart.
    let mut seen = 0u8;
    let mut i = skip_plain(b, 0);
    while let Some(&c) = b.get(i) {
        let class = CLASS[usize::from(c)];
        match c {
            b'/' => break,
            b'@' => {
                // The localpart is 1 to 1023 octets without '@' (with two '@', the
                // full path names the error).
                if domain_start != 0 || i == 0 || i > MAX_PART {
                    return None;
                }
                domain_start = i + 1;
                label_start = i + 1;
                seen &= UPPER;
            }
            b'.' => {
                // A new label: the digits of the last one say nothing about it.
                seen &= !DIGIT;
                if i == label_start {
                    seen = empty_label(seen);
                }
                label_start = i + 1;
            }
            // Upper-case letters, hyphens, digits, localpart-only characters note their
            // class.
            _ if class & (LOCAL | UPPER) != 0 => seen |= class,
            // Valid in neither a localpart nor a domainpart as they stand (space,
            // excluded characters, controls, non-ASCII, '[' of an IP literal).
            _ => return None,
        }
        i = skip_plain(b, i + 1);
    }
    let slash = i;

    // `domain_start` is at most `slash`: were it not, the length would wrap to far above
    // the limit.
    let domain_len = slash.wrapping_sub(domain_start);
    // An empty last label is an empty domainpart or a final dot.
    if slash == label_start || domain_len > MAX_NAME {
        return None;
    }
    if (seen & (NOT_DOMAIN | HYPHEN | DIGIT) != 0 || domain_len > MAX_LABEL)
        && !rare_domain_rules(b.get(domain_start..slash), seen)
    {
        return None;
    }

    // The resourcepart: 1 to 1023 octets of printable ASCII or space.
    if slash < b.len() {
        let len = b.len() - slash - 1;
        if len == 0 || !printable(b, len) {
            return None;
        }
    }
    Some(Fast {
        layout: Layout {
            domain_start: u16::try_from(domain_start).ok()?,
            domain_end: u16::try_from(slash).ok()?,
        },
        lower: seen & UPPER != 0,
    })
}

/// `seen` with [`NOT_DOMAIN`] for an empty label. Out of line and cold, so that the
/// usual non-empty label costs a branch that is not taken rather than a conditional
/// move.
#[cold]
#[inline(never)]
fn empty_label(seen: u8) -> u8 {
    seen | NOT_DOMAIN
}

/// Skips the bytes from `i` on that need no look: returns the index of the first byte
/// that is not `a`-`z`, or `b.len()`.
///
/// Eight bytes at a time while there are eight ([`not_lower`]): such a word costs about
/// as much as two steps of a loop over bytes, and most bytes of a JID are lower-case
/// letters. The last few bytes go one at a time. (Reading them as the last eight bytes
/// of the input, masked, measured a few instructions more in all.)
#[inline(always)]
fn skip_plain(b: &[u8], mut i: usize) -> usize {
    while let Some(word) = b.get(i..i + 8) {
        let marked = not_lower(u64::from_le_bytes(word.try_into().unwrap_or([0; 8])));
        if marked != 0 {
            // The lowest marked byte: the first in the input (little-endian).
            return i + (marked.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if CLASS[usize::from(c)] & PLAIN == 0 {
            return i;
        }
        i += 1;
    }
    i
}

/// Are the last `len` bytes of `b` (1 to `b.len()`), the resourcepart, at most 1023
/// printable ASCII characters or spaces? The bytes before them are the head's, already
/// known to be printable.
///
/// Eight bytes at a time ([`not_printable`]). A resourcepart of at most eight bytes in
/// an input of at least eight, the usual case, takes one word: the last eight bytes,
/// the head's among them too, being printable.
#[inline(always)]
fn printable(b: &[u8], len: usize) -> bool {
    // The last eight bytes (for an input of fewer, the start wraps around and `get`
    // gives `None`).
    if let Some(last) = b.get(b.len().wrapping_sub(8)..)
        && len <= 8
        && let Some(last) = last.first_chunk::<8>()
    {
        return not_printable(u64::from_le_bytes(*last)) == 0;
    }
    len <= MAX_PART && printable_words(b.get(b.len() - len..).unwrap_or_default())
}

/// Are all bytes of `s` printable ASCII or space? Eight at a time; the last eight bytes
/// may overlap bytes already checked, and a string shorter than eight goes byte by
/// byte.
#[inline(never)]
fn printable_words(s: &[u8]) -> bool {
    let (words, rest) = s.as_chunks::<8>();
    if words
        .iter()
        .any(|w| not_printable(u64::from_le_bytes(*w)) != 0)
    {
        return false;
    }
    match s.last_chunk::<8>() {
        Some(last) => rest.is_empty() || not_printable(u64::from_le_bytes(*last)) == 0,
        None => all_in(s, RESOURCE),
    }
}

/// The high bit of each byte of the word `w` that is not printable ASCII or space
/// (`0x20`-`0x7e`), the bytes a resourcepart may not hold on the fast path: exact up to
/// and including the lowest non-ASCII byte (see [`at_least`]).
#[inline(always)]
fn not_printable(w: u64) -> u64 {
    let printable = at_least(w, b' ') & !at_least(w, 0x7f);
    (!printable | w) & HIGHS
}

/// `0x01` in each byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte of a word.
const HIGHS: u64 = ONES * 0x80;

/// For each byte of `w` below `0x80`: its high bit set when the byte is at least `c`
/// (`c` from `0x01` to `0x80`). Adding `0x80 - c` to such a byte stays below `0x100`,
/// so it carries nothing into the byte above. A byte of `0x80` or more may carry, which
/// makes the bits of the bytes above the lowest such byte unreliable: the callers mark
/// that byte itself (`| w`) and use only the lowest marked byte or whether any byte is
/// marked, so no answer depends on them. (Clearing the high bits first would make every
/// byte exact, at one more operation and one more constant per word.)
#[inline(always)]
fn at_least(w: u64, c: u8) -> u64 {
    w.wrapping_add(ONES * u64::from(0x80 - c))
}

/// The high bit of each byte of the word `w` that is not `a`-`z`, exact up to and
/// including the lowest non-ASCII byte (see [`at_least`]).
#[inline(always)]
fn not_lower(w: u64) -> u64 {
    let lower = at_least(w, b'a') & !at_least(w, b'z' + 1);
    (!lower | w) & HIGHS
}

/// The domainpart rules that only some names need checked, kept off the common path:
/// no empty label (`seen` has [`NOT_DOMAIN`] for one, and for localpart-only
/// characters), label lengths and hyphen placement, and a name of digits and dots (with
/// at least one dot) must be a valid IPv4 literal.
#[inline(never)]
fn rare_domain_rules(domain: Option<&[u8]>, seen: u8) -> bool {
    let Some(domain) = domain else {
        return false;
    };
    if seen & NOT_DOMAIN != 0 {
        return false;
    }
    if ip::looks_like_ipv4(domain) {
        return ip::parse_ipv4(domain).is_some();
    }
    domain.split(|&c| c == b'.').all(ldh_label_ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert_eq!(CLASS[b'a' as usize], LOCAL | RESOURCE | DOMAIN | PLAIN);
        assert_eq!(CLASS[b'7' as usize], LOCAL | RESOURCE | DOMAIN | DIGIT);
        assert_eq!(CLASS[b'A' as usize], UPPER | RESOURCE);
        assert_eq!(CLASS[b' ' as usize], RESOURCE);
        assert_eq!(CLASS[b'"' as usize], RESOURCE);
        assert_eq!(CLASS[b'_' as usize], LOCAL | RESOURCE | NOT_DOMAIN);
        assert_eq!(CLASS[b'.' as usize], LOCAL | RESOURCE | DOMAIN);
        assert_eq!(CLASS[b'-' as usize], LOCAL | RESOURCE | DOMAIN | HYPHEN);
        assert_eq!(CLASS[b'@' as usize], RESOURCE);
        assert_eq!(CLASS[b'/' as usize], RESOURCE);
        assert_eq!(CLASS[0x7f], 0);
        assert_eq!(CLASS[0x1f], 0);
        assert_eq!(CLASS[0xc3], 0);
    }

    fn layout(s: &str) -> Option<(u16, u16, bool)> {
        scan(s).map(|f| (f.layout.domain_start, f.layout.domain_end, f.lower))
    }

    #[test]
    fn fast_path_decisions() {
        assert_eq!(layout("user@example.com/res"), Some((5, 16, false)));
        assert_eq!(layout("example.com"), Some((0, 11, false)));
        assert_eq!(layout("a@192.0.2.1"), Some((2, 11, false)));
        assert_eq!(layout("ab@cd/ef"), Some((3, 5, false)));
        assert_eq!(layout(".a-@b-c.d/x"), Some((4, 9, false)));
        assert_eq!(layout("User@Example.COM/Res"), Some((5, 16, true)));
        assert_eq!(layout("user@example.com/RES"), Some((5, 16, false)));
        assert_eq!(layout("a.example/b@c"), Some((0, 9, false)));
        assert_eq!(
            layout(&alloc::format!("a@{}", "b".repeat(63))),
            Some((2, 65, false))
        );
        // Digits: only a last label with one asks whether the name is an IPv4 literal.
        assert_eq!(layout("a@1.2.3.4"), Some((2, 9, false)));
        assert_eq!(layout("user@192.0.2.1/res"), Some((5, 14, false)));
        assert_eq!(layout("a@b.c1"), Some((2, 6, false)));
        assert_eq!(layout("a@12345678.example"), Some((2, 18, false)));
        assert_eq!(layout("a@example.12345678x"), Some((2, 19, false)));
        assert_eq!(layout("u7@example.com"), Some((3, 14, false)));
        // Resourceparts of one word (the last eight bytes), shorter inputs, longer ones.
        assert_eq!(layout("a@b/c"), Some((2, 3, false)));
        assert_eq!(layout("a@b/ ~"), Some((2, 3, false)));
        assert_eq!(layout("user@example.com/12345678"), Some((5, 16, false)));
        assert_eq!(layout("user@example.com/123456789"), Some((5, 16, false)));
        assert_eq!(layout("user@example.com/a/b@c d"), Some((5, 16, false)));
        for s in [
            "",
            "user@example.com.",
            "user@example..com",
            "user@.example.com",
            "user@xn--tda.com",
            "user@XN--tda.com",
            "user@-a.com",
            "user@a-.com",
            "user@ab--c.com",
            "@example.com",
            "user@",
            "a@b@c",
            "user@example.com/",
            "user@1.2.3",
            "user@[2001:db8::1]",
            "us er@example.com",
            "u\"@example.com",
            "ü@example.com",
            "user@exa_mple.com",
            "user@example.com/\u{7f}",
            "a@1.2.3.999",
            "a@1.2.3.04",
            "a@1.2.3.4.5",
            "a@b/\u{7f}",
            "a@b/\t",
            "a@b/é",
            "user@example.com/1234567\u{7f}",
            "user@example.com/\u{0}2345678",
            "user@example.com/123456789\u{1f}",
            "user@example.com/1\u{7f}3456789",
            "user@example.com/résource",
            "user@example.com/\u{80}",
        ] {
            assert_eq!(layout(s), None, "{s}");
        }
        assert_eq!(layout(&alloc::format!("a@{}", "b".repeat(64))), None);
    }

    #[test]
    fn normalise_lowers_the_head_only() {
        let mut s = alloc::string::String::from("User@Example.COM/Res");
        let fast = scan(&s);
        assert_eq!(
            fast.map(|f| f.normalise(&mut s)),
            Some(Layout {
                domain_start: 5,
                domain_end: 16
            })
        );
        assert_eq!(s, "user@example.com/Res");
    }
}
