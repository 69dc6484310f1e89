//! Domainpart preparation,
//! [RFC 7622 §3.2](https://www.rfc-editor.org/rfc/rfc7622#section-3.2).
//!
//! Steps, in order:
//!
//! 1. A final label separator is removed, before anything else
//!    ([§3.2](https://www.rfc-editor.org/rfc/rfc7622#section-3.2)). We treat the four
//!    separators of IDNA (`.`, U+3002, U+FF0E, U+FF61) alike; only one is removed.
//! 2. `[...]` is an IPv6 literal, and a string of digits and dots is an IPv4 literal
//!    (see [`crate::ip`] for the normal form).
//! 3. Otherwise the name is mapped with UTS #46 (non-transitional, STD3 ASCII rules,
//!    CheckHyphens, CheckBidi, CheckJoiners; the `idna` crate), which also decodes
//!    A-labels to U-labels ([RFC 7622 §3.2.1](https://www.rfc-editor.org/rfc/rfc7622#section-3.2.1)
//!    requires U-labels).
//! 4. The mapped name must be a valid IDNA2008 name
//!    ([RFC 5891 §5.4](https://www.rfc-editor.org/rfc/rfc5891#section-5.4), RFC 5892,
//!    RFC 5893), checked with `xmpp_precis::idna2008::check_domain` over Unicode 15.0.
//! 5. No empty label, at most 63 octets per label and 253 per name in A-label form, at
//!    most 1023 octets as stored (U-labels).
//!
//! Shortcuts that give the same result (unit property tests compare them with the full
//! path):
//!
//! - ASCII names of letters, digits, hyphens and dots skip steps 3 and 4: for them UTS #46
//!   is lower-casing and IDNA2008 the hyphen rules, done here on bytes;
//! - names that are already U-labels of PVALID, left-to-right code points skip step 3
//!   (UTS #46 leaves them unchanged) and step 4 reduces to NFC, hyphen and leading-mark
//!   checks;
//! - after step 3, a name of such code points skips `check_domain`: UTS #46 already
//!   checked what it would.

use alloc::string::String;

use idna::punycode;
use idna::uts46::{AsciiDenyList, Hyphens, Uts46};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, is_nfc_quick};
use xmpp_precis::idna2008::{self, Property};

use crate::ascii::{self, CLASS, DOMAIN, UPPER};
use crate::error::{Error, Part};
use crate::ip;

/// Maximum octets of a part after preparation, RFC 7622 §3.1.
pub(crate) const MAX_PART: usize = 1023;

/// Maximum octets of a DNS label in A-label form
/// ([RFC 5890 §2.3.2.1](https://www.rfc-editor.org/rfc/rfc5890#section-2.3.2.1)).
pub(crate) const MAX_LABEL: usize = 63;

/// Maximum octets of a DNS name in A-label form, without a final dot.
pub(crate) const MAX_NAME: usize = 253;

const UTS46: Uts46 = Uts46::new();

/// Removes one final label separator (RFC 7622 §3.2).
fn strip_final_dot(d: &str) -> &str {
    ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}']
        .iter()
        .find_map(|&c| d.strip_suffix(c))
        .unwrap_or(d)
}

/// Checks the labels of an ASCII, lower-cased, LDH-only name.
///
/// `Err(None)` means a label needs the full IDNA path (hyphen placement, `xn--`).
fn check_ascii_labels(name: &str) -> Result<(), Option<Error>> {
    for (i, label) in name.as_bytes().split(|&b| b == b'.').enumerate() {
        if label.is_empty() {
            return Err(Some(Error::EmptyLabel { label: i + 1 }));
        }
        if label.len() > MAX_LABEL && !(label.len() >= 4 && label[2] == b'-' && label[3] == b'-') {
            return Err(Some(Error::LabelTooLong {
                label: i + 1,
                len: label.len(),
            }));
        }
        if !ascii::ldh_label_ok(label) {
            return Err(None);
        }
    }
    if name.len() > MAX_NAME {
        return Err(Some(Error::DomainTooLong { len: name.len() }));
    }
    Ok(())
}

