//! The PRECIS string classes and their behavioural rules
//! ([RFC 8264 §4](https://www.rfc-editor.org/rfc/rfc8264#section-4)).

use crate::context;
use crate::derived::{Category, DerivedProperty, derived_property_reason};
use crate::error::Error;

/// A PRECIS string class ([RFC 8264 §4](https://www.rfc-editor.org/rfc/rfc8264#section-4)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StringClass {
    /// The IdentifierClass ([RFC 8264 §4.2](https://www.rfc-editor.org/rfc/rfc8264#section-4.2)):
    /// PVALID code points, plus CONTEXTJ/CONTEXTO ones whose rule holds.
    Identifier,
    /// The FreeformClass ([RFC 8264 §4.3](https://www.rfc-editor.org/rfc/rfc8264#section-4.3)):
    /// also the FREE_PVAL code points (spaces, symbols, punctuation, compatibility
    /// characters, ...).
    Freeform,
}

impl StringClass {
    /// Whether code points with property `p` are valid in this class without a
    /// contextual rule.
    pub const fn allows(self, p: DerivedProperty) -> bool {
        match p {
            DerivedProperty::Pvalid => true,
            DerivedProperty::FreePval => matches!(self, StringClass::Freeform),
            _ => false,
        }
    }

    /// The name the precis-i18n reference uses: `"IdentifierClass"` or `"FreeFormClass"`.
    pub const fn name(self) -> &'static str {
        match self {
            StringClass::Identifier => "IdentifierClass",
            StringClass::Freeform => "FreeFormClass",
        }
    }

    /// Applies the behavioural rules of the class to `s` as it is (no mapping, no
    /// normalization; an empty string passes): every code point must be valid in
    /// the class, and every CONTEXTJ/CONTEXTO code point must satisfy its rule
    /// ([RFC 5892 Appendix A](https://www.rfc-editor.org/rfc/rfc5892#appendix-A)).
    /// Returns `s` unchanged, or the first offending code point (positions are
    /// byte offsets into `s`).
    pub fn enforce(self, s: &str) -> Result<&str, Error> {
        // Fast path: printable ASCII is PVALID (U+0021..U+007E); U+0020 is FREE_PVAL.
        let lowest = match self {
            StringClass::Identifier => 0x21,
            StringClass::Freeform => 0x20,
        };
        if s.bytes().all(|b| (lowest..=0x7E).contains(&b)) {
            return Ok(s);
        }
        for (position, code_point) in s.char_indices() {
            let (property, category) = if code_point.is_ascii() {
                ascii_property(code_point)
            } else {
                derived_property_reason(code_point)
            };
            if self.allows(property) {
                continue;
            }
            match property {
                DerivedProperty::ContextJ | DerivedProperty::ContextO => {
                    if let Err(rule) = context::check(s, position, code_point) {
                        return Err(Error::Context {
                            position,
                            code_point,
                            rule,
                        });
                    }
                }
                DerivedProperty::Unassigned => {
                    return Err(Error::Unassigned {
                        position,
                        code_point,
                    });
                }
                _ => {
                    return Err(Error::Disallowed {
                        position,
                        code_point,
                        category,
                    });
                }
            }
        }
        Ok(s)
    }
}

/// The derived property of an ASCII character without a table lookup
/// ([RFC 8264 §9.7](https://www.rfc-editor.org/rfc/rfc8264#section-9.7) ASCII7,
/// §9.10 Spaces, §9.8 Controls).
fn ascii_property(c: char) -> (DerivedProperty, Category) {
    match c {
        '!'..='~' => (DerivedProperty::Pvalid, Category::Ascii7),
        ' ' => (DerivedProperty::FreePval, Category::Spaces),
        _ => (DerivedProperty::Disallowed, Category::Controls),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::ContextRule;

    #[test]
    fn ascii_shortcut_matches_table() {
        for c in '\0'..='\u{7F}' {
            assert_eq!(ascii_property(c), derived_property_reason(c), "{c:?}");
        }
    }

    #[test]
    fn classes() {
        assert_eq!(StringClass::Identifier.enforce(""), Ok(""));
        assert_eq!(StringClass::Identifier.enforce("juliet"), Ok("juliet"));
        assert_eq!(
            StringClass::Identifier.enforce("a b"),
            Err(Error::Disallowed {
                position: 1,
                code_point: ' ',
                category: Category::Spaces
            })
        );
        assert_eq!(StringClass::Freeform.enforce("a b"), Ok("a b"));
        assert_eq!(
            StringClass::Freeform.enforce("a\tb"),
            Err(Error::Disallowed {
                position: 1,
                code_point: '\t',
                category: Category::Controls
            })
        );
        assert_eq!(StringClass::Identifier.enforce("l\u{B7}l"), Ok("l\u{B7}l"));
        assert_eq!(
            StringClass::Freeform.enforce("\u{E9}\u{B7}"),
            Err(Error::Context {
                position: 2,
                code_point: '\u{B7}',
                rule: ContextRule::MiddleDot
            })
        );
        assert_eq!(
            StringClass::Freeform.enforce("\u{378}"),
            Err(Error::Unassigned {
                position: 0,
                code_point: '\u{378}'
            })
        );
    }
}
