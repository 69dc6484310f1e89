//! The contextual rules for CONTEXTJ and CONTEXTO code points
//! ([RFC 5892 Appendix A](https://www.rfc-editor.org/rfc/rfc5892#appendix-A)),
//! which PRECIS reuses ([RFC 8264 §9.4, §9.2](https://www.rfc-editor.org/rfc/rfc8264#section-9.4)).

use core::fmt;

use crate::tables::{self, JoiningType};

/// A contextual rule of [RFC 5892 Appendix A](https://www.rfc-editor.org/rfc/rfc5892#appendix-A).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContextRule {
    /// [A.1](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.1) ZERO WIDTH NON-JOINER
    /// (U+200C): after a virama, or between joining characters.
    ZeroWidthNonJoiner,
    /// [A.2](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.2) ZERO WIDTH JOINER
    /// (U+200D): after a virama.
    ZeroWidthJoiner,
    /// [A.3](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.3) MIDDLE DOT (U+00B7):
    /// between two `l` (U+006C).
    MiddleDot,
    /// [A.4](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.4) GREEK LOWER NUMERAL SIGN
    /// (KERAIA, U+0375): followed by a Greek character.
    GreekKeraia,
    /// [A.5](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.5),
    /// [A.6](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.6) HEBREW PUNCTUATION GERESH
    /// and GERSHAYIM (U+05F3, U+05F4): preceded by a Hebrew character.
    HebrewPunctuation,
    /// [A.7](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.7) KATAKANA MIDDLE DOT
    /// (U+30FB): the string also holds a Hiragana, Katakana or Han character.
    KatakanaMiddleDot,
    /// [A.8](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.8) ARABIC-INDIC DIGITS
    /// (U+0660..U+0669): not mixed with Extended Arabic-Indic digits.
    ArabicIndicDigits,
    /// [A.9](https://www.rfc-editor.org/rfc/rfc5892#appendix-A.9) EXTENDED ARABIC-INDIC
    /// DIGITS (U+06F0..U+06F9): not mixed with Arabic-Indic digits.
    ExtendedArabicIndicDigits,
}

impl ContextRule {
    /// The rule that governs `c`, if `c` is a CONTEXTJ or CONTEXTO code point.
    pub const fn for_char(c: char) -> Option<ContextRule> {
        Some(match c {
            '\u{200C}' => ContextRule::ZeroWidthNonJoiner,
            '\u{200D}' => ContextRule::ZeroWidthJoiner,
            '\u{00B7}' => ContextRule::MiddleDot,
            '\u{0375}' => ContextRule::GreekKeraia,
            '\u{05F3}' | '\u{05F4}' => ContextRule::HebrewPunctuation,
            '\u{30FB}' => ContextRule::KatakanaMiddleDot,
            '\u{0660}'..='\u{0669}' => ContextRule::ArabicIndicDigits,
            '\u{06F0}'..='\u{06F9}' => ContextRule::ExtendedArabicIndicDigits,
            _ => return None,
        })
    }

    /// The snake_case name of the rule, as used by the precis-i18n reference
    /// implementation (`"zero_width_nonjoiner"`, `"middle_dot"`, `"arabic_indic"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            ContextRule::ZeroWidthNonJoiner => "zero_width_nonjoiner",
            ContextRule::ZeroWidthJoiner => "zero_width_joiner",
            ContextRule::MiddleDot => "middle_dot",
            ContextRule::GreekKeraia => "greek_keraia",
            ContextRule::HebrewPunctuation => "hebrew_punctuation",
            ContextRule::KatakanaMiddleDot => "katakana_middle_dot",
            ContextRule::ArabicIndicDigits => "arabic_indic",
            ContextRule::ExtendedArabicIndicDigits => "extended_arabic_indic",
        }
    }
}

impl fmt::Display for ContextRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_arabic_indic(c: char) -> bool {
    matches!(c, '\u{0660}'..='\u{0669}')
}

fn is_extended_arabic_indic(c: char) -> bool {
    matches!(c, '\u{06F0}'..='\u{06F9}')
}