/// Octets of the A-label form of `label`: its own length when it is ASCII, else `xn--`
/// plus its Punycode ([RFC 3492](https://www.rfc-editor.org/rfc/rfc3492), the `idna`
/// crate's encoder).
///
/// A label of more than 63 code points is too long whatever its encoding (every code
/// point costs at least one octet) and Punycode encoding is quadratic, so such a label
/// is not encoded: `4 + code points` is returned, a lower bound already over the limit.
/// (The encoder reports overflow only for labels far over the limit; such a label is
/// reported as one octet too long.)
pub(crate) fn a_label_len(label: &str) -> usize {
    if label.is_ascii() {
        return label.len();
    }
    let count = label.chars().count();
    if count > MAX_LABEL {
        return 4 + count;
    }
    punycode::encode_str(label).map_or(MAX_LABEL + 1, |p| 4 + p.len())
}

/// An upper bound of [`a_label_len`], computed in one cheap pass without encoding.
///
/// Punycode writes each non-ASCII code point as one variable-length integer whose
/// digits each divide the remaining value by at least 10 (36 minus a threshold of at
/// most 26). The value is at most about 0x10FFFF × 64 < 10^8 for labels of up to 63 code
/// points, so 9 digits always suffice; longer labels are far too long anyway. Add the
/// ASCII code points, the `-` delimiter and `xn--`.
fn a_label_len_bound(label: &str) -> usize {
    if label.is_ascii() {
        return label.len();
    }
    let (mut basic, mut other) = (0, 0);
    for c in label.chars() {
        if c.is_ascii() {
            basic += 1;
        } else {
            other += 1;
        }
    }
    4 + basic + 1 + 9 * other
}

/// Checks label emptiness and the DNS length limits on the A-label form of a mapped
/// (U-label) name.
fn check_lengths(name: &str) -> Result<(), Error> {
    let mut bound = 0usize;
    let mut every_label_fits = true;
    for (i, label) in name.split('.').enumerate() {
        if label.is_empty() {
            return Err(Error::EmptyLabel { label: i + 1 });
        }
        let b = a_label_len_bound(label);
        every_label_fits &= b <= MAX_LABEL;
        bound += b + 1;
    }
    // Most names are far within the limits: then the cheap upper bound decides, and no
    // label is Punycode-encoded (which allocates).
    // (`bound` counts one dot per label, one more than the name has.)
    if !(every_label_fits && bound <= MAX_NAME + 1) {
        let mut total = 0usize;
        for (i, label) in name.split('.').enumerate() {
            let len = a_label_len(label);
            if len > MAX_LABEL {
                return Err(Error::LabelTooLong { label: i + 1, len });
            }
            total += len + 1;
        }
        let total = total.saturating_sub(1);
        if total > MAX_NAME {
            return Err(Error::DomainTooLong { len: total });
        }
    }
    if name.len() > MAX_PART {
        return Err(Error::TooLong {
            part: Part::Domainpart,
            len: name.len(),
        });
    }
    Ok(())
}

/// Is every code point of `name` a lower-case LDH ASCII character, or non-ASCII,
/// IDNA2008 PVALID and not right-to-left?
///
/// For such a name `check_domain` has nothing left to check beyond what UTS #46
/// processing already checked (NFC, hyphen placement, leading combining marks): there
/// is no CONTEXTJ/CONTEXTO, DISALLOWED or UNASSIGNED code point, and it is not a Bidi
/// domain name ([RFC 5893 §2](https://www.rfc-editor.org/rfc/rfc5893#section-2)).
/// PVALID code points are also left unchanged by UTS #46 mapping (they are stable under
/// NFKC and case folding, [RFC 5892 §2.2](https://www.rfc-editor.org/rfc/rfc5892#section-2.2)).
pub(crate) fn pvalid_ltr(name: &str) -> bool {
    name.chars().all(|c| {
        if c.is_ascii() {
            CLASS[c as usize] & DOMAIN != 0
        } else {
            idna2008::property(c) == Property::Pvalid && !xmpp_precis::is_rtl(c)
        }
    })
}

