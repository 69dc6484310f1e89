//! IDNA2008 validity of domain labels: the derived property of
//! [RFC 5892 §2-3](https://www.rfc-editor.org/rfc/rfc5892#section-3) over Unicode 15.0,
//! the U-label checks of [RFC 5891 §5.4](https://www.rfc-editor.org/rfc/rfc5891#section-5.4)
//! and the Bidi Rule of [RFC 5893](https://www.rfc-editor.org/rfc/rfc5893#section-2).
//!
//! These functions check; they do not map. Callers that accept user input map it
//! first (for example with UTS #46) and convert A-labels (`xn--...`) to U-labels.

use core::fmt;

use crate::bidi;
use crate::context::{self, ContextRule};
use crate::tables;

/// The IDNA2008 derived property of a code point
/// ([RFC 5892 §2](https://www.rfc-editor.org/rfc/rfc5892#section-2)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Property {
    /// Protocol-valid.
    Pvalid,
    /// Valid where its joining rule holds (U+200C, U+200D).
    ContextJ,
    /// Valid where its contextual rule holds.
    ContextO,
    /// Not valid.
    Disallowed,
    /// Not assigned in Unicode 15.0.
    Unassigned,
}

/// The IDNA2008 property of `c`
/// ([RFC 5892 §3](https://www.rfc-editor.org/rfc/rfc5892#section-3), Unicode 15.0).
pub fn property(c: char) -> Property {
    tables::idna_property(u32::from(c))
}

/// Why a label (or a domain name) is not a valid IDNA2008 U-label.
///
/// Positions are byte offsets into the string passed to [`check_label`] or
/// [`check_domain`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LabelError {
    /// An empty label (an empty domain, or two dots in a row, or a leading or
    /// trailing dot).
    EmptyLabel {
        /// Byte offset where the empty label is.
        position: usize,
    },
    /// The label is not in Normalization Form C
    /// ([RFC 5891 §5.4](https://www.rfc-editor.org/rfc/rfc5891#section-5.4)).
    NotNfc {
        /// Byte offset of the label.
        position: usize,
    },
    /// The label starts with a combining mark
    /// ([RFC 5891 §4.2.3.2](https://www.rfc-editor.org/rfc/rfc5891#section-4.2.3.2)).
    LeadingCombiningMark {
        /// Byte offset of the mark.
        position: usize,
        /// The mark.
        code_point: char,
    },
    /// The label starts or ends with `-`, or has `--` in its third and fourth
    /// positions ([RFC 5891 §4.2.3.1](https://www.rfc-editor.org/rfc/rfc5891#section-4.2.3.1)).
    Hyphen {
        /// Byte offset of the offending hyphen.
        position: usize,
    },
    /// A DISALLOWED code point.
    Disallowed {
        /// Byte offset of the code point.
        position: usize,
        /// The code point.
        code_point: char,
    },
    /// A code point unassigned in Unicode 15.0.
    Unassigned {
        /// Byte offset of the code point.
        position: usize,
        /// The code point.
        code_point: char,
    },
    /// A CONTEXTJ or CONTEXTO code point whose rule
    /// ([RFC 5892 Appendix A](https://www.rfc-editor.org/rfc/rfc5892#appendix-A)) fails.
    Context {
        /// Byte offset of the code point.
        position: usize,
        /// The code point.
        code_point: char,
        /// The rule that failed.
        rule: ContextRule,
    },
    /// A label of a Bidi domain name breaks the Bidi Rule
    /// ([RFC 5893 §2](https://www.rfc-editor.org/rfc/rfc5893#section-2)).
    BidiRule {
        /// Byte offset of the character that broke it.
        position: usize,
        /// The character.
        code_point: char,
        /// The condition (1 to 6) of RFC 5893 §2 that failed.
        condition: u8,
    },
}