/// Checks the contextual rule of the character `c` found at byte offset `pos` of
/// `s`. `Ok(())` when `c` has no rule or its rule holds, `Err(rule)` when it fails.
pub(crate) fn check(s: &str, pos: usize, c: char) -> Result<(), ContextRule> {
    let Some(rule) = ContextRule::for_char(c) else {
        return Ok(());
    };
    let before = s.get(..pos).unwrap_or("");
    let after = s.get(pos + c.len_utf8()..).unwrap_or("");
    let prev = before.chars().next_back();
    let next = after.chars().next();
    let ok = match rule {
        ContextRule::ZeroWidthNonJoiner => {
            prev.is_some_and(tables::is_virama) || joins(before, after)
        }
        ContextRule::ZeroWidthJoiner => prev.is_some_and(tables::is_virama),
        ContextRule::MiddleDot => prev == Some('l') && next == Some('l'),
        ContextRule::GreekKeraia => next.is_some_and(tables::is_greek),
        ContextRule::HebrewPunctuation => prev.is_some_and(tables::is_hebrew),
        ContextRule::KatakanaMiddleDot => s.chars().any(tables::is_hiragana_katakana_han),
        ContextRule::ArabicIndicDigits => !s.chars().any(is_extended_arabic_indic),
        ContextRule::ExtendedArabicIndicDigits => !s.chars().any(is_arabic_indic),
    };
    if ok { Ok(()) } else { Err(rule) }
}

/// `(Joining_Type:{L,D})(Joining_Type:T)*` before and `(Joining_Type:T)*(Joining_Type:{R,D})`
/// after a ZERO WIDTH NON-JOINER.
fn joins(before: &str, after: &str) -> bool {
    let left = before
        .chars()
        .rev()
        .map(tables::joining_type)
        .find(|t| *t != Some(JoiningType::Transparent));
    let right = after
        .chars()
        .map(tables::joining_type)
        .find(|t| *t != Some(JoiningType::Transparent));
    matches!(left, Some(Some(JoiningType::Left | JoiningType::Dual)))
        && matches!(right, Some(Some(JoiningType::Right | JoiningType::Dual)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str, c: char) -> Result<(), ContextRule> {
        let pos = s.find(c).expect("test string holds the character");
        check(s, pos, c)
    }

    #[test]
    fn rules() {
        assert_eq!(at("l\u{B7}l", '\u{B7}'), Ok(()));
        assert_eq!(at("a\u{B7}l", '\u{B7}'), Err(ContextRule::MiddleDot));
        assert_eq!(at("\u{B7}l", '\u{B7}'), Err(ContextRule::MiddleDot));
        assert_eq!(at("\u{375}\u{3B1}", '\u{375}'), Ok(()));
        assert_eq!(at("\u{375}a", '\u{375}'), Err(ContextRule::GreekKeraia));
        assert_eq!(at("\u{5D0}\u{5F3}", '\u{5F3}'), Ok(()));
        assert_eq!(
            at("a\u{5F4}", '\u{5F4}'),
            Err(ContextRule::HebrewPunctuation)
        );
        assert_eq!(at("\u{30FB}\u{3400}", '\u{30FB}'), Ok(()));
        assert_eq!(
            at("\u{30FB}a", '\u{30FB}'),
            Err(ContextRule::KatakanaMiddleDot)
        );
        assert_eq!(at("\u{660}\u{661}", '\u{660}'), Ok(()));
        assert_eq!(
            at("\u{660}\u{6F1}", '\u{660}'),
            Err(ContextRule::ArabicIndicDigits)
        );
        assert_eq!(
            at("\u{6F0}\u{661}", '\u{6F0}'),
            Err(ContextRule::ExtendedArabicIndicDigits)
        );
        // Virama (DEVANAGARI SIGN VIRAMA U+094D) before ZWJ / ZWNJ.
        assert_eq!(at("\u{915}\u{94D}\u{200D}", '\u{200D}'), Ok(()));
        assert_eq!(
            at("a\u{200D}", '\u{200D}'),
            Err(ContextRule::ZeroWidthJoiner)
        );
        assert_eq!(at("\u{915}\u{94D}\u{200C}", '\u{200C}'), Ok(()));
        // BEH (D) ZWNJ BEH (D), with a transparent FATHA in between.
        assert_eq!(at("\u{628}\u{64E}\u{200C}\u{628}", '\u{200C}'), Ok(()));
        assert_eq!(
            at("a\u{200C}b", '\u{200C}'),
            Err(ContextRule::ZeroWidthNonJoiner)
        );
        assert_eq!(
            at("\u{200C}", '\u{200C}'),
            Err(ContextRule::ZeroWidthNonJoiner)
        );
        assert_eq!(at("abc", 'a'), Ok(()));
    }
}
