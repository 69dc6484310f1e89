//! The Bidi Rule of [RFC 5893 §2](https://www.rfc-editor.org/rfc/rfc5893#section-2).

use crate::tables;

/// The Unicode Bidi_Class property (UAX #9), Unicode 15.0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BidiClass {
    /// Left-to-right.
    L,
    /// Right-to-left.
    R,
    /// Arabic letter.
    Al,
    /// European number.
    En,
    /// European separator.
    Es,
    /// European terminator.
    Et,
    /// Arabic number.
    An,
    /// Common separator.
    Cs,
    /// Nonspacing mark.
    Nsm,
    /// Boundary neutral.
    Bn,
    /// Paragraph separator.
    B,
    /// Segment separator.
    S,
    /// Whitespace.
    Ws,
    /// Other neutral.
    On,
    /// Left-to-right embedding.
    Lre,
    /// Left-to-right override.
    Lro,
    /// Right-to-left embedding.
    Rle,
    /// Right-to-left override.
    Rlo,
    /// Pop directional format.
    Pdf,
    /// Left-to-right isolate.
    Lri,
    /// Right-to-left isolate.
    Rli,
    /// First strong isolate.
    Fsi,
    /// Pop directional isolate.
    Pdi,
}

/// The Bidi_Class of `c` (Unicode 15.0, defaults for unassigned code points included).
pub fn bidi_class(c: char) -> BidiClass {
    tables::bidi_class(c)
}

/// Whether `c` is R, AL or AN: a string holding one is a "Bidi domain name" label
/// ([RFC 5893 §1.4](https://www.rfc-editor.org/rfc/rfc5893#section-1.4)), and the
/// PRECIS Username profiles apply the Bidi Rule to it.
pub fn is_rtl(c: char) -> bool {
    // No R, AL or AN code point lies below the Hebrew block (checked by a test).
    if c < '\u{0590}' {
        return false;
    }
    matches!(bidi_class(c), BidiClass::R | BidiClass::Al | BidiClass::An)
}

/// Whether `s` holds any R, AL or AN character.
pub(crate) fn has_rtl(s: &str) -> bool {
    !s.is_ascii() && s.chars().any(is_rtl)
}

/// Which condition of the Bidi Rule failed, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Violation {
    /// Byte offset of the offending character.
    pub position: usize,
    /// The offending character.
    pub code_point: char,
    /// The condition (1 to 6) of RFC 5893 §2.
    pub condition: u8,
}

/// Checks the six conditions of the Bidi Rule
/// ([RFC 5893 §2](https://www.rfc-editor.org/rfc/rfc5893#section-2)) on `s`.
/// An empty string passes (there is nothing to check).
pub(crate) fn check(s: &str) -> Result<(), Violation> {
    use BidiClass::*;
    let Some(first) = s.chars().next() else {
        return Ok(());
    };
    let fail = |position: usize, code_point: char, condition: u8| {
        Err(Violation {
            position,
            code_point,
            condition,
        })
    };
    let rtl = match bidi_class(first) {
        L => false,
        R | Al => true,
        _ => return fail(0, first, 1),
    };
    // Conditions 2 and 5: the allowed classes.
    for (i, c) in s.char_indices() {
        let allowed = match bidi_class(c) {
            En | Es | Cs | Et | On | Bn | Nsm => true,
            R | Al | An => rtl,
            L => !rtl,
            _ => false,
        };
        if !allowed {
            return fail(i, c, if rtl { 2 } else { 5 });
        }
    }
    // Conditions 3 and 6: the last character that is not NSM.
    if let Some((i, c)) = s.char_indices().rev().find(|&(_, c)| bidi_class(c) != Nsm) {
        let ok = match bidi_class(c) {
            L | En => !rtl || bidi_class(c) == En,
            R | Al | An => rtl,
            _ => false,
        };
        if !ok {
            return fail(i, c, if rtl { 3 } else { 6 });
        }
    }
    // Condition 4: EN and AN do not mix in an RTL label.
    if rtl {
        let mut seen = None;
        for (i, c) in s.char_indices() {
            let class = bidi_class(c);
            if matches!(class, En | An) {
                match seen {
                    None => seen = Some(class),
                    Some(prev) if prev != class => return fail(i, c, 4),
                    Some(_) => {}
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn condition(s: &str) -> Option<u8> {
        check(s).err().map(|v| v.condition)
    }

    #[test]
    fn conditions() {
        assert_eq!(condition("abc"), None);
        assert_eq!(condition("\u{5D0}\u{5D1}"), None);
        assert_eq!(condition("\u{5D0}\u{20D6}\u{5D1}"), None);
        assert_eq!(condition("\u{5D0}\u{5D1}+"), Some(3));
        assert_eq!(condition("+\u{5D0}\u{5D1}"), Some(1));
        assert_eq!(condition("A\u{5D0}\u{5D1}"), Some(5));
        assert_eq!(condition("\u{5D0}A\u{5D1}"), Some(2));
        assert_eq!(condition("\u{5D0}1\u{5D1}"), None);
        assert_eq!(condition("\u{627}1\u{661}"), Some(4));
        assert_eq!(condition("\u{5D0}1"), None);
        assert_eq!(condition("a1"), None);
        assert_eq!(condition("a+"), Some(6));
        assert_eq!(condition(""), None);
        assert!(has_rtl("a\u{5D0}"));
        assert!(has_rtl("\u{661}"));
        assert!(!has_rtl("abc\u{E9}"));
    }

    #[test]
    fn nothing_rtl_below_hebrew() {
        for c in '\0'..'\u{0590}' {
            assert!(!matches!(
                bidi_class(c),
                BidiClass::R | BidiClass::Al | BidiClass::An
            ));
        }
    }
}
