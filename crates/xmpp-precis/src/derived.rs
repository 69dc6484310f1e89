//! The PRECIS derived property ([RFC 8264 §8]) and the categories it is computed
//! from ([RFC 8264 §9]), over Unicode 15.0.
//!
//! [RFC 8264 §8]: https://www.rfc-editor.org/rfc/rfc8264#section-8
//! [RFC 8264 §9]: https://www.rfc-editor.org/rfc/rfc8264#section-9

use core::fmt;

use crate::tables;

/// The value of the PRECIS derived property of a code point
/// ([RFC 8264 §8](https://www.rfc-editor.org/rfc/rfc8264#section-8)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DerivedProperty {
    /// Valid in both string classes.
    Pvalid,
    /// `ID_DIS` / `FREE_PVAL`: disallowed in the IdentifierClass, valid in the
    /// FreeformClass.
    FreePval,
    /// Valid only where its joining-control rule holds
    /// ([RFC 5892 Appendix A.1-A.2](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.1)).
    ContextJ,
    /// Valid only where its contextual rule holds
    /// ([RFC 5892 Appendix A.3-A.9](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.3)).
    ContextO,
    /// Never valid.
    Disallowed,
    /// Not assigned in Unicode 15.0 (so not valid).
    Unassigned,
}

impl DerivedProperty {
    /// The name the RFC uses: `PVALID`, `FREE_PVAL`, `CONTEXTJ`, `CONTEXTO`,
    /// `DISALLOWED`, `UNASSIGNED`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DerivedProperty::Pvalid => "PVALID",
            DerivedProperty::FreePval => "FREE_PVAL",
            DerivedProperty::ContextJ => "CONTEXTJ",
            DerivedProperty::ContextO => "CONTEXTO",
            DerivedProperty::Disallowed => "DISALLOWED",
            DerivedProperty::Unassigned => "UNASSIGNED",
        }
    }
}

impl fmt::Display for DerivedProperty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule of the [RFC 8264 §8](https://www.rfc-editor.org/rfc/rfc8264#section-8)
/// algorithm that decided a code point's derived property (the first one of the
/// list that matches).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// [§9.2](https://www.rfc-editor.org/rfc/rfc8264#section-9.2) Exceptions (RFC 5892 §2.6).
    Exceptions,
    /// [§9.3](https://www.rfc-editor.org/rfc/rfc8264#section-9.3) BackwardCompatible (empty).
    BackwardCompatible,
    /// [§9.6](https://www.rfc-editor.org/rfc/rfc8264#section-9.6) Unassigned.
    Unassigned,
    /// [§9.7](https://www.rfc-editor.org/rfc/rfc8264#section-9.7) ASCII7 (U+0021..U+007E).
    Ascii7,
    /// [§9.4](https://www.rfc-editor.org/rfc/rfc8264#section-9.4) JoinControl (U+200C, U+200D).
    JoinControl,
    /// [§9.5](https://www.rfc-editor.org/rfc/rfc8264#section-9.5) OldHangulJamo.
    OldHangulJamo,
    /// [§9.9](https://www.rfc-editor.org/rfc/rfc8264#section-9.9) PrecisIgnorableProperties
    /// (Default_Ignorable_Code_Point or Noncharacter_Code_Point).
    PrecisIgnorableProperties,
    /// [§9.8](https://www.rfc-editor.org/rfc/rfc8264#section-9.8) Controls (Cc).
    Controls,
    /// [§9.13](https://www.rfc-editor.org/rfc/rfc8264#section-9.13) HasCompat
    /// (`toNFKC(cp) != cp`).
    HasCompat,
    /// [§9.1](https://www.rfc-editor.org/rfc/rfc8264#section-9.1) LetterDigits.
    LetterDigits,
    /// [§9.14](https://www.rfc-editor.org/rfc/rfc8264#section-9.14) OtherLetterDigits.
    OtherLetterDigits,
    /// [§9.10](https://www.rfc-editor.org/rfc/rfc8264#section-9.10) Spaces (Zs).
    Spaces,
    /// [§9.11](https://www.rfc-editor.org/rfc/rfc8264#section-9.11) Symbols.
    Symbols,
    /// [§9.12](https://www.rfc-editor.org/rfc/rfc8264#section-9.12) Punctuation.
    Punctuation,
    /// None of the above (format characters, surrogates, private use, ...).
    Other,
}