/// For a name that passes [`pvalid_ltr`], the rest of what `check_domain` checks
/// ([RFC 5891 §5.4](https://www.rfc-editor.org/rfc/rfc5891#section-5.4)): no empty label,
/// hyphen placement, no leading combining mark, NFC. `false` also where unsure (NFC
/// quick check "maybe"): the full path then decides.
fn u_labels_ok(name: &str) -> bool {
    name.split('.').all(|label| {
        let mut chars = label.chars();
        let first = chars.next();
        let third_and_fourth = (chars.nth(1), chars.next());
        first.is_some_and(|c| c != '-' && !is_combining_mark(c))
            && !label.ends_with('-')
            && third_and_fourth != (Some('-'), Some('-'))
    }) && is_nfc_quick(name.chars()) == IsNormalized::Yes
}

/// Prepares the domainpart `input` and appends it to `out`. Positions in errors are
/// relative to `input`.
pub(crate) fn prepare_into(input: &str, out: &mut String) -> Result<(), Error> {
    let d = strip_final_dot(input);
    if d.is_empty() {
        return Err(Error::Empty(Part::Domainpart));
    }
    let bytes = d.as_bytes();
    if bytes[0] == b'[' {
        let text = ip::canonical_ip_literal(bytes).map_err(Error::BadIpLiteral)?;
        out.push_str(text.as_str());
        return Ok(());
    }
    // STD3 rules: the only ASCII allowed are letters, digits, hyphen and dot. (`<`, `=`
    // and `>` followed by a non-ASCII code point are left to UTS #46: with U+0338 they
    // compose to U+226E, U+2260, U+226F under NFC.)
    let disallowed = |(i, &b): (usize, &u8)| {
        b < 0x80
            && CLASS[b as usize] & (DOMAIN | UPPER) == 0
            && !(matches!(b, b'<' | b'=' | b'>') && bytes.get(i + 1).is_some_and(|&n| n >= 0x80))
    };
    if let Some(i) = bytes.iter().enumerate().position(disallowed) {
        return Err(Error::Disallowed {
            part: Part::Domainpart,
            position: i,
            ch: char::from(bytes[i]),
        });
    }
    if d.is_ascii() {
        if ip::looks_like_ipv4(bytes) {
            ip::check_ipv4(bytes).map_err(Error::BadIpLiteral)?;
            out.push_str(d);
            return Ok(());
        }
        let start = out.len();
        out.push_str(d);
        if let Some(added) = out.get_mut(start..) {
            added.make_ascii_lowercase();
        }
        match check_ascii_labels(&out[start..]) {
            Ok(()) => return Ok(()),
            Err(Some(e)) => {
                out.truncate(start);
                return Err(e);
            }
            Err(None) => out.truncate(start),
        }
    }
    // Already U-labels of PVALID, left-to-right code points (the usual case for stored or
    // well-formed addresses): UTS #46 would change nothing and the IDNA2008 checks left
    // are those of `u_labels_ok`.
    if pvalid_ltr(d) && u_labels_ok(d) && check_lengths(d).is_ok() {
        out.push_str(d);
        return Ok(());
    }
    prepare_idna_into(d, out)
}