impl fmt::Display for LabelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelError::EmptyLabel { position } => write!(f, "empty label at byte {position}"),
            LabelError::NotNfc { position } => {
                write!(f, "label at byte {position} is not in NFC")
            }
            LabelError::LeadingCombiningMark {
                position,
                code_point,
            } => write!(
                f,
                "label at byte {position} starts with combining mark U+{:04X}",
                u32::from(*code_point)
            ),
            LabelError::Hyphen { position } => {
                write!(f, "misplaced hyphen at byte {position} (RFC 5891 §4.2.3.1)")
            }
            LabelError::Disallowed {
                position,
                code_point,
            } => write!(
                f,
                "IDNA2008-disallowed code point U+{:04X} at byte {position}",
                u32::from(*code_point)
            ),
            LabelError::Unassigned {
                position,
                code_point,
            } => write!(
                f,
                "unassigned code point U+{:04X} at byte {position}",
                u32::from(*code_point)
            ),
            LabelError::Context {
                position,
                code_point,
                rule,
            } => write!(
                f,
                "code point U+{:04X} at byte {position} breaks its context rule ({rule})",
                u32::from(*code_point)
            ),
            LabelError::BidiRule {
                position,
                code_point,
                condition,
            } => write!(
                f,
                "Bidi Rule (RFC 5893) condition {condition} fails at U+{:04X}, byte {position}",
                u32::from(*code_point)
            ),
        }
    }
}

impl core::error::Error for LabelError {}

/// Checks one U-label ([RFC 5891 §5.4](https://www.rfc-editor.org/rfc/rfc5891#section-5.4)):
/// not empty, NFC, no leading combining mark, the hyphen rules of
/// [§4.2.3.1](https://www.rfc-editor.org/rfc/rfc5891#section-4.2.3.1) (so an A-label
/// `xn--...` is rejected: convert it to its U-label first), and every code point
/// PVALID, or CONTEXTJ/CONTEXTO with its rule satisfied. The Bidi Rule depends on
/// the whole domain name: [`check_domain`] applies it.
pub fn check_label(label: &str) -> Result<(), LabelError> {
    check_label_at(label, 0)
}

fn check_label_at(label: &str, base: usize) -> Result<(), LabelError> {
    let Some(first) = label.chars().next() else {
        return Err(LabelError::EmptyLabel { position: base });
    };
    let bytes = label.as_bytes();
    if bytes.first() == Some(&b'-') {
        return Err(LabelError::Hyphen { position: base });
    }
    if bytes.last() == Some(&b'-') {
        return Err(LabelError::Hyphen {
            position: base + label.len() - 1,
        });
    }
    let mut chars = label.char_indices().skip(2);
    if let (Some((i, '-')), Some((_, '-'))) = (chars.next(), chars.next()) {
        return Err(LabelError::Hyphen { position: base + i });
    }
    if label.is_ascii() {
        // LDH fast path: only [a-z0-9-] are PVALID in ASCII.
        return match label
            .char_indices()
            .find(|&(_, c)| !matches!(c, 'a'..='z' | '0'..='9' | '-'))
        {
            Some((i, c)) => Err(LabelError::Disallowed {
                position: base + i,
                code_point: c,
            }),
            None => Ok(()),
        };
    }
    if !unicode_normalization::is_nfc(label) {
        return Err(LabelError::NotNfc { position: base });
    }
    if tables::is_combining_mark(first) {
        return Err(LabelError::LeadingCombiningMark {
            position: base,
            code_point: first,
        });
    }
    for (i, c) in label.char_indices() {
        let position = base + i;
        match property(c) {
            Property::Pvalid => {}
            Property::ContextJ | Property::ContextO => {
                if let Err(rule) = context::check(label, i, c) {
                    return Err(LabelError::Context {
                        position,
                        code_point: c,
                        rule,
                    });
                }
            }
            Property::Unassigned => {
                return Err(LabelError::Unassigned {
                    position,
                    code_point: c,
                });
            }
            Property::Disallowed => {
                return Err(LabelError::Disallowed {
                    position,
                    code_point: c,
                });
            }
        }
    }
    Ok(())
}