impl Category {
    /// The snake_case name of the category, as used by the precis-i18n reference
    /// implementation in its `DISALLOWED/<reason>` messages (`"has_compat"`,
    /// `"precis_ignorable_properties"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Exceptions => "exceptions",
            Category::BackwardCompatible => "backward_compatible",
            Category::Unassigned => "unassigned",
            Category::Ascii7 => "ascii7",
            Category::JoinControl => "join_control",
            Category::OldHangulJamo => "old_hangul_jamo",
            Category::PrecisIgnorableProperties => "precis_ignorable_properties",
            Category::Controls => "controls",
            Category::HasCompat => "has_compat",
            Category::LetterDigits => "letter_digits",
            Category::OtherLetterDigits => "other_letter_digits",
            Category::Spaces => "spaces",
            Category::Symbols => "symbols",
            Category::Punctuation => "punctuation",
            Category::Other => "other",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The property RFC 5892 §2.6 assigns to an exception code point.
fn exception(cp: u32) -> DerivedProperty {
    match cp {
        0x00DF | 0x03C2 | 0x06FD | 0x06FE | 0x0F0B | 0x3007 => DerivedProperty::Pvalid,
        0x00B7 | 0x0375 | 0x05F3 | 0x05F4 | 0x30FB | 0x0660..=0x0669 | 0x06F0..=0x06F9 => {
            DerivedProperty::ContextO
        }
        _ => DerivedProperty::Disallowed,
    }
}

/// The derived property of `c` and the rule that decided it
/// ([RFC 8264 §8](https://www.rfc-editor.org/rfc/rfc8264#section-8)).
pub fn derived_property_reason(c: char) -> (DerivedProperty, Category) {
    derived_property_of(u32::from(c))
}

/// Like [`derived_property_reason`] for any code point, including the surrogates
/// (U+D800..U+DFFF, which a `char` cannot hold: they are
/// [`DerivedProperty::Disallowed`] by [`Category::Other`]). `None` above U+10FFFF.
pub fn code_point_property_reason(cp: u32) -> Option<(DerivedProperty, Category)> {
    (cp <= 0x10_FFFF).then(|| derived_property_of(cp))
}

fn derived_property_of(cp: u32) -> (DerivedProperty, Category) {
    let category = tables::precis_category(cp);
    let property = match category {
        Category::Exceptions => exception(cp),
        Category::Unassigned => DerivedProperty::Unassigned,
        Category::Ascii7 | Category::LetterDigits => DerivedProperty::Pvalid,
        Category::JoinControl => DerivedProperty::ContextJ,
        Category::HasCompat
        | Category::OtherLetterDigits
        | Category::Spaces
        | Category::Symbols
        | Category::Punctuation => DerivedProperty::FreePval,
        Category::BackwardCompatible
        | Category::OldHangulJamo
        | Category::PrecisIgnorableProperties
        | Category::Controls
        | Category::Other => DerivedProperty::Disallowed,
    };
    (property, category)
}

/// The derived property of `c`
/// ([RFC 8264 §8](https://www.rfc-editor.org/rfc/rfc8264#section-8), Unicode 15.0).
pub fn derived_property(c: char) -> DerivedProperty {
    derived_property_reason(c).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples() {
        assert_eq!(
            derived_property_reason('a'),
            (DerivedProperty::Pvalid, Category::Ascii7)
        );
        assert_eq!(
            derived_property_reason(' '),
            (DerivedProperty::FreePval, Category::Spaces)
        );
        assert_eq!(
            derived_property_reason('\u{0}'),
            (DerivedProperty::Disallowed, Category::Controls)
        );
        assert_eq!(
            derived_property_reason('\u{FF21}'),
            (DerivedProperty::FreePval, Category::HasCompat)
        );
        assert_eq!(
            derived_property_reason('\u{00E9}'),
            (DerivedProperty::Pvalid, Category::LetterDigits)
        );
        assert_eq!(derived_property('\u{200C}'), DerivedProperty::ContextJ);
        assert_eq!(derived_property('\u{00B7}'), DerivedProperty::ContextO);
        assert_eq!(derived_property('\u{0660}'), DerivedProperty::ContextO);
        assert_eq!(derived_property('\u{00DF}'), DerivedProperty::Pvalid);
        assert_eq!(derived_property('\u{0640}'), DerivedProperty::Disallowed);
        assert_eq!(derived_property('\u{1100}'), DerivedProperty::Disallowed);
        assert_eq!(derived_property('\u{FFFE}'), DerivedProperty::Disallowed);
        assert_eq!(derived_property('\u{E01F0}'), DerivedProperty::Unassigned);
        assert_eq!(derived_property('\u{0378}'), DerivedProperty::Unassigned);
        assert_eq!(derived_property('\u{2163}'), DerivedProperty::FreePval);
        assert_eq!(derived_property('\u{265A}'), DerivedProperty::FreePval);
        assert_eq!(
            code_point_property_reason(0xD800),
            Some((DerivedProperty::Disallowed, Category::Other))
        );
        assert_eq!(code_point_property_reason(0x11_0000), None);
    }
}