/// The full path: UTS #46, then IDNA2008 validity and the length limits.
fn prepare_idna_into(d: &str, out: &mut String) -> Result<(), Error> {
    let (mapped, result) = UTS46.to_unicode(d.as_bytes(), AsciiDenyList::STD3, Hyphens::Check);
    if result.is_err() {
        let label = mapped
            .split('.')
            .position(|l| l.contains('\u{FFFD}'))
            .map_or(0, |i| i + 1);
        // For the message: what IDNA2008 says about the name as given.
        let mut lower = String::from(d);
        lower.make_ascii_lowercase();
        let reason = idna2008::check_domain(&lower).err();
        return Err(Error::Idna { label, reason });
    }
    let name: &str = &mapped;
    if ip::looks_like_ipv4(name.as_bytes()) {
        // For example full-width digits and dots.
        ip::check_ipv4(name.as_bytes()).map_err(Error::BadIpLiteral)?;
        out.push_str(name);
        return Ok(());
    }
    check_lengths(name)?;
    if !pvalid_ltr(name) {
        idna2008::check_domain(name).map_err(Error::Idna2008)?;
    }
    out.push_str(name);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;
    use proptest::prelude::*;

    fn prepare(input: &str) -> Result<String, Error> {
        let mut out = String::new();
        prepare_into(input, &mut out).map(|()| out)
    }

    /// `n` times `s`.
    fn rep(s: &str, n: usize) -> String {
        s.repeat(n)
    }

    #[test]
    fn a_label_lengths() {
        assert_eq!(a_label_len("example"), 7);
        assert_eq!(a_label_len("ü"), "xn--tda".len());
        // RFC 3492 and IDNA's classic example.
        assert_eq!(a_label_len("bücher"), "xn--bcher-kva".len());
        assert_eq!(a_label_len(&rep("中", 64)), 4 + 64);
    }

    /// A label whose A-label is 63 octets is accepted, 64 rejected; the A-labels written
    /// out here were computed independently (Python's `punycode` codec).
    #[test]
    fn label_limit_in_a_label_form() {
        // ASCII plus one non-ASCII code point: 57 UTF-8 octets, 63 as an A-label.
        let ok = format!("ü{}", rep("a", 55));
        assert_eq!(prepare(&ok).as_deref(), Ok(ok.as_str()));
        let a_label = format!("xn--{}-oxf", rep("a", 55));
        assert_eq!(a_label.len(), 63);
        assert_eq!(prepare(&a_label).as_deref(), Ok(ok.as_str()));
        let long = format!("ü{}", rep("a", 56));
        assert_eq!(
            prepare(&long),
            Err(Error::LabelTooLong { label: 1, len: 64 })
        );
        let a_label = format!("xn--{}-70f", rep("a", 56));
        assert_eq!(
            prepare(&a_label),
            Err(Error::LabelTooLong { label: 1, len: 64 })
        );

        // Only non-ASCII code points: 114 UTF-8 octets, 63 as an A-label.
        let ok = rep("é", 57);
        assert_eq!(prepare(&ok).as_deref(), Ok(ok.as_str()));
        let a_label = format!("xn--9ca{}", rep("a", 56));
        assert_eq!(a_label.len(), 63);
        assert_eq!(prepare(&a_label).as_deref(), Ok(ok.as_str()));
        let long = format!("example.{}", rep("é", 58));
        assert_eq!(
            prepare(&long),
            Err(Error::LabelTooLong { label: 2, len: 64 })
        );
        assert_eq!(
            prepare(&long).map_err(|e| e.to_string()),
            Err(
                "domainpart: label 2 is too long (64 octets as an A-label, at most 63)".to_string()
            )
        );
    }

    /// A name of 253 octets in A-label form is accepted, 254 rejected, when its length as
    /// stored (U-labels) is well below both.
    #[test]
    fn name_limit_in_a_label_form() {
        let label63 = rep("中", 57); // xn--fiq + 56 × a
        let label61 = rep("中", 55);
        let label62 = rep("中", 56);
        let ok = format!("{label63}.{label63}.{label63}.{label61}");
        assert_eq!(prepare(&ok).as_deref(), Ok(ok.as_str()));
        let long = format!("{label63}.{label63}.{label63}.{label62}");
        assert_eq!(prepare(&long), Err(Error::DomainTooLong { len: 254 }));
    }

    proptest! {
        /// The cheap bound never undercounts: where it says "fits", the A-label fits.
        #[test]
        fn bound_is_an_upper_bound(label in "[a-z0-9\\-éü中\u{10000}-\u{10FFFF}\\PC]{1,63}") {
            let label: String = label.chars().filter(|&c| c != '.').collect();
            prop_assert!(a_label_len(&label) <= a_label_len_bound(&label));
        }
    }
}