/// Checks a domain name of U-labels separated by `.` (U+002E): every label with
/// [`check_label`], and, when the name is a Bidi domain name (some label holds an
/// R, AL or AN character, [RFC 5893 §1.4](https://www.rfc-editor.org/rfc/rfc5893#section-1.4)),
/// the Bidi Rule on every label ([RFC 5893 §2](https://www.rfc-editor.org/rfc/rfc5893#section-2)).
/// No trailing dot: remove it first. Length limits are the caller's business.
pub fn check_domain(domain: &str) -> Result<(), LabelError> {
    let mut base = 0;
    for label in domain.split('.') {
        check_label_at(label, base)?;
        base += label.len() + 1;
    }
    if domain.is_ascii() || !domain.chars().any(bidi::is_rtl) {
        return Ok(());
    }
    let mut base = 0;
    for label in domain.split('.') {
        if let Err(v) = bidi::check(label) {
            return Err(LabelError::BidiRule {
                position: base + v.position,
                code_point: v.code_point,
                condition: v.condition,
            });
        }
        base += label.len() + 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties() {
        assert_eq!(property('a'), Property::Pvalid);
        assert_eq!(property('A'), Property::Disallowed);
        assert_eq!(property('-'), Property::Pvalid);
        assert_eq!(property('_'), Property::Disallowed);
        assert_eq!(property('\u{E9}'), Property::Pvalid);
        assert_eq!(property('\u{DF}'), Property::Pvalid);
        assert_eq!(property('\u{3C2}'), Property::Pvalid);
        assert_eq!(property('\u{200D}'), Property::ContextJ);
        assert_eq!(property('\u{B7}'), Property::ContextO);
        assert_eq!(property('\u{FF21}'), Property::Disallowed);
        assert_eq!(property('\u{378}'), Property::Unassigned);
        assert_eq!(property('\u{20D0}'), Property::Disallowed);
        assert_eq!(property('\u{1100}'), Property::Disallowed);
    }

    #[test]
    fn labels() {
        assert_eq!(check_label("example"), Ok(()));
        assert_eq!(check_label("b\u{FC}cher"), Ok(()));
        assert_eq!(check_label(""), Err(LabelError::EmptyLabel { position: 0 }));
        assert_eq!(check_label("-ab"), Err(LabelError::Hyphen { position: 0 }));
        assert_eq!(check_label("ab-"), Err(LabelError::Hyphen { position: 2 }));
        assert_eq!(
            check_label("xn--abc"),
            Err(LabelError::Hyphen { position: 2 })
        );
        assert_eq!(check_label("a-b-c"), Ok(()));
        assert_eq!(
            check_label("Example"),
            Err(LabelError::Disallowed {
                position: 0,
                code_point: 'E'
            })
        );
        assert_eq!(
            check_label("e\u{301}"),
            Err(LabelError::NotNfc { position: 0 })
        );
        assert_eq!(
            check_label("\u{301}a"),
            Err(LabelError::LeadingCombiningMark {
                position: 0,
                code_point: '\u{301}'
            })
        );
        assert_eq!(check_label("l\u{B7}l"), Ok(()));
        assert_eq!(
            check_label("a\u{B7}\u{E9}"),
            Err(LabelError::Context {
                position: 1,
                code_point: '\u{B7}',
                rule: ContextRule::MiddleDot
            })
        );
    }

    #[test]
    fn domains() {
        assert_eq!(check_domain("example.com"), Ok(()));
        assert_eq!(check_domain("\u{5D0}\u{5D1}.com"), Ok(()));
        assert_eq!(
            check_domain("a..b"),
            Err(LabelError::EmptyLabel { position: 2 })
        );
        assert_eq!(
            check_domain("example.com."),
            Err(LabelError::EmptyLabel { position: 12 })
        );
        assert!(matches!(
            check_domain("\u{5D0}\u{5D1}.1com"),
            Err(LabelError::BidiRule {
                position: 5,
                condition: 1,
                ..
            })
        ));
        assert!(matches!(
            check_domain("\u{5D0}a.com"),
            Err(LabelError::BidiRule { condition: 2, .. })
        ));
        assert_eq!(check_domain("1com.example"), Ok(()));
    }
}
