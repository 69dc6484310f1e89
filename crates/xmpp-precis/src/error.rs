//! Why a string was rejected.

use core::fmt;

use crate::context::ContextRule;
use crate::derived::Category;

/// Why a PRECIS profile or string class rejected a string.
///
/// Positions are **byte offsets into the string the rule examined**: for the
/// behavioural and directionality rules that is the string after the mapping and
/// normalization steps of [RFC 8264 §7](https://www.rfc-editor.org/rfc/rfc8264#section-7)
/// (which equals the input when no mapping applied), so `&checked[position..]`
/// starts with `code_point`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The string is empty after the mapping rules; every profile of
    /// [RFC 8265](https://www.rfc-editor.org/rfc/rfc8265#section-3.3.3) and
    /// [RFC 8266](https://www.rfc-editor.org/rfc/rfc8266#section-2.3) rejects it.
    Empty,
    /// A code point that the string class does not allow
    /// ([RFC 8264 §4.2](https://www.rfc-editor.org/rfc/rfc8264#section-4.2),
    /// [§4.3](https://www.rfc-editor.org/rfc/rfc8264#section-4.3)): DISALLOWED, or
    /// FREE_PVAL in the IdentifierClass. `category` is the rule of
    /// [RFC 8264 §8](https://www.rfc-editor.org/rfc/rfc8264#section-8) that decided it.
    Disallowed {
        /// Byte offset of the code point.
        position: usize,
        /// The code point.
        code_point: char,
        /// The category that made it disallowed.
        category: Category,
    },
    /// A code point not assigned in Unicode 15.0
    /// ([RFC 8264 §9.6](https://www.rfc-editor.org/rfc/rfc8264#section-9.6)).
    Unassigned {
        /// Byte offset of the code point.
        position: usize,
        /// The code point.
        code_point: char,
    },
    /// A CONTEXTJ or CONTEXTO code point whose contextual rule
    /// ([RFC 5892 Appendix A](https://www.rfc-editor.org/rfc/rfc5892#appendix-A)) fails.
    Context {
        /// Byte offset of the code point.
        position: usize,
        /// The code point.
        code_point: char,
        /// The rule that failed.
        rule: ContextRule,
    },
    /// The string breaks the Bidi Rule
    /// ([RFC 5893 §2](https://www.rfc-editor.org/rfc/rfc5893#section-2)), which the
    /// Username profiles apply ([RFC 8265 §3.3.1](https://www.rfc-editor.org/rfc/rfc8265#section-3.3.1)).
    BidiRule {
        /// Byte offset of the character that broke it.
        position: usize,
        /// The character.
        code_point: char,
        /// The condition (1 to 6) of RFC 5893 §2 that failed.
        condition: u8,
    },
    /// The rules did not reach a stable result after being applied four times
    /// ([RFC 8266 §2.1](https://www.rfc-editor.org/rfc/rfc8266#section-2.1)). No
    /// Unicode 15.0 string is known to do this.
    Unstable,
}

impl Error {
    /// The short reason name that the precis-i18n reference implementation puts
    /// after `DISALLOWED/` in its errors: `"empty"`, `"bidi_rule"`, `"unassigned"`,
    /// the [`Category::as_str`] of a disallowed code point (`"controls"`,
    /// `"has_compat"`, ...), the [`ContextRule::as_str`] of a failed context rule
    /// (`"middle_dot"`, ...), or `"not_idempotent"` for [`Error::Unstable`].
    pub fn reason(&self) -> &'static str {
        match self {
            Error::Empty => "empty",
            Error::Disallowed { category, .. } => category.as_str(),
            Error::Unassigned { .. } => "unassigned",
            Error::Context { rule, .. } => rule.as_str(),
            Error::BidiRule { .. } => "bidi_rule",
            Error::Unstable => "not_idempotent",
        }
    }

    /// The byte offset of the offending code point, when one code point is to blame.
    pub fn position(&self) -> Option<usize> {
        match self {
            Error::Disallowed { position, .. }
            | Error::Unassigned { position, .. }
            | Error::Context { position, .. }
            | Error::BidiRule { position, .. } => Some(*position),
            Error::Empty | Error::Unstable => None,
        }
    }

    /// The offending code point, when one code point is to blame.
    pub fn code_point(&self) -> Option<char> {
        match self {
            Error::Disallowed { code_point, .. }
            | Error::Unassigned { code_point, .. }
            | Error::Context { code_point, .. }
            | Error::BidiRule { code_point, .. } => Some(*code_point),
            Error::Empty | Error::Unstable => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty => f.write_str("empty string"),
            Error::Disallowed {
                position,
                code_point,
                category,
            } => write!(
                f,
                "disallowed code point U+{:04X} at byte {position} ({category})",
                u32::from(*code_point)
            ),
            Error::Unassigned {
                position,
                code_point,
            } => write!(
                f,
                "unassigned code point U+{:04X} at byte {position}",
                u32::from(*code_point)
            ),
            Error::Context {
                position,
                code_point,
                rule,
            } => write!(
                f,
                "code point U+{:04X} at byte {position} breaks its context rule ({rule})",
                u32::from(*code_point)
            ),
            Error::BidiRule {
                position,
                code_point,
                condition,
            } => write!(
                f,
                "Bidi Rule (RFC 5893) condition {condition} fails at U+{:04X}, byte {position}",
                u32::from(*code_point)
            ),
            Error::Unstable => f.write_str("string does not stabilize under the profile's rules"),
        }
    }
}

impl core::error::Error for Error {}
